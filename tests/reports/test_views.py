"""The reports pages: who may make, follow, download and retry a PDF; making one in-process and
downloading it; reuse of an unchanged PDF; the htmx poll; a failed render and its retry; the
queue being down; the layout settings; escaping; and the pages' query counts."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from PIL import Image

from engagements.models import PLANNING_ROLES, Role
from reports import services
from reports.models import ReportJob, ReportSettings
from tests.factories import (
    ActionStepFactory,
    ApprovalFactory,
    GoalFactory,
    MeasureFactory,
    PlanFactory,
    PlanVersionFactory,
    ReportJobFactory,
    ReviewFactory,
    StrategyFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [role.value for role in PLANNING_ROLES]
NOT_BOARD = [role for role in ROLES if role != Role.BOARD]
NOT_FACILITATOR = [role for role in ROLES if role != Role.FACILITATOR]
State = ReportJob.State


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """PDFs and logos land in a temporary folder, not in the repository."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def plan(cast):
    """A plan with one goal, draft 1 (not published) and draft 2 (published for review)."""
    plan = PlanFactory(engagement=cast.engagement)
    goal = GoalFactory(plan=plan, title="Academic Success")
    StrategyFactory(goal=goal, title="Close achievement gaps")
    PlanVersionFactory(plan=plan, number=1, label="First ideas")
    ReviewFactory(version=PlanVersionFactory(plan=plan, number=2, label="For the community"))
    return plan


def draft(plan, number):
    return plan.versions.get(number=number)


def url(name, engagement, job=None):
    kwargs = {"engagement_id": engagement.pk}
    if job is not None:
        kwargs["job_id"] = job.pk
    return reverse(f"reports:{name}", kwargs=kwargs)


def done_job(engagement, version=None, **extra):
    """A finished one-page plan with a (tiny) file in storage."""
    name = default_storage.save("reports/test.pdf", ContentFile(b"%PDF-1.7\n%test\n"))
    return ReportJobFactory(
        engagement=engagement,
        version=version,
        state=State.DONE,
        file=name,
        pages=1,
        size=16,
        render_ms=850,
        finished_at=timezone.now(),
        **extra,
    )


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks, tasks_in_process):
    """Ask for a PDF as `user`; the render runs in-process once the request's work commits."""

    def ask(user, engagement, kind="one_page", version=""):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url("reports", engagement), {"kind": kind, "version": version})

    return ask


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def png(size=(2, 2)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 58, 110)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_reports_page(client, cast, plan, role):
    client.force_login(cast.member(role))
    response = client.get(url("reports", cast.engagement))
    assert response.status_code == 200
    assert "Reports (PDF)" in response.text


def test_it_checks_ownership_of_the_reports_page(client, cast, plan):
    client.force_login(cast.outsider)
    assert client.get(url("reports", cast.engagement)).status_code == 404
    response = client.post(url("reports", cast.engagement), {"kind": "one_page", "version": ""})
    assert response.status_code == 404


def test_the_board_sees_only_published_drafts_and_no_working_copy(client, cast, plan):
    client.force_login(cast.board)
    page = client.get(url("reports", cast.engagement)).text
    assert "Draft 2: For the community" in page
    assert "First ideas" not in page
    assert "The working copy" not in page


def test_the_board_does_not_see_jobs_of_what_it_may_not_read(client, cast, plan):
    ReportJobFactory(engagement=cast.engagement, version=None)
    ReportJobFactory(engagement=cast.engagement, version=draft(plan, 1))
    ReportJobFactory(engagement=cast.engagement, version=draft(plan, 2))
    client.force_login(cast.board)
    jobs = client.get(url("reports", cast.engagement)).context["jobs"]
    assert [job.version.number for job in jobs] == [2]


@pytest.mark.parametrize("role", NOT_BOARD)
def test_members_but_the_board_may_ask_for_the_working_copy(ask, cast, plan, role):
    response = ask(cast.member(role), cast.engagement)
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response.url == url("job", cast.engagement, job)
    assert job.version is None


