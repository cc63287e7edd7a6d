"""Redis trouble degrades, never takes the site down (stack only; README, "Redis trouble").

The test runs a redis-server of its own on a free port and points the cache (and, for the report
request, the Celery broker) at it, then stops it, freezes it (SIGSTOP) and brings it back, while
people sign in, open signed-in pages, add cards and vote through Django's test client. No mocks:
the real Redis client meets a real dead or frozen server.
"""

import os
import signal
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from config.celery import app
from planning.models import Plan
from reports import services as reports
from retreats.models import Activity, Card, Dot
from tests.factories import PASSWORD, ActivityFactory, CardFactory, PhaseFactory, RetreatFactory

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]

BREAKER = 1.0  # seconds Redis is skipped after a failure, short for the test
FAST = 1.0  # "well under a second": every request while Redis is frozen


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.RedisError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGCONT)
        self.process.terminate()
        self.process.wait(10)

    def freeze(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def stored_keys(self) -> list[bytes]:
        return redis.Redis.from_url(self.url, socket_timeout=1).keys("*")


@pytest.fixture
def server(settings):
    server = RedisServer()
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {
                "socket_connect_timeout": 0.2,
                "socket_timeout": 0.2,
                "breaker_seconds": BREAKER,
                "forget_after_outage": ["retreats:v:*"],
            },
        }
    }
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def broker(server):
    """The Celery broker on the test's own Redis (so stopping it stops the queue too)."""
    saved = app.conf.broker_url, app.conf.broker_write_url, app._pool
    app.conf.broker_url = app.conf.broker_write_url = server.url
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_url, app.conf.broker_write_url, pool = saved
    app._pool = pool
    app.amqp._producer_pool = None


@pytest.fixture
def board(cast):
    retreat = RetreatFactory(phase=PhaseFactory(engagement=cast.engagement), is_open=True)
    brainstorm = ActivityFactory(retreat=retreat, title="Five years from now")
    voting = ActivityFactory(retreat=retreat, title="Which first?", vote_budget=4, max_per_item=3)
    CardFactory(activity=voting, text="More arts and music in every school")
    voting.stage = Activity.Stage.VOTING
    voting.save()
    return retreat, brainstorm, voting


def url(name, activity):
    return reverse(f"retreats:{name}", args=[activity.retreat_id, activity.pk])


def timed(call):
    start = time.monotonic()
    response = call()
    return response, time.monotonic() - start


def a_visit(client, cast, board, label: str) -> list[float]:
    """Sign in, open signed-in pages, add a card, vote: no 500, each request timed."""
    retreat, brainstorm, voting = board
    client.logout()
    took = []
    response, t = timed(
        lambda: client.post(
            reverse("accounts:sign-in"),
            {"username": cast.facilitator.email, "password": PASSWORD},
        )
    )
    took.append(t)
    assert response.status_code == 302, label
    for page in (
        reverse("engagements:home"),
        reverse("engagements:detail", args=[cast.engagement.pk]),
        reverse("planning:plan", args=[cast.engagement.pk]),
    ):
        response, t = timed(lambda page=page: client.get(page))
        took.append(t)
        assert response.status_code == 200, (label, page)

    guest = client.__class__()
    response, t = timed(
        lambda: guest.post(
            reverse("retreats:join-code", args=[retreat.join_code]),
            {"display_name": "Zoë Alvarez-Nguyen", "stakeholder_group": "none"},
        )
    )
    took.append(t)
    assert response.status_code == 302, label
    cards = Card.objects.filter(activity=brainstorm).count()
    text = f"Safe routes to school, with crossing guards ({label}) – éàü " + "x" * 400
    response, t = timed(lambda: guest.post(url("card-add", brainstorm), {"text": text}))
    took.append(t)
    assert response.status_code == 302, label
    assert Card.objects.filter(activity=brainstorm).count() == cards + 1
    response, t = timed(lambda: guest.get(url("board", brainstorm)))
    took.append(t)
    assert response.status_code == 200 and "Safe routes to school" in response.text

    votes = Dot.objects.count()
    item = Card.objects.filter(activity=voting).first()
    response, t = timed(lambda: guest.post(url("vote", voting), {"item": item.pk, "action": "add"}))
    took.append(t)
    assert response.status_code == 302, label
    assert Dot.objects.count() == votes + 1
    response, t = timed(
        lambda: guest.get(url("board-live", brainstorm) + "?v=0", headers={"HX-Request": "true"})
    )
    took.append(t)
    assert response.status_code in (200, 204), label
    return took


def test_a_stopped_redis_keeps_every_page_working_and_reports_and_mail_say_so(
    client, cast, board, server, broker
):
    a_visit(client, cast, board, "Redis up")
    assert server.stored_keys(), "the cache is used while Redis is up"

    server.stop()
    a_visit(client, cast, board, "Redis stopped")

    assert Plan.objects.filter(engagement=cast.engagement).exists()  # the plan page made it
    client.force_login(cast.facilitator)
    response = client.post(
        reverse("reports:reports", kwargs={"engagement_id": cast.engagement.pk}),
        {"kind": "one_page", "version": ""},
    )
    assert response.status_code == 503
    assert reports.QUEUE_DOWN in response.text

    client.logout()
    response = client.post(reverse("accounts:password-reset"), {"email": cast.facilitator.email})
    assert response.status_code != 500
    assert "the mail queue is not reachable" in response.text


def test_a_frozen_redis_costs_at_most_one_short_timeout_and_is_used_again_when_back(
    client, cast, board, server, broker
):
    a_visit(client, cast, board, "Redis up")
    notes = {key for key in server.stored_keys() if key.startswith(b":1:retreats:v:")}
    assert notes, "live boards note their versions while Redis is up"

    server.freeze()
    took = a_visit(client, cast, board, "Redis frozen")
    print(f"\nRequests with Redis frozen: slowest {max(took):.3f} s, others {sorted(took)[:-1]}")
    assert max(took) < FAST
    assert sorted(took)[-2] < 0.35  # only one request paid the timeout in this window
    assert not cache.available

    # E-mail needs its queue: a frozen broker is given up on after its socket timeout (3 s per
    # try), and the page says so instead of hanging
    client.logout()
    response, took_reset = timed(
        lambda: client.post(reverse("accounts:password-reset"), {"email": cast.facilitator.email})
    )
    print(f"Password reset with Redis frozen: {took_reset:.2f} s")
    assert "the mail queue is not reachable" in response.text
    assert took_reset < 10

    server.thaw()
    time.sleep(BREAKER + 0.1)  # the breaker's window passes
    cache.set("back", "yes")
    assert cache.get("back") == "yes"
    assert b":1:back" in server.stored_keys()
    # version notes from before the outage are gone: writes to them may have been lost, and a
    # stale one would tell a poll "nothing changed"
    assert not notes & set(server.stored_keys())
    a_visit(client, cast, board, "Redis back")
