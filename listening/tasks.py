"""Listening's background work: clearing respondents' contact details after the retention time
(a periodic task, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services import respondent_contacts_clear


@shared_task(name="listening.clear_respondent_contacts")
def clear_respondent_contacts() -> int:
    return respondent_contacts_clear()