def test_the_board_may_not_ask_for_the_working_copy(ask, cast, plan):
    assert ask(cast.board, cast.engagement).status_code == 403
    assert not ReportJob.objects.exists()


def test_the_board_may_not_ask_for_an_unpublished_draft(ask, cast, plan):
    assert ask(cast.board, cast.engagement, version="1").status_code == 403
    assert not ReportJob.objects.exists()


def test_the_board_may_ask_for_a_published_draft(ask, cast, plan):
    response = ask(cast.board, cast.engagement, version="2")
    assert response.status_code == 302
    assert ReportJob.objects.get().version == draft(plan, 2)


def test_it_refuses_an_unknown_kind_plainly(ask, cast, plan):
    response = ask(cast.facilitator, cast.engagement, kind="poster")
    assert response.status_code == 400
    assert "Choose the one-page plan or the support document." in response.text
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("version", ["two", "-1", "0", "2.5"])
def test_it_refuses_a_version_that_is_not_a_draft_number(ask, cast, plan, version):
    response = ask(cast.facilitator, cast.engagement, version=version)
    assert response.status_code == 400
    assert "Choose a saved draft by its number, or the working copy." in response.text


def test_a_draft_that_does_not_exist_is_not_found(ask, cast, plan):
    assert ask(cast.facilitator, cast.engagement, version="9").status_code == 404


@pytest.mark.parametrize("view", ["job", "download"])
@pytest.mark.parametrize("role", NOT_BOARD)
def test_members_but_the_board_read_a_working_copy_pdf(client, cast, plan, role, view):
    job = done_job(cast.engagement)
    client.force_login(cast.member(role))
    assert client.get(url(view, cast.engagement, job)).status_code == 200


@pytest.mark.parametrize("view", ["job", "download"])
def test_the_board_may_not_read_a_working_copy_pdf(client, cast, plan, view):
    job = done_job(cast.engagement)
    client.force_login(cast.board)
    assert client.get(url(view, cast.engagement, job)).status_code == 403


@pytest.mark.parametrize("view", ["job", "download"])
def test_the_board_reads_a_pdf_of_a_published_draft_only(client, cast, plan, view):
    unpublished = done_job(cast.engagement, version=draft(plan, 1))
    published = done_job(cast.engagement, version=draft(plan, 2))
    client.force_login(cast.board)
    assert client.get(url(view, cast.engagement, unpublished)).status_code == 403
    assert client.get(url(view, cast.engagement, published)).status_code == 200


@pytest.mark.parametrize("view", ["job", "download"])
def test_it_checks_ownership_of_a_job(client, cast, plan, view):
    job = done_job(cast.engagement)
    client.force_login(cast.outsider)
    assert client.get(url(view, cast.engagement, job)).status_code == 404


@pytest.mark.parametrize("view", ["job", "download", "retry"])
def test_a_job_of_another_engagement_is_not_found(client, cast, plan, view):
    foreign = done_job(cast.foreign_engagement)
    client.force_login(cast.facilitator)
    method = client.post if view == "retry" else client.get
    assert method(url(view, cast.engagement, foreign)).status_code == 404


@pytest.mark.parametrize("role", NOT_FACILITATOR)
def test_only_the_facilitator_tries_again(client, cast, plan, role):
    job = ReportJobFactory(engagement=cast.engagement, state=State.FAILED, error="Boom")
    client.force_login(cast.member(role))
    assert client.post(url("retry", cast.engagement, job)).status_code == 403
    job.refresh_from_db()
    assert job.state == State.FAILED


def test_trying_again_is_a_post(client, cast, plan):
    job = ReportJobFactory(engagement=cast.engagement, state=State.FAILED)
    client.force_login(cast.facilitator)
    assert client.get(url("retry", cast.engagement, job)).status_code == 405


def test_an_outsider_cannot_try_again(client, cast, plan):
    job = ReportJobFactory(engagement=cast.engagement, state=State.FAILED)
    client.force_login(cast.outsider)
    assert client.post(url("retry", cast.engagement, job)).status_code == 404


