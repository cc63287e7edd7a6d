"""Load benchmark for a live retreat board: N participants on one board, all watching it live.

Run by hand (not part of the test suites), against the stack's services on this machine:

    .venv/bin/python bench/live_board.py                       # 200 and 1,000 participants, push
    .venv/bin/python bench/live_board.py --levels 200 --runs 3 # the median of three runs
    .venv/bin/python bench/live_board.py --mode poll           # the old once-a-second polling

It starts its own servers on 127.0.0.1 (loopback only) with PostgreSQL (STACK_DATABASE_URL,
database `aligned_bench`, recreated) and Redis (STACK_REDIS_URL), as docker-compose.yml runs
them: **web** (gunicorn, threaded workers: pages, cards, dots) and, in push mode, **push**
(gunicorn with uvicorn workers on the ASGI application: the live boards' event streams). It
builds a retreat with N guests (their sessions made directly in the database), then for each
level, for a bounded time:

- every participant watches the board: in push mode it holds the board's event stream open and,
  like the page, fetches the board only when an event says more than "a card was added"; in poll
  mode it polls the live address once a second (htmx `every 1s`); so does one projector;
- participants add cards (each about every 20 s) on a collecting board and put dots (each about
  every 10 s, within the budget) on a voting board, each with its idempotency key as the page
  sends it;
- probes time a trivial view (`/healthz`: no query) and a signed-in page elsewhere on the site
  (a facilitator's engagement page of another organization) under the same load: /healthz
  with a tenth of a second between its requests, the page with half a second (--page-every).

Each run starts from the same empty boards (no card on the collecting board, no dot on the voting
board), and each level starts with the room joining: every screen loads the board and connects
(or starts polling), and each participant writes from the moment their own screen is connected
(the page's form comes with the board); this is reported on its own line with how long it took
(at most --join-max seconds). After 2 s more, the level is measured, without a
break (the same connections go on). It prints the p50/p95/p99
latency of writes (card and vote POSTs), the p95 delay from a card's POST until each watcher
has it, the errors by kind, the probes' latency, the load generator's own CPU, and the CPU each
server (web, room, push, PostgreSQL, Redis) used, with its sum per write. The client is
asyncio with one keep-alive connection per participant for writes and one for watching.
"""

import argparse
import asyncio
import contextlib
import gzip
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HOST, PORT, PUSH_PORT, ROOM_PORT = "127.0.0.1", 8765, 8766, 8767
# Where the live room's requests go (its board, fetches, cards and dots): `room`, a web pool of
# its own as docker-compose.yml runs it, or `web` itself with --pools one.
ROOM = {"port": ROOM_PORT}
CSRF = "benchcsrftoken0123456789abcdefgh"  # 32 characters: a valid unmasked CSRF secret
BASE_DB = os.environ.get("STACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aligned")
DATABASE_URL = BASE_DB.rsplit("/", 1)[0] + "/aligned_bench"
REDIS_URL = os.environ.get("STACK_REDIS_URL", "redis://127.0.0.1:6379/13")
CARD_EVERY = 20.0  # seconds between a participant's cards, on average
VOTE_EVERY = 10.0  # seconds between a participant's dots, on average
# Seconds between the signed-in page probe's requests (--page-every): that page costs 20-25 ms of
# CPU, so ten a second (the old pace) were a fifth of a core taken from the room being measured.
PAGE_EVERY = {"seconds": 0.5}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- a minimal HTTP/1.1 keep-alive client --------------------------------------------------------


async def _headers(reader: asyncio.StreamReader) -> tuple[int, dict]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("server closed the connection")
    status = int(status_line.split()[1])
    headers = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            return status, headers
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()


async def _chunk(reader: asyncio.StreamReader) -> bytes:
    """One chunk of a chunked body (b"" for the last)."""
    size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
    data = await reader.readexactly(size) if size else b""
    await reader.readline()  # the chunk's CRLF (or the end of an empty trailer)
    return data


