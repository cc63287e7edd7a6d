"""The PDF of a retreat's record for the minutes (a ReportJob of kind retreat_record): what it
prints (agenda, boards, themes, results, groups of fewer than 5 voters not shown, no names, no
hidden cards, user text intact and escaped), who may make and download it (the facilitator and the
core team; anyone through a public meeting's observer link), and that the plan's reports pages
neither list it nor make it."""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reports import render, services
from reports.models import ReportJob
from reports.selectors import record_content
from retreats import services as retreats
from retreats.models import Activity, Card, Retreat
from tests.factories import (
    ActivityFactory,
    AgendaItemFactory,
    CardFactory,
    MeetingFactory,
    ParticipantFactory,
    PhaseFactory,
    RetreatFactory,
    StakeholderGroupFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

LINK = " https://example.org/a?b=1"
# A card of the most characters a card may have (500), accented, ending in a pasted link.
LONG = ("Élèves à l’école: plus d’art, de musique et de sport " * 12)[: 500 - len(LINK)] + LINK
SCRIPT = "<b>bold?</b> & <script>x</script>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def retreat(cast):
    phase = PhaseFactory(engagement=cast.engagement, name="Where are we now?")
    meeting = MeetingFactory(phase=phase, engagement=cast.engagement, title="Data retreat day")
    AgendaItemFactory(
        meeting=meeting, title="Welcome and norms", minutes=15, position=0, lead="Ana Ortiz"
    )
    retreat = RetreatFactory(phase=phase, meeting=meeting, title="Data retreat")
    retreats.retreat_set_public_meeting(retreat=retreat, public=True)
    activity = ActivityFactory(retreat=retreat, kind="swot", title="SWOT", prompt="")
    retreats.activity_update(activity=activity, private_until_revealed=False, show_authors=True)
    theme = ThemeFactory(activity=activity, name="The arts")
    author = ParticipantFactory(retreat=retreat, display_name="Zelda Quincey")
    arts = CardFactory(activity=activity, author=author, text="More arts", quadrant="S")
    Card.objects.filter(pk=arts.pk).update(theme=theme)
    CardFactory(activity=activity, text=LONG, quadrant="O")
    CardFactory(activity=activity, text=SCRIPT, quadrant="W")
    CardFactory(activity=activity, text="Hidden insult", quadrant="T", hidden=True)
    retreats.activity_set_stage(activity=activity, stage=Activity.Stage.VOTING)
    parents = StakeholderGroupFactory(engagement=cast.engagement, name="Parents", position=0)
    staff = StakeholderGroupFactory(engagement=cast.engagement, name="Teachers", position=1)
    for _ in range(5):
        voter = ParticipantFactory(retreat=retreat, stakeholder_group=parents)
        retreats.vote_add(activity=activity, participant=voter, card=arts)
    for _ in range(4):
        voter = ParticipantFactory(retreat=retreat, stakeholder_group=staff)
        retreats.vote_add(activity=activity, participant=voter, card=arts)
    retreats.activity_set_stage(activity=activity, stage=Activity.Stage.RESULTS)
    return Retreat.objects.select_related("engagement__organization", "meeting", "phase").get(
        pk=retreat.pk
    )


def text_of(pdf: bytes) -> str:
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return re.sub(r"\s+", " ", " ".join(pages))


def test_the_record_prints_agenda_boards_themes_and_results(retreat):
    rendered = render.render(record_content(retreat))
    text = text_of(rendered.pdf)
    for words in (
        "Data retreat",
        "Record for the minutes · public meeting",
        "Riverside Unified School District",
        "Welcome and norms",
        "SWOT",
        "More arts",
        "The arts",
        "9 people voted on cards",
        # 9 overall minus the 5 parents would give the 4 teachers' dots away: no split.
        "Results by group are not shown: some groups had fewer than 5 people",
    ):
        assert words in text, words
    assert "Zelda" not in text and "Hidden insult" not in text
    assert "Teachers: 4" not in text and "Parents: 5 people voted" not in text


def add_voters(retreat, cast, name: str, count: int) -> None:
    activity = retreat.activities.get()
    retreats.activity_set_stage(activity=activity, stage=Activity.Stage.VOTING)
    group = StakeholderGroupFactory(engagement=cast.engagement, name=name, position=5)
    card = Card.objects.get(activity=activity, text="More arts")
    for _ in range(count):
        voter = ParticipantFactory(retreat=retreat, stakeholder_group=group)
        retreats.vote_add(activity=activity, participant=voter, card=card)
    retreats.activity_set_stage(activity=activity, stage=Activity.Stage.RESULTS)


def test_the_split_by_group_prints_when_the_groups_not_shown_had_5_or_more(cast, retreat):
    add_voters(retreat, cast, "Students", 1)  # 4 teachers + 1 student: 5 not shown together
    text = text_of(render.render(record_content(retreat)).pdf)
    for words in (
        "10 people voted on cards",
        "Parents: 5 people voted",
        "Teachers: fewer than 5 people voted",
        "Students: fewer than 5 people voted",
    ):
        assert words in text, words
    assert "Results by group are not shown" not in text


def test_the_public_pdf_leaves_out_agenda_leads_and_hidden_votes(retreat):
    staff = text_of(render.render(record_content(retreat, public=False)).pdf)
    assert "Led by" in staff and "Ana Ortiz" in staff
    public = text_of(render.render(record_content(retreat)).pdf)
    assert "Ortiz" not in public and "Led by" not in public
    retreats.activity_reveal(activity=retreat.activities.get(), votes=False)
    public = text_of(render.render(record_content(retreat)).pdf)
    assert "The votes are not revealed yet" in public and "9 people voted" not in public
    staff = text_of(render.render(record_content(retreat, public=False)).pdf)
    assert "9 people voted on cards" in staff


def test_user_text_prints_as_written_never_as_markup(retreat):
    text = text_of(render.render(record_content(retreat)).pdf)
    assert "<b>bold?</b> & <script>x</script>" in text
    assert "Élèves à l’école" in text
    assert "example.org/a?b=1" in text.replace(" ", "")
    html = render.html_for(record_content(retreat))
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
    assert '<th scope="col"' in html and '<th scope="row"' in html and 'lang="en"' in html


@pytest.fixture
def make(client, django_capture_on_commit_callbacks, tasks_in_process):
    def make(user, retreat):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("reports:record-pdf", args=[retreat.pk]))

    return make


