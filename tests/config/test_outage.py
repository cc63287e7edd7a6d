"""A database that does not answer gives a 503 page that says so, not a 500 (config/outage.py;
the real restart is replayed on the stack in test_postgres_restart.py)."""

import logging
import sqlite3
from unittest import mock

import psycopg
import pytest
from django.core import mail
from django.db.utils import InterfaceError, OperationalError
from django.urls import reverse

from tests.factories import ActivityFactory, PhaseFactory, RetreatFactory

pytestmark = pytest.mark.django_db

DOWN = OperationalError("connection failed: FATAL:  the database system is shutting down")


def database_fails(error=DOWN):
    return mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=error)


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ADMINS = [("Ops", "ops@district.org")]


def test_a_page_says_the_database_is_not_answering_with_a_503(client, cast, production, caplog):
    client.force_login(cast.facilitator)
    page = reverse("engagements:detail", args=[cast.engagement.pk])
    with caplog.at_level(logging.WARNING, logger="config.outage"), database_fails():
        response = client.get(page + "?tab=roster")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "The site's database is not answering" in text
    assert "try again in a minute" in text
    assert f'href="{page}?tab=roster">Try this page again' in text
    assert not mail.outbox  # not a server error mailed to ADMINS per request
    assert "Database unavailable, answered 503 to GET" in caplog.text


def test_a_card_sent_while_the_database_is_away_is_told_to_send_it_again(client, cast, production):
    retreat = RetreatFactory(phase=PhaseFactory(engagement=cast.engagement), is_open=True)
    activity = ActivityFactory(retreat=retreat)
    client.force_login(cast.core_team)
    url = reverse("retreats:card-add", args=[retreat.pk, activity.pk])
    with database_fails(InterfaceError("connection already closed")):
        response = client.post(url, {"text": "Safe routes to school"})
    assert response.status_code == 503
    text = response.content.decode()
    assert "it may not have been saved: go back and send it again" in text
    assert "Try this page again" not in text  # a form is sent again from its page


def test_the_warning_is_logged_once_per_window_not_per_request(client, cast, caplog):
    client.force_login(cast.facilitator)
    with caplog.at_level(logging.WARNING, logger="config.outage"), database_fails():
        for _ in range(3):
            assert client.get(reverse("engagements:home")).status_code == 503
    assert caplog.text.count("Database unavailable") == 1


def test_other_errors_are_still_server_errors(client, cast, production):
    client.raise_request_exception = False
    client.force_login(cast.facilitator)
    with database_fails(ValueError("a bug")):
        response = client.get(reverse("engagements:home"))
    assert response.status_code == 500
    assert len(mail.outbox) == 1  # ADMINS are told about real errors, once
    assert "Internal Server Error" in mail.outbox[0].subject


def caused_by(cause, message):
    error = OperationalError(message)
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    "error",
    [
        caused_by(psycopg.errors.QueryCanceled(), "canceling statement due to statement timeout"),
        caused_by(psycopg.errors.DeadlockDetected(), "deadlock detected"),
        caused_by(sqlite3.OperationalError("no such table: engagements_engagement"), "no such"),
    ],
    ids=["statement timeout", "deadlock", "missing table"],
)
def test_a_failed_query_is_a_server_error_not_an_outage(client, cast, production, error):
    """Only "the database is not answering" is a 503: a timeout, a deadlock or a missing table is
    a bug or a load problem someone must hear about."""
    client.raise_request_exception = False
    client.force_login(cast.facilitator)
    with database_fails(error):
        response = client.get(reverse("engagements:home"))
    assert response.status_code == 500
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "error",
    [
        caused_by(psycopg.errors.AdminShutdown(), "terminating connection due to administrator"),
        caused_by(psycopg.errors.CannotConnectNow(), "the database system is starting up"),
        caused_by(sqlite3.OperationalError("database is locked"), "database is locked"),
    ],
    ids=["shutdown", "starting up", "sqlite locked"],
)
def test_a_database_going_away_is_an_outage(client, cast, production, error):
    client.force_login(cast.facilitator)
    with database_fails(error):
        response = client.get(reverse("engagements:home"))
    assert response.status_code == 503
    assert not mail.outbox
