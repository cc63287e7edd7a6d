"""Queue the e-mails about a plan's review and approval (planning/tasks.py writes and sends
them). They go out once the transaction commits; a broker that cannot be reached is logged and
never undoes the step that caused the e-mail."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)
_quiet: ContextVar[bool] = ContextVar("planning_notify_quiet", default=False)


@contextmanager
def quiet() -> Iterator[None]:
    """Send no e-mail for the steps taken inside (loading the demo's history)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def event(name: str, object_id) -> None:
    if _quiet.get():
        return

    def enqueue() -> None:
        from .. import tasks

        try:
            tasks.notify.delay(name, str(object_id))
        except OperationalError as exc:
            log.error("Could not queue the %s e-mails for %s: %s", name, object_id, exc)

    transaction.on_commit(enqueue)