@pytest.mark.parametrize("role", NOT_FACILITATOR)
def test_only_the_facilitator_changes_the_layout(client, cast, role):
    client.force_login(cast.member(role))
    assert client.get(url("settings", cast.engagement)).status_code == 403
    response = client.post(url("settings", cast.engagement), {"paper": "a4"})
    assert response.status_code == 403
    assert not ReportSettings.objects.exists()


def test_it_checks_ownership_of_the_layout(client, cast):
    client.force_login(cast.outsider)
    assert client.get(url("settings", cast.engagement)).status_code == 404


def test_the_facilitator_sees_the_layout_on_the_reports_page(client, cast, plan):
    client.force_login(cast.facilitator)
    page = client.get(url("reports", cast.engagement)).text
    assert "US Letter" in page
    assert url("settings", cast.engagement) in page
    client.force_login(cast.core_team)
    assert url("settings", cast.engagement) not in client.get(url("reports", cast.engagement)).text


# --- making a PDF and downloading it ------------------------------------------------------------


def test_asking_for_a_one_page_plan_makes_it_and_offers_the_download(ask, client, cast, plan):
    response = ask(cast.facilitator, cast.engagement, version="2")
    job = ReportJob.objects.get()
    assert response.url == url("job", cast.engagement, job)
    assert job.state == State.DONE

    page = client.get(response.url)
    assert "Ready" in page.text
    assert url("download", cast.engagement, job) in page.text
    assert "Download PDF" in page.text
    assert "hx-trigger" not in page.text  # finished: nothing to poll

    download = client.get(url("download", cast.engagement, job))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private"
    assert download["Content-Disposition"] == (
        'attachment; filename="strategic-plan-2027-2032-one-page-plan-draft-2.pdf"'
    )
    assert body(download).startswith(b"%PDF")


def test_the_support_document_of_the_working_copy_is_named_so(ask, client, cast, plan):
    ask(cast.core_team, cast.engagement, kind="support")
    job = ReportJob.objects.get()
    download = client.get(url("download", cast.engagement, job))
    assert download["Content-Disposition"] == (
        'attachment; filename="strategic-plan-2027-2032-support-document-working-copy.pdf"'
    )
    assert body(download).startswith(b"%PDF")


def test_the_approved_plan_comes_first_and_its_pdf_says_approved(ask, client, cast, plan):
    ApprovalFactory(
        version=draft(plan, 2), state="approved", decided_at=timezone.now(), rule="recorded"
    )
    client.force_login(cast.plan_team)
    page = client.get(url("reports", cast.engagement))
    assert page.context["approved"].number == 2
    assert [v.number for v in page.context["drafts"]] == [1]
    assert page.text.index("The approved plan") < page.text.index("Draft 1: First ideas")

    ask(cast.plan_team, cast.engagement, version="2")
    job = ReportJob.objects.get()
    listed = client.get(url("reports", cast.engagement)).text
    assert "One-page plan of the approved plan (draft 2)" in listed
    download = client.get(url("download", cast.engagement, job))
    assert download["Content-Disposition"] == (
        'attachment; filename="strategic-plan-2027-2032-one-page-plan-approved.pdf"'
    )


def test_a_pdf_not_ready_or_gone_is_not_found(client, cast, plan):
    client.force_login(cast.facilitator)
    queued = ReportJobFactory(engagement=cast.engagement)
    assert client.get(url("download", cast.engagement, queued)).status_code == 404
    gone = done_job(cast.engagement)
    default_storage.delete(gone.file.name)
    assert client.get(url("download", cast.engagement, gone)).status_code == 404


def test_asking_again_for_unchanged_content_reuses_the_pdf(ask, client, cast, plan):
    first = ask(cast.facilitator, cast.engagement)
    again = ask(cast.facilitator, cast.engagement)
    assert again.url == first.url
    assert ReportJob.objects.count() == 1
    page = client.get(again.url)
    assert "Nothing has changed since this PDF was made" in page.text

    GoalFactory(plan=plan, title="Family Engagement")
    changed = ask(cast.facilitator, cast.engagement)
    assert changed.url != first.url
    assert ReportJob.objects.count() == 2
    assert "Nothing has changed" not in client.get(changed.url).text


