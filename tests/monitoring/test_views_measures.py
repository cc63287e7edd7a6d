"""The measures pages of the lived plan, role by role: everyone reads, owners and the core team
report, the facilitator changes targets with a reason, outsiders and foreign ids get 404."""

import io
import re
import uuid
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from monitoring.models import MeasureReading, MonitoredMeasure, StatusOverride, TargetChange
from monitoring.selectors.measures import lived_measures

from ..factories import MeasureFactory
from .lived import approve, lived_plan

ROLES = ["facilitator", "core_team", "plan_team", "board", "superintendent"]


def _list(cast):
    return reverse("monitoring:measures", args=[cast.engagement.pk])


def _page(cast, measure, action=""):
    name = f"monitoring:measure{'-' + action if action else ''}"
    return reverse(name, args=[cast.engagement.pk, measure.pk])


def _reading(**extra):
    return {"taken_on": timezone.localdate().isoformat(), "value": "80", "note": "", **extra}


def test_before_approval_the_page_explains_what_comes(client, cast):
    client.force_login(cast.board)
    response = client.get(_list(cast))
    assert response.status_code == 200
    assert "Nothing to monitor yet" in response.text
    assert "Once the board approves the plan" in response.text
    detail = client.get(reverse("engagements:detail", args=[cast.engagement.pk]))
    assert "Living the plan: measures" not in detail.text


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_measures_with_their_status_and_why(client, cast, role):
    lived = lived_plan(cast)
    client.force_login(cast.member(role))
    response = client.get(_list(cast))
    assert response.status_code == 200
    assert "Four-year graduation rate (cohort of 2028, students with an IEP included)" in (
        response.text
    )
    assert "No data yet" in response.text
    assert "No reading yet. This measure is reported every quarter." in response.text
    assert "Superintendent Person" in response.text
    page = client.get(_page(cast, lived.graduation))
    assert page.status_code == 200
    detail = client.get(reverse("engagements:detail", args=[cast.engagement.pk]))
    assert "Living the plan: measures" in detail.text


def test_outsiders_and_foreign_or_unknown_measures_get_404(client, cast):
    lived = lived_plan(cast)
    foreign = MeasureFactory(goal__plan__engagement=cast.foreign_engagement)
    approve(foreign.goal.plan)
    client.force_login(cast.outsider)
    assert client.get(_list(cast)).status_code == 404
    assert client.get(_page(cast, lived.graduation)).status_code == 404
    client.force_login(cast.facilitator)
    assert client.get(_page(cast, foreign)).status_code == 404
    unknown = reverse("monitoring:measure", args=[cast.engagement.pk, uuid.uuid4()])
    assert client.get(unknown).status_code == 404
    assert client.post(_page(cast, foreign), _reading()).status_code == 404


@pytest.mark.parametrize(
    "role,measure,status",
    [
        ("plan_team", "graduation", 302),  # owns the goal
        ("plan_team", "absence", 403),  # another member's goal
        ("superintendent", "absence", 302),  # owns the goal of that strategy
        ("core_team", "graduation", 302),
        ("facilitator", "absence", 302),
        ("board", "graduation", 403),
    ],
)
def test_owners_the_core_team_and_the_facilitator_add_readings(client, cast, role, measure, status):
    lived = lived_plan(cast)
    client.force_login(cast.member(role))
    response = client.post(_page(cast, getattr(lived, measure)), _reading())
    assert response.status_code == status
    assert MeasureReading.objects.count() == (1 if status == 302 else 0)


def test_each_goal_shows_the_worst_status_of_its_measures(client, cast):
    lived = lived_plan(cast)
    client.force_login(cast.core_team)
    client.post(_page(cast, lived.graduation), _reading(value="80"))
    client.post(_page(cast, lived.class_size), _reading(value="22"))
    page = client.get(_list(cast)).text
    ready = page[page.find("Every student graduates ready") : page.find("Students come to school")]
    assert "All its measures together:" in ready
    assert 'No target set</span> <span class="muted">(the worst' not in ready
    assert '<span class="m-status m-status--on_track">' in ready.split("All its measures")[1][:80]
    client.post(_page(cast, lived.absence), _reading(value="19"))  # 15 % expected: off track
    page = client.get(_list(cast)).text
    school = page[page.find("Students come to school") :]
    assert "Off track" in school.split("(the worst")[0]
    assert "Strategy: Family outreach in Spanish and Vietnamese" in school


