"""“Make it a plan measure”: an indicator becomes a measure of a goal or strategy of the working
copy with its baseline filled in; only for those who edit the plan; refused once it is frozen."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from planning.models import Measure
from planning.services import plan_for
from tests.factories import (
    ApprovalFactory,
    GoalFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    PlanVersionFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(cast):
    indicator = IndicatorFactory(
        engagement=cast.engagement,
        name="Chronic absenteeism",
        unit="%",
        source="District attendance system",
        direction="down",
    )
    IndicatorValueFactory(indicator=indicator, year=2023, value="16.4")
    IndicatorValueFactory(indicator=indicator, year=2025, value="14.2")
    IndicatorValueFactory(indicator=indicator, year=2026, value="11", breakdown="Lincoln")
    return indicator


@pytest.fixture
def goal(cast):
    return GoalFactory(plan=plan_for(cast.engagement), title="Every student, every day")


def url(cast, indicator):
    return reverse("planning:measure-from-indicator", args=[cast.engagement.pk, indicator.pk])


def test_it_makes_a_measure_of_a_goal_with_its_baseline(client, cast, indicator, goal):
    client.force_login(cast.core_team)
    page = client.get(url(cast, indicator)).text
    assert "14.2% (all students, 2025" in page
    response = client.post(url(cast, indicator), {"parent": f"goal:{goal.pk}"})
    measure = Measure.objects.get()
    assert response.status_code == 302 and f"#measure-{measure.pk}" in response["Location"]
    assert measure.goal == goal and measure.strategy is None
    assert measure.indicator == "Chronic absenteeism"
    assert measure.baseline == Decimal("14.20")  # the newest all-students value, not Lincoln's
    assert measure.baseline_date == date(2025, 6, 30)
    assert measure.unit == "%" and measure.direction == "down"
    assert measure.data_source == "District attendance system"


def test_it_makes_a_measure_of_a_strategy(client, cast, indicator, goal):
    strategy = StrategyFactory(goal=goal, title="Attendance teams")
    client.force_login(cast.facilitator)
    client.post(url(cast, indicator), {"parent": f"strategy:{strategy.pk}"})
    assert Measure.objects.get().strategy == strategy


def test_an_indicator_without_values_gives_a_measure_without_baseline(client, cast, goal):
    bare = IndicatorFactory(engagement=cast.engagement, name="Trust")
    client.force_login(cast.facilitator)
    client.post(url(cast, bare), {"parent": f"goal:{goal.pk}"})
    assert Measure.objects.get().baseline is None


def test_a_goal_of_another_plan_is_refused_by_the_field(client, cast, indicator, goal):
    foreign = GoalFactory(plan=plan_for(cast.foreign_engagement))
    client.force_login(cast.facilitator)
    response = client.post(url(cast, indicator), {"parent": f"goal:{foreign.pk}"})
    assert response.status_code == 400
    assert not Measure.objects.exists()


def test_a_frozen_plan_refuses_clearly(client, cast, indicator, goal):
    ApprovalFactory(version=PlanVersionFactory(plan=goal.plan))
    client.force_login(cast.facilitator)
    assert (
        "The plan is frozen while the board considers it" in client.get(url(cast, indicator)).text
    )
    response = client.post(url(cast, indicator), {"parent": f"goal:{goal.pk}"})
    assert response.status_code == 409
    assert not Measure.objects.exists()


def test_an_approved_plan_refuses_clearly(client, cast, indicator, goal):
    type(cast.engagement).objects.filter(pk=cast.engagement.pk).update(
        plan_approved_at=timezone.now()
    )
    client.force_login(cast.facilitator)
    response = client.post(url(cast, indicator), {"parent": f"goal:{goal.pk}"})
    assert response.status_code == 409
    assert "The board has approved this plan" in response.text
    assert not Measure.objects.exists()


def test_a_plan_without_goals_says_what_to_do(client, cast, indicator):
    client.force_login(cast.facilitator)
    assert "The plan has no goal yet." in client.get(url(cast, indicator)).text


@pytest.mark.parametrize("role", ["plan_team", "board", "superintendent"])
def test_roles_that_do_not_edit_the_plan_get_403(client, cast, indicator, goal, role):
    client.force_login(cast.member(role))
    assert client.get(url(cast, indicator)).status_code == 403
    assert client.post(url(cast, indicator), {"parent": f"goal:{goal.pk}"}).status_code == 403
    page = client.get(reverse("evidence:indicator", args=[cast.engagement.pk, indicator.pk])).text
    assert url(cast, indicator) not in page


def test_a_foreign_indicator_or_an_outsider_gets_404(client, cast, indicator, goal):
    foreign = IndicatorFactory(engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    target = reverse("planning:measure-from-indicator", args=[cast.engagement.pk, foreign.pk])
    assert client.post(target, {"parent": f"goal:{goal.pk}"}).status_code == 404
    client.force_login(cast.outsider)
    assert client.get(url(cast, indicator)).status_code == 404


def test_a_refusal_naming_a_field_the_form_lacks_is_shown_above_it(
    client, cast, indicator, goal, monkeypatch
):
    # The measure's own checks may name its fields (its baseline), which this form has not.
    def refuse(**kwargs):
        raise ValidationError({"baseline": "Ensure that there are no more than 14 digits."})

    monkeypatch.setattr("planning.views.from_evidence.measure_from_indicator", refuse)
    client.force_login(cast.facilitator)
    response = client.post(url(cast, indicator), {"parent": f"goal:{goal.pk}"})
    assert response.status_code == 400
    assert "Ensure that there are no more than 14 digits." in response.text
    assert not Measure.objects.exists()
