"""The board progress report: what it holds for a period (counts, every goal with its measures and
action steps, successes, road blocks, every change of plan), who reads and who prepares it, its
PDF through the shared render path, and the same queries however big the plan grows."""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from engagements.models import Membership
from monitoring.models import MeasureReading
from monitoring.selectors.measures import lived_measures
from monitoring.selectors.progress import progress_for
from monitoring.services.actions import action_update_record
from monitoring.services.measures import targets_change
from reports.board import board_content, recent_periods
from reports.models import BoardReportNote, ReportJob

from ..factories import (
    ActionStepFactory,
    GoalFactory,
    MeasureFactory,
    StrategyFactory,
)
from ..monitoring.lived import approve, lived_plan

pytestmark = pytest.mark.django_db
READERS = ["facilitator", "core_team", "plan_team", "board", "superintendent"]


def url(cast, name="reports:board", **query):
    address = reverse(name, args=[cast.engagement.pk])
    return address + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _monitored(cast, measure):
    return next(m for m in lived_measures(cast.engagement).measures if m.id == measure.pk).monitored


def _read(cast, measure, value, days_ago=1, note=""):
    MeasureReading.objects.create(
        measure=_monitored(cast, measure),
        taken_on=timezone.localdate() - timedelta(days=days_ago),
        value=Decimal(value),
        note=note,
        entered_by=cast.plan_team,
    )


def _plan(cast):
    """lived_plan (graduation on track, chronic absence off track), then a newly approved version
    adding three action steps: one done, one past its due date, one cancelled this period."""
    lived = lived_plan(cast)
    strategy = lived.absence.strategy
    core = Membership.objects.get(engagement=cast.engagement, user=cast.core_team)
    calls = ActionStepFactory(
        strategy=strategy, description="Call every family after three absences", owner=core
    )
    vans = ActionStepFactory(
        strategy=strategy,
        description="Run a morning van on the east side",
        owner=core,
        due_date=timezone.localdate() - timedelta(days=10),
    )
    posters = ActionStepFactory(
        strategy=strategy, description="Print posters <b>in four</b> tongues"
    )
    approve(strategy.goal.plan, decided_at=timezone.now() + timedelta(seconds=1))
    _read(cast, lived.graduation, "80", days_ago=0, note="Counted by the registrar")
    _read(cast, lived.absence, "25", days_ago=0)  # the wrong way: off track
    action_update_record(
        engagement=cast.engagement,
        step_id=calls.pk,
        author=cast.core_team,
        status="done",
        note="All 212 families called",
    )
    action_update_record(
        engagement=cast.engagement,
        step_id=posters.pk,
        author=cast.core_team,
        status="cancelled",
        note="The district prints them now",
    )
    targets_change(
        measure=_monitored(cast, lived.graduation),
        by=cast.facilitator,
        reason="The state changed the cohort rule",
        target=Decimal("88"),
    )
    return lived, calls, vans, posters


# --- content --------------------------------------------------------------------------------


def test_the_report_holds_counts_successes_road_blocks_and_changes_of_the_period(cast):
    lived, calls, vans, posters = _plan(cast)
    period = recent_periods(cast.engagement)[0]
    c = board_content(cast.engagement, period)
    counts = {label: n for _, _, label, n in c["counts"]["measures"]}
    assert counts["On track"] == 1 and counts["Off track"] == 1
    steps = {label: n for _, _, label, n in c["counts"]["steps"]}
    assert steps == {"Not started": 1, "Done": 1, "Cancelled": 1}
    successes = [item["title"] for item in c["successes"]]
    assert "Call every family after three absences" in successes
    assert lived.graduation.indicator in successes
    blocks = {item["title"]: item["label"] for item in c["road_blocks"]}
    assert blocks == {"Chronic absence rate": "Off track", vans.description: "Past its due date"}
    changes = c["changes"]
    assert [(t["field"], t["old"], t["new"], t["reason"]) for t in changes["targets"]] == [
        ("target", "90", "88", "The state changed the cohort rule")
    ]
    assert [row["step"] for row in changes["cancelled"]] == [posters.description]
    assert changes["cancelled"][0]["reason"] == "The district prints them now"
    assert sorted(row["step"] for row in changes["added"]) == sorted(
        [calls.description, vans.description, posters.description]
    )
    goal = c["goals"][1]
    assert goal["title"] == "Students come to school"
    step = goal["strategies"][0]["steps"][0]
    assert (step["number"], step["title"], step["label"], step["note"]) == (
        "2.1.1",
        calls.description,
        "Done",
        "All 212 families called",
    )