@pytest.mark.parametrize("role", ["facilitator", "core_team"])
def test_the_facilitator_and_the_core_team_make_and_download_the_pdf(
    client, cast, make, retreat, role
):
    response = make(cast.member(role), retreat)
    job = ReportJob.objects.get(kind=ReportJob.Kind.RETREAT_RECORD)
    assert response.url == reverse("reports:job", args=[cast.engagement.pk, job.pk])
    assert job.state == ReportJob.State.DONE
    page = client.get(response.url).content.decode()
    assert "Retreat record of the retreat “Data retreat”" in page
    assert reverse("retreats:retreat", args=[retreat.pk]) in page  # back to where it was made
    download = client.get(reverse("reports:download", args=[cast.engagement.pk, job.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="data-retreat-record.pdf"'
    assert "More arts" in text_of(b"".join(download.streaming_content))


@pytest.mark.parametrize("role", ["plan_team", "board", "superintendent"])
def test_other_members_may_neither_make_nor_read_it(client, cast, make, retreat, role):
    assert make(cast.member(role), retreat).status_code == 403
    make(cast.facilitator, retreat)
    job = ReportJob.objects.get(kind=ReportJob.Kind.RETREAT_RECORD)
    client.force_login(cast.member(role))
    for name in ("reports:job", "reports:download"):
        assert client.get(reverse(name, args=[cast.engagement.pk, job.pk])).status_code == 403


def test_an_outsider_gets_not_found(client, cast, make, retreat):
    assert make(cast.outsider, retreat).status_code == 404


def test_the_plan_reports_page_neither_lists_nor_makes_records(client, cast, make, retreat):
    make(cast.facilitator, retreat)
    page = client.get(reverse("reports:reports", args=[cast.engagement.pk])).content.decode()
    assert "Retreat record" not in page
    response = client.post(
        reverse("reports:reports", args=[cast.engagement.pk]), {"kind": "retreat_record"}
    )
    assert response.status_code == 400
    with pytest.raises(ValueError):
        services.report_request(
            engagement=cast.engagement, kind="retreat_record", version=None, user=None
        )


def test_an_unchanged_record_is_reused(cast, make, retreat):
    make(cast.facilitator, retreat)
    make(cast.core_team, retreat)
    assert ReportJob.objects.filter(kind=ReportJob.Kind.RETREAT_RECORD).count() == 1


# --- through the observer link ------------------------------------------------------------------


def pdf_url(retreat) -> str:
    return reverse("reports:observer-record-pdf", args=[retreat.observer_token])


def test_the_public_downloads_the_pdf_through_the_observer_link(
    client, retreat, django_capture_on_commit_callbacks, tasks_in_process
):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(pdf_url(retreat))
    # Made in the request's wake: the page follows it, then the address gives the file.
    if first.status_code == 200 and first["Content-Type"] == "text/html; charset=utf-8":
        assert "The PDF is being made" in first.content.decode()
        first = client.get(pdf_url(retreat))
    assert first["Content-Type"] == "application/pdf"
    text = text_of(b"".join(first.streaming_content))
    assert "More arts" in text and "Zelda" not in text and "Hidden insult" not in text
    assert first["X-Robots-Tag"] == "noindex, nofollow"
    # One job for the room, however many ask within a minute.
    client.get(pdf_url(retreat))
    assert ReportJob.objects.filter(kind=ReportJob.Kind.RETREAT_RECORD).count() == 1
    assert ReportJob.objects.get().requested_by is None


def test_the_waiting_page_follows_the_pdf_without_a_form(client, retreat, monkeypatch):
    monkeypatch.setattr(services, "_enqueue", lambda job: None)  # no worker takes it: queued
    page = client.get(pdf_url(retreat)).content.decode()
    assert "The PDF is being made" in page
    assert "<form" not in page and "<button" not in page
    poll = client.get(pdf_url(retreat), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in poll and "<html" not in poll


def test_the_pdf_link_dies_with_the_observer_link(client, retreat):
    url = pdf_url(retreat)
    retreats.retreat_set_public_meeting(retreat=retreat, public=False)
    assert client.get(url).status_code == 404
    assert not ReportJob.objects.exists()


def test_the_pdf_link_dies_when_the_observer_link_is_renewed(client, retreat):
    old = pdf_url(retreat)
    retreats.observer_link_new(retreat=retreat)
    retreat.refresh_from_db()
    assert client.get(old).status_code == 404
    assert client.get(old, headers={"HX-Request": "true"}).status_code == 404
    assert not ReportJob.objects.exists()


def test_a_failed_pdf_is_shown_as_failed_not_made_again_for_each_visitor(
    client, retreat, monkeypatch, django_capture_on_commit_callbacks, tasks_in_process
):
    def broken(content):
        raise RuntimeError("no fonts")

    working = services.render
    monkeypatch.setattr(services, "render", broken)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            page = client.get(pdf_url(retreat)).content.decode()
    assert "The PDF could not be made just now. Try again in a minute" in page
    job = ReportJob.objects.get()  # one job, failed, for everyone within the minute
    assert job.state == ReportJob.State.FAILED
    # A minute on, asking again makes a new one.
    ReportJob.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    monkeypatch.setattr(services, "render", working)  # not undo(): tasks stay in process
    with django_capture_on_commit_callbacks(execute=True):
        client.get(pdf_url(retreat))
    assert ReportJob.objects.count() == 2
    assert ReportJob.objects.latest("created_at").state == ReportJob.State.DONE


def test_the_public_is_never_handed_the_staffs_pdf(client, cast, make, retreat):
    make(cast.facilitator, retreat)  # with the agenda's leads
    client.logout()
    client.get(pdf_url(retreat))
    jobs = ReportJob.objects.order_by("created_at")
    assert [job.content["public"] for job in jobs] == [False, True]
    assert "Ortiz" not in str(jobs[1].content) and "Ana Ortiz" in str(jobs[0].content)


def test_an_address_asking_for_the_pdf_too_often_is_asked_to_wait(
    client, settings, retreat, monkeypatch
):
    monkeypatch.setattr(services, "_enqueue", lambda job: None)
    settings.OBSERVER_RECORD_RATES = "3/m"
    for _ in range(3):
        assert client.get(pdf_url(retreat)).status_code == 200
    refused = client.get(pdf_url(retreat))
    assert refused.status_code == 429 and "try again in a minute" in refused.content.decode()
    assert ReportJob.objects.count() == 1
