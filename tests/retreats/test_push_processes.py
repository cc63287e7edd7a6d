"""Any web process serves any watcher (stack only; README, "Live updates"): two uvicorn processes
(config.asgi) share the test's PostgreSQL database and Redis; a phone watches the board's event
stream on process B while a card is added through process A, and the event reaches B's stream
within a second."""

import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse

from retreats import services
from retreats.models import Activity, Card
from tests.factories import ActivityFactory, PhaseFactory, RetreatFactory

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    user = f"{db['USER']}@" if db["USER"] else ""
    return f"postgres://{user}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    """uvicorn on config.asgi:application, on a free port, in its own process group."""

    def __init__(self, name: str) -> None:
        self.port = free_port()
        env = {**os.environ, "DATABASE_URL": database_url(), "CONN_MAX_AGE": "0"}
        (ROOT / ".stack").mkdir(exist_ok=True)
        log = open(ROOT / ".stack" / f"push-{name}.log", "ab")  # noqa: SIM115 (kept for the server)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(self.port), "--no-access-log"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, f"uvicorn {name} exited at start"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                assert time.monotonic() < deadline, f"uvicorn {name} did not start in a minute"
                time.sleep(0.2)

    def connection(self, timeout: float = 10) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


@pytest.fixture
def servers():
    if not settings.LIVE_PUSH_REDIS_URL:
        pytest.skip("needs Redis (LIVE_PUSH_REDIS_URL or REDIS_URL)")
    started = [Server("a"), Server("b")]
    yield started
    for server in started:
        server.stop()


def read_events(response, found: queue.Queue) -> None:
    """Each event's name and the moment it arrived, as the stream's lines come in."""
    name = None
    try:
        while True:
            line = response.fp.readline()
            if not line:
                return
            line = line.decode().rstrip("\n")
            if line == ": connected":  # the stream is listening
                found.put(("connected", "", time.monotonic()))
            elif line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: ") and name:
                found.put((name, line[len("data: ") :], time.monotonic()))
                name = None
    except (OSError, ValueError):
        return


def test_a_card_added_on_one_process_reaches_a_watcher_on_another_within_a_second(cast, servers):
    a, b = servers
    retreat = RetreatFactory(phase=PhaseFactory(engagement=cast.engagement), is_open=True)
    activity = ActivityFactory(retreat=retreat)
    services.activity_update(activity=activity, private_until_revealed=False)
    activity = Activity.objects.get(pk=activity.pk)
    client = Client()
    client.force_login(cast.facilitator)  # a session row in the shared database
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    board = reverse("retreats:board", args=[retreat.pk, activity.pk])

    # The phone: the board's stream on process B.
    watcher = b.connection()
    events_url = reverse("retreats:board-events", args=[retreat.pk, activity.pk])
    watcher.request(
        "GET",
        f"{events_url}?v={activity.version}",
        headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
    )
    stream = watcher.getresponse()
    assert stream.status == 200 and stream.getheader("Content-Type") == "text/event-stream"
    found: queue.Queue = queue.Queue()
    threading.Thread(target=read_events, args=(stream, found), daemon=True).start()

    # The writer: the board page on process A (its form's CSRF token), then a real POST.
    writer = a.connection()
    writer.request("GET", board, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"})
    page = writer.getresponse()
    html = page.read().decode()
    assert page.status == 200
    csrf_cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    cookies = f"{settings.SESSION_COOKIE_NAME}={session}; csrftoken={csrf_cookie}"
    assert found.get(timeout=5)[0] == "connected"  # the stream on B is open and listening
    writer.request(
        "POST",
        reverse("retreats:card-add", args=[retreat.pk, activity.pk]),
        body=urlencode({"text": "Across processes", "csrfmiddlewaretoken": token}),
        headers={
            "Cookie": cookies,
            "Content-Type": "application/x-www-form-urlencoded",
            "HX-Request": "true",
            "Referer": f"http://127.0.0.1:{a.port}{board}",
        },
    )
    answer = writer.getresponse()
    answer.read()
    answered = time.monotonic()
    assert answer.status == 200, answer.status
    assert Card.objects.filter(activity=activity, text="Across processes").exists()

    while True:
        name, data, arrived = found.get(timeout=5)
        if name == "card":
            break
    assert "Across processes" in data
    assert arrived - answered < 1.0
    watcher.close()

    # A phone that missed it (asleep) reconnects to A with its last version: `board` at once.
    late = a.connection(timeout=5)
    late.request(
        "GET",
        events_url,
        headers={
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
            "Last-Event-ID": str(activity.version),
        },
    )
    caught: queue.Queue = queue.Queue()
    threading.Thread(target=read_events, args=(late.getresponse(), caught), daemon=True).start()
    assert caught.get(timeout=2)[0] == "connected"
    name, data, _ = caught.get(timeout=2)
    assert (name, data) == ("board", f'{{"v":{activity.version + 1}}}')
    late.close()


def threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def test_fifty_open_streams_hold_no_thread_each(cast, servers):
    """Under uvicorn a stream is a coroutine: fifty phones watching add a handful of threads to
    the process (its shared pool, the Redis listener and the version check), not fifty."""
    _, b = servers
    retreat = RetreatFactory(phase=PhaseFactory(engagement=cast.engagement), is_open=True)
    activity = ActivityFactory(retreat=retreat)
    client = Client()
    client.force_login(cast.facilitator)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    events_url = reverse("retreats:board-events", args=[retreat.pk, activity.pk])
    console_url = reverse("retreats:console-events", args=[retreat.pk, activity.pk])
    before = threads(b.process.pid)
    opened = []
    for n in range(50):
        watcher = b.connection()
        watcher.request(
            "GET",
            f"{console_url if n % 10 == 0 else events_url}?v={activity.version}",
            headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
        )
        stream = watcher.getresponse()
        assert stream.status == 200
        while stream.fp.readline().rstrip() != b": connected":  # it is open and listening
            pass
        opened.append(watcher)
    assert threads(b.process.pid) - before < 10
    # Nobody else gets a stream, and the streams' answers stay as the views' were.
    stranger = b.connection()
    stranger.request("GET", events_url)
    refused = stranger.getresponse()
    refused.read()
    assert refused.status == 404 and refused.getheader("Cache-Control") == "no-store"
    stranger.request("GET", console_url)
    to_sign_in = stranger.getresponse()
    assert to_sign_in.status == 302 and "/sign-in/" in to_sign_in.getheader("Location")
    for watcher in opened:
        watcher.close()
