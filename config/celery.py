"""The Celery app. Settings come from Django's settings under the CELERY_ prefix.

With `REDIS_URL` set, tasks go to Redis and a worker (`celery -A config worker`) runs them;
without it they run in-process (the embedded default). The reliability settings (late
acknowledgement, reject on worker loss, time limits) live in `config/settings.py`; per-task retry
policies use `RETRYING` below.
"""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("aligned")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def close_due_reviews_at_start(sender=None, **kwargs) -> None:
    """Reviews whose time is up close when beat starts, then hourly (CELERY_BEAT_SCHEDULE), not
    first an hour after every deploy."""
    from planning.tasks import close_due_reviews

    close_due_reviews.delay()


# Bounded retries with exponential backoff and jitter, for tasks whose failure is usually passing
# (a mail server or network hiccup): at most 5 tries, waiting at most 10 minutes between them.
RETRYING = {
    "autoretry_for": (OSError,),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}
