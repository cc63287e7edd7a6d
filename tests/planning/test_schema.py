"""The plan's export format (planning/schema.py): export, import with its checks, and the CSV."""

import copy
import csv
import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from engagements.models import DEFAULT_TERMINOLOGY
from planning.models import ActionStep, Goal, Measure, Objective, Plan, Strategy, Value
from planning.schema import SCHEMA, SCHEMA_VERSION, export_plan, import_plan, plan_csv
from tests.factories import (
    ActionStepFactory,
    CardFactory,
    EngagementFactory,
    GoalFactory,
    MeasureFactory,
    MembershipFactory,
    ObjectiveFactory,
    PlanFactory,
    StrategyFactory,
    ThemeFactory,
    ValueFactory,
)
from tests.planning import realistic_plan as realistic
from tests.planning.realistic_plan import realistic_plan

pytestmark = pytest.mark.django_db

# _load: the plan with its engagement and organization, then values, objectives, goals, goal
# measures, strategies, strategy measures, action steps.
EXPORT_QUERIES = 8


def membership(engagement, user):
    return engagement.memberships.get(user=user)


def full_plan(cast) -> Plan:
    """Every statement, field and kind of element set, owners among the cast."""
    engagement = cast.engagement
    board = membership(engagement, cast.board)
    plan_team = membership(engagement, cast.plan_team)
    plan = PlanFactory(
        engagement=engagement,
        mission="Every student, every day.",
        vision="A district where every learner thrives.",
        preferred_future="Graduates ready for college, career and community.",
        strategic_boundaries="We will not add programs without ending one.",
        student_performance="Every student reads at grade level by grade 3.",
        leadership_commitments="We listen first.",
        use_objectives=True,
        max_goals=4,
        max_strategies_per_goal=3,
    )
    ValueFactory(
        plan=plan,
        title="Integrity",
        description="We do what we say.",
        source_card=CardFactory(text="Honesty"),
        source_text="Honesty in everything",
        source_dots=7,
    )
    ValueFactory(plan=plan, title="Curiosity", description="")
    objectives = [
        ObjectiveFactory(plan=plan, title="Achievement", description="Learning first."),
        ObjectiveFactory(plan=plan, title="Community", description="Families as partners."),
    ]
    for g, objective in enumerate([objectives[0], objectives[1], objectives[0]], start=1):
        goal = GoalFactory(
            plan=plan,
            objective=objective,
            title=f"Goal {g}",
            description=f"Why goal {g} matters.",
            specific_outcome="Third-grade reading proficiency rises.",
            measured_by="State assessment",
            target="85% proficient",
            owner=board if g % 2 else plan_team,
            target_date=date(2029, 6, 30),
            source_text="Reading for all" if g == 1 else "",
            source_dots=12 if g == 1 else None,
        )
        MeasureFactory(
            goal=goal,
            indicator="Students proficient in reading",
            data_source="State assessment",
            baseline=Decimal("72.5"),
            baseline_date=date(2026, 6, 1),
            target=Decimal("85"),
            target_date=date(2029, 6, 1),
            unit="%",
            direction=Measure.Direction.UP,
            frequency=Measure.Frequency.YEARLY,
        )
        for s in range(1, 3):
            strategy = StrategyFactory(
                goal=goal,
                title=f"Strategy {g}.{s}",
                description="Tutoring in every school.",
                source_card=CardFactory(text="Tutors") if s == 1 else None,
                source_text="More tutors" if s == 1 else "",
                source_dots=4 if s == 1 else None,
            )
            MeasureFactory(
                strategy=strategy,
                goal=None,
                indicator="Chronic absence",
                data_source="Attendance system",
                baseline=Decimal("-3.25"),
                baseline_date=date(2026, 9, 1),
                target=Decimal("1234567890.99"),
                target_date=date(2028, 9, 1),
                unit="students",
                direction=Measure.Direction.DOWN,
                frequency=Measure.Frequency.QUARTERLY,
            )
            for a in range(1, 4):
                ActionStepFactory(
                    strategy=strategy,
                    description=f"Step {g}.{s}.{a}",
                    stage=ActionStep.Stage.DO,
                    owner=plan_team,
                    start_date=date(2027, 1, 10),
                    due_date=date(2027, 5, 31),
                    resources_people="Two reading coaches",
                    resources_time="Four hours a week",
                    resources_money=Decimal("1500"),
                    progress_reported_at=datetime(2027, 3, 1, 9, 30, tzinfo=UTC),
                )
    return plan