def test_the_reports_page_lists_the_pdfs_made(ask, client, cast, plan):
    ask(cast.facilitator, cast.engagement, version="2")
    job = ReportJob.objects.get()
    client.force_login(cast.superintendent)
    page = client.get(url("reports", cast.engagement)).text
    assert "One-page plan of draft 2" in page
    assert "Facilitator Person" in page
    assert url("job", cast.engagement, job) in page
    assert url("download", cast.engagement, job) in page


def test_the_reports_page_says_when_nothing_was_made_yet(client, cast, plan):
    client.force_login(cast.plan_team)
    assert "No PDFs made yet" in client.get(url("reports", cast.engagement)).text


def test_the_board_is_told_when_there_is_nothing_to_make(client, cast):
    PlanFactory(engagement=cast.engagement)
    client.force_login(cast.board)
    page = client.get(url("reports", cast.engagement)).text
    assert "There is nothing to make a PDF of yet" in page


# --- following a job with htmx ------------------------------------------------------------------


def test_the_job_page_polls_while_the_pdf_is_made(client, cast, plan):
    job = ReportJobFactory(engagement=cast.engagement)
    client.force_login(cast.plan_team)
    page = client.get(url("job", cast.engagement, job))
    assert 'aria-live="polite"' in page.text
    assert 'hx-trigger="every 1s"' in page.text
    assert "Waiting to start" in page.text


def test_the_poll_returns_only_the_status_and_stops_once_finished(client, cast, plan):
    job = ReportJobFactory(engagement=cast.engagement)
    client.force_login(cast.plan_team)
    htmx = {"HX-Request": "true"}
    poll = client.get(url("job", cast.engagement, job), headers=htmx)
    assert poll.status_code == 200
    assert [t.name for t in poll.templates] == ["reports/_job_status.html"]
    assert "<html" not in poll.text
    assert 'hx-trigger="every 1s"' in poll.text
    assert "HX-Request" in poll["Vary"]

    unchanged = client.get(url("job", cast.engagement, job) + "?seen=queued", headers=htmx)
    assert unchanged.status_code == 204

    ReportJob.objects.filter(pk=job.pk).update(state=State.RENDERING)
    poll = client.get(url("job", cast.engagement, job) + "?seen=queued", headers=htmx)
    assert "Being made" in poll.text
    assert 'hx-trigger="every 1s"' in poll.text

    name = default_storage.save("reports/done.pdf", ContentFile(b"%PDF-1.7\n"))
    ReportJob.objects.filter(pk=job.pk).update(state=State.DONE, file=name, pages=1, size=9)
    poll = client.get(url("job", cast.engagement, job) + "?seen=rendering", headers=htmx)
    assert "Ready" in poll.text
    assert "Download PDF" in poll.text
    assert "hx-trigger" not in poll.text


def test_the_poll_checks_access_like_the_page(client, cast, plan):
    job = ReportJobFactory(engagement=cast.engagement)
    client.force_login(cast.board)
    response = client.get(url("job", cast.engagement, job), headers={"HX-Request": "true"})
    assert response.status_code == 403


def test_a_warning_shows_in_a_warning_box(client, cast, plan):
    job = done_job(cast.engagement, warning="Goal 4 continues on a second page.")
    client.force_login(cast.plan_team)
    page = client.get(url("job", cast.engagement, job)).text
    assert re.search(r'class="message message--warning[^"]*">.*Goal 4 continues', page, re.S)
    assert "1 KB" in page
    assert "less than a second" in page


# --- a failed PDF -------------------------------------------------------------------------------