class Connection:
    def __init__(self, cookie: str, port: int | None = None):
        self.cookie, self.port = cookie, port or ROOM["port"]
        self.reader = self.writer = None
        self.received = 0  # bytes of response bodies, as sent

    def _request_bytes(self, method: str, path: str, body: bytes = b"", extra=()) -> bytes:
        headers = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}:{self.port}",
            f"Cookie: {self.cookie}; csrftoken={CSRF}",
            "HX-Request: true",
            "Accept-Encoding: gzip",
            f"X-CSRFToken: {CSRF}",
            "Connection: keep-alive",
            *extra,
        ]
        if method == "POST":
            headers += ["Content-Type: application/x-www-form-urlencoded"]
        headers.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(headers) + "\r\n\r\n").encode() + body

    async def open(self) -> None:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        reused = self.writer is not None
        await self.open()
        self.writer.write(self._request_bytes(method, path, body))
        await self.writer.drain()
        try:
            status, headers = await _headers(self.reader)
        except (OSError, ConnectionError, asyncio.IncompleteReadError):
            if not reused:
                raise
            # The server closed the idle keep-alive connection (gunicorn's keepalive) before the
            # request reached it: a browser sends it again on a new connection, and so do we.
            self.close()
            await self.open()
            self.writer.write(self._request_bytes(method, path, body))
            await self.writer.drain()
            status, headers = await _headers(self.reader)
        if headers.get("transfer-encoding", "").lower() == "chunked":
            payload = b""
            while chunk := await _chunk(self.reader):
                payload += chunk
        else:
            length = int(headers.get("content-length", "0") or 0)
            payload = await self.reader.readexactly(length) if length else b""
        self.received += len(payload)
        if headers.get("content-encoding", "").lower() == "gzip":
            payload = gzip.decompress(payload)
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


# --- the simulation ------------------------------------------------------------------------------


@dataclass
class Stats:
    writes: list[float] = field(default_factory=list)
    written_at: list[float] = field(default_factory=list)  # when each write started
    cards: list[float] = field(default_factory=list)  # the writes that were cards
    dots: list[float] = field(default_factory=list)  # and dots
    polls: list[float] = field(default_factory=list)
    probe: list[float] = field(default_factory=list)
    page: list[float] = field(default_factory=list)
    visibility: list[float] = field(default_factory=list)
    lag: list[float] = field(default_factory=list)  # the load generator's own event-loop delay
    requests: int = 0
    errors: int = 0
    streams: int = 0  # event streams opened (reconnections included)
    events: int = 0  # SSE messages received
    watched_bytes: int = 0  # what the watchers received, compressed as sent
    kinds: dict[str, int] = field(default_factory=dict)  # what went wrong, how often
    event_kinds: dict[str, int] = field(default_factory=dict)  # events received, by name
    server_cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by server

    def fail(self, kind: str) -> None:
        self.errors += 1
        self.kinds[kind] = self.kinds.get(kind, 0) + 1


class Room:
    """One level, run without a break: the room joins (every screen loads the board and
    connects), then is measured for a fixed time. Each figure goes to the phase it happened in;
    a card's delay to the phase its POST started in."""

    def __init__(self, screens: int) -> None:
        self.joining, self.measured = Stats(), Stats()
        self.stats = self.joining
        self.screens, self.connected = screens, 0
        self.measure_from = float("inf")
        self.stop = float("inf")
        self.posted: dict[bytes, float] = {}  # card token -> when its POST started
        self.fetching = 0  # board fetches under way
        self.deadlines: set[asyncio.Timeout] = set()  # the open streams' (see `until_stop`)

    def running(self) -> bool:
        return time.monotonic() < self.stop

    def stop_at(self, stop: float) -> None:
        """The measured time's end (time.monotonic()): every open stream stops reading then."""
        self.stop = stop
        for deadline in self.deadlines:
            self._reschedule(deadline)

    def _reschedule(self, deadline: asyncio.Timeout) -> None:
        if self.stop != float("inf"):
            loop = asyncio.get_running_loop()
            deadline.reschedule(loop.time() + max(0.0, self.stop - time.monotonic()))

    @contextlib.asynccontextmanager
    async def until_stop(self):
        """One deadline for a whole stream, not a wait_for on each read (at 1,000 streams those
        took a good part of the load generator's CPU): the room's stop, moved when it is set."""
        async with asyncio.timeout(None) as deadline:
            self.deadlines.add(deadline)
            self._reschedule(deadline)
            try:
                yield
            finally:
                self.deadlines.discard(deadline)

    def phase_of(self, moment: float) -> Stats:
        return self.measured if moment >= self.measure_from else self.joining


VERSION = re.compile(rb'data-version="(\d+)"')
STATE = re.compile(rb'hx-get="[^"]*?s=([a-z_]+)')
CARD_TEXT = re.compile(rb"bench card ([0-9a-f]{12})")


def _seen(body: bytes, seen: set, room: Room) -> None:
    now = time.monotonic()
    for token in set(CARD_TEXT.findall(body)) - seen:
        seen.add(token)
        if (posted := room.posted.get(token)) is not None:
            room.phase_of(posted).visibility.append(now - posted)