def new_engagement_with(*users):
    engagement = EngagementFactory()
    for user in users:
        MembershipFactory(user=user, engagement=engagement)
    return engagement


def normalised(export: dict) -> dict:
    """The export with every id replaced by its place in the tree, and without the engagement."""
    data = copy.deepcopy(export)
    data.pop("engagement")
    plan = data["plan"]
    for i, value in enumerate(plan["values"]):
        value["id"] = f"value {i}"
    places = {}
    for i, objective in enumerate(plan["objectives"]):
        places[objective["id"]] = objective["id"] = f"objective {i}"
    for g, goal in enumerate(plan["goals"]):
        goal["id"] = f"goal {g}"
        goal["objective"] = places[goal["objective"]] if goal["objective"] else None
        for m, measure in enumerate(goal["measures"]):
            measure["id"] = f"goal {g} measure {m}"
        for s, strategy in enumerate(goal["strategies"]):
            strategy["id"] = f"goal {g} strategy {s}"
            for m, measure in enumerate(strategy["measures"]):
                measure["id"] = f"goal {g} strategy {s} measure {m}"
            for a, step in enumerate(strategy["action_steps"]):
                step["id"] = f"goal {g} strategy {s} step {a}"
    return data


def minimal(**plan) -> dict:
    return {"schema": SCHEMA, "version": SCHEMA_VERSION, "plan": plan}


def refusal(engagement, data) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        import_plan(engagement=engagement, data=data)
    return caught.value.messages


# --- export ---------------------------------------------------------------------------------------


def test_export_has_the_documented_shape_and_values(cast):
    plan = full_plan(cast)
    data = export_plan(plan)
    assert list(data) == ["schema", "version", "engagement", "terminology", "plan"]
    assert data["schema"] == "aligned.plan"
    assert data["version"] == 1
    assert data["engagement"] == {
        "name": "Strategic Plan 2027–2032",
        "organization": "Riverside Unified School District",
    }
    assert data["terminology"] == DEFAULT_TERMINOLOGY
    body = data["plan"]
    assert list(body) == [
        "mission",
        "vision",
        "preferred_future",
        "strategic_boundaries",
        "student_performance",
        "leadership_commitments",
        "use_objectives",
        "max_goals",
        "max_strategies_per_goal",
        "values",
        "objectives",
        "goals",
    ]
    assert body["max_goals"] == 4
    first_value = body["values"][0]
    assert first_value == {
        "id": str(plan.values.get(title="Integrity").pk),
        "title": "Integrity",
        "description": "We do what we say.",
        "source": {"kind": "card", "text": "Honesty in everything", "dots": 7},
    }
    assert body["values"][1]["source"] is None
    goal = body["goals"][0]
    assert list(goal) == [
        "id",
        "objective",
        "title",
        "description",
        "specific_outcome",
        "measured_by",
        "target",
        "owner",
        "target_date",
        "source",
        "measures",
        "strategies",
    ]
    assert goal["objective"] == body["objectives"][0]["id"]
    assert goal["owner"] == cast.board.email
    assert goal["target_date"] == "2029-06-30"
    assert goal["source"] == {"kind": "card", "text": "Reading for all", "dots": 12}
    assert goal["measures"][0] == {
        "id": str(Measure.objects.get(goal__title="Goal 1").pk),
        "indicator": "Students proficient in reading",
        "data_source": "State assessment",
        "baseline": "72.50",
        "baseline_date": "2026-06-01",
        "target": "85.00",
        "target_date": "2029-06-01",
        "unit": "%",
        "direction": "up",
        "frequency": "yearly",
    }
    strategy = goal["strategies"][0]
    assert list(strategy) == ["id", "title", "description", "source", "measures", "action_steps"]
    assert strategy["measures"][0]["baseline"] == "-3.25"
    assert strategy["measures"][0]["target"] == "1234567890.99"
    step = strategy["action_steps"][0]
    assert step == {
        "id": str(ActionStep.objects.get(description="Step 1.1.1").pk),
        "description": "Step 1.1.1",
        "stage": "do",
        "owner": cast.plan_team.email,
        "start_date": "2027-01-10",
        "due_date": "2027-05-31",
        "plan_year": None,
        "resources_people": "Two reading coaches",
        "resources_time": "Four hours a week",
        "resources_money": "1500.00",
        "progress_reported_at": "2027-03-01T09:30:00+00:00",
    }
    json.dumps(data)  # serializable as it is


