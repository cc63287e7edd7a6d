"""An action step's plan year (year 1, 2, ... of the plan; optional): the plan builder's field with
its message beside it, the JSON export and import (1 to 10, a clear refusal), the CSV, and the
draft page."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from planning import services
from planning.forms import ActionStepForm
from planning.models import ActionStep
from planning.schema import CSV_HEADER, export_plan, import_plan, plan_csv
from tests.factories import (
    ActionStepFactory,
    EngagementFactory,
    GoalFactory,
    PlanVersionFactory,
    StrategyFactory,
)

from .test_plan_views import HTMX, url
from .test_schema import goals_with_steps, refusal

pytestmark = pytest.mark.django_db


def year_block(body: str) -> str:
    """The plan year's field block: its label, hint, errors and input (up to the next field)."""
    found = [part for part in body.split('<div class="field') if 'name="plan_year"' in part]
    assert len(found) == 1
    return found[0]


@pytest.fixture
def strategy(cast):
    plan = services.plan_for(cast.engagement)
    return StrategyFactory(goal=GoalFactory(plan=plan, title="Every child reads by grade 3"))


def test_the_model_takes_years_one_to_ten_or_none(strategy):
    for year in (None, 1, 10):
        ActionStepFactory(strategy=strategy, plan_year=year).full_clean()
    for year in (0, 11):
        with pytest.raises(ValidationError) as caught:
            ActionStepFactory.build(strategy=strategy, plan_year=year).full_clean()
        assert caught.value.message_dict["plan_year"] == [
            "The plan year is a whole number from 1 to 10 (year 1 is the plan’s first year)."
        ]


def test_the_form_offers_the_plan_year_and_says_what_is_wrong_beside_it(cast, strategy):
    context = {"engagement": cast.engagement, "plan": strategy.goal.plan}
    form = ActionStepForm(data={"description": "Train K–2 teachers", "stage": "plan"}, **context)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["plan_year"] is None
    form = ActionStepForm(
        data={"description": "Train", "stage": "plan", "plan_year": "two"}, **context
    )
    assert form.errors["plan_year"] == ["Give the plan year as a whole number, such as 1 or 2."]
    form = ActionStepForm(
        data={"description": "Train", "stage": "plan", "plan_year": "12"}, **context
    )
    assert form.errors["plan_year"] == [
        "The plan year is a whole number from 1 to 10 (year 1 is the plan’s first year)."
    ]


def test_the_core_team_sets_a_year_and_a_bad_one_keeps_what_was_typed(client, cast, strategy):
    client.force_login(cast.core_team)
    add = url("element-add", cast, "action_step") + f"?parent={strategy.pk}"
    typed = {"description": "Buy decodable books for K–2 — années 1", "stage": "do"}
    response = client.post(add, {**typed, "plan_year": "0"}, headers=HTMX)
    body = response.content.decode()
    assert "from 1 to 10" in year_block(body)
    assert "Buy decodable books for K–2 — années 1" in body
    assert not strategy.action_steps.exists()
    client.post(add, {**typed, "plan_year": "2"}, headers=HTMX)
    assert strategy.action_steps.get().plan_year == 2
    page = client.get(url("plan", cast)).content.decode()
    assert "Year 2" in page


def test_export_and_import_carry_the_plan_year(cast, strategy):
    ActionStepFactory(strategy=strategy, description="Hire tutors", plan_year=1)
    ActionStepFactory(strategy=strategy, description="Review tutoring")
    data = export_plan(strategy.goal.plan)
    steps = data["plan"]["goals"][0]["strategies"][0]["action_steps"]
    assert [step["plan_year"] for step in steps] == [1, None]
    imported, _ = import_plan(engagement=EngagementFactory(), data=json.loads(json.dumps(data)))
    years = ActionStep.objects.filter(strategy__goal__plan=imported).order_by("position")
    assert [step.plan_year for step in years] == [1, None]


def test_a_file_without_plan_years_still_imports():
    data = goals_with_steps()
    imported, _ = import_plan(engagement=EngagementFactory(), data=data)
    assert set(
        ActionStep.objects.filter(strategy__goal__plan=imported).values_list("plan_year", flat=True)
    ) == {None}


@pytest.mark.parametrize("year", [0, 11, "1", 1.5, True, -2])
def test_import_refuses_a_plan_year_outside_one_to_ten_and_names_the_step(cast, year):
    data = goals_with_steps()
    data["plan"]["goals"][1]["strategies"][0]["action_steps"][2]["plan_year"] = year
    messages = refusal(EngagementFactory(), data)
    assert len(messages) == 1
    assert messages[0].startswith("Goal 2, strategy 1, action step 3: the plan year ")
    assert messages[0].endswith("must be a whole number from 1 to 10, or null when not set.")


def test_the_csv_has_a_plan_year_column(cast, strategy):
    ActionStepFactory(strategy=strategy, description="Hire tutors", plan_year=3)
    rows = list(csv.reader(io.StringIO(plan_csv(strategy.goal.plan))))
    assert rows[0] == CSV_HEADER and CSV_HEADER[-1] == "Plan year"
    step = next(row for row in rows if row[2] == "Hire tutors")
    assert step[-1] == "3"


def test_a_saved_draft_shows_each_steps_year(client, cast, strategy):
    ActionStepFactory(strategy=strategy, description="Hire tutors", plan_year=1)
    ActionStepFactory(strategy=strategy, description="Review tutoring")
    version = PlanVersionFactory(plan=strategy.goal.plan)
    client.force_login(cast.core_team)
    page = client.get(
        reverse("planning:draft", args=[cast.engagement.pk, version.number])
    ).content.decode()
    assert "Year 1" in page
    assert "no year set" in page