async def _fetch_region(conn: Connection, live_url: str, state: dict, seen, room: Room) -> int:
    started = time.monotonic()
    room.fetching += 1
    try:
        status, body = await conn.request("GET", f"{live_url}?v={state['v']}&s={state['s']}")
    finally:
        room.fetching -= 1
    stats = room.phase_of(started)
    stats.requests += 1
    stats.polls.append(time.monotonic() - started)
    if status == 200:
        if match := VERSION.search(body):
            state["v"] = match.group(1).decode()
        if match := STATE.search(body):
            state["s"] = match.group(1).decode()
        _seen(body, seen, room)
    elif status != 204:
        stats.fail(f"board fetch {status}")
    return status


async def poller(conn: Connection, live_url: str, room: Room, ready: asyncio.Event) -> None:
    """Poll every second like the page did before push; note when each new card shows up."""
    state, seen, counted = {"v": "", "s": "open"}, set(), False
    await asyncio.sleep(random.random())
    while room.running():
        started = time.monotonic()
        try:
            status = await _fetch_region(conn, live_url, state, seen, room)
            if not counted and status in (200, 204):
                room.connected, counted = room.connected + 1, True
                ready.set()
        except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
            room.stats.fail(f"poll: {type(error).__name__}")
            conn.close()
        await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


async def streamer(conn: Connection, urls: dict, room: Room, ready: asyncio.Event) -> None:
    """Watch like the page does with push: the board once (as the page loads it), then its event
    stream with the board's version; a `card` event carries the card, `ping` is a keep-alive, any
    other event means "fetch the board" (one fetch at a time)."""
    web = Connection(conn.cookie)
    state, seen, counted = {"v": "", "s": "open"}, set(), False
    await asyncio.sleep(random.random())
    while room.running() and not state["v"]:
        try:
            await _fetch_region(web, urls["live"], state, seen, room)
        except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
            room.stats.fail(f"first board fetch: {type(error).__name__}")
            web.close()
            await asyncio.sleep(0.5)
    while room.running():
        try:
            async with room.until_stop():
                await conn.open()
                path = f"{urls['events']}?v={state['v']}"
                conn.writer.write(
                    conn._request_bytes("GET", path, extra=["Accept: text/event-stream"])
                )
                await conn.writer.drain()
                status, headers = await _headers(conn.reader)
                room.stats.requests += 1
                room.stats.streams += 1
                if status != 200:
                    room.stats.fail(f"event stream {status}")
                    conn.close()
                    await asyncio.sleep(1)
                    continue
                if not counted:
                    room.connected, counted = room.connected + 1, True
                    ready.set()
                chunked = headers.get("transfer-encoding", "").lower() == "chunked"
                buffer = b""
                while room.running():
                    if chunked:
                        data = await _chunk(conn.reader)
                    else:
                        data = await conn.reader.read(65536)
                    if not data:
                        break  # the stream ended (a WSGI stream's lifetime): reconnect
                    conn.received += len(data)
                    buffer += data
                    *messages, buffer = buffer.split(b"\n\n")
                    refetch = False
                    for message in messages:
                        kind, version = b"message", None
                        for line in message.split(b"\n"):
                            if line.startswith(b"event:"):
                                kind = line[6:].strip()
                            elif line.startswith(b"id:"):
                                version = line[3:].strip().decode()
                        if kind == b"message":
                            continue  # `retry:` or a comment
                        room.stats.events += 1
                        name = kind.decode()
                        room.stats.event_kinds[name] = room.stats.event_kinds.get(name, 0) + 1
                        if kind == b"card":
                            _seen(message, seen, room)
                            if version and (not state["v"] or int(version) > int(state["v"])):
                                state["v"] = version
                        elif kind == b"gone":
                            room.stats.fail("event stream: gone")
                        elif kind not in (b"ping", b"room"):
                            refetch = True
                    if refetch:
                        await _fetch_region(web, urls["live"], state, seen, room)
            conn.close()
        except TimeoutError:
            break
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError) as error:
            room.stats.fail(f"event stream: {type(error).__name__}")
            conn.close()
            await asyncio.sleep(0.5)
    conn.close()
    web.close()
    conn.received += web.received


# --write-while-joining: every participant writes from the start, before their own screen has its
# board (as the benchmark did before 3 December, 18:00 UTC): at 1,000, the writes queued behind
# the room's joining took the first minute to drain, into the measured time.
WRITE_WHILE_JOINING = {"on": False}
KEYS = {"send": True}  # --no-keys: writes without the page's idempotency keys (as before Dec 2)


def _key() -> bytes:
    return secrets.token_urlsafe(16).encode() if KEYS["send"] else b""


