"""Plan health: seed 002's reasons plans fail, as checks with a status, an explanation that names
the elements concerned, and where to fix them."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from engagements.models import Engagement, Membership
from planning.health import FAIL, NOT_YET, PASS, WARN, health_checks, health_summary
from planning.models import Plan
from tests.factories import (
    ActionStepFactory,
    ActivityFactory,
    CardFactory,
    CommentFactory,
    EngagementFactory,
    FeedbackFactory,
    GoalFactory,
    MeasureFactory,
    MembershipFactory,
    ParticipantFactory,
    PhaseFactory,
    PlanFactory,
    PlanVersionFactory,
    RetreatFactory,
    ReviewFactory,
    StakeholderGroupFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db

KEYS = [
    "too_many_goals",
    "too_many_strategies",
    "duplicate_goals",
    "goals_without_measure",
    "strategies_without_action_steps",
    "action_steps_without_owner_or_due_date",
    "measures_without_baseline",
    "no_resources",
    "unrepresentative_team",
    "no_stakeholder_feedback",
    "no_recent_progress",
]


def check(plan, key):
    """The one check with this key, computed afresh."""
    return next(c for c in health_checks(plan) if c.key == key)


@pytest.fixture
def plan():
    return PlanFactory()


def goals(plan, *titles):
    return [GoalFactory(plan=plan, title=title) for title in titles]


def step(strategy, description="Hire two reading tutors", **fields):
    """An action step with an owner and a due date unless told otherwise."""
    fields.setdefault("owner", MembershipFactory(engagement=strategy.goal.plan.engagement))
    fields.setdefault("due_date", date(2027, 6, 30))
    return ActionStepFactory(strategy=strategy, description=description, **fields)


# --- the whole list -------------------------------------------------------------------------------


def test_every_check_comes_once_in_a_fixed_order_with_its_reason(plan):
    checks = health_checks(plan)
    assert [c.key for c in checks] == KEYS
    by_key = {c.key: c for c in checks}
    assert by_key["too_many_goals"].reason_failed == (
        "Too many goals and strategies / overly complex"
    )
    assert by_key["unrepresentative_team"].reason_failed == "A non-representative planning group"
    assert all(
        c.status in (PASS, WARN, FAIL, NOT_YET) and c.title and c.explanation for c in checks
    )


def test_the_summary_counts_each_status(plan):
    # An empty plan: no goals, no action steps and no roster warn; no stakeholder input fails;
    # the rest have nothing to judge yet, and say so rather than pass.
    assert health_summary(health_checks(plan)) == {PASS: 0, WARN: 3, FAIL: 1, NOT_YET: 7}


def test_an_empty_plan_passes_nothing_it_cannot_judge(plan):
    """A plan with no strategies does not "pass" "every strategy has action steps"."""
    checks = {c.key: c for c in health_checks(plan)}
    for key, explanation in [
        ("too_many_strategies", "No strategies yet."),
        ("duplicate_goals", "No goals yet."),
        ("goals_without_measure", "No goals yet."),
        ("strategies_without_action_steps", "No strategies yet."),
        ("action_steps_without_owner_or_due_date", "No action steps yet."),
        ("measures_without_baseline", "No measures yet."),
        ("no_recent_progress", "Applies once the plan is live."),
    ]:
        assert (checks[key].status, checks[key].explanation) == (NOT_YET, explanation), key
        assert checks[key].fix_anchor is None and checks[key].fix_page is None


# --- 1. too many goals ----------------------------------------------------------------------------


def test_goals_within_the_limit_pass_and_are_named(plan):
    goals(plan, "Academic success", "Safe schools", "Family partnership", "Staff", "Budget")
    result = check(plan, "too_many_goals")
    assert result.status == PASS
    assert result.title == "No more than 5 goals"
    assert "5 goals: “Academic success”, “Safe schools”, “Family partnership” and 2 more" in (
        result.explanation
    )
    assert result.fix_anchor is None


@pytest.mark.parametrize(("count", "status"), [(6, WARN), (7, WARN), (8, FAIL), (12, FAIL)])
def test_goals_over_the_limit_warn_and_half_again_over_it_fail(plan, count, status):
    for number in range(count):
        GoalFactory(plan=plan, title=f"Goal number {number}")
    result = check(plan, "too_many_goals")
    assert result.status == status
    assert f"{count} goals" in result.explanation
    assert f"{count - 5} more than the 5 suggested" in result.explanation
    assert "“Goal number 0”" in result.explanation
    assert result.fix_anchor == "goals"


def test_no_goals_at_all_warns(plan):
    result = check(plan, "too_many_goals")
    assert (result.status, result.explanation, result.fix_anchor) == (
        WARN,
        "No goals yet.",
        "goals",
    )


def test_the_goal_limit_is_the_plans_own(plan):
    goals(plan, "One", "Two", "Three", "Four")
    assert check(plan, "too_many_goals").status == PASS
    plan.max_goals = 3
    plan.save()
    result = check(plan, "too_many_goals")
    assert result.status == WARN  # 4 > 3, not over 4 (3 × 1.5 rounded down)
    assert result.title == "No more than 3 goals"
    GoalFactory(plan=plan, title="Five")
    assert check(plan, "too_many_goals").status == FAIL


def test_titles_and_explanations_use_the_engagements_words(plan):
    plan.engagement.terminology = {
        "goal": "Priority",
        "goals": "Priorities",
        "strategies": "Initiatives",
    }
    plan.engagement.save()
    (goal,) = goals(plan, "Academic success")
    MeasureFactory(goal=goal, target=None)
    GoalFactory(plan=plan, title="Safe schools")
    MeasureFactory(goal=GoalFactory(plan=plan, title="Measured"), target=90)
    checks = {c.key: c for c in health_checks(plan)}
    assert checks["too_many_goals"].title == "No more than 5 priorities"
    assert checks["too_many_goals"].explanation.startswith("3 priorities:")
    assert (
        checks["too_many_strategies"].title == "No more than 6 initiatives per priority, 15 in all"
    )
    assert "Priority “Academic success” has no specific outcome" in (
        checks["goals_without_measure"].explanation
    )
    assert not any("goal" in c.title.lower() for c in checks.values())


# --- 2. too many strategies -----------------------------------------------------------------------


def test_strategies_within_the_limit_pass(plan):
    (goal,) = goals(plan, "Academic success")
    StrategyFactory.create_batch(6, goal=goal)
    result = check(plan, "too_many_strategies")
    assert result.status == PASS
    assert result.title == "No more than 6 strategies per goal, 15 in all"
    assert result.explanation == "Every goal has at most 6 strategies. 6 strategies in all."


def test_a_goal_over_the_strategy_limit_warns_naming_it(plan):
    calm, busy = goals(plan, "Safe schools", "Academic success")
    StrategyFactory.create_batch(2, goal=calm)
    StrategyFactory.create_batch(7, goal=busy)
    result = check(plan, "too_many_strategies")
    assert result.status == WARN
    assert "“Academic success” has 7" in result.explanation
    assert "Safe schools" not in result.explanation
    assert result.fix_anchor == f"goal-{busy.pk}"


def test_a_goal_half_again_over_the_strategy_limit_fails(plan):
    fine, over, far_over = goals(plan, "Safe schools", "Academic success", "Family partnership")
    StrategyFactory.create_batch(3, goal=fine)
    StrategyFactory.create_batch(8, goal=over)
    StrategyFactory.create_batch(10, goal=far_over)  # over 9 (6 × 1.5)
    result = check(plan, "too_many_strategies")
    assert result.status == FAIL
    assert "“Academic success” has 8 and “Family partnership” has 10" in result.explanation
    assert result.fix_anchor == f"goal-{over.pk}"  # the first offending goal in plan order


def test_the_plans_total_of_strategies_is_judged_too(plan):
    """A real plan: 8 goals with 26 strategies, none over 4 per goal; the whole is too much."""
    for number, count in enumerate((4, 3, 3, 4, 3, 3, 3, 3), start=1):
        StrategyFactory.create_batch(count, goal=GoalFactory(plan=plan, title=f"Goal {number}"))
    result = check(plan, "too_many_strategies")
    assert result.title == "No more than 6 strategies per goal, 15 in all"
    assert result.status == FAIL  # over 22 (15 × 1.5)
    assert "26 strategies in all, 11 more than the 15 suggested for the whole plan" in (
        result.explanation
    )
    assert "Every goal has at most 6 strategies." in result.explanation
    assert result.fix_anchor == "goals"


@pytest.mark.parametrize(("total", "status"), [(15, PASS), (16, WARN), (22, WARN), (23, FAIL)])
def test_strategies_in_all_warn_over_the_total_and_fail_half_again_over_it(plan, total, status):
    for number in range(5):  # at most 5 a goal: within the per-goal limit of 6
        share = total // 5 + (1 if number < total % 5 else 0)
        StrategyFactory.create_batch(share, goal=GoalFactory(plan=plan, title=f"Goal {number}"))
    assert check(plan, "too_many_strategies").status == status


def test_the_strategy_limit_is_the_plans_own(plan):
    (goal,) = goals(plan, "Academic success")
    StrategyFactory.create_batch(3, goal=goal)
    assert check(plan, "too_many_strategies").status == PASS
    plan.max_strategies_per_goal = 2
    plan.save()
    result = check(plan, "too_many_strategies")
    assert (result.status, result.title) == (WARN, "No more than 2 strategies per goal, 5 in all")


# --- 2b. the same goal twice ----------------------------------------------------------------------


def test_goals_with_their_own_titles_pass(plan):
    goals(plan, "Academic success", "Safe schools")
    result = check(plan, "duplicate_goals")
    assert (result.status, result.title) == (PASS, "Every goal has its own title")


def test_two_goals_with_the_same_title_warn_naming_them(plan):
    first, _, again, _, third = goals(
        plan,
        "Réussite scolaire pour tous",
        "Safe schools",
        "réussite  scolaire pour tous ",  # case and spaces do not make it another goal
        "Family partnership",
        "Réussite scolaire pour tous",
    )
    result = check(plan, "duplicate_goals")
    assert result.status == WARN
    assert result.explanation == (
        "“Réussite scolaire pour tous” appears 3 times (goals 1, 3 and 5). Merge them, or say "
        "in each title what sets it apart."
    )
    assert result.fix_anchor == f"goal-{again.pk}"
    assert result.reason_failed == "Too many goals and strategies / overly complex"


# --- 3. goals without a measure -------------------------------------------------------------------


def test_goals_with_a_measure_with_a_target_pass(plan):
    for goal in goals(plan, "Academic success", "Safe schools"):
        MeasureFactory(goal=goal, target=90)
    result = check(plan, "goals_without_measure")
    assert result.status == PASS
    assert result.fix_anchor is None


def test_some_goals_without_a_measure_with_a_target_warn_naming_them(plan):
    measured, untargeted, bare = goals(plan, "Safe schools", "Academic success", "Budget")
    MeasureFactory(goal=measured, target=0)  # zero is a target
    MeasureFactory(goal=untargeted, target=None)
    MeasureFactory(goal=None, strategy=StrategyFactory(goal=bare), target=50)  # not on the goal
    result = check(plan, "goals_without_measure")
    assert result.status == WARN
    assert "2 of 3 goals have no measure with a target value: “Academic success” and “Budget”." in (
        result.explanation
    )
    assert result.fix_anchor == f"goal-{untargeted.pk}"


def test_the_warning_names_goals_with_empty_smart_fields(plan):
    owner = MembershipFactory(engagement=plan.engagement)
    smart = {
        "specific_outcome": "All third graders read at grade level",
        "measured_by": "State reading assessment",
        "target": "90%",
        "owner": owner,
    }
    dated = GoalFactory(plan=plan, title="Safe schools", target_date=date(2030, 6, 1), **smart)
    undated = GoalFactory(plan=plan, title="Academic success", **smart)
    MeasureFactory(goal=undated, target=90)
    result = check(plan, "goals_without_measure")
    # Every SMART field filled is no substitute for a measure.
    assert result.status == WARN
    assert "1 of 2 goals has no measure with a target value: “Safe schools”." in result.explanation
    assert "Goal “Academic success” has no target date." in result.explanation
    assert result.fix_anchor == f"goal-{dated.pk}"


def test_no_goal_with_a_measure_with_a_target_fails(plan):
    first, _ = goals(plan, "Academic success", "Safe schools")
    result = check(plan, "goals_without_measure")
    assert result.status == FAIL
    assert "“Academic success” and “Safe schools”" in result.explanation
    assert result.fix_anchor == f"goal-{first.pk}"


def test_many_goals_are_named_three_then_counted(plan):
    goals(plan, "A1", "A2", "A3", "A4", "A5")
    MeasureFactory(goal=GoalFactory(plan=plan, title="Measured"), target=90)
    explanation = check(plan, "goals_without_measure").explanation
    assert "5 of 6 goals have no measure with a target value: “A1”, “A2”, “A3” and 2 more." in (
        explanation
    )
    assert "Goal “A3” has no specific outcome" in explanation
    assert "3 more goals have SMART fields left empty." in explanation
    assert "A4" not in explanation


# --- 4. strategies without action steps -----------------------------------------------------------


def test_strategies_with_action_steps_pass(plan):
    (goal,) = goals(plan, "Academic success")
    step(StrategyFactory(goal=goal, title="Tutoring"))
    result = check(plan, "strategies_without_action_steps")
    assert result.status == PASS
    assert result.title == "Every strategy has action steps"


def test_no_strategies_yet_is_not_yet_applicable(plan):
    goals(plan, "Academic success")
    result = check(plan, "strategies_without_action_steps")
    assert (result.status, result.explanation) == (NOT_YET, "No strategies yet.")


def test_some_strategies_without_action_steps_warn_naming_them(plan):
    (goal,) = goals(plan, "Academic success")
    step(StrategyFactory(goal=goal, title="Tutoring"))
    idle = StrategyFactory(goal=goal, title="Summer school")
    result = check(plan, "strategies_without_action_steps")
    assert result.status == WARN
    assert "1 of 2 strategies has no action steps: “Summer school”." in result.explanation
    assert "Tutoring" not in result.explanation
    assert result.fix_anchor == f"strategy-{idle.pk}"


def test_no_strategy_with_action_steps_fails(plan):
    (goal,) = goals(plan, "Academic success")
    first = StrategyFactory(goal=goal, title="Tutoring")
    StrategyFactory(goal=goal, title="Summer school")
    result = check(plan, "strategies_without_action_steps")
    assert result.status == FAIL
    assert "“Tutoring” and “Summer school”" in result.explanation
    assert result.fix_anchor == f"strategy-{first.pk}"


# --- 5. action steps without owner or due date ----------------------------------------------------


@pytest.fixture
def strategy(plan):
    return StrategyFactory(goal=GoalFactory(plan=plan, title="Academic success"), title="Tutoring")


def test_action_steps_with_owner_and_due_date_pass(strategy):
    step(strategy)
    step(strategy, "Buy books")
    result = check(strategy.goal.plan, "action_steps_without_owner_or_due_date")
    assert result.status == PASS


def test_some_action_steps_without_owner_or_due_date_warn(strategy):
    step(strategy, "Buy books")
    no_owner = step(strategy, "Hire tutors", owner=None)
    step(strategy, "Train staff", due_date=None)
    step(strategy, "Tell parents")
    result = check(strategy.goal.plan, "action_steps_without_owner_or_due_date")
    assert result.status == WARN  # exactly half is not more than half
    assert "2 of 4 action steps lack an owner or a due date" in result.explanation
    assert "“Hire tutors” (no owner) and “Train staff” (no due date)" in result.explanation
    assert "Buy books" not in result.explanation
    assert result.fix_anchor == f"action-{no_owner.pk}"


def test_more_than_half_without_owner_or_due_date_fails(strategy):
    step(strategy, "Buy books")
    neither = step(strategy, "Hire tutors", owner=None, due_date=None)
    step(strategy, "Train staff", due_date=None)
    result = check(strategy.goal.plan, "action_steps_without_owner_or_due_date")
    assert result.status == FAIL
    assert "“Hire tutors” (neither)" in result.explanation
    assert result.fix_anchor == f"action-{neither.pk}"


# --- 6. measures without baseline -----------------------------------------------------------------


def test_measures_with_a_baseline_pass(strategy):
    MeasureFactory(goal=strategy.goal, baseline=62, target=90)
    MeasureFactory(goal=None, strategy=strategy, baseline=0)
    result = check(strategy.goal.plan, "measures_without_baseline")
    assert result.status == PASS
    assert result.reason_failed == "Focused on insufficient data and information"


def test_some_measures_without_a_baseline_warn_naming_them(strategy):
    MeasureFactory(goal=strategy.goal, indicator="Reading proficiency", baseline=62)
    missing = MeasureFactory(goal=None, strategy=strategy, indicator="Tutoring hours")
    result = check(strategy.goal.plan, "measures_without_baseline")
    assert result.status == WARN
    assert "1 of 2 measures has no baseline: “Tutoring hours”." in result.explanation
    assert result.fix_anchor == f"measure-{missing.pk}"


def test_no_measure_with_a_baseline_fails(strategy):
    first = MeasureFactory(goal=strategy.goal, indicator="Reading proficiency")
    MeasureFactory(goal=None, strategy=strategy, indicator="Tutoring hours")
    result = check(strategy.goal.plan, "measures_without_baseline")
    assert result.status == FAIL
    assert "“Reading proficiency” and “Tutoring hours”" in result.explanation
    assert result.fix_anchor == f"measure-{first.pk}"


# --- 7. resources ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resources",
    [
        {"resources_people": "Two tutors"},
        {"resources_time": "2 hours a week"},
        {"resources_money": 500},
    ],
)
def test_people_time_or_money_on_some_action_step_passes(strategy, resources):
    step(strategy, "Buy books")
    step(strategy, "Hire tutors", **resources)
    result = check(strategy.goal.plan, "no_resources")
    assert result.status == PASS
    assert result.explanation == "1 of 2 action steps has people, time or money planned."


def test_no_resources_on_any_action_step_fails(strategy):
    first = step(strategy, "Buy books")
    step(strategy, "Hire tutors")
    result = check(strategy.goal.plan, "no_resources")
    assert result.status == FAIL
    assert "None of the 2 action steps has people, time or money planned: “Buy books” and " in (
        result.explanation
    )
    assert result.fix_anchor == f"action-{first.pk}"


def test_no_action_steps_yet_warns_about_resources(strategy):
    result = check(strategy.goal.plan, "no_resources")
    assert result.status == WARN
    assert result.explanation == "No action steps yet, so no resources are planned."


# --- 8. a representative team ---------------------------------------------------------------------


@pytest.fixture
def team(cast):
    """Three groups of two seats, one per balance block, filled by the cast and two more."""
    groups = {
        name: StakeholderGroupFactory(engagement=cast.engagement, name=name, quota=2, block=block)
        for name, block in [
            ("Staff", "staff"),
            ("Leaders", "management"),
            ("Parents", "parents_community"),
        ]
    }
    seats = {
        cast.core_team: "Staff",
        cast.plan_team: "Staff",
        cast.board: "Leaders",
        cast.superintendent: "Leaders",
    }
    for user, name in seats.items():
        Membership.objects.filter(engagement=cast.engagement, user=user).update(
            stakeholder_group=groups[name]
        )
    MembershipFactory.create_batch(
        2, engagement=cast.engagement, stakeholder_group=groups["Parents"]
    )
    return groups


@pytest.fixture
def team_plan(cast):
    return PlanFactory(engagement=cast.engagement)


def test_a_full_balanced_team_passes(team, team_plan):
    result = check(team_plan, "unrepresentative_team")
    assert result.status == PASS
    assert result.explanation == (
        "All 6 seats in 3 stakeholder groups are filled, and the team is balanced."
    )
    assert result.fix_page is None


def test_open_seats_warn_naming_the_group(team, team_plan):
    team["Parents"].quota = 4
    team["Parents"].save()
    result = check(team_plan, "unrepresentative_team")
    assert result.status == WARN
    assert "Parents: 2 of 4 seats filled." in result.explanation
    assert "Staff" not in result.explanation
    assert result.fix_page == "roster"


def test_any_other_roster_warning_warns_too(cast, team, team_plan):
    MembershipFactory(engagement=cast.engagement)  # seats are all filled; this one is in no group
    result = check(team_plan, "unrepresentative_team")
    assert result.status == WARN
    assert result.explanation == "1 team member represents no stakeholder group."


def test_a_group_with_nobody_seated_fails(cast, team, team_plan):
    StakeholderGroupFactory(engagement=cast.engagement, name="Students", quota=6)
    result = check(team_plan, "unrepresentative_team")
    assert result.status == FAIL
    assert "Nobody is seated yet for Students (6 seats)." in result.explanation
    assert result.fix_page == "roster"


def test_no_stakeholder_groups_warn(team_plan):
    result = check(team_plan, "unrepresentative_team")
    assert result.status == WARN
    assert "No stakeholder groups are set up" in result.explanation
    assert result.fix_page == "roster"


def test_stakeholder_groups_without_seats_warn(plan):
    StakeholderGroupFactory(engagement=plan.engagement, name="Parents", quota=0)
    result = check(plan, "unrepresentative_team")
    assert result.status == WARN
    assert "No seats are set up" in result.explanation


# --- 9. stakeholder input -------------------------------------------------------------------------


@pytest.fixture
def board(plan):
    retreat = RetreatFactory(phase=PhaseFactory(engagement=plan.engagement))
    return ActivityFactory(retreat=retreat)


def card_from(board, group=None, **fields):
    author = ParticipantFactory(retreat=board.retreat, stakeholder_group=group)
    return CardFactory(activity=board, author=author, **fields)


def test_no_retreat_cards_fail(plan, board):
    card_from(board, hidden=True)
    CardFactory()  # another engagement's board
    result = check(plan, "no_stakeholder_feedback")
    assert result.status == FAIL
    assert result.explanation == "No stakeholder input yet: no retreat cards have been collected."
    assert result.fix_page == "retreats"


def test_cards_from_one_stakeholder_group_warn(plan, board):
    parents = StakeholderGroupFactory(engagement=plan.engagement, name="Parents")
    card_from(board, parents)
    card_from(board, parents)
    card_from(board)  # an author in no group is not a second group
    result = check(plan, "no_stakeholder_feedback")
    assert result.status == WARN
    assert result.explanation.startswith("3 retreat cards so far, all from Parents.")
    assert result.fix_page == "retreats"


def test_cards_from_two_stakeholder_groups_pass(plan, board):
    parents = StakeholderGroupFactory(engagement=plan.engagement, name="Parents", position=1)
    staff = StakeholderGroupFactory(engagement=plan.engagement, name="Staff", position=0)
    card_from(board, parents)
    card_from(board, staff)
    result = check(plan, "no_stakeholder_feedback")
    assert result.status == PASS
    assert result.explanation == "2 retreat cards from 2 stakeholder groups: Staff and Parents."


def test_review_comments_and_public_feedback_count_as_input(plan, board):
    parents = StakeholderGroupFactory(engagement=plan.engagement, name="Parents")
    card_from(board, parents)
    review = ReviewFactory(version=PlanVersionFactory(plan=plan))
    CommentFactory(review=review, category="Staff")
    FeedbackFactory(review=review, category="Community member")
    CommentFactory(review=review, category="Union", withdrawn_at=timezone.now())
    FeedbackFactory(review=ReviewFactory(), category="Students")  # another engagement's
    result = check(plan, "no_stakeholder_feedback")
    assert result.status == PASS
    assert result.explanation == (
        "1 retreat card and 2 review comments from 3 stakeholder groups: "
        "Parents, Community member and Staff."
    )


# --- 10. progress once the plan is live -----------------------------------------------------------


def live(plan):
    """Approved, and every phase of its timeline done."""
    PhaseFactory(engagement=plan.engagement, status="done")
    Engagement.objects.filter(pk=plan.engagement_id).update(plan_approved_at=timezone.now())
    plan.engagement.refresh_from_db()
    assert plan.engagement.status == Engagement.Status.LIVING
    return plan


def test_progress_does_not_matter_before_the_plan_is_live(strategy):
    step(strategy)
    result = check(strategy.goal.plan, "no_recent_progress")
    assert (result.status, result.explanation) == (NOT_YET, "Applies once the plan is live.")


def test_progress_reported_recently_passes_once_live(strategy):
    step(strategy, progress_reported_at=timezone.now() - timedelta(days=44))
    step(strategy, "Buy books")
    result = check(live(strategy.goal.plan), "no_recent_progress")
    assert result.status == PASS
    assert result.explanation == "Progress was reported on 1 action step in the last 45 days."


def test_no_progress_in_45_days_fails_once_live(strategy):
    step(strategy, "Buy books", progress_reported_at=timezone.now() - timedelta(days=46))
    result = check(live(strategy.goal.plan), "no_recent_progress")
    assert result.status == FAIL
    assert "No progress reported in the last 45 days" in result.explanation
    assert "“Buy books”" in result.explanation
    assert result.fix_anchor == "action-steps"


def test_no_progress_ever_fails_once_live(strategy):
    step(strategy)
    result = check(live(strategy.goal.plan), "no_recent_progress")
    assert result.status == FAIL
    assert result.explanation == "No progress has been reported on any action step yet."


# --- queries --------------------------------------------------------------------------------------


def build(plan, goal_count, strategies_per_goal, steps_per_strategy):
    for g in range(goal_count):
        goal = GoalFactory(plan=plan, title=f"Goal {g}")
        MeasureFactory(goal=goal, target=90)
        for s in range(strategies_per_goal):
            strategy = StrategyFactory(goal=goal, title=f"Strategy {g}.{s}")
            MeasureFactory(goal=None, strategy=strategy)
            ActionStepFactory.create_batch(steps_per_strategy, strategy=strategy)


# engagement, 5 for the tree, 3 for the roster, 1 for the retreat cards, 1 for review comments
QUERY_BOUND = 11


def test_the_query_count_does_not_grow_with_the_plan(django_assert_max_num_queries):
    small, large = PlanFactory(), PlanFactory(engagement=EngagementFactory())
    for current in (small, large):
        StakeholderGroupFactory(engagement=current.engagement)
        card_from(
            ActivityFactory(
                retreat=RetreatFactory(phase=PhaseFactory(engagement=current.engagement))
            )
        )
    build(small, 1, 1, 1)
    build(large, 12, 4, 3)
    small, large = Plan.objects.get(pk=small.pk), Plan.objects.get(pk=large.pk)  # as a view would
    with django_assert_max_num_queries(QUERY_BOUND):
        small_checks = health_checks(small)
    with django_assert_max_num_queries(QUERY_BOUND):
        large_checks = health_checks(large)
    by_key = {c.key: c for c in large_checks}
    assert by_key["too_many_goals"].status == FAIL  # the large plan was really loaded
    assert "12 goals" in by_key["too_many_goals"].explanation
    assert len(small_checks) == len(large_checks) == len(KEYS)