def test_export_lists_elements_in_display_order_and_takes_the_engagement_terminology(cast):
    cast.engagement.terminology = {"goal": "Priority", "measures": "Vital signs"}
    cast.engagement.save()
    plan = PlanFactory(engagement=cast.engagement)
    GoalFactory(plan=plan, title="Second", position=2)
    GoalFactory(plan=plan, title="First", position=1)
    data = export_plan(plan)
    assert [goal["title"] for goal in data["plan"]["goals"]] == ["First", "Second"]
    assert data["terminology"]["goal"] == "Priority"
    assert data["terminology"]["measures"] == "Vital signs"
    assert data["terminology"]["strategy"] == "Strategy"  # unset keys fall back to the defaults
    assert list(data["terminology"]) == list(DEFAULT_TERMINOLOGY)


def test_a_theme_source_is_exported_as_a_theme(cast):
    plan = PlanFactory(engagement=cast.engagement)
    goal = GoalFactory(plan=plan, source_theme=ThemeFactory(), source_text="Safety", source_dots=9)
    assert export_plan(plan)["plan"]["goals"][0]["source"] == {
        "kind": "theme",
        "text": "Safety",
        "dots": 9,
    }
    Goal.objects.filter(pk=goal.pk).update(source_theme=None, source_text="", source_dots=None)
    assert export_plan(plan)["plan"]["goals"][0]["source"] is None


def test_two_exports_of_the_same_plan_are_equal(cast):
    plan = full_plan(cast)
    assert export_plan(plan) == export_plan(plan)


def large_plan(engagement, goals: int) -> Plan:
    plan = PlanFactory(engagement=engagement)
    owner = engagement.memberships.first()
    ValueFactory(plan=plan)
    ObjectiveFactory(plan=plan)
    for _ in range(goals):
        goal = GoalFactory(plan=plan, owner=owner)
        MeasureFactory.create_batch(2, goal=goal)
        for strategy in StrategyFactory.create_batch(3, goal=goal):
            MeasureFactory.create_batch(2, goal=None, strategy=strategy)
            ActionStepFactory.create_batch(3, strategy=strategy, owner=owner)
    return plan


@pytest.mark.parametrize("goals", [1, 12])
def test_export_and_csv_take_a_constant_number_of_queries(
    cast, goals, django_assert_max_num_queries
):
    plan = large_plan(cast.engagement, goals)
    with django_assert_max_num_queries(EXPORT_QUERIES):
        data = export_plan(plan)
    with django_assert_max_num_queries(EXPORT_QUERIES):
        text = plan_csv(plan)
    assert len(data["plan"]["goals"]) == goals
    assert data["plan"]["goals"][-1]["strategies"][-1]["action_steps"][-1]["owner"]
    # header, value, objective, mission, vision; per goal: itself, 2 measures, 3 strategies with
    # 2 measures and 3 steps each
    assert len(text.splitlines()) == 5 + goals * (1 + 2 + 3 * (1 + 2 + 3))


