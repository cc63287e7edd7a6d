"""Beat: reviews due are closed as soon as beat starts (not first an hour after each deploy),
and its schedule file lives on a volume."""

from unittest import mock

from celery.signals import beat_init

from tests.config.test_compose import load


def test_beat_start_closes_due_reviews_at_once():
    with mock.patch("planning.tasks.close_due_reviews.delay") as close:
        beat_init.send(sender=mock.Mock())
    close.assert_called_once_with()


def test_beat_keeps_its_schedule_on_a_volume():
    compose = load()
    beat = compose["services"]["beat"]
    assert "--schedule /var/lib/aligned/celerybeat-schedule" in beat["command"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in beat["volumes"]}
    assert mounts["/var/lib/aligned"] in compose["volumes"]
    assert "/app/var/media" in mounts  # the shared media volume is kept too


def test_close_due_reviews_then_runs_hourly():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["close-due-reviews"]
    assert entry["task"] == "planning.close_due_reviews" and entry["schedule"] == 60 * 60
