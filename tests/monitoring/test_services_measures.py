"""The lived plan's measures: taken over from the approved plan, readings, target changes with
their reasons, yearly targets, overrides and the CSV and Excel import (all or nothing)."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from monitoring.models import MeasureReading, MonitoredMeasure, TargetChange
from monitoring.selectors.measures import lived_measure, lived_measures
from monitoring.services import measures as services

from ..factories import MeasureFactory
from .lived import approve, lived_plan


def _monitored(cast, measure) -> MonitoredMeasure:
    lived_measures(cast.engagement)
    return MonitoredMeasure.objects.get(engagement=cast.engagement, measure_id=measure.pk)


def test_before_the_board_approves_there_is_nothing_to_monitor(cast):
    MeasureFactory(goal__plan__engagement=cast.engagement)
    assert lived_measures(cast.engagement) is None
    assert MonitoredMeasure.objects.count() == 0


def test_the_first_read_takes_the_approved_measures_over_with_their_targets(cast):
    lived = lived_plan(cast)
    measures = lived_measures(cast.engagement).measures
    assert [m.indicator for m in measures] == [
        lived.graduation.indicator,
        "Average class size in grades K–3",
        "Chronic absence rate",
    ]
    graduation = measures[0].monitored
    assert (graduation.baseline, graduation.target) == (Decimal("70"), Decimal("90"))
    # The goal's owner owns its measures, also those on its strategies.
    assert measures[0].owner_name == "Plan team Person"
    assert measures[2].owner_name == "Superintendent Person"
    assert measures[2].monitored.direction == "down"
    # A measure without a baseline date starts on the day the plan is lived.
    assert measures[1].monitored.baseline_date == timezone.localdate()
    lived_measures(cast.engagement)
    assert MonitoredMeasure.objects.count() == 3


def test_editing_the_working_copy_changes_nothing_that_is_monitored(cast):
    lived = lived_plan(cast)
    lived_measures(cast.engagement)
    lived.graduation.target = Decimal("99")
    lived.graduation.save()
    assert lived_measures(cast.engagement).measures[0].monitored.target == Decimal("90")


def test_a_newly_approved_version_keeps_the_history_and_logs_the_boards_new_target(cast):
    lived = lived_plan(cast)
    row = _monitored(cast, lived.graduation)
    services.reading_add(
        measure=row, taken_on=timezone.localdate(), value=Decimal("80"), by=cast.plan_team
    )
    lived.graduation.target = Decimal("95")
    lived.graduation.save()
    approve(lived.graduation.goal.plan, decided_at=timezone.now() + timedelta(minutes=1))
    measure = lived_measure(cast.engagement, lived.graduation.pk)
    assert measure.monitored.target == Decimal("95")
    assert [r.value for r in measure.readings] == [Decimal("80")]
    [change] = measure.changes
    assert (change.field, change.old_value, change.new_value) == ("target", "90", "95")
    assert "The board approved" in change.reason
    lived_measures(cast.engagement)
    assert TargetChange.objects.count() == 1  # logged once, not at every read


def test_a_target_change_needs_a_reason_and_is_logged_with_old_and_new_values(cast):
    lived = lived_plan(cast)
    row = _monitored(cast, lived.graduation)
    with pytest.raises(ValidationError):
        services.targets_change(measure=row, by=cast.facilitator, reason="  ", target=Decimal(85))
    count = services.targets_change(
        measure=row,
        by=cast.facilitator,
        reason="The state changed how the cohort is counted (students who transfer out).",
        target=Decimal("85"),
        baseline=Decimal("70"),
    )
    assert count == 1
    row.refresh_from_db()
    assert row.target == Decimal("85")
    change = TargetChange.objects.get()
    assert (change.field, change.old_value, change.new_value) == ("target", "90", "85")
    assert change.changed_by == cast.facilitator
    # The approved snapshot is never changed.
    assert lived.version.data["plan"]["goals"][0]["measures"][0]["target"] == "90.00"


def test_yearly_targets_are_set_changed_removed_and_logged(cast):
    lived = lived_plan(cast)
    row = _monitored(cast, lived.graduation)
    for value in (Decimal("76"), Decimal("75"), None):
        services.yearly_target_set(
            measure=row, school_year=2027, value=value, by=cast.facilitator, reason="Board work"
        )
    assert row.yearly_targets.count() == 0
    log = list(TargetChange.objects.order_by("pk").values_list("field", "old_value", "new_value"))
    assert log == [
        ("target for 2026–27", "", "76"),
        ("target for 2026–27", "76", "75"),
        ("target for 2026–27", "75", ""),
    ]


def test_an_override_shows_until_the_next_reading(cast):
    lived = lived_plan(cast)
    row = _monitored(cast, lived.graduation)
    today = timezone.localdate()
    services.reading_add(measure=row, taken_on=today, value=Decimal("70"), by=cast.plan_team)
    assert lived_measure(cast.engagement, lived.graduation.pk).status == "off_track"
    services.status_override(
        measure=row,
        status="behind",
        reason="Spring counts come in late; the fall cohort is known to be stronger.",
        by=cast.plan_team,
    )
    measure = lived_measure(cast.engagement, lived.graduation.pk)
    assert (measure.status, measure.status_label) == ("behind", "Behind")
    assert measure.judgement.status == "off_track"  # the computed one stays visible
    services.reading_add(measure=row, taken_on=today, value=Decimal("81"), by=cast.plan_team)
    measure = lived_measure(cast.engagement, lived.graduation.pk)
    assert (measure.status, measure.override) == ("on_track", None)


def test_the_status_uses_the_given_today(cast):
    lived = lived_plan(cast)
    row = _monitored(cast, lived.graduation)
    today = timezone.localdate()
    services.reading_add(measure=row, taken_on=today, value=Decimal("80"), by=cast.plan_team)
    assert lived_measure(cast.engagement, lived.graduation.pk, today=today).status == "on_track"
    later = today + timedelta(days=125)
    assert lived_measure(cast.engagement, lived.graduation.pk, today=later).status == "overdue"


def test_the_measures_list_takes_the_same_queries_for_a_bigger_plan(
    cast, django_assert_max_num_queries
):
    lived = lived_plan(cast)
    lived_measures(cast.engagement)
    with django_assert_max_num_queries(7) as small:
        lived_measures(cast.engagement)
    plan = lived.graduation.goal.plan
    for n in range(12):
        measure = MeasureFactory(goal__plan=plan, baseline=Decimal(n), target=Decimal(50))
        approve(plan, decided_at=timezone.now() + timedelta(minutes=n + 1))
        row = _monitored(cast, measure)
        services.reading_add(measure=row, taken_on=date.today(), value=Decimal(3), by=None)
        services.status_override(measure=row, status="behind", reason="x", by=None)
    lived_measures(cast.engagement)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(lived_measures(cast.engagement).measures) == 15


# --- CSV import -----------------------------------------------------------------------------


def _by_name(cast):
    return {m.indicator.lower(): m.monitored for m in lived_measures(cast.engagement).measures}


def test_a_good_file_adds_every_reading(cast):
    lived_plan(cast)
    data = (
        "measure,date,value,note\n"
        'Chronic absence rate,2026-09-30,18.5,"Conteo de otoño, after the outreach in Spanish"\n'
        "chronic absence rate,2026-10-31,17%,\n"
    ).encode()
    rows, problems = services.readings_csv_check(
        data=data, measures=_by_name(cast), today=date(2026, 11, 1)
    )
    assert problems == []
    assert services.readings_csv_import(rows=rows, by=cast.core_team) == 2
    values = list(
        MeasureReading.objects.values_list("value", "source", "note").order_by("taken_on")
    )
    assert values == [
        (Decimal("18.5"), "import", "Conteo de otoño, after the outreach in Spanish"),
        (Decimal("17"), "import", ""),
    ]


def test_every_bad_row_is_named_with_its_reason(cast):
    lived_plan(cast)
    data = (
        "Measure,Date,Value,Note\n"
        "Chronic absence rate,2026-09-30,18.5,\n"
        "Reading scores,2026-09-30,40,\n"
        "Chronic absence rate,30/09/2026,about twenty,\n"
        "Chronic absence rate,2027-01-01,12,\n"
        ",,,\n"
        ",2026-09-30,,\n"
    ).encode("cp1252")
    rows, problems = services.readings_csv_check(
        data=data, measures=_by_name(cast), today=date(2026, 11, 1)
    )
    assert [str(p) for p in problems] == [
        "Row 3 (Reading scores): there is no measure “Reading scores” in the approved plan that "
        "you may report on (write its indicator as the plan has it)",
        "Row 4 (Chronic absence rate): “30/09/2026” is not a date (write it as 2027-03-15); "
        "“about twenty” is not a number",
        "Row 5 (Chronic absence rate): 2027-01-01 is in the future",
        "Row 7: the measure is empty; the value is empty",
    ]
    assert len(rows) == 1


@pytest.mark.parametrize(
    "data,message",
    [
        (b"", "The file is empty."),
        (b"indicator,value\n", "missing: date"),
        (b"measure,date,value\n", "no readings in it"),
        (b"\xff\xfe\x00\x00\x81", "not text"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(cast, data, message):
    lived_plan(cast)
    with pytest.raises(ValidationError, match=message):
        services.readings_csv_check(data=data, measures=_by_name(cast), today=date(2026, 11, 1))


def _xlsx(rows) -> bytes:
    """An Excel workbook as a district would save it: real dates and numbers in the cells."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_workbook_is_read_like_a_csv_file(cast):
    lived_plan(cast)
    data = _xlsx(
        [
            ["Measure", "Date", "Value", "Note"],
            ["Chronic absence rate", datetime(2026, 9, 30), 18.5, "Conteo de otoño"],
            ["Chronic absence rate", "2026-10-31", 17, None],
        ]
    )
    rows, problems = services.readings_csv_check(
        data=data, measures=_by_name(cast), today=date(2026, 11, 1)
    )
    assert problems == []
    assert [(r.taken_on, r.value, r.note) for r in rows] == [
        (date(2026, 9, 30), Decimal("18.5"), "Conteo de otoño"),
        (date(2026, 10, 31), Decimal("17"), ""),
    ]


def test_every_bad_row_of_a_workbook_is_named_and_nothing_is_added(cast):
    lived_plan(cast)
    data = _xlsx(
        [
            ["measure", "date", "value"],
            ["Chronic absence rate", datetime(2026, 9, 30), 18.5],
            ["Chronic absence rate", "next week", "twenty"],
            ["Reading scores", datetime(2026, 9, 30), 40],
        ]
    )
    rows, problems = services.readings_csv_check(
        data=data, measures=_by_name(cast), today=date(2026, 11, 1)
    )
    assert [p.line for p in problems] == [3, 4]
    assert "“next week” is not a date" in str(problems[0])
    assert "“twenty” is not a number" in str(problems[0])
    assert MeasureReading.objects.count() == 0


def test_a_broken_workbook_says_so(cast):
    lived_plan(cast)
    with pytest.raises(ValidationError, match="could not be read as an Excel workbook"):
        services.readings_csv_check(
            data=b"PK\x03\x04 not really a workbook",
            measures=_by_name(cast),
            today=date(2026, 11, 1),
        )