# --- import: the round trip ---------------------------------------------------------------------


def test_round_trip_through_json_into_an_empty_engagement(cast):
    plan = full_plan(cast)
    first = export_plan(plan)
    target = new_engagement_with(cast.board, cast.plan_team)
    imported, warnings = import_plan(engagement=target, data=json.loads(json.dumps(first)))
    assert warnings == []
    assert imported.engagement == target
    second = export_plan(imported)
    assert normalised(second) == normalised(first)
    assert second["engagement"]["name"] == target.name
    # every element is new: no id was reused
    assert not {v["id"] for v in second["plan"]["values"]} & {
        v["id"] for v in first["plan"]["values"]
    }
    assert {g["id"] for g in second["plan"]["goals"]}.isdisjoint(
        {g["id"] for g in first["plan"]["goals"]}
    )
    # goals keep their objective, now the new one
    new_objectives = {
        str(pk) for pk in Objective.objects.filter(plan=imported).values_list("pk", flat=True)
    }
    assert {g["objective"] for g in second["plan"]["goals"]} <= new_objectives
    assert list(Goal.objects.filter(plan=imported).values_list("position", flat=True)) == [0, 1, 2]


def test_a_plan_of_real_size_and_shape_imports_whole(cast):
    """The largest of five real district plans: 8 goals, 26 strategies, 49 measures, 109 action
    steps, a strategy title of 666 characters and an indicator of 428, accents and typographic
    quotes. Two such plans were refused whole under 300-character limits."""
    data = realistic_plan()
    target = EngagementFactory()
    imported, warnings = import_plan(engagement=target, data=json.loads(json.dumps(data)))
    assert warnings == []
    assert Goal.objects.filter(plan=imported).count() == 8
    assert Strategy.objects.filter(goal__plan=imported).count() == 26
    assert (
        Measure.objects.filter(goal__plan=imported).count()
        + Measure.objects.filter(strategy__goal__plan=imported).count()
        == 49
    )
    assert ActionStep.objects.filter(strategy__goal__plan=imported).count() == 109
    first = Strategy.objects.filter(goal__plan=imported).order_by("goal__position", "position")[0]
    assert first.title == realistic.LONG_STRATEGY and len(first.title) == 666
    indicator = Measure.objects.get(strategy=first, position=0).indicator
    assert indicator == realistic.LONG_INDICATOR and len(indicator) == 428
    imported.refresh_from_db()
    assert imported.mission == realistic.MISSION  # “cada estudiante, cada día” kept as written
    # and it comes out as it went in
    exported = export_plan(imported)["plan"]
    assert exported["goals"][0]["strategies"][0]["title"] == realistic.LONG_STRATEGY
    assert [g["title"] for g in exported["goals"]] == list(realistic.GOAL_TITLES)


def test_a_real_plan_with_one_title_too_long_is_refused_whole_and_says_which(cast):
    data = realistic_plan()
    data["plan"]["goals"][5]["strategies"][2]["title"] = "Réécrire " + "x" * 992
    target = EngagementFactory()
    assert refusal(target, data) == [
        "Goal 6, strategy 3: the title is longer than 1,000 characters (it has 1,001); it "
        "begins “Réécrire xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...”."
    ]
    assert not Plan.objects.filter(engagement=target).exists()
    assert not Goal.objects.filter(plan__engagement=target).exists()


def test_import_keeps_source_words_and_dots_without_the_retreat_links(cast):
    plan = PlanFactory(engagement=cast.engagement)
    card = CardFactory()
    goal = GoalFactory(plan=plan, source_theme=ThemeFactory(), source_text="Safety", source_dots=9)
    StrategyFactory(goal=goal, source_card=card, source_text=card.text, source_dots=2)
    imported, _ = import_plan(engagement=EngagementFactory(), data=export_plan(plan))
    new_goal = Goal.objects.get(plan=imported)
    assert (new_goal.source_theme_id, new_goal.source_card_id) == (None, None)
    assert (new_goal.source_text, new_goal.source_dots) == ("Safety", 9)
    assert new_goal.source_kind == "theme"  # still says it was a theme
    assert export_plan(imported)["plan"]["goals"][0]["source"]["kind"] == "theme"
    new_strategy = Strategy.objects.get(goal=new_goal)
    assert new_strategy.source_card_id is None
    assert (new_strategy.source_text, new_strategy.source_dots) == (card.text, 2)