def test_a_change_before_the_period_is_not_in_it(cast):
    _plan(cast)
    earlier = recent_periods(cast.engagement)[1]
    c = board_content(cast.engagement, earlier)
    assert c["changes"] == {"targets": [], "cancelled": [], "added": [], "dropped": []}
    assert c["successes"] == []


def test_the_page_shows_every_part_with_words_and_escaped_text(client, cast):
    _plan(cast)
    client.force_login(cast.board)
    page = client.get(url(cast)).text
    for words in (
        "At a glance",
        "Successes in",
        "Road blocks",
        "Changes to the plan in",
        "The state changed the cohort rule",
        "All 212 families called",
        "Counted by the registrar",
        "Expected now",
        'role="img"',
        "Show the numbers",
        '<th scope="col">Status</th>',
    ):
        assert words in page, words
    assert "Print posters &lt;b&gt;in four&lt;/b&gt; tongues" in page
    assert "<b>in four</b>" not in page


def test_before_any_approval_the_page_says_what_it_will_hold(client, cast):
    client.force_login(cast.board)
    response = client.get(url(cast))
    assert response.status_code == 200
    assert "Nothing to report yet" in response.text


def test_an_earlier_period_is_chosen_by_any_day_in_it(client, cast):
    _plan(cast)
    client.force_login(cast.facilitator)
    earlier = recent_periods(cast.engagement)[2]
    page = client.get(url(cast, period=earlier.end.isoformat())).text
    assert f"Progress report to the board: {earlier.label}" in page
    assert client.get(url(cast, period="not-a-day")).status_code == 200


# --- access -----------------------------------------------------------------------------------


def _hand_off(cast):
    """The core-team member becomes plan lead; the facilitator stays as adviser."""
    from engagements.services.handoff import engagement_hand_off

    member = Membership.objects.get
    engagement_hand_off(
        engagement=cast.engagement,
        by=member(engagement=cast.engagement, user=cast.facilitator),
        lead=member(engagement=cast.engagement, user=cast.core_team),
        facilitators_stay=True,
    )


@pytest.mark.parametrize("role", READERS)
def test_every_member_reads_the_report(client, cast, role):
    _plan(cast)
    client.force_login(cast.member(role))
    assert client.get(url(cast)).status_code == 200


@pytest.mark.parametrize("role", ["core_team", "plan_team", "board", "superintendent"])
def test_only_who_runs_the_lived_plan_prepares_it(client, cast, role):
    _plan(cast)
    client.force_login(cast.member(role))
    assert client.get(url(cast, "reports:board-prepare")).status_code == 403
    response = client.post(url(cast, "reports:board-prepare"), {"cover_note": "x"})
    assert response.status_code == 403
    assert not BoardReportNote.objects.exists()
    assert "Choose highlights and write the note" not in client.get(url(cast)).text


def test_after_the_hand_off_the_plan_lead_prepares_and_the_adviser_reads(client, cast):
    _plan(cast)
    _hand_off(cast)
    client.force_login(cast.core_team)  # now plan lead
    assert client.get(url(cast, "reports:board-prepare")).status_code == 200
    client.force_login(cast.facilitator)  # now adviser
    assert client.get(url(cast)).status_code == 200
    assert client.get(url(cast, "reports:board-prepare")).status_code == 403