def test_a_failed_pdf_shows_its_error_to_the_facilitator_who_tries_again(
    ask, client, cast, plan, monkeypatch, django_capture_on_commit_callbacks
):
    working_render = services.render

    def broken(content):
        raise RuntimeError("The fonts are missing")

    monkeypatch.setattr("reports.services.render", broken)
    response = ask(cast.facilitator, cast.engagement, version="2")
    job = ReportJob.objects.get()
    assert job.state == State.FAILED

    page = client.get(response.url).text
    assert "The fonts are missing" in page
    assert "Try again" in page

    client.force_login(cast.core_team)
    page = client.get(response.url).text
    assert "The fonts are missing" not in page
    assert "Try again" not in page
    assert "Whoever asked for it, or the facilitator, can see why and try again." in page

    monkeypatch.setattr("reports.services.render", working_render)
    client.force_login(cast.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(url("retry", cast.engagement, job))
    assert retried.url == url("job", cast.engagement, job)
    job.refresh_from_db()
    assert job.state == State.DONE
    assert job.attempt == 2
    assert "Download PDF" in client.get(retried.url).text


def test_only_a_failed_pdf_is_tried_again(client, cast, plan):
    job = done_job(cast.engagement)
    client.force_login(cast.facilitator)
    response = client.post(url("retry", cast.engagement, job), follow=True)
    refusal = "Only a report that failed or is taking longer than usual can be tried again."
    assert refusal in response.text
    job.refresh_from_db()
    assert job.state == State.DONE


@pytest.mark.django_db(transaction=True)
def test_when_the_queue_is_down_it_says_so_and_nothing_else_breaks(client, cast, monkeypatch):
    # A transactional test: the task is sent when the request's work commits, as in production.
    PlanFactory(engagement=cast.engagement)

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr("reports.tasks.render_report.apply_async", refuse)
    client.force_login(cast.facilitator)
    response = client.post(url("reports", cast.engagement), {"kind": "one_page", "version": ""})
    assert response.status_code == 503
    assert services.QUEUE_DOWN in response.text
    assert ReportJob.objects.get().state == State.FAILED

    assert client.get(reverse("planning:plan", args=[cast.engagement.pk])).status_code == 200
    assert client.get(reverse("engagements:detail", args=[cast.engagement.pk])).status_code == 200
    assert client.get(url("reports", cast.engagement)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_trying_again_while_the_queue_is_down_says_so(client, cast, monkeypatch):
    job = ReportJobFactory(engagement=cast.engagement, state=State.FAILED, error="Boom")

    def refuse(*args, **kwargs):
        raise OperationalError("Connection refused.")

    monkeypatch.setattr("reports.tasks.render_report.apply_async", refuse)
    client.force_login(cast.facilitator)
    response = client.post(url("retry", cast.engagement, job), follow=True)
    assert services.QUEUE_DOWN in response.text


# --- the layout ---------------------------------------------------------------------------------


def layout(client, cast, **data):
    client.force_login(cast.facilitator)
    fields = {"paper": "a4", "orientation": "portrait", **data}
    return client.post(url("settings", cast.engagement), fields)


def error_next_to_logo(page: str, message: str) -> bool:
    """The message sits in the logo field's own block, between its label and its input."""
    label = page.index('for="id_logo"')
    return label < page.index(message) < page.index('type="file"')


def test_a_logo_that_is_not_an_image_is_refused_next_to_the_field(client, cast):
    logo = SimpleUploadedFile("logo.png", b"GIF89a not a PNG", content_type="image/png")
    response = layout(client, cast, logo=logo)
    assert response.status_code == 400
    assert error_next_to_logo(response.text, "The logo must be a PNG or JPEG image.")
    assert re.search(r'value="a4"[^>]*checked', response.text)
    assert re.search(r'value="portrait"[^>]*checked', response.text)
    assert not ReportSettings.objects.exists()


def test_a_logo_too_large_is_refused_next_to_the_field(client, cast, settings):
    settings.REPORT_LOGO_MAX_BYTES = 1024
    logo = SimpleUploadedFile("logo.png", png(size=(200, 200)) + b"\0" * 2048)
    response = layout(client, cast, logo=logo)
    assert response.status_code == 400
    assert error_next_to_logo(response.text, "The logo is too large: keep it under 1 KB.")
    assert re.search(r'value="a4"[^>]*checked', response.text)


def test_a_png_logo_is_saved_with_the_layout(client, cast, media):
    response = layout(client, cast, logo=SimpleUploadedFile("crest.png", png()))
    assert response.status_code == 302
    assert response.url == url("reports", cast.engagement)
    saved = ReportSettings.objects.get(engagement=cast.engagement)
    assert (saved.paper, saved.orientation) == ("a4", "portrait")
    assert saved.logo.name.endswith(".png")
    assert (media / saved.logo.name).read_bytes() == png()
    page = client.get(response.url).text
    assert "The layout is saved" in page
    assert "A4 (210 × 297 mm)" in page

    form = client.get(url("settings", cast.engagement)).text
    assert "Remove the logo" in form
    layout(client, cast, remove_logo="on")
    saved.refresh_from_db()
    assert not saved.logo


def test_the_layout_form_shows_the_current_choices(client, cast):
    ReportSettings.objects.create(engagement=cast.engagement, paper="a4", orientation="portrait")
    client.force_login(cast.facilitator)
    page = client.get(url("settings", cast.engagement)).text
    assert re.search(r'value="a4"[^>]*checked', page)
    assert 'accept="image/png,image/jpeg"' in page
    assert "Remove the logo" not in page  # no logo to remove


def test_the_one_page_plan_can_show_each_goals_key_measures(client, cast):
    page = layout(client, cast, one_page_shows="both")
    assert page.status_code == 302
    saved = ReportSettings.objects.get(engagement=cast.engagement)
    assert saved.one_page_shows == "both"
    form = client.get(url("settings", cast.engagement)).text
    assert re.search(r'value="both"[^>]*checked', form)
    assert "Its strategies and its key measures with their targets" in form


def test_an_unknown_one_page_choice_is_refused_next_to_the_field(client, cast):
    response = layout(client, cast, one_page_shows="everything")
    assert response.status_code == 400
    page = response.text
    label = page.index("Under each goal of the one-page plan")
    assert label < page.index("Choose what the one-page plan shows under each goal.")
    assert re.search(r'value="a4"[^>]*checked', page)  # the rest is kept
    assert not ReportSettings.objects.exists()


# --- escaping and query counts --------------------------------------------------------------------


def test_the_engagement_name_is_shown_as_text(client, cast, plan):
    cast.engagement.name = "<script>alert(1)</script>"
    cast.engagement.save()
    client.force_login(cast.facilitator)
    page = client.get(url("reports", cast.engagement)).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)" not in page


def grow(cast, plan, drafts: int, goals: int, jobs: int):
    for _ in range(goals):
        goal = GoalFactory(plan=plan)
        MeasureFactory(goal=goal)
        for _ in range(2):
            ActionStepFactory(strategy=StrategyFactory(goal=goal))
    for n in range(3, 3 + drafts):
        version = PlanVersionFactory(plan=plan, number=n)
        if n % 2:
            ReviewFactory(version=version)
    versions = list(plan.versions.all())
    for i in range(jobs):
        done_job(cast.engagement, version=versions[i % len(versions)], requested_by=cast.core_team)
    ReportJobFactory(engagement=cast.engagement, state=State.FAILED, requested_by=cast.board)


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["facilitator", "board"])
def test_the_reports_page_costs_the_same_queries_as_the_plan_grows(
    client, cast, plan, role, django_assert_max_num_queries
):
    grow(cast, plan, drafts=0, goals=0, jobs=1)
    client.force_login(cast.member(role))
    small = queries(client, url("reports", cast.engagement))

    grow(cast, plan, drafts=12, goals=10, jobs=25)
    with django_assert_max_num_queries(small):
        assert client.get(url("reports", cast.engagement)).status_code == 200


@pytest.mark.parametrize("role", ["facilitator", "board"])
def test_the_job_page_costs_the_same_queries_as_the_plan_grows(
    client, cast, plan, role, django_assert_max_num_queries
):
    client.force_login(cast.member(role))
    small = queries(client, url("job", cast.engagement, done_job(cast.engagement, draft(plan, 2))))

    grow(cast, plan, drafts=12, goals=10, jobs=25)
    big = done_job(cast.engagement, version=plan.versions.get(number=13))
    with django_assert_max_num_queries(small):
        assert client.get(url("job", cast.engagement, big)).status_code == 200