def test_import_into_an_existing_empty_plan_uses_that_plan(cast):
    target = EngagementFactory()
    existing = Plan.objects.create(engagement=target, max_goals=9)
    data = minimal(mission="Serve.", max_goals=3, goals=[{"title": "Read"}])
    imported, _ = import_plan(engagement=target, data=data)
    assert imported.pk == existing.pk
    existing.refresh_from_db()
    assert (existing.mission, existing.max_goals) == ("Serve.", 3)
    assert list(existing.goals.values_list("title", flat=True)) == ["Read"]


def test_import_does_not_apply_the_file_terminology(cast):
    data = minimal(goals=[{"title": "Read"}])
    data["terminology"] = {**DEFAULT_TERMINOLOGY, "goal": "Priority"}
    target = EngagementFactory()
    import_plan(engagement=target, data=data)
    target.refresh_from_db()
    assert target.term("goal") == "Goal"


def test_unmatched_owner_is_left_empty_with_a_warning(cast):
    plan = full_plan(cast)
    data = export_plan(plan)
    target = new_engagement_with(cast.plan_team)  # the board member is not in it
    imported, warnings = import_plan(engagement=target, data=data)
    first_goal = Goal.objects.get(plan=imported, position=0)
    assert first_goal.owner is None
    assert Goal.objects.get(plan=imported, position=1).owner.user == cast.plan_team
    assert (
        f"Goal 1: no member with the e-mail “{cast.board.email}” in this engagement; "
        "the owner was left empty." in warnings
    )
    assert len(warnings) == 2  # goals 1 and 3


def test_owners_are_matched_whatever_the_case_of_the_e_mail(cast):
    data = minimal(goals=[{"title": "Read", "owner": cast.board.email.upper()}])
    target = new_engagement_with(cast.board)
    imported, warnings = import_plan(engagement=target, data=data)
    assert warnings == []
    assert Goal.objects.get(plan=imported).owner.user == cast.board


# --- import: refusals -----------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["statement", "value", "objective", "goal"])
def test_import_refuses_an_engagement_that_already_has_a_plan(cast, content):
    plan = PlanFactory(engagement=cast.engagement, mission="", vision="")
    if content == "statement":
        Plan.objects.filter(pk=plan.pk).update(strategic_boundaries="No new buildings.")
    else:
        {"value": ValueFactory, "objective": ObjectiveFactory, "goal": GoalFactory}[content](
            plan=plan
        )
    assert refusal(cast.engagement, minimal(goals=[{"title": "Read"}])) == [
        "This engagement already has a plan: import into an empty engagement."
    ]
    assert Goal.objects.filter(title="Read").count() == 0


def test_import_refuses_another_schema(cast):
    target = EngagementFactory()
    data = minimal()
    data["schema"] = "acme.roadmap"
    assert refusal(target, data) == [
        "This file is not an Aligned plan (schema “acme.roadmap”; expected “aligned.plan”)."
    ]
    assert refusal(target, {"plan": {}}) == [
        "This file is not an Aligned plan (schema none; expected “aligned.plan”)."
    ]
    assert refusal(target, ["not", "a", "plan"]) == [
        "This file is not an Aligned plan (it holds no JSON object)."
    ]
    assert not Plan.objects.filter(engagement=target).exists()


def test_import_refuses_another_version(cast):
    target = EngagementFactory()
    data = minimal()
    data["version"] = 2
    assert refusal(target, data) == [
        "This file uses version 2 of the plan format; this site reads version 1."
    ]
    data["version"] = "1"
    assert "expected 1" in refusal(target, data)[0]
    assert not Plan.objects.filter(engagement=target).exists()