def test_a_reading_changes_the_status_and_its_why(client, cast):
    lived = lived_plan(cast)
    client.force_login(cast.plan_team)
    note = "Spring count from the state portal; two schools reported late. " * 5
    response = client.post(
        _page(cast, lived.graduation), _reading(value="72", note=note), follow=True
    )
    assert "Reading added" in response.text
    assert "Off track" in response.text
    assert "72 % now; 80 % expected by" in response.text
    assert "Spring count from the state portal" in response.text


def test_a_bad_reading_is_refused_beside_its_field_and_nothing_typed_is_lost(client, cast):
    lived = lived_plan(cast)
    client.force_login(cast.plan_team)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    note = "Conteo de otoño <script>alert(1)</script>"
    response = client.post(
        _page(cast, lived.graduation), _reading(value="about 80", taken_on=tomorrow, note=note)
    )
    assert response.status_code == 400
    assert "Enter a number, like 72 or 72.5." in response.text
    assert "The date is in the future" in response.text
    assert "Conteo de otoño &lt;script&gt;" in response.text
    assert f'value="{tomorrow}"' in response.text
    assert MeasureReading.objects.count() == 0


@pytest.mark.parametrize("role,status", [("facilitator", 302), ("core_team", 403), ("board", 403)])
def test_only_the_facilitator_changes_targets(client, cast, role, status):
    lived = lived_plan(cast)
    client.force_login(cast.member(role))
    data = {
        "baseline": "70",
        "baseline_date": lived.graduation.baseline_date.isoformat(),
        "target": "85",
        "target_date": lived.graduation.target_date.isoformat(),
        "direction": "up",
        "reason": "The state now counts students who transfer out of the district.",
    }
    assert client.post(_page(cast, lived.graduation, "targets"), data).status_code == status
    assert TargetChange.objects.count() == (1 if status == 302 else 0)


def test_a_target_change_without_a_reason_is_refused_and_the_log_shows_beside_it(client, cast):
    lived = lived_plan(cast)
    client.force_login(cast.facilitator)
    data = {"baseline": "70", "target": "85", "direction": "up", "reason": ""}
    response = client.post(_page(cast, lived.graduation, "targets"), data)
    assert response.status_code == 400
    assert "Give a reason: everyone who reads the plan sees it." in response.text
    assert 'name="target" value="85"' in response.text
    data["reason"] = "Cohort counted the state's new way"
    data["baseline_date"] = lived.graduation.baseline_date.isoformat()
    data["target_date"] = lived.graduation.target_date.isoformat()
    page = client.post(_page(cast, lived.graduation, "targets"), data, follow=True)
    assert "Target</strong>: 90 → 85" in page.text
    assert "Reason: Cohort counted the state&#x27;s new way" in page.text
    assert "Facilitator Person" in page.text
    again = client.post(_page(cast, lived.graduation, "targets"), data, follow=True)
    assert "Nothing changed: these are the values already set." in again.text
    assert TargetChange.objects.count() == 1


def test_a_band_needs_both_ends(client, cast):
    lived = lived_plan(cast)
    client.force_login(cast.facilitator)
    data = {"direction": "band", "band_low": "24", "reason": "Class size policy"}
    response = client.post(_page(cast, lived.class_size, "targets"), data)
    assert response.status_code == 400
    assert "A band needs its lowest and its highest value." in response.text
    data["band_high"] = "18"
    response = client.post(_page(cast, lived.class_size, "targets"), data)
    assert "The highest value must not be below the lowest." in response.text
    data.update(band_low="18", band_high="24")
    assert client.post(_page(cast, lived.class_size, "targets"), data).status_code == 302
    row = MonitoredMeasure.objects.get(measure_id=lived.class_size.pk)
    assert (row.direction, row.band_low, row.band_high) == ("band", Decimal(18), Decimal(24))


def test_the_facilitator_sets_a_yearly_target_with_a_reason(client, cast):
    lived = lived_plan(cast)
    client.force_login(cast.facilitator)
    year = timezone.localdate().year + 1
    data = {"school_year": str(year), "value": "84", "reason": "As published to families"}
    page = client.post(_page(cast, lived.graduation, "yearly-target"), data, follow=True)
    assert f"{year - 1}–{str(year)[-2:]}</strong>: 84 %" in page.text
    client.force_login(cast.core_team)
    assert client.post(_page(cast, lived.graduation, "yearly-target"), data).status_code == 403


