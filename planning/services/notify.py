"""Queue the e-mails about a plan's review and approval (planning/tasks.py writes and sends
them). They go out once the transaction commits; a broker that cannot be reached is logged and
never undoes the step that caused the e-mail."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)


def event(name: str, object_id) -> None:
    def enqueue() -> None:
        from .. import tasks

        try:
            tasks.notify.delay(name, str(object_id))
        except OperationalError as exc:
            log.error("Could not queue the %s e-mails for %s: %s", name, object_id, exc)

    transaction.on_commit(enqueue)
