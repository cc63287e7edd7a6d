"""Report jobs: asking, reusing an unchanged render, rendering once however often the task is
delivered, failing plainly and retrying, the sweep of stuck jobs, and a broker that is down."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone
from kombu.exceptions import OperationalError

from planning import services as planning
from reports import render, services, tasks
from reports.models import ReportJob, ReportSettings
from reports.selectors import support_content

from ..factories import (
    ActionStepFactory,
    ActivityFactory,
    CardFactory,
    CommentFactory,
    GoalFactory,
    MeasureFactory,
    PhaseFactory,
    RetreatFactory,
    ReviewFactory,
    StrategyFactory,
)

State = ReportJob.State
ONE_PAGE, SUPPORT = ReportJob.Kind.ONE_PAGE, ReportJob.Kind.SUPPORT


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def plan(cast):
    plan = planning.plan_for(cast.engagement)
    plan.vision, plan.mission = (
        "A district where every learner thrives.",
        "Every student, every day.",
    )
    plan.save()
    goal = GoalFactory(plan=plan, title="Readers by grade three")
    StrategyFactory(goal=goal, title="Tutoring in every school")
    return plan


@pytest.fixture
def ask(cast, django_capture_on_commit_callbacks, tasks_in_process):
    """Ask for a report as the facilitator; the task runs in-process when the request commits."""

    def ask(kind=ONE_PAGE, version=None):
        with django_capture_on_commit_callbacks(execute=True):
            job, reused = services.report_request(
                engagement=cast.engagement, kind=kind, version=version, user=cast.facilitator
            )
        job.refresh_from_db()
        return job, reused

    return ask


def test_asking_for_a_report_renders_it_and_keeps_the_file(ask, plan, cast):
    job, reused = ask()
    assert not reused
    assert job.state == State.DONE and job.attempt == 1
    assert job.requested_by == cast.facilitator and job.version is None
    assert job.pages == 1 and job.size > 1000 and job.render_ms is not None
    assert job.started_at >= job.queued_at and job.finished_at >= job.started_at
    with default_storage.open(job.file.name, "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert job.file.name.startswith(f"reports/{cast.engagement.pk}/")


def test_an_unchanged_report_is_reused_not_rendered_again(ask, plan, monkeypatch):
    first, _ = ask()
    calls = []
    monkeypatch.setattr(services, "render", lambda content: calls.append(content))
    again, reused = ask()
    assert reused and again.pk == first.pk and calls == []
    assert ReportJob.objects.count() == 1


def test_a_changed_plan_is_rendered_afresh(ask, plan):
    first, _ = ask()
    plan.goals.update(title="Readers by grade two")
    second, reused = ask()
    assert not reused and second.pk != first.pk and second.state == State.DONE
    assert second.content_hash != first.content_hash


def test_a_changed_layout_or_template_is_rendered_afresh(ask, plan, cast, monkeypatch):
    first, _ = ask()
    ReportSettings.objects.create(engagement=cast.engagement, paper="a4")
    second, reused = ask()
    assert not reused
    monkeypatch.setattr(services, "template_fingerprint", lambda: "a new layout")
    third, reused = ask()
    assert not reused and len({first.pk, second.pk, third.pk}) == 3


def test_each_kind_and_each_draft_is_its_own_report(ask, plan, cast):
    version = planning.version_save(plan=plan, label="First", author=cast.facilitator)
    jobs = {ask(kind, v)[0].pk for kind in (ONE_PAGE, SUPPORT) for v in (None, version)}
    assert len(jobs) == 4


def test_a_report_on_its_way_is_joined_not_queued_twice(
    cast, plan, django_capture_on_commit_callbacks
):
    # No callbacks run: the first job stays queued.
    first, _ = services.report_request(
        engagement=cast.engagement, kind=ONE_PAGE, version=None, user=cast.facilitator
    )
    again, reused = services.report_request(
        engagement=cast.engagement, kind=ONE_PAGE, version=None, user=cast.board
    )
    assert reused and again.pk == first.pk


def test_a_reused_file_that_went_missing_is_rendered_again(ask, plan):
    first, _ = ask()
    default_storage.delete(first.file.name)
    second, reused = ask()
    assert not reused and second.pk != first.pk


# --- the task: idempotent, and safe when delivered twice ------------------------------------------


def test_the_task_leaves_a_finished_job_alone(ask, plan, tasks_in_process):
    job, _ = ask()
    assert tasks.render_report.delay(str(job.pk)).get() == "skipped: already taken or finished"
    job.refresh_from_db()
    assert job.attempt == 1 and job.state == State.DONE


def test_a_job_being_rendered_is_not_taken_by_a_second_delivery(cast, plan):
    job, _ = services.report_request(
        engagement=cast.engagement, kind=ONE_PAGE, version=None, user=cast.facilitator
    )
    ReportJob.objects.filter(pk=job.pk).update(state=State.RENDERING, attempt=1)
    assert services.job_render(job_id=job.pk).startswith("skipped")


def test_a_redelivered_task_takes_over_a_job_whose_worker_died(cast, plan):
    job, _ = services.report_request(
        engagement=cast.engagement, kind=ONE_PAGE, version=None, user=cast.facilitator
    )
    ReportJob.objects.filter(pk=job.pk).update(
        state=State.RENDERING, attempt=1, started_at=timezone.now()
    )
    assert services.job_render(job_id=job.pk, redelivered=True) == "done"
    job.refresh_from_db()
    assert job.state == State.DONE and job.attempt == 2


def test_a_render_overtaken_by_a_later_attempt_throws_its_file_away(cast, plan, monkeypatch):
    job, _ = services.report_request(
        engagement=cast.engagement, kind=ONE_PAGE, version=None, user=cast.facilitator
    )
    real = services.render

    def slow_render(content):
        # Meanwhile the sweep queued the job again and another worker took it.
        ReportJob.objects.filter(pk=job.pk).update(attempt=5)
        return real(content)

    monkeypatch.setattr(services, "render", slow_render)
    assert services.job_render(job_id=job.pk) == "superseded"
    job.refresh_from_db()
    assert job.state == State.RENDERING and not job.file
    assert default_storage.listdir(f"reports/{cast.engagement.pk}")[1] == []


# --- failures -------------------------------------------------------------------------------------


def test_a_failed_render_keeps_the_error_and_can_be_retried(
    ask, plan, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(content):
        raise RuntimeError("the printer is on fire")

    monkeypatch.setattr(services, "render", broken)
    job, _ = ask()
    assert job.state == State.FAILED
    assert "the printer is on fire" in job.error and job.finished_at is not None
    monkeypatch.setattr(services, "render", render.render)
    with django_capture_on_commit_callbacks(execute=True):
        services.job_retry(job=job)
    job.refresh_from_db()
    assert job.state == State.DONE and job.error == "" and job.attempt == 2


def test_a_retry_of_a_job_that_did_not_fail_is_refused(ask, plan):
    job, _ = ask()
    with pytest.raises(ValidationError):
        services.job_retry(job=job)


def test_a_broker_that_is_down_is_said_plainly_and_the_job_can_be_retried(
    cast, plan, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.render_report, "apply_async", down)
    with (
        pytest.raises(services.QueueUnavailable),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.report_request(
            engagement=cast.engagement, kind=ONE_PAGE, version=None, user=cast.facilitator
        )
    job = ReportJob.objects.get()
    assert job.state == State.FAILED and job.error == services.QUEUE_DOWN


# --- the sweep ------------------------------------------------------------------------------------


def test_the_sweep_queues_again_jobs_stuck_queued_or_rendering(
    cast, plan, django_capture_on_commit_callbacks, tasks_in_process
):
    long_ago = timezone.now() - timedelta(minutes=30)
    lost, _ = services.report_request(
        engagement=cast.engagement, kind=ONE_PAGE, version=None, user=cast.facilitator
    )
    dead, _ = services.report_request(
        engagement=cast.engagement, kind=SUPPORT, version=None, user=cast.facilitator
    )
    ReportJob.objects.filter(pk=lost.pk).update(queued_at=long_ago)
    ReportJob.objects.filter(pk=dead.pk).update(
        state=State.RENDERING, attempt=1, queued_at=long_ago, started_at=long_ago
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_stuck_reports.delay().get() == 2
    for job in (lost, dead):
        job.refresh_from_db()
        assert job.state == State.DONE
    dead.refresh_from_db()
    assert dead.attempt == 2


def test_the_sweep_leaves_recent_and_finished_jobs_alone(ask, cast, plan):
    done, _ = ask()
    recent, _ = services.report_request(
        engagement=cast.engagement, kind=SUPPORT, version=None, user=cast.facilitator
    )
    ReportJob.objects.filter(pk=done.pk).update(queued_at=timezone.now() - timedelta(days=1))
    assert services.jobs_sweep() == 0
    recent.refresh_from_db()
    assert recent.state == State.QUEUED


def test_redis_redelivers_only_after_the_longest_task(settings):
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > (
        settings.CELERY_TASK_TIME_LIMIT
    )
    assert tasks.render_report.acks_late and tasks.render_report.reject_on_worker_lost


# --- the content is read in a fixed number of queries ---------------------------------------------


def grow(cast, plan, n: int) -> None:
    phase = PhaseFactory(engagement=cast.engagement)
    board = ActivityFactory(retreat=RetreatFactory(phase=phase), kind="swot")
    review = ReviewFactory(version=planning.version_save(plan=plan, label="x", author=None))
    for i in range(n):
        goal = GoalFactory(plan=plan)
        MeasureFactory(goal=goal)
        strategy = StrategyFactory(goal=goal)
        MeasureFactory(goal=None, strategy=strategy)
        ActionStepFactory(strategy=strategy)
        CardFactory(activity=board, quadrant="SWOT"[i % 4])
        CommentFactory(review=review, body=f"Comment {i}")


@pytest.mark.parametrize("n", [1, 12])
def test_the_support_document_reads_its_content_in_a_fixed_number_of_queries(
    cast, plan, n, django_assert_max_num_queries
):
    grow(cast, plan, n)
    with django_assert_max_num_queries(30):
        content = support_content(cast.engagement, None)
    assert len(content["feedback"]["items"]) == n
    assert sum(len(g["goals"]) for g in content["groups"]) == n + 1