def goals_with_steps() -> dict:
    """Three goals, goal 2 with a strategy of three action steps; all valid."""
    steps = [{"description": f"Step {n}", "due_date": "2027-06-01"} for n in range(1, 4)]
    return minimal(
        objectives=[{"id": "o1", "title": "Achievement"}],
        goals=[
            {"title": "Goal one", "objective": "o1"},
            {"title": "Goal two", "strategies": [{"title": "Tutoring", "action_steps": steps}]},
            {"title": "Goal three", "strategies": [{"title": "Coaching", "action_steps": []}]},
        ],
    )


def test_the_valid_sample_imports(cast):
    imported, _ = import_plan(engagement=EngagementFactory(), data=goals_with_steps())
    assert Goal.objects.filter(plan=imported).count() == 3
    assert ActionStep.objects.filter(strategy__goal__plan=imported).count() == 3
    assert Goal.objects.get(plan=imported, title="Goal one").objective.title == "Achievement"


def test_import_drops_control_and_bidi_characters_and_refuses_invisible_titles(cast):
    data = minimal(
        mission="Every\x07 student\r\n\tready\u202e",
        goals=[{"title": "\u202eReaders\x1b by grade 3", "description": "Line\x00 one\nline two"}],
    )
    imported, _ = import_plan(engagement=EngagementFactory(), data=data)
    assert imported.mission == "Every student\n\tready"
    goal = Goal.objects.get(plan=imported)
    assert (goal.title, goal.description) == ("Readers by grade 3", "Line one\nline two")
    blank = minimal(goals=[{"title": "\u200b\u200b"}])
    assert any("title is empty" in problem for problem in refusal(EngagementFactory(), blank))


def test_a_bad_date_is_named_with_its_place(cast):
    data = goals_with_steps()
    data["plan"]["goals"][1]["strategies"][0]["action_steps"][2]["due_date"] = "2027-13-01"
    assert refusal(EngagementFactory(), data) == [
        "Goal 2, strategy 1, action step 3: the due date “2027-13-01” is not a date (YYYY-MM-DD)."
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda plan: plan["goals"][0].update(title="x" * 1001),
            "Goal 1: the title is longer than 1,000 characters (it has 1,001); it begins "
            "“xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...”.",
        ),
        (
            lambda plan: plan["goals"][0].update(objective="nope"),
            "Goal 1: the objective “nope” is not among the file's objectives.",
        ),
        (
            lambda plan: plan["goals"][0].update(title=""),
            "Goal 1: the title is empty.",
        ),
        (
            lambda plan: plan["goals"][0].update(target_date="30/06/2029"),
            "Goal 1: the target date “30/06/2029” is not a date (YYYY-MM-DD).",
        ),
        (
            lambda plan: plan["goals"][0].update(
                measures=[{"indicator": "Reading", "baseline": "n/a"}]
            ),
            "Goal 1, measure 1: the baseline “n/a” is not a number (e.g. 72.5).",
        ),
        (
            lambda plan: plan["goals"][0].update(
                measures=[{"indicator": "Reading", "target": "1.005"}]
            ),
            "Goal 1, measure 1: the target “1.005” has more than 2 decimals.",
        ),
        (
            lambda plan: plan["goals"][1]["strategies"][0].update(
                measures=[{"indicator": "Absence", "direction": "sideways"}]
            ),
            "Goal 2, strategy 1, measure 1: the direction “sideways” is not one of: up, down.",
        ),
        (
            lambda plan: plan["goals"][1]["strategies"][0]["action_steps"][0].update(stage="done"),
            "Goal 2, strategy 1, action step 1: the stage “done” is not one of: "
            "plan, do, study, act.",
        ),
        (
            lambda plan: plan["goals"][1]["strategies"][0]["action_steps"][0].update(
                resources_money="12345678901.00"
            ),
            "Goal 2, strategy 1, action step 1: the money “12345678901.00” is too large.",
        ),
        (
            lambda plan: plan["goals"][1]["strategies"][0]["action_steps"][0].update(
                start_date="2027-07-01"
            ),
            "Goal 2, strategy 1, action step 1: the due date comes before the start date.",
        ),
        (
            lambda plan: plan["goals"][1]["strategies"][0]["action_steps"][0].update(
                resources_money="-5"
            ),
            "Goal 2, strategy 1, action step 1: the money “-5” cannot be negative.",
        ),
        (
            lambda plan: plan["goals"][0].update(
                measures=[
                    {
                        "indicator": "Reading",
                        "baseline_date": "2026-06-01",
                        "target_date": "2025-06-01",
                    }
                ]
            ),
            "Goal 1, measure 1: the target date comes before the baseline date.",
        ),
        (
            lambda plan: plan["goals"][1].update(strategies="Tutoring"),
            "Goal 2: “strategies” must be a list.",
        ),
        (
            lambda plan: plan.update(values=[{"title": 7}]),
            "Value 1: the title must be text, not “7”.",
        ),
        (
            lambda plan: plan.update(max_goals=-1),
            "The most goals before a warning must be a whole number from 0 to 32767, not “-1”.",
        ),
        (
            lambda plan: plan["goals"][2].update(source={"text": "x" * 501}),
            "Goal 3: the source text is longer than 500 characters (it has 501); it begins "
            "“xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...”.",
        ),
    ],
)
def test_invalid_content_is_refused_with_its_place(cast, change, message):
    data = goals_with_steps()
    change(data["plan"])
    target = EngagementFactory()
    assert refusal(target, data) == [message]
    assert not Plan.objects.filter(engagement=target).exists()


