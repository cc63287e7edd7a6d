"""Report jobs cannot get stuck out of sight: the render beats while it works and the sweep
queues again, within about a minute, a job whose worker died; a job past its expected time says
so and whoever asked may try again; asking again starts a fresh render; passing database errors
are retried; files of failed, overtaken or old jobs are deleted."""

import threading
import time
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.utils import InterfaceError, OperationalError
from django.urls import reverse
from django.utils import timezone

from engagements.models import PLANNING_ROLES, Role
from planning import services as planning
from reports import services, tasks
from reports.models import ReportJob
from tests.factories import GoalFactory, ReportJobFactory, StrategyFactory

State = ReportJob.State
ONE_PAGE = ReportJob.Kind.ONE_PAGE
# Members who read the working copy but do not run the engagement.
ASKERS = [role.value for role in PLANNING_ROLES if role not in (Role.FACILITATOR, Role.BOARD)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def plan(cast):
    plan = planning.plan_for(cast.engagement)
    plan.vision = "Chaque élève, chaque jour: a district where every learner thrives."
    plan.save()
    goal = GoalFactory(plan=plan, title="Readers by grade three")
    StrategyFactory(goal=goal, title="Tutoring in every school, with families as partners")
    return plan


def request(cast, user=None):
    return services.report_request(
        engagement=cast.engagement, kind=ONE_PAGE, version=None, user=user or cast.facilitator
    )


def ago(seconds):
    return timezone.now() - timedelta(seconds=seconds)


# --- the heartbeat and the sweep --------------------------------------------------------------


def test_a_job_whose_worker_died_is_queued_again_within_a_minute(
    cast, plan, settings, django_capture_on_commit_callbacks, tasks_in_process
):
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 45
    dead, _ = request(cast)
    ReportJob.objects.filter(pk=dead.pk).update(
        state=State.RENDERING, attempt=1, started_at=ago(50), heartbeat_at=ago(46)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_sweep() == 1
    dead.refresh_from_db()
    assert dead.state == State.DONE and dead.attempt == 2


def test_a_long_render_that_still_beats_is_left_alone(cast, plan, settings):
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 45
    busy, _ = request(cast)
    ReportJob.objects.filter(pk=busy.pk).update(
        state=State.RENDERING, attempt=1, started_at=ago(170), heartbeat_at=ago(5)
    )
    assert services.jobs_sweep() == 0
    busy.refresh_from_db()
    assert busy.state == State.RENDERING


def test_the_sweep_runs_every_30_seconds_and_a_dead_render_is_found_within_about_a_minute(
    settings,
):
    sweep = settings.CELERY_BEAT_SCHEDULE["sweep-stuck-reports"]
    assert sweep["task"] == "reports.sweep" and sweep["schedule"] == 30
    assert settings.REPORT_HEARTBEAT_SECONDS * 3 <= settings.REPORT_HEARTBEAT_STALE_SECONDS
    assert settings.REPORT_HEARTBEAT_STALE_SECONDS + sweep["schedule"] <= 90


@pytest.mark.django_db(transaction=True)
def test_the_render_beats_while_it_works(cast, plan, settings, monkeypatch):
    settings.REPORT_HEARTBEAT_SECONDS = 0.05
    monkeypatch.setattr(services, "_enqueue", lambda job: None)  # rendered by hand below
    job, _ = request(cast)
    real, beats = services.render, []

    def slow(content):
        time.sleep(0.4)
        beats.append(ReportJob.objects.values_list("heartbeat_at", flat=True).get(pk=job.pk))
        return real(content)

    monkeypatch.setattr(services, "render", slow)
    assert services.job_render(job_id=job.pk) == "done"
    job.refresh_from_db()
    assert beats[0] > job.started_at  # beaten during the render, not only when it started
    assert not [t for t in threading.enumerate() if t.name.startswith("report-heartbeat")]


# --- asking again, trying again ---------------------------------------------------------------


def test_asking_again_for_a_stuck_job_starts_a_fresh_render(cast, plan, settings):
    settings.REPORT_HEARTBEAT_STALE_SECONDS = 45
    stuck, _ = request(cast)
    ReportJob.objects.filter(pk=stuck.pk).update(
        state=State.RENDERING, attempt=1, started_at=ago(120), heartbeat_at=ago(100)
    )
    fresh, reused = request(cast)
    assert not reused and fresh.pk != stuck.pk
    again, reused = request(cast)
    assert reused and again.pk == fresh.pk  # a job on its way is still joined


@pytest.mark.parametrize("role", ASKERS)
def test_a_slow_job_says_so_and_whoever_asked_may_try_again(
    client, cast, plan, role, settings, django_capture_on_commit_callbacks, tasks_in_process
):
    settings.REPORT_EXPECTED_SECONDS = 20
    asker = cast.member(role)
    job = ReportJobFactory(
        engagement=cast.engagement, requested_by=asker, queued_at=ago(90), content={}
    )
    job.content = services.content_for(ONE_PAGE, cast.engagement, None)
    job.save()
    client.force_login(asker)
    page = client.get(reverse("reports:job", args=[cast.engagement.pk, job.pk]))
    assert "This is taking longer than usual" in page.content.decode()
    assert "Try again" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("reports:retry", args=[cast.engagement.pk, job.pk]))
    assert answer.status_code == 302
    job.refresh_from_db()
    assert job.state == State.DONE


def test_a_job_on_time_offers_no_retry_yet(client, cast, plan, settings):
    settings.REPORT_EXPECTED_SECONDS = 20
    job = ReportJobFactory(engagement=cast.engagement, requested_by=cast.facilitator)
    client.force_login(cast.facilitator)
    page = client.get(reverse("reports:job", args=[cast.engagement.pk, job.pk])).content.decode()
    assert "longer than usual" not in page and "Try again" not in page
    answer = client.post(reverse("reports:retry", args=[cast.engagement.pk, job.pk]))
    assert answer.status_code == 302
    job.refresh_from_db()
    assert job.state == State.QUEUED and job.attempt == 0  # refused: it is on its way


@pytest.mark.parametrize("role", ASKERS)
def test_someone_else_s_slow_job_is_not_theirs_to_retry(client, cast, plan, role):
    job = ReportJobFactory(
        engagement=cast.engagement, requested_by=cast.facilitator, state=State.FAILED
    )
    client.force_login(cast.member(role))
    answer = client.post(reverse("reports:retry", args=[cast.engagement.pk, job.pk]))
    assert answer.status_code == 403


# --- passing database errors ----------------------------------------------------------------------


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_render_finished_while_the_database_was_down_is_retried_not_lost(
    cast, plan, monkeypatch, error
):
    job, _ = request(cast)
    real, calls = services._finish, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise error("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "_finish", flaky)
    with pytest.raises(Retry):  # with backoff, by the worker
        tasks.render_report.apply(args=[str(job.pk)])
    assert default_storage.listdir(f"reports/{cast.engagement.pk}")[1] == []  # no orphan
    again = tasks.render_report.apply(args=[str(job.pk)], retries=1)
    assert again.get() == "done"
    job.refresh_from_db()
    assert job.state == State.DONE and job.attempt == 2
    assert default_storage.exists(job.file.name)
    assert tasks.render_report.max_retries and tasks.render_report.retry_backoff


def test_a_render_that_cannot_be_recorded_leaves_no_file_behind(cast, plan, monkeypatch):
    job, _ = request(cast)

    def down(*args, **kwargs):
        raise OperationalError("the database system is shutting down")

    monkeypatch.setattr(services, "_finish", down)
    with pytest.raises(OperationalError):
        services.job_render(job_id=job.pk)
    assert default_storage.listdir(f"reports/{cast.engagement.pk}")[1] == []


# --- old files ------------------------------------------------------------------------------------


def test_old_pdfs_and_orphan_files_are_deleted_after_the_days_kept(cast, settings, time_machine):
    settings.REPORT_KEEP_DAYS = 30
    folder = f"reports/{cast.engagement.pk}"
    old_name = default_storage.save(f"{folder}/old.pdf", ContentFile(b"%PDF old"))
    new_name = default_storage.save(f"{folder}/new.pdf", ContentFile(b"%PDF new"))
    orphan = default_storage.save(f"{folder}/orphan-1.pdf", ContentFile(b"%PDF lost"))
    logo = default_storage.save(f"{folder}/logo-abc.png", ContentFile(b"\x89PNG"))
    old = ReportJobFactory(
        engagement=cast.engagement, state=State.DONE, file=old_name, finished_at=ago(31 * 86400)
    )
    new = ReportJobFactory(
        engagement=cast.engagement, state=State.DONE, file=new_name, finished_at=ago(29 * 86400)
    )
    time_machine.move_to(timezone.now() + timedelta(hours=2), tick=False)
    assert tasks.prune_report_files.apply().get() == 2  # in this process, as the worker would
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.file and new.file
    assert not default_storage.exists(old_name) and not default_storage.exists(orphan)
    assert default_storage.exists(new_name) and default_storage.exists(logo)


def test_files_are_pruned_daily_and_the_worker_is_recycled(settings):
    assert settings.CELERY_BEAT_SCHEDULE["prune-report-files"]["task"] == "reports.prune_files"
    assert settings.CELERY_WORKER_MAX_TASKS_PER_CHILD
    assert 300_000 <= settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD <= 500_000  # KB