async def writer(
    conn: Connection, urls: dict, items: list[str], room: Room, ready: asyncio.Event
) -> None:
    """Add a card now and then on the collecting board, and put dots on the voting board:
    from the moment this participant's screen is connected (has its board and, with push, its
    stream open), as on the page, whose form comes with the board."""
    # (bounded by the room's end: a screen that never connects does not hang the run)
    while not WRITE_WHILE_JOINING["on"] and room.running() and not ready.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ready.wait(), 0.5)
    next_card = time.monotonic() + random.expovariate(1 / CARD_EVERY)
    next_vote = time.monotonic() + random.expovariate(1 / VOTE_EVERY)
    while room.running():
        now = time.monotonic()
        if now >= next_card:
            token = uuid.uuid4().hex[:12].encode()
            room.posted[token] = time.monotonic()
            # Like the page: each card and dot carries its idempotency key (a new one each time).
            body = b"text=bench+card+" + token + b"&submission_key=" + _key()
            await _post(conn, urls["card"], body, room)
            next_card = now + random.expovariate(1 / CARD_EVERY)
        if now >= next_vote:
            body = f"item={random.choice(items)}&action=add&submission_key=".encode() + _key()
            await _post(conn, urls["vote"], body, room)
            next_vote = now + random.expovariate(1 / VOTE_EVERY)
        await asyncio.sleep(max(0.0, min(next_card, next_vote, room.stop) - time.monotonic()))


async def _post(conn: Connection, path: str, body: bytes, room: Room) -> None:
    started = time.monotonic()
    try:
        status, _ = await conn.request("POST", path, body)
        stats = room.phase_of(started)
        stats.requests += 1
        stats.writes.append(time.monotonic() - started)
        stats.written_at.append(started)
        (stats.cards if path.endswith("/cards/") else stats.dots).append(stats.writes[-1])
        if status >= 400:
            stats.fail(f"POST {path.rstrip('/').rsplit('/', 1)[-1]} {status}")
    except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
        room.stats.fail(f"POST: {type(error).__name__}")
        conn.close()


async def probe(cookie: str, path: str, kind: str, room: Room, every: float = 0.1) -> None:
    conn = Connection(cookie=cookie, port=PORT)  # the rest of the site: `web`
    while room.running():
        started = time.monotonic()
        try:
            status, _ = await conn.request("GET", path)
            stats = room.phase_of(started)
            getattr(stats, kind).append(time.monotonic() - started)
            if status != 200:
                stats.fail(f"{kind} probe {status}")
        except (OSError, ConnectionError, asyncio.IncompleteReadError) as error:
            room.stats.fail(f"{kind} probe: {type(error).__name__}")
            conn.close()
        await asyncio.sleep(every)


async def loop_lag(room: Room) -> None:
    """How late the load generator's own event loop wakes a 10 ms sleep: a reply that arrived
    meanwhile is timed that much later than the server sent it (the load generator's share of
    every latency figure, reported beside them)."""
    while room.running():
        started = time.monotonic()
        await asyncio.sleep(0.01)
        room.phase_of(started).lag.append(max(0.0, time.monotonic() - started - 0.01))


async def run_level(
    world: dict, count: int, seconds: float, mode: str, join_max: float
) -> tuple[Room, float, float]:
    """The room joins (until every screen is connected and no board fetch is under way, at most
    `join_max` seconds, then 2 s to settle), then `seconds` are measured. Returns the room, how
    long joining took, and the load
    generator's CPU share during the measured time."""
    room = Room(screens=count + 1)
    tasks = [
        asyncio.create_task(probe("probe=1", "/healthz", "probe", room)),
        asyncio.create_task(loop_lag(room)),
        asyncio.create_task(
            probe(world["page_cookie"], world["page"], "page", room, PAGE_EVERY["seconds"])
        ),
    ]
    watchers = []
    screens = [(cookie, world["board"]) for cookie in world["cookies"][:count]]
    screens.append((world["projector_cookie"], world["projector"]))
    began = time.monotonic()
    for index, (cookie, urls) in enumerate(screens):
        watch, ready = Connection(cookie, PUSH_PORT if mode == "push" else None), asyncio.Event()
        watchers.append(watch)
        if mode == "push":
            tasks.append(asyncio.create_task(streamer(watch, urls, room, ready)))
        else:
            tasks.append(asyncio.create_task(poller(watch, urls["live"], room, ready)))
        if index < count:
            write = Connection(cookie)
            tasks.append(
                asyncio.create_task(writer(write, world["writes"], world["items"], room, ready))
            )
    while (room.connected < room.screens or room.fetching) and time.monotonic() - began < join_max:
        await asyncio.sleep(0.1)
    joined = time.monotonic() - began
    await asyncio.sleep(2)  # the joining's last answers drain
    cpu, servers = time.process_time(), server_cpu()
    room.measure_from = time.monotonic()
    room.stats = room.measured
    room.stop_at(room.measure_from + seconds)
    await asyncio.sleep(seconds)
    share = (time.process_time() - cpu) / seconds
    room.measured.server_cpu = cpu_between(servers, server_cpu())
    await asyncio.gather(*tasks)
    room.measured.watched_bytes = sum(watch.received for watch in watchers[:count])
    return room, joined, share