@pytest.mark.parametrize("name", ["reports:board", "reports:board-prepare", "reports:board-pdf"])
def test_an_outsider_gets_not_found(client, cast, name):
    _plan(cast)
    client.force_login(cast.outsider)
    response = client.post(url(cast, name)) if name.endswith("pdf") else client.get(url(cast, name))
    assert response.status_code == 404


# --- highlights and the cover note ------------------------------------------------------------


def test_the_plan_lead_features_items_and_writes_a_note_shown_first(client, cast):
    lived, calls, vans, posters = _plan(cast)
    period = recent_periods(cast.engagement)[0]
    client.force_login(cast.facilitator)
    response = client.post(
        url(cast, "reports:board-prepare"),
        {
            "period": period.key,
            "cover_note": "A strong month for <attendance>.\n\nVans need a driver.",
            "highlights": [f"step:{vans.pk}", f"measure:{lived.graduation.pk}"],
            "days_before": "7",
        },
    )
    assert response.status_code == 302
    note = BoardReportNote.objects.get()
    assert note.highlights == [f"step:{vans.pk}", f"measure:{lived.graduation.pk}"]
    page = client.get(response.url).text
    assert "A strong month for &lt;attendance&gt;." in page
    assert page.index("A note to the board") < page.index("Highlights") < page.index("Successes")
    highlights = page[page.index('id="br-highlights"') : page.index('id="br-successes"')]
    assert highlights.index(vans.description) < highlights.index(lived.graduation.indicator)
    assert cast.engagement.report_settings.board_report_days == 7


def test_too_many_highlights_are_refused_keeping_what_was_typed(client, cast):
    lived, *_ = _plan(cast)
    plan = lived.graduation.goal.plan
    goal = GoalFactory(plan=plan)
    extra = [MeasureFactory(goal=goal, indicator=f"Extra {n}") for n in range(8)]
    approve(plan, decided_at=timezone.now() + timedelta(minutes=2))
    client.force_login(cast.facilitator)
    response = client.post(
        url(cast, "reports:board-prepare"),
        {
            "cover_note": "Kept as typed",
            "highlights": [f"measure:{m.pk}" for m in extra] + [f"measure:{lived.absence.pk}"],
            "days_before": "5",
        },
    )
    assert response.status_code == 400
    assert "Choose at most 8 items to feature (you chose 9)." in response.text
    assert "Kept as typed" in response.text
    assert not BoardReportNote.objects.exists()


# --- the PDF ----------------------------------------------------------------------------------


def test_the_pdf_is_made_through_the_render_path(
    client, cast, tasks_in_process, django_capture_on_commit_callbacks
):
    _plan(cast)
    client.force_login(cast.board)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(cast, "reports:board-pdf"))
    job = ReportJob.objects.get(kind=ReportJob.Kind.BOARD)
    assert response.url == reverse("reports:job", args=[cast.engagement.pk, job.pk])
    job.refresh_from_db()
    assert job.state == ReportJob.State.DONE, job.error
    assert client.get(response.url).status_code == 200  # a board member reads the job
    pdf = client.get(reverse("reports:download", args=[cast.engagement.pk, job.pk]))
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(b"".join(pdf))).pages)
    for words in ("progress report to the board", "Road blocks", "Chronic absence rate"):
        assert words in text, words
    # asking again with nothing changed hands back the same PDF
    again = client.post(url(cast, "reports:board-pdf"))
    assert again.url == response.url


# --- speed ------------------------------------------------------------------------------------


