"""Background work for Living the plan: the update cycle's reminders (a periodic task, see
CELERY_BEAT_SCHEDULE)."""

from celery import shared_task


@shared_task(name="monitoring.send_update_reminders")
def send_update_reminders() -> int:
    from .services.cycle import reminders_send

    return reminders_send()