# --- where the servers' CPU goes ----------------------------------------------------------------

PARTS: dict[int, str] = {}  # a server's session id (its pid: start_new_session) -> its name
TICK = os.sysconf("SC_CLK_TCK")


def server_cpu() -> dict[tuple[str, int], float]:
    """CPU seconds used so far by each process of each server, PostgreSQL and Redis, read from
    /proc, by (part, pid)."""
    used: dict[tuple[str, int], float] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                raw = stat.read()
        except OSError:
            continue  # gone meanwhile
        comm = raw[raw.find("(") + 1 : raw.rfind(")")]
        fields = raw[raw.rfind(")") + 2 :].split()
        part = PARTS.get(int(fields[3])) or {"postgres": "PostgreSQL", "redis-server": "Redis"}.get(
            comm
        )
        if part:
            used[part, int(entry.name)] = (int(fields[11]) + int(fields[12])) / TICK
    return used


def cpu_between(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds each part used between two readings: each process's own difference (one
    started meanwhile counts whole; one that ended meanwhile, a closed database connection, is
    not counted)."""
    used: dict[str, float] = {}
    for (part, pid), seconds in after.items():
        used[part] = used.get(part, 0.0) + seconds - before.get((part, pid), 0.0)
    return used


# --- setting up the servers and the world --------------------------------------------------------


def django_env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        # Production mode, as a real deployment runs (no debug bookkeeping per query).
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "60",
    }


def recreate_database() -> None:
    import psycopg

    admin = BASE_DB.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
        conn.execute("DROP DATABASE IF EXISTS aligned_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE aligned_bench")
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=django_env(), check=True
        )


def analyze_database() -> None:
    """Statistics for the tables just filled, as a live database has them; else the first run
    meets autovacuum's catch-up and query plans made for empty tables (its write p95 was several
    times the next runs')."""
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute("VACUUM ANALYZE")


def _signed_in(user) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def build_world(participants: int) -> dict:
    os.environ.update(django_env())
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import NoReverseMatch, reverse

    from engagements.access import GUEST_SESSION_KEY
    from retreats import services
    from retreats.models import Activity
    from tests.factories import (
        MembershipFactory,
        PhaseFactory,
        StakeholderGroupFactory,
        UserFactory,
    )

    phase = PhaseFactory()
    engagement = phase.engagement
    groups = [StakeholderGroupFactory(engagement=engagement, name=n) for n in ("Staff", "Parents")]
    retreat = services.retreat_create(engagement=engagement, phase=phase, title="Bench retreat")
    services.retreat_set_open(retreat=retreat, is_open=True)
    collecting = services.activity_add(
        retreat=retreat, kind=Activity.Kind.BRAINSTORM, prompt=services.BRAINSTORM_PROMPT
    )
    services.activity_update(activity=collecting, private_until_revealed=False)
    voting = services.activity_add(
        retreat=retreat, kind=Activity.Kind.BRAINSTORM, prompt="Which ideas matter most?"
    )
    seeder = services.participant_join_guest(
        retreat=retreat, display_name="Seeder", stakeholder_group=None
    ).participant
    items = [
        str(services.card_add(activity=voting, participant=seeder, text=f"Idea {i}").pk)
        for i in range(20)
    ]
    services.activity_set_stage(activity=voting, stage=Activity.Stage.VOTING)
    services.activity_update(activity=voting, vote_budget=1000, max_per_item=1000)

    cookies = []
    for index in range(participants):
        guest = services.participant_join_guest(
            retreat=retreat, display_name=f"Guest {index}", stakeholder_group=groups[index % 2]
        )
        session = SessionStore()
        session[GUEST_SESSION_KEY.format(retreat_id=retreat.pk)] = guest.token
        session.create()
        cookies.append(f"sessionid={session.session_key}")

    facilitator = UserFactory(can_facilitate=True)
    MembershipFactory(user=facilitator, engagement=engagement, roles=["facilitator"])
    # Someone else on the same server: another organization's facilitator reading their page.
    elsewhere = PhaseFactory().engagement
    reader = UserFactory(can_facilitate=True)
    MembershipFactory(user=reader, engagement=elsewhere, roles=["facilitator"])

    ids = {"retreat_id": retreat.pk, "activity_id": collecting.pk}

    def events(name: str) -> str | None:  # (poll mode works without them)
        try:
            return reverse(name, kwargs=ids)
        except NoReverseMatch:
            return None

    return {
        "cookies": cookies,
        "projector_cookie": _signed_in(facilitator),
        "board": {
            "live": reverse("retreats:board-live", kwargs=ids),
            "events": events("retreats:board-events"),
        },
        "projector": {
            "live": reverse("retreats:projector-live", kwargs=ids),
            "events": events("retreats:console-events"),
        },
        "writes": {
            "card": reverse("retreats:card-add", kwargs=ids),
            "vote": reverse(
                "retreats:vote", kwargs={"retreat_id": retreat.pk, "activity_id": voting.pk}
            ),
        },
        "items": items,
        "boards": (collecting.pk, voting.pk),
        "page_cookie": _signed_in(reader),
        "page": reverse("engagements:detail", kwargs={"engagement_id": elsewhere.pk}),
    }


