"""Celery is configured not to lose work, and on the stack a real worker delivers e-mail."""

import pytest
from django.conf import settings

from accounts import services, tasks
from config.celery import app


def test_tasks_are_acknowledged_late_and_survive_a_lost_worker():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_tasks_have_time_limits_below_the_redelivery_timeout():
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert app.conf.task_time_limit < visibility


def test_sending_email_retries_a_bounded_number_of_times_with_backoff():
    task = tasks.send_email
    assert task.max_retries == 5
    assert task.retry_backoff and task.retry_jitter
    assert OSError in task.autoretry_for


def test_the_embedded_default_runs_tasks_in_process():
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.REDIS_URL)


@pytest.mark.stack
def test_a_real_worker_process_delivers_email(db, mailbox, django_capture_on_commit_callbacks):
    replies = app.control.ping(timeout=5)
    assert replies, "no Celery worker answered: make test-stack starts one"
    with django_capture_on_commit_callbacks(execute=True):
        services.email_send(to=["board@example.org"], subject="Draft 2 is ready", body="Read it.")
    [message] = mailbox.wait(1)
    assert (message.subject, message.to, message.body.strip()) == (
        "Draft 2 is ready",
        ["board@example.org"],
        "Read it.",
    )
