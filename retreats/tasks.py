"""Background work for live retreats (a periodic task, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import services


@shared_task(name="retreats.forget_submission_keys")
def forget_submission_keys() -> int:
    """Hourly: drop the cards' and dots' idempotency keys older than a day."""
    return services.submission_keys_forget()