def empty_boards(world: dict) -> None:
    """Each run starts from the same boards: no card on the collecting board, no dot on the
    voting board (its 20 cards stay). Else every run's room joins a board the size of all the
    runs before it. The boards' versions move on, so no server answers from an older rendering."""
    from django.db import transaction

    from retreats import services
    from retreats.models import Activity, Ballot, Card, SubmissionKey

    collecting, voting = world["boards"]
    with transaction.atomic():
        SubmissionKey.objects.filter(participant__retreat__activities=collecting).delete()
        Card.objects.filter(activity_id=collecting).delete()
        Ballot.objects.filter(activity_id=voting).delete()
        for activity in Activity.objects.filter(pk__in=world["boards"]):
            services._bump(activity)


def _wait_for(port: int, server: subprocess.Popen, name: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), 1).close()
            return
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"{name} did not start")


def start_servers(args) -> list[subprocess.Popen]:
    gunicorn = str(ROOT / ".venv" / "bin" / "gunicorn")
    # With --cpus, the app's processes run on those cores only (PostgreSQL, Redis and we do not).
    gunicorn_cmd = ["taskset", "-c", args.cpus, gunicorn] if args.cpus else [gunicorn]
    common = ["--log-level", "warning", "--access-logfile", "/dev/null"]
    web = subprocess.Popen(
        # As deployed: threaded workers, the collector frozen at start (config/gunicorn.py).
        [*gunicorn_cmd, "config.wsgi", "-c", "config/gunicorn.py", "--bind", f"{HOST}:{PORT}"]
        + ["--workers", str(args.workers), "--threads", str(args.threads), "--keep-alive", "30"]
        + common,
        cwd=ROOT,
        env=django_env(),
        start_new_session=True,
    )
    _wait_for(PORT, web, "gunicorn (web)")
    PARTS[web.pid] = "web"
    servers = [web]
    if args.pools == "two":
        # The live rooms' own pool, as docker-compose.yml's `room`: a saturated room queues in
        # its own workers, not in front of everyone else's pages. Same priority as web (a lower
        # one, --room-nice, starves the room whenever anything else runs: README).
        nice = ["nice", "-n", str(args.room_nice)] if args.room_nice else []
        room = subprocess.Popen(
            [*nice, *gunicorn_cmd, "config.wsgi", "-c", "config/gunicorn.py"]
            + ["--bind", f"{HOST}:{ROOM_PORT}", "--workers", str(args.room_workers)]
            + ["--threads", str(args.threads), "--keep-alive", "30"]
            + common,
            cwd=ROOT,
            env=django_env(),
            start_new_session=True,
        )
        _wait_for(ROOM_PORT, room, "gunicorn (room)")
        PARTS[room.pid] = "room"
        servers.append(room)
    if args.mode == "push":
        nice = ["nice", "-n", str(args.push_nice)] if args.push_nice else []
        push = subprocess.Popen(
            [*nice, *gunicorn_cmd, "config.asgi", "-c", "config/gunicorn_push.py"]
            + ["--bind", f"{HOST}:{PUSH_PORT}", "--workers", str(args.push_workers)]
            + common,
            cwd=ROOT,
            env={**django_env(), "DB_POOL_MAX": "8"},  # as docker-compose.yml runs it
            start_new_session=True,
        )
        _wait_for(PUSH_PORT, push, "gunicorn (push)")
        PARTS[push.pid] = "push"
        servers.append(push)
    return servers


@dataclass
class Figures:
    requests_per_s: float
    write_p50: float
    write_p95: float
    write_p99: float
    visible_p50: float
    visible_p95: float
    page_p95: float
    healthz_p50: float
    errors: int
    generator_cpu: float  # share of one core


def _kinds(stats: Stats) -> str:
    if not stats.kinds:
        return ""
    ordered = sorted(stats.kinds.items(), key=lambda item: -item[1])
    return ": " + ", ".join(f"{kind} x{n}" for kind, n in ordered)


