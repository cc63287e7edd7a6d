"""Writes for accounts: queueing e-mail, updating a profile."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

from . import tasks
from .models import User
from .notifications import OPTIONAL

log = logging.getLogger(__name__)


class MailQueueUnavailable(Exception):
    """The task queue could not take the message (Redis is down or unreachable)."""


def email_send(*, to: list[str], subject: str, body: str, html: str | None = None) -> None:
    """Send an e-mail through Celery once the current transaction commits.

    On the embedded default the task runs in-process; on the stack a worker delivers it, with
    bounded retries. Raises MailQueueUnavailable when the broker cannot be reached, so the caller
    can tell the user plainly instead of failing with a server error.
    """

    def enqueue() -> None:
        try:
            tasks.send_email.delay(to=to, subject=subject, body=body, html=html)
        except OperationalError as exc:
            log.error("Could not queue e-mail %r to %s: %s", subject, to, exc)
            raise MailQueueUnavailable(str(exc)) from exc

    transaction.on_commit(enqueue, robust=False)


def user_update_profile(
    *, user: User, full_name: str, email: str, email_opt_outs: list[str] | None = None
) -> User:
    """Name, address and (when given) the optional e-mails this person turned off; the e-mails
    that ask someone to act cannot be turned off (accounts/notifications.py)."""
    user.full_name = full_name.strip()
    user.email = User.objects.normalize_email(email).lower()
    fields = ["full_name", "email"]
    if email_opt_outs is not None:
        unknown = set(email_opt_outs) - set(OPTIONAL)
        if unknown:
            raise ValueError(f"Not optional e-mails: {', '.join(sorted(unknown))}")
        user.email_opt_outs = [key for key in OPTIONAL if key in email_opt_outs]
        fields.append("email_opt_outs")
    user.save(update_fields=fields)
    return user
