"""Background work for reports: rendering a PDF, the periodic sweep that puts back in the
queue any job a dead worker or a lost message left behind, and the daily pruning of old files
(CELERY_BEAT_SCHEDULE)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from . import services


@shared_task(
    name="reports.render",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # A passing database error (PostgreSQL restarting) is retried with backoff.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=30,
    retry_jitter=True,
    max_retries=6,
)
def render_report(self, job_id: str) -> str:
    """Idempotent: a job already taken or finished is left alone. When the broker redelivers
    this task (its worker died mid-render), or it is retried after a database error, the job is
    taken over from where it stood."""
    if self.request.retries and not connection.in_atomic_block:
        # the broken connection is not reused (never one somebody is inside a transaction on)
        close_old_connections()
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return services.job_render(job_id=job_id, redelivered=redelivered or bool(self.request.retries))


@shared_task(name="reports.sweep")
def sweep_stuck_reports() -> int:
    return services.jobs_sweep()


@shared_task(name="reports.prune_files")
def prune_report_files() -> int:
    return services.files_prune()


@shared_task(name="reports.send_board_reports")
def send_board_reports() -> int:
    """The board progress report, a few days before each board meeting (reports/board_services)."""
    from .board_services import board_reports_send

    return board_reports_send()