def report(count: int, seconds: float, stats: Stats, cpu: float) -> Figures:
    ms = 1000
    rate = stats.errors / max(stats.requests, 1)
    print(
        f"{count:>5} participants, {seconds:.0f} s: {stats.requests} requests "
        f"({stats.requests / seconds:.0f}/s), errors {stats.errors} ({100 * rate:.2f}%)"
        + _kinds(stats)
    )
    p50, p95, p99 = (percentile(stats.writes, p) * ms for p in (50, 95, 99))
    print(
        f"      writes  n={len(stats.writes):<6} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"
        f"  p99 {p99:6.1f} ms"
    )
    if stats.writes:
        print(
            f"      of which cards n={len(stats.cards)}"
            f" p95 {percentile(stats.cards, 95) * ms:.1f} ms,"
            f" dots n={len(stats.dots)} p95 {percentile(stats.dots, 95) * ms:.1f} ms"
        )
    if stats.written_at:  # a queue the joining left behind drains: early slices are slower
        first, slices = min(stats.written_at), {}
        for started, took in zip(stats.written_at, stats.writes, strict=True):
            slices.setdefault(int((started - first) // 5), []).append(took)
        print(
            "      write p95 in each 5 s: "
            + ", ".join(
                f"{percentile(slices[n], 95) * ms:.0f}" if n in slices else "-"
                for n in range(max(slices) + 1)
            )
            + " ms"
        )
    if stats.streams:
        kinds = ", ".join(f"{name} {n}" for name, n in sorted(stats.event_kinds.items()))
        print(f"      streams {stats.streams} opened, {stats.events} messages received ({kinds})")
    print(
        f"      fetches n={len(stats.polls):<6} p50 {percentile(stats.polls, 50) * ms:6.1f} ms"
        f"  p95 {percentile(stats.polls, 95) * ms:6.1f} ms"
    )
    print(
        f"      visible n={len(stats.visibility):<6} p50 {percentile(stats.visibility, 50):6.2f} s "
        f"  p95 {percentile(stats.visibility, 95):6.2f} s"
    )
    per_screen = stats.watched_bytes / max(count, 1) / seconds / 1024
    print(
        f"      traffic to each screen {per_screen:.1f} KB/s, "
        f"{stats.watched_bytes * 8 / seconds / 1e6:.1f} Mbit/s for the room"
    )
    trivial = percentile(stats.probe, 50)
    print(
        f"      /healthz p50 {trivial * ms:6.1f} ms  p95 {percentile(stats.probe, 95) * ms:6.1f} ms"
        f"  -> a write costs {percentile(stats.writes, 50) / trivial:4.1f}x the trivial view (p50)"
    )
    print(
        f"      a signed-in page elsewhere p50 {percentile(stats.page, 50) * ms:6.1f} ms"
        f"  p95 {percentile(stats.page, 95) * ms:6.1f} ms"
    )
    print(
        f"      load generator CPU {cpu * seconds:.1f} s ({100 * cpu:.0f}% of a core); its event "
        f"loop's delay p50 {percentile(stats.lag, 50) * ms:.1f} ms  p95 "
        f"{percentile(stats.lag, 95) * ms:.1f} ms  p99 {percentile(stats.lag, 99) * ms:.1f} ms"
    )
    used = stats.server_cpu
    if used:
        total = sum(used.values())
        ordered = sorted(used, key=lambda part: -used[part])
        parts = ", ".join(f"{part} {used[part]:.1f}" for part in ordered)
        print(
            f"      server CPU {total:.1f} s ({total / seconds:.2f} cores: {parts}); "
            f"{1000 * total / max(len(stats.writes), 1):.1f} ms of CPU a write, all included"
        )
    return Figures(
        requests_per_s=stats.requests / seconds,
        write_p50=p50,
        write_p95=p95,
        write_p99=p99,
        visible_p50=percentile(stats.visibility, 50),
        visible_p95=percentile(stats.visibility, 95),
        page_p95=percentile(stats.page, 95) * ms,
        healthz_p50=trivial * ms,
        errors=stats.errors,
        generator_cpu=cpu,
    )


TARGETS = {200: (50, 1.0, None), 1000: (100, 1.0, 200)}  # write p95 ms, visible p95 s, page p95


def verdict(count: int, figures: Figures) -> str:
    if count not in TARGETS:
        return ""
    write, visible, page = TARGETS[count]
    met = figures.write_p95 < write and figures.visible_p95 < visible and figures.errors == 0
    if page is not None:
        met = met and figures.page_p95 < page
    wanted = f"write p95 < {write} ms, visible p95 < {visible:.0f} s, 0 errors" + (
        f", page elsewhere p95 < {page} ms" if page else ""
    )
    return f"targets ({wanted}): {'met' if met else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--seconds", type=float, default=20, help="per level (at most 120)")
    parser.add_argument("--runs", type=int, default=1, help="runs per level (medians printed)")
    parser.add_argument("--mode", choices=["push", "poll"], default="push")
    parser.add_argument(
        "--join-max", type=float, default=60, help="seconds the room may take to join"
    )
    parser.add_argument(
        "--pools",
        choices=["two", "one"],
        default="two",
        help="two: the room's requests to its own lower-priority pool (`room`, as deployed); "
        "one: everything to `web`",
    )
    parser.add_argument("--workers", type=int, default=3, help="web: gunicorn gthread workers")
    parser.add_argument(
        "--room-workers", type=int, default=3, help="room: gunicorn gthread workers"
    )
    parser.add_argument(
        "--room-nice", type=int, default=0, help="room: run at this nice level (0: as web)"
    )
    parser.add_argument(
        "--no-keys", action="store_true", help="writes without idempotency keys, to compare"
    )
    parser.add_argument(
        "--write-while-joining",
        action="store_true",
        help="participants write before their screen has its board (as before 3 December)",
    )
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--page-every",
        type=float,
        default=0.5,
        help="seconds between the signed-in page probe's requests (0.1 before 3 December)",
    )
    parser.add_argument("--push-workers", type=int, default=1, help="push: uvicorn workers")
    parser.add_argument(
        "--push-nice", type=int, default=0, help="push: run at this nice level (0: as web)"
    )
    parser.add_argument(
        "--cpus", default="", help="pin web and push to these cores (taskset -c), e.g. 0 or 0,1"
    )
    args = parser.parse_args()
    seconds = min(args.seconds, 120)
    for url in (BASE_DB, REDIS_URL):
        host = urlsplit(url).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            sys.exit(f"Loopback only: {url} is not on this machine.")
    recreate_database()
    world = build_world(max(args.levels))
    analyze_database()
    ROOM["port"] = ROOM_PORT if args.pools == "two" else PORT
    KEYS["send"] = not args.no_keys
    WRITE_WHILE_JOINING["on"] = args.write_while_joining
    PAGE_EVERY["seconds"] = args.page_every
    servers = start_servers(args)
    failed = False
    try:
        print(
            f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}; web: gunicorn gthread "
            f"{args.workers} workers x {args.threads} threads"
            + (
                f"; room: its own pool, {args.room_workers} workers x {args.threads} threads, "
                f"nice {args.room_nice}"
                if args.pools == "two"
                else "; the room on web"
            )
            + (f"; push: {args.push_workers} uvicorn worker(s)" if args.mode == "push" else "")
            + f"; mode {args.mode}; page probe every {args.page_every} s"
            + (f"; app pinned to cores {args.cpus}" if args.cpus else "")
        )
        for count in args.levels:
            runs = []
            for run in range(args.runs):
                empty_boards(world)
                room, joined, cpu = asyncio.run(
                    run_level(world, count, seconds, args.mode, args.join_max)
                )
                joining = room.joining
                print(
                    f"{count:>5} participants joining (run {run + 1}, not counted below): every "
                    f"screen connected and had its board after {joined:.1f} s ({room.connected} of "
                    f"{room.screens}, {room.fetching} fetches still under way); "
                    f"meanwhile write p95 {percentile(joining.writes, 95) * 1000:.0f} ms, "
                    f"fetch p95 {percentile(joining.polls, 95) * 1000:.0f} ms, "
                    f"errors {joining.errors}{_kinds(joining)}"
                )
                runs.append(report(count, seconds, room.measured, cpu))
            if args.runs > 1:
                median = Figures(
                    *(
                        statistics.median(getattr(r, name) for r in runs)
                        for name in Figures.__dataclass_fields__
                    )
                )
                print(
                    f"{count:>5} participants, median of {args.runs} runs: "
                    f"{median.requests_per_s:.0f} requests/s, write p50/p95/p99 "
                    f"{median.write_p50:.0f} / {median.write_p95:.0f} / {median.write_p99:.0f} ms, "
                    f"visible p50/p95 {median.visible_p50:.2f} / {median.visible_p95:.2f} s, "
                    f"page elsewhere p95 {median.page_p95:.0f} ms, errors {median.errors:.0f}, "
                    f"load generator {100 * median.generator_cpu:.0f}% of a core"
                )
                runs = [median]
            line = verdict(count, runs[0])
            if line:
                print(f"      {line}")
                failed |= "MISSED" in line
        print(f"load {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