def test_every_problem_is_listed_at_once(cast):
    data = goals_with_steps()
    data["plan"]["goals"][0]["title"] = ""
    data["plan"]["goals"][2]["target_date"] = "soon"
    assert refusal(EngagementFactory(), data) == [
        "Goal 1: the title is empty.",
        "Goal 3: the target date “soon” is not a date (YYYY-MM-DD).",
    ]


def test_a_bad_action_step_in_goal_3_leaves_nothing_behind(cast):
    data = goals_with_steps()
    data["plan"]["values"] = [{"title": "Integrity"}]
    data["plan"]["mission"] = "Serve."
    data["plan"]["goals"][2]["strategies"][0]["action_steps"] = [{"description": ""}]
    target = EngagementFactory()
    assert refusal(target, data) == ["Goal 3, strategy 1, action step 1: the description is empty."]
    assert not Plan.objects.filter(engagement=target).exists()
    assert not Goal.objects.filter(plan__engagement=target).exists()
    assert not Value.objects.filter(plan__engagement=target).exists()


def test_a_failure_while_saving_rolls_everything_back(cast, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ActionStep.objects, "bulk_create", fail)
    target = EngagementFactory()
    with pytest.raises(RuntimeError):
        import_plan(engagement=target, data=goals_with_steps())
    assert not Plan.objects.filter(engagement=target).exists()
    assert not Goal.objects.filter(plan__engagement=target).exists()


# --- CSV ------------------------------------------------------------------------------------------


def csv_rows(plan) -> list[list[str]]:
    return list(csv.reader(io.StringIO(plan_csv(plan))))


