"""Background work for reports: rendering a PDF, and the periodic sweep that puts back in the
queue any job a dead worker or a lost message left behind (CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import services


@shared_task(name="reports.render", bind=True, acks_late=True, reject_on_worker_lost=True)
def render_report(self, job_id: str) -> str:
    """Idempotent: a job already taken or finished is left alone. When the broker redelivers
    this task (its worker died mid-render), the job is taken over from where it stood."""
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    return services.job_render(job_id=job_id, redelivered=redelivered)


@shared_task(name="reports.sweep")
def sweep_stuck_reports() -> int:
    return services.jobs_sweep()
