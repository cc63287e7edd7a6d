"""The demo's lived plan (monitoring/demo.py): Riverside's approved 2021–2026 plan after 18
months of readings and updates, loaded by load_demo."""

import time
from datetime import date

import pytest
from django.core import serializers
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from engagements.demo import PREVIOUS_PLAN
from engagements.models import Engagement
from monitoring.demo import load_lived_demo
from monitoring.models import (
    ActionUpdate,
    MeasureReading,
    MonitoredMeasure,
    StatusOverride,
    TargetChange,
    YearlyTarget,
)
from monitoring.selectors.actions import lived_actions
from monitoring.selectors.measures import lived_measures
from monitoring.selectors.plan import approved_version

pytestmark = pytest.mark.django_db


def previous() -> Engagement:
    return Engagement.objects.get(name=PREVIOUS_PLAN)


def statuses(engagement, today=None) -> dict[str, str]:
    lived = lived_measures(engagement, today=today)
    return {m.indicator: m.judgement.status.value for m in lived.measures}


def test_the_lived_plan_has_measures_on_track_behind_off_track_and_overdue():
    call_command("load_demo")
    found = statuses(previous())
    assert sorted(found.values()).count("on_track") >= 2
    assert list(found.values()).count("behind") >= 2
    assert found["Suspensions per 100 students"] == "off_track"
    assert found["High school students in at least one Advanced Placement course"] == "overdue"
    assert "no_data" not in found.values()
    # 18 months of readings, the oldest no more than 18 months back
    oldest = MeasureReading.objects.filter(measure__engagement=previous()).order_by("taken_on")[0]
    assert (timezone.localdate() - oldest.taken_on).days <= 18 * 31 + 1
    assert MeasureReading.objects.filter(measure__engagement=previous()).count() >= 50


@pytest.mark.parametrize("day", [date(2027, 3, 1), date(2027, 3, 31), date(2028, 12, 31)])
def test_the_statuses_stay_true_whatever_day_the_demo_is_loaded(day):
    call_command("load_demo")
    engagement = previous()
    for model in (MeasureReading, TargetChange, ActionUpdate):
        model.objects.filter(**_of(model, engagement)).delete()
    load_lived_demo(engagement, today=day)
    found = statuses(engagement, today=day)
    assert found["Third graders reading at grade level"] == "on_track"
    assert found["K–3 students meeting the monthly reading benchmark"] == "behind"
    assert found["Students who feel safe at school"] == "on_track"
    assert found["Suspensions per 100 students"] == "off_track"
    assert found["Graduates meeting college entrance requirements"] == "behind"
    assert found["High school students in at least one Advanced Placement course"] == "overdue"


def _of(model, engagement) -> dict:
    return (
        {"engagement": engagement} if model is ActionUpdate else {"measure__engagement": engagement}
    )


def test_a_target_was_changed_by_the_facilitator_with_its_reason():
    call_command("load_demo")
    change = TargetChange.objects.get(measure__engagement=previous())
    assert (change.field, change.old_value, change.new_value) == ("target", "85", "80")
    assert "new survey" in change.reason and change.changed_by.email == (
        "facilitator@riverside.example"
    )
    assert change.changed_at < timezone.now()
    measure = next(
        m for m in lived_measures(previous()).measures if m.monitored.pk == change.measure_id
    )
    assert measure.indicator == "Students who feel safe at school"
    assert measure.monitored.target == 80


def test_action_steps_have_plan_years_and_updates_with_notes_and_pdsa():
    call_command("load_demo")
    engagement = previous()
    steps = lived_actions(engagement).steps
    assert len(steps) == 10
    assert all(s.step["plan_year"] for s in steps)  # the approved snapshot carries the year
    assert {s.step["plan_year"] for s in steps} == {1, 2, 3, 4, 5}
    assert all(s.latest is not None and s.latest.note for s in steps)
    assert {s.status for s in steps} >= {"done", "on_track", "at_risk", "off_track"}
    pdsa = (
        ActionUpdate.objects.filter(engagement=engagement).exclude(studied="").exclude(decided="")
    )
    assert pdsa.count() >= 4
    # Every update was made by the step's owner, as the owner would have.
    for step in steps:
        assert step.latest.author.email == step.owner_email
    # The career pathways step is past its due date and not done: the page says so.
    late = next(s for s in steps if s.step["description"].startswith("Launch health"))
    assert late.is_overdue and late.status == "at_risk"


def test_two_owners_have_not_reported_this_month():
    call_command("load_demo")
    engagement = previous()
    data = approved_version(engagement).data
    first = timezone.localdate().replace(day=1)
    owners = {g["owner"] for g in data["plan"]["goals"]}
    reported = set()
    for measure in lived_measures(engagement).measures:
        if MeasureReading.objects.filter(measure=measure.monitored, taken_on__gte=first).exists():
            reported.add(measure.element.owner)
    start = timezone.make_aware(timezone.datetime.combine(first, timezone.datetime.min.time()))
    for step in lived_actions(engagement).steps:
        owners.add(step.owner_email)
        if step.latest.created_at >= start:
            reported.add(step.owner_email)
    assert owners - reported == {"plan@riverside.example", "superintendent@riverside.example"}
    assert reported == {"core@riverside.example"}


def monitoring_snapshot() -> str:
    models = [MonitoredMeasure, YearlyTarget, MeasureReading, TargetChange, StatusOverride]
    objects = [obj for model in models for obj in model.objects.order_by("pk")]
    objects += list(ActionUpdate.objects.order_by("pk"))
    return serializers.serialize("json", objects)


def test_loading_the_demo_twice_changes_nothing_in_the_lived_plan():
    call_command("load_demo")
    before = monitoring_snapshot()
    call_command("load_demo")
    assert monitoring_snapshot() == before


def test_the_lived_plan_loads_in_well_under_two_seconds():
    call_command("load_demo")
    engagement = previous()
    for model in (MeasureReading, TargetChange, ActionUpdate):
        model.objects.filter(**_of(model, engagement)).delete()
    MonitoredMeasure.objects.filter(engagement=engagement).delete()
    started = time.perf_counter()
    load_lived_demo(engagement)
    assert time.perf_counter() - started < 2
    assert ActionUpdate.objects.filter(engagement=engagement).exists()


def test_the_demo_facilitator_opens_the_lived_plan_pages(client):
    call_command("load_demo")
    engagement = previous()
    client.force_login(User.objects.get(email="facilitator@riverside.example"))
    page = client.get(reverse("monitoring:measures", args=[engagement.pk])).content.decode()
    assert "Off track" in page and "Update overdue" in page and "Behind" in page
    page = client.get(reverse("monitoring:action-steps", args=[engagement.pk])).content.decode()
    assert "Review suspension data each month" in page and "At risk" in page
    page = client.get(reverse("monitoring:schedule", args=[engagement.pk])).content.decode()
    assert "Open full-day kindergarten" in page