def test_csv_numbers_the_tree_and_uses_the_engagement_terms(cast):
    cast.engagement.terminology = {**DEFAULT_TERMINOLOGY, "goal": "Priority"}
    cast.engagement.save()
    plan = full_plan(cast)
    Strategy.objects.filter(title="Strategy 2.1").update(title="=HYPERLINK(1)")
    rows = csv_rows(plan)
    header = rows[0]
    assert header[:4] == ["Level", "Number", "Title / text", "Description"]
    for column in ("Owner", "Start", "Due / target date", "Baseline", "Target", "Unit"):
        assert column in header
    for column in ("Direction", "Frequency", "PDSA stage", "Resources: money"):
        assert column in header
    by_number = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:] if row[1]}
    assert rows[1][:3] == ["Mission", "", "Every student, every day."]
    assert by_number["V1"]["Title / text"] == "Integrity"
    assert by_number["O2"]["Level"] == "Objective"
    goal = by_number["2"]
    assert goal["Level"] == "Priority"
    assert goal["Title / text"] == "Goal 2"
    assert goal["Objective"] == "O2"
    assert goal["Owner"] == cast.plan_team.email
    assert goal["Due / target date"] == "2029-06-30"
    assert by_number["2.1"]["Level"] == "Strategy"
    assert by_number["2.1"]["Title / text"] == "'=HYPERLINK(1)"
    step = by_number["2.1.1"]
    assert step["Level"] == "Action step"
    assert step["Title / text"] == "Step 2.1.1"
    assert (step["Start"], step["Due / target date"]) == ("2027-01-10", "2027-05-31")
    assert (step["PDSA stage"], step["Resources: money"]) == ("Do", "1500.00")
    assert by_number["2.1.3"]["Title / text"] == "Step 2.1.3"
    measure = by_number["2.1.M1"]
    assert measure["Level"] == "Measure"
    assert (measure["Baseline"], measure["Target"]) == ("-3.25", "1234567890.99")
    assert (measure["Direction"], measure["Frequency"]) == ("Lower is better", "Quarterly")
    assert by_number["2.M1"]["Baseline"] == "72.50"
    numbers = [row[1] for row in rows[1:]]
    assert (
        numbers.index("2") < numbers.index("2.M1") < numbers.index("2.1") < numbers.index("2.1.1")
    )
    assert numbers.index("2.1.3") < numbers.index("2.2") < numbers.index("3")


def test_csv_makes_every_user_text_cell_safe(cast):
    plan = PlanFactory(engagement=cast.engagement, mission="+1 for students", vision="")
    ValueFactory(plan=plan, title="@everyone", description="-not a formula")
    goal = GoalFactory(plan=plan, title="=1+1", target="=2", measured_by="+test")
    ActionStepFactory(
        strategy=StrategyFactory(goal=goal), description="=CMD()", resources_time="-1"
    )
    text = plan_csv(plan)
    rows = list(csv.reader(io.StringIO(text)))
    cells = [cell for row in rows for cell in row]
    assert "'+1 for students" in cells
    assert "'@everyone" in cells and "'-not a formula" in cells
    assert "'=1+1" in cells and "'=2" in cells and "'+test" in cells
    assert "'=CMD()" in cells and "'-1" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "@")]


def test_a_statement_or_value_beyond_its_length_is_refused_with_its_place(cast):
    data = goals_with_steps()
    data["plan"]["mission"] = "Ensemble" * 131072  # a 1 MB paste with no space in it
    data["plan"]["values"] = [{"title": "Équité", "description": "“Fair” " * 150}]
    errors = refusal(EngagementFactory(), data)
    assert any(
        e.startswith(
            "The mission is longer than 800 characters (it has 1,048,576); it begins “Ense"
        )
        for e in errors
    ), errors
    assert any(
        e.startswith("Value 1: the description is longer than 1,000 characters (it has 1,050);")
        for e in errors
    ), errors


def test_an_import_with_a_description_or_step_over_its_limit_is_refused_and_says_which(cast):
    data = realistic_plan()
    goal = data["plan"]["goals"][0]
    goal["description"] = "Growth " * 800  # 5,600 characters
    goal["specific_outcome"] = "x" * 5001
    goal["strategies"][0]["action_steps"][0]["description"] = "y" * 5001
    problems = refusal(EngagementFactory(), data)
    assert any(
        p.startswith("Goal 1: the description is longer than 5,000 characters (it has 5,600)")
        for p in problems
    ), problems
    assert any("the specific outcome is longer than 5,000 characters" in p for p in problems)
    assert any(
        "action step 1: the description is longer than 5,000 characters" in p for p in problems
    ), problems
