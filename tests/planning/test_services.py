"""The plan's rules: elements are added at the end of their siblings, ordered and moved within
their own plan only, SMART gaps are named, carried-forward retreat items become elements with
their source and dots, and saved drafts are numbered and never change."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from planning import services
from planning.models import ActionStep, Goal, Measure, Plan, PlanVersion, Strategy
from retreats import services as retreat_services
from tests.factories import (
    ActionStepFactory,
    ActivityFactory,
    CardFactory,
    EngagementFactory,
    GoalFactory,
    MembershipFactory,
    PhaseFactory,
    PlanFactory,
    RetreatFactory,
    StrategyFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(cast):
    return services.plan_for(cast.engagement)


def titles(queryset) -> list[str]:
    return list(queryset.order_by("position", "created_at").values_list("title", flat=True))


def test_each_engagement_has_one_plan_made_on_first_use(cast):
    plan = services.plan_for(cast.engagement)
    assert services.plan_for(cast.engagement) == plan
    assert Plan.objects.filter(engagement=cast.engagement).count() == 1
    with pytest.raises(IntegrityError):
        Plan.objects.create(engagement=cast.engagement)


def test_statements_are_trimmed_and_unknown_fields_refused(plan):
    services.plan_update(plan=plan, mission="  Why we exist.  ", use_objectives=False)
    plan.refresh_from_db()
    assert plan.mission == "Why we exist." and plan.use_objectives is False
    with pytest.raises(ValueError):
        services.plan_update(plan=plan, engagement=None)


def test_elements_are_added_at_the_end_of_their_siblings(plan):
    first = services.element_add("goal", plan=plan, title="Academic success")
    second = services.element_add("goal", plan=plan, title="  Safe schools ")
    assert (first.position, second.position) == (0, 1)
    assert second.title == "Safe schools"
    a = services.element_add("strategy", goal=first, title="Close achievement gaps")
    b = services.element_add("strategy", goal=second, title="Restorative practices")
    assert a.position == 0 and b.position == 0  # each goal numbers its own strategies


def test_a_title_is_required_and_its_length_bounded(plan):
    with pytest.raises(ValidationError) as refused:
        services.element_add("goal", plan=plan, title="   ")
    assert "title" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.element_add("value", plan=plan, title="x" * 1001)
    assert not Goal.objects.exists()
    # a real plan's strategy of 666 characters fits
    goal = services.element_add("goal", plan=plan, title="Every student reads on grade level")
    strategy = services.element_add("strategy", goal=goal, title="Build literacy " + "x" * 651)
    assert len(strategy.title) == 666


def test_a_measure_belongs_to_exactly_one_goal_or_strategy(plan):
    goal = services.element_add("goal", plan=plan, title="Academic success")
    strategy = services.element_add("strategy", goal=goal, title="Close gaps")
    services.element_add("measure", goal=goal, indicator="Graduation rate")
    services.element_add("measure", strategy=strategy, indicator="Gap in grade 3 reading")
    with pytest.raises(ValidationError):
        services.element_add("measure", goal=goal, strategy=strategy, indicator="Both")
    with pytest.raises(ValidationError):
        services.element_add("measure", indicator="Neither")
    assert Measure.objects.count() == 2


def test_an_owner_comes_from_this_engagements_team(cast, plan):
    goal = services.element_add("goal", plan=plan, title="Academic success")
    strategy = services.element_add("strategy", goal=goal, title="Close gaps")
    member = cast.engagement.memberships.first()
    step = services.element_add(
        "action_step", strategy=strategy, description="Map gaps", owner=member
    )
    assert step.owner == member
    stranger = MembershipFactory(engagement=EngagementFactory())
    with pytest.raises(ValidationError) as refused:
        services.element_update(step, owner=stranger)
    assert "owner" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.element_add("goal", plan=plan, title="Owned elsewhere", owner=stranger)


def test_a_due_date_before_the_start_is_refused(plan):
    strategy = StrategyFactory(goal=GoalFactory(plan=plan))
    step = ActionStepFactory(strategy=strategy)
    with pytest.raises(ValidationError) as refused:
        services.element_update(step, start_date="2027-03-01", due_date="2027-02-01")
    assert "due_date" in refused.value.message_dict


def test_a_goal_names_its_empty_smart_fields(cast, plan):
    goal = GoalFactory(plan=plan, specific_outcome="Reading on grade level", target="90%")
    assert goal.missing_smart() == ["how it is measured", "owner", "target date"]
    goal.measured_by = "State reading test"
    goal.owner = cast.engagement.memberships.first()
    goal.target_date = "2030-06-30"
    assert goal.missing_smart() == []


def test_moving_up_and_down_swaps_neighbours_and_stops_at_the_ends(plan):
    goal = GoalFactory(plan=plan)
    a, b, c = (services.element_add("strategy", goal=goal, title=t) for t in "ABC")
    assert services.element_move(c, "up") is True
    assert titles(goal.strategies.all()) == ["A", "C", "B"]
    assert services.element_move(a, "up") is False
    b.refresh_from_db()
    assert services.element_move(b, "down") is False
    assert titles(goal.strategies.all()) == ["A", "C", "B"]


def test_reordering_takes_the_whole_list_of_siblings(plan):
    goal = GoalFactory(plan=plan)
    a, b, c = (services.element_add("strategy", goal=goal, title=t) for t in "ABC")
    services.element_reorder(a, [c.pk, a.pk, b.pk])
    assert titles(goal.strategies.all()) == ["C", "A", "B"]
    with pytest.raises(ValidationError):
        services.element_reorder(a, [c.pk, a.pk])  # one missing: the page is out of date
    other = StrategyFactory()
    with pytest.raises(ValidationError):
        services.element_reorder(a, [c.pk, a.pk, other.pk])


def test_a_strategy_moves_to_another_goal_of_the_same_plan_only(plan):
    first, second = GoalFactory(plan=plan), GoalFactory(plan=plan)
    StrategyFactory(goal=second, title="Already there")
    moving = services.element_add("strategy", goal=first, title="Moving")
    ActionStepFactory(strategy=moving)
    services.strategy_move(moving, second)
    assert titles(second.strategies.all()) == ["Already there", "Moving"]
    assert ActionStep.objects.get().strategy.goal == second  # its steps come along
    with pytest.raises(ValidationError):
        services.strategy_move(moving, GoalFactory())  # another engagement's plan


def test_deleting_a_goal_takes_what_is_under_it(plan):
    goal = GoalFactory(plan=plan)
    strategy = StrategyFactory(goal=goal)
    ActionStepFactory(strategy=strategy)
    Measure.objects.create(strategy=strategy, indicator="Gap")
    services.element_delete(goal)
    assert not Strategy.objects.exists() and not ActionStep.objects.exists()
    assert not Measure.objects.exists()


def carried(cast, text="Later start times for teens"):
    retreat = RetreatFactory(phase=PhaseFactory(engagement=cast.engagement))
    card = CardFactory(activity=ActivityFactory(retreat=retreat), text=text)
    return retreat_services.card_set_carry_forward(card=card, carry_forward=True)


def test_a_carried_forward_card_becomes_a_goal_with_its_source_and_dots(cast, plan):
    card = carried(cast)
    goal = services.element_from_source(plan=plan, kind_name="goal", card=card, dots=7)
    assert goal.title == "Later start times for teens"
    assert (goal.source_card, goal.source_text, goal.source_dots) == (card, card.text, 7)
    strategy = services.element_from_source(
        plan=plan, kind_name="strategy", card=card, goal=goal, dots=7
    )
    assert strategy.goal == goal and strategy.source_card == card
    card.delete()  # the board changes later: the element keeps the words and dots
    goal.refresh_from_db()
    assert goal.source_card is None and goal.source_text and goal.source_dots == 7


def test_a_theme_becomes_a_value(cast, plan):
    retreat = RetreatFactory(phase=PhaseFactory(engagement=cast.engagement))
    theme = ThemeFactory(activity=ActivityFactory(retreat=retreat), name="Belonging")
    retreat_services.theme_set_carry_forward(theme=theme, carry_forward=True)
    value = services.element_from_source(plan=plan, kind_name="value", theme=theme)
    assert value.title == "Belonging" and value.source_theme == theme


def test_only_this_engagements_carried_forward_items_come_in(cast, plan):
    not_marked = CardFactory(
        activity=ActivityFactory(
            retreat=RetreatFactory(phase=PhaseFactory(engagement=cast.engagement))
        )
    )
    with pytest.raises(ValidationError, match="carry forward"):
        services.element_from_source(plan=plan, kind_name="goal", card=not_marked)
    foreign = CardFactory(carry_forward=True)
    with pytest.raises(ValidationError, match="this engagement"):
        services.element_from_source(plan=plan, kind_name="goal", card=foreign)
    with pytest.raises(ValidationError):
        services.element_from_source(plan=plan, kind_name="measure", card=carried(cast))
    with pytest.raises(ValidationError, match="goal"):
        services.element_from_source(plan=plan, kind_name="strategy", card=carried(cast))


def test_drafts_are_numbered_frozen_and_never_change(cast, plan):
    goal = services.element_add("goal", plan=plan, title="Academic success")
    first = services.version_save(
        plan=plan, label="After the vision retreat", author=cast.facilitator
    )
    services.element_update(goal, title="Academic success for every student")
    second = services.version_save(plan=plan, label="  Board work session ", author=None)
    assert (first.number, second.number, second.label) == (1, 2, "Board work session")
    assert first.data["plan"]["goals"][0]["title"] == "Academic success"
    assert second.data["plan"]["goals"][0]["title"] == "Academic success for every student"
    first.label = "Changed"
    with pytest.raises(ValidationError):
        first.save()
    with pytest.raises(ValidationError):
        first.delete()
    assert PlanVersion.objects.get(number=1).label == "After the vision retreat"
    with pytest.raises(ValidationError):
        services.version_save(plan=plan, label="  ", author=None)


def test_another_plans_drafts_number_on_their_own(cast, plan):
    services.version_save(plan=plan, label="One", author=None)
    other = PlanFactory()
    assert services.version_save(plan=other, label="One", author=None).number == 1


def test_the_health_checks_limits_are_at_least_one(plan):
    with pytest.raises(ValidationError) as refused:
        services.plan_update(plan=plan, max_goals=0)
    assert "max_goals" in refused.value.message_dict