def test_an_owner_overrides_the_status_with_a_reason(client, cast):
    lived = lived_plan(cast)
    client.force_login(cast.plan_team)
    url = _page(cast, lived.graduation, "override")
    response = client.post(url, {"status": "behind", "reason": ""})
    assert response.status_code == 400
    reason = "The winter cohort is larger; March figures understate it."
    page = client.post(url, {"status": "behind", "reason": reason}, follow=True)
    assert "(set by a person)" in page.text
    assert "The winter cohort is larger" in page.text
    client.force_login(cast.board)
    assert client.post(url, {"status": "on_track", "reason": "x"}).status_code == 403
    assert StatusOverride.objects.count() == 1


def test_the_measures_list_takes_the_same_queries_as_the_plan_grows(
    client, cast, django_assert_max_num_queries
):
    lived = lived_plan(cast)
    client.force_login(cast.board)
    client.get(_list(cast))
    with django_assert_max_num_queries(50) as small:
        client.get(_list(cast))
        count = len(small.captured_queries)  # a finished request closes the connection's log
    plan = lived.graduation.goal.plan
    for _ in range(10):
        MeasureFactory(goal__plan=plan, baseline=Decimal(1), target=Decimal(9), unit="days")
    approve(plan, decided_at=timezone.now() + timedelta(minutes=1))
    client.get(_list(cast))  # the first read takes the new measures over
    for row in lived_measures(cast.engagement).measures:
        MeasureReading.objects.create(measure=row.monitored, taken_on="2026-01-01", value=2)
        StatusOverride.objects.create(
            measure=row.monitored, status="behind", reason="Known delay", set_by=cast.core_team
        )
    with django_assert_max_num_queries(count):
        assert client.get(_list(cast)).text.count('class="m-card"') == 13


# --- import -----------------------------------------------------------------------------------


def _csv(text: str):
    return SimpleUploadedFile("readings.csv", text.encode(), content_type="text/csv")


def test_an_owner_imports_readings_of_their_own_measures_only(client, cast):
    lived = lived_plan(cast)
    client.force_login(cast.plan_team)
    url = reverse("monitoring:readings-import", args=[cast.engagement.pk])
    day = timezone.localdate().isoformat()
    text = (
        f'measure,date,value\n"{lived.graduation.indicator}",{day},78\n'
        f"Chronic absence rate,{day},15\n"
    )
    response = client.post(url, {"file": _csv(text)})
    assert response.status_code == 400
    assert "No reading was added: 1 row needs fixing." in response.text
    assert "Row 3 (Chronic absence rate): there is no measure" in response.text
    assert MeasureReading.objects.count() == 0
    text = f'measure,date,value\n"{lived.graduation.indicator}",{day},78\n'
    response = client.post(url, {"file": _csv(text)}, follow=True)
    assert "Added 1 reading." in response.text
    assert MeasureReading.objects.get().source == "import"


def test_an_excel_workbook_is_imported_through_the_page(client, cast):
    lived = lived_plan(cast)
    client.force_login(cast.plan_team)
    url = reverse("monitoring:readings-import", args=[cast.engagement.pk])
    book = openpyxl.Workbook()
    book.active.append(["measure", "date", "value", "note"])
    book.active.append([lived.graduation.indicator, timezone.localdate(), 78.5, "Cohorte 2027"])
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("readings.xlsx", out.getvalue())
    response = client.post(url, {"file": upload}, follow=True)
    assert "Added 1 reading." in response.text
    reading = MeasureReading.objects.get()
    assert (reading.value, reading.note, reading.source) == (
        Decimal("78.5"),
        "Cohorte 2027",
        "import",
    )
    other = SimpleUploadedFile("readings.ods", b"not a spreadsheet we read")
    response = client.post(url, {"file": other})
    assert "Only CSV files and Excel workbooks (.xlsx) can be imported." in response.text


def test_the_board_does_not_import_and_the_page_needs_an_approved_plan(client, cast):
    url = reverse("monitoring:readings-import", args=[cast.engagement.pk])
    client.force_login(cast.facilitator)
    assert client.get(url).url == _list(cast)  # the list explains what comes after approval
    lived_plan(cast)
    assert client.get(url).status_code == 200
    client.force_login(cast.board)
    assert client.get(url).status_code == 403
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404


def test_each_form_of_the_measure_page_has_its_own_field_ids(client, cast):
    lived = lived_plan(cast)
    client.force_login(cast.facilitator)
    page = client.get(_page(cast, lived.graduation)).text
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    for form in ("targets", "yearly", "override"):
        assert f'<label for="id_{form}_reason">Reason</label>' in page
    assert 'name="baseline" value="70" inputmode="decimal"' in page  # as people write it