def test_the_page_takes_the_same_queries_as_the_plan_grows(
    client, cast, django_assert_max_num_queries
):
    lived, *_ = _plan(cast)
    client.force_login(cast.board)
    client.get(url(cast))
    with django_assert_max_num_queries(60) as small:
        client.get(url(cast))
        count = len(small.captured_queries)
    plan = lived.graduation.goal.plan
    for _ in range(4):
        strategy = StrategyFactory(goal=GoalFactory(plan=plan))
        MeasureFactory(strategy=strategy, goal=None, baseline=Decimal(1), target=Decimal(9))
        ActionStepFactory(strategy=strategy)
    approve(plan, decided_at=timezone.now() + timedelta(minutes=5))
    client.get(url(cast))  # the first read takes the new measures over
    for row in lived_measures(cast.engagement).measures:
        targets_change(measure=row.monitored, by=cast.facilitator, reason="r", baseline=Decimal(2))
        for month in range(3):
            MeasureReading.objects.create(
                measure=row.monitored,
                taken_on=timezone.localdate() - timedelta(days=30 * month),
                value=2,
                entered_by=cast.core_team,
            )
    for node in progress_for(cast.engagement).steps():
        action_update_record(
            engagement=cast.engagement, step_id=node.step.id, author=cast.core_team, status="done"
        )
    with django_assert_max_num_queries(count):
        response = client.get(url(cast))
    assert response.text.count('class="br-measure"') == 7


def test_the_pdfs_trend_lines_say_the_chart_in_words_and_escape_text(cast):
    """Each trend line is an image (a PNG: WeasyPrint draws SVG in Python, 0.7 s for a 12-goal
    plan) whose alternative text is the chart in words; a measure without readings says so."""
    from reports.render import render_board

    from .pdf_structure import structure, texts_of

    lived, *_ = _plan(cast)
    for months in (3, 2):
        _read(cast, lived.absence, "19", days_ago=30 * months)
    c = board_content(cast.engagement, recent_periods(cast.engagement)[0])
    c["goals"][1]["strategies"][0]["measures"][0]["title"] = "<script>x</script> & “absence”"
    pdf = render_board(c).pdf
    elements = structure(pdf)
    figures = [e.alt for e in elements if e.tag == "Figure"]
    assert len(figures) == 2  # graduation and absence; the class-size measure has no reading
    assert figures[1].startswith("Trend line: 3 readings from")
    assert "Dashed line: the expected path from" in figures[1]
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "<script>x</script> & “absence”" in text  # the title, printed as written
    # measures and action steps are list items, their status in words
    items = texts_of(elements, "LI")
    absence = [t for t in items if t.startswith("<script>x</script>")]  # not the road block
    assert len(absence) == 1 and "Off track" in absence[0] and "25 % now" in absence[0]
    assert "Owner: Superintendent Person." in absence[0]
    steps = [t for t in items if "Run a morning van" in t]
    assert steps and "past its due date" in steps[-1] and "% done" in steps[-1]
    assert "no update yet" in steps[-1]
    (calls,) = [t for t in items if "Call every family" in t and "% done" in t]
    assert "All 212 families called" in calls and "last update" in calls


def test_a_trend_line_draws_readings_path_and_target_in_their_colours():
    """The PNG itself: the readings' line in blue, the expected path grey, the target red, the
    band pale green, on white, 240 x 64 px for 30 x 8 mm (about 200 dpi); nothing at all without
    a reading."""
    from datetime import date

    from PIL import Image

    from monitoring.charts import ChartData
    from reports import sparklines

    chart = ChartData(
        key="m1",
        title="Chronic absence rate",
        readings=tuple((date(2026, m, 1), Decimal(20 - m)) for m in range(1, 12)),
        path=((date(2025, 12, 1), Decimal(20)), (date(2028, 6, 1), Decimal(10))),
        target=(date(2028, 6, 1), Decimal(10)),
        band=(Decimal(12), Decimal(16)),
    )
    image = Image.open(BytesIO(sparklines.png(chart))).convert("RGB")
    assert image.size == (240, 64)
    colours = {colour for _, colour in image.getcolors(4096)}
    inks = [(0x1D, 0x3A, 0x6E), (0x4A, 0x53, 0x61), (0xA4, 0x16, 0x1A), (0xE6, 0xF4, 0xEA)]
    for ink in [*inks, (255, 255, 255)]:
        assert ink in colours, ink
    assert sparklines.png(ChartData(key="m2", title="None yet", path=chart.path)) == b""
    assert sparklines.sparkline(ChartData(key="m2", title="x"), "No readings yet.") == ""
