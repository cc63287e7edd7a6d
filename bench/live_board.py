"""Load benchmark for a live retreat board: N participants on one board, all watching it live.

Run by hand (not part of the test suites), against the stack's services on this machine:

    .venv/bin/python bench/live_board.py                 # 50, 200 and 800 participants
    .venv/bin/python bench/live_board.py --levels 200 --seconds 20

It starts its own gunicorn on 127.0.0.1 (loopback only) with PostgreSQL (STACK_DATABASE_URL,
database `aligned_bench`, recreated) and Redis (STACK_REDIS_URL), builds a retreat with N guests
(their sessions are made directly in the database), then for each level, for a bounded time:

- every participant polls the board's live endpoint once a second, as the page does
  (htmx `every 1s`), and so does one projector;
- participants add cards (each about every 20 s) on a collecting board and put dots (each about
  every 10 s, within the budget) on a voting board;
- a probe times a trivial view (`/healthz`: one `SELECT 1`) under the same load.

Each level starts with 5 s of the room joining (every screen connects and polls for the first
time within a second), reported on its own line; then the level is measured. It prints the
p50/p95/p99 latency of writes (card and vote POSTs), the p95 delay from a card's
POST until each watcher's poll shows it, the error rate, and the trivial view's latency, so the
board's cost can be read as a ratio to it. The client is asyncio with one keep-alive connection
per participant, so the load generator spends little of the two cores.
"""

import argparse
import asyncio
import gzip
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HOST, PORT = "127.0.0.1", 8765
CSRF = "benchcsrftoken0123456789abcdefgh"  # 32 characters: a valid unmasked CSRF secret
BASE_DB = os.environ.get("STACK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aligned")
DATABASE_URL = BASE_DB.rsplit("/", 1)[0] + "/aligned_bench"
REDIS_URL = os.environ.get("STACK_REDIS_URL", "redis://127.0.0.1:6379/13")
CARD_EVERY = 20.0  # seconds between a participant's cards, on average
VOTE_EVERY = 10.0  # seconds between a participant's dots, on average
JOINING_SECONDS = 5.0  # each level starts with the room joining, reported apart


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# --- a minimal HTTP/1.1 keep-alive client --------------------------------------------------------


class Connection:
    def __init__(self, cookie: str):
        self.cookie = cookie
        self.reader = self.writer = None
        self.received = 0  # bytes of response bodies, as sent

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, PORT)
        headers = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}:{PORT}",
            f"Cookie: {self.cookie}; csrftoken={CSRF}",
            "HX-Request: true",
            "Accept-Encoding: gzip",
            f"X-CSRFToken: {CSRF}",
            "Connection: keep-alive",
        ]
        if method == "POST":
            headers += ["Content-Type: application/x-www-form-urlencoded"]
        headers.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length, close, gzipped = 0, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                close = True
            elif name.lower() == "content-encoding" and value.strip().lower() == "gzip":
                gzipped = True
        payload = await self.reader.readexactly(length) if length else b""
        self.received += len(payload)
        if gzipped:
            payload = gzip.decompress(payload)
        if close:
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
    polls: list[float] = field(default_factory=list)
    probe: list[float] = field(default_factory=list)
    visibility: list[float] = field(default_factory=list)
    requests: int = 0
    errors: int = 0
    posted: dict = field(default_factory=dict)  # card text -> time its POST started
    watched_bytes: int = 0  # what the participants' polls received, compressed as sent


VERSION = re.compile(rb'data-version="(\d+)"')
STATE = re.compile(rb'hx-get="[^"]*?s=([a-z_]+)')
CARD_TEXT = re.compile(rb"bench card ([0-9a-f]{12})")


async def watcher(conn: Connection, live_url: str, stats: Stats, stop: float) -> None:
    """Poll every second like the page; note when each new card first shows up."""
    version, state, seen = "", "open", set()
    await asyncio.sleep(random.random())
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            status, body = await conn.request("GET", f"{live_url}?v={version}&s={state}")
            stats.requests += 1
            stats.polls.append(time.monotonic() - started)
            if status == 200:
                if match := VERSION.search(body):
                    version = match.group(1).decode()
                if match := STATE.search(body):
                    state = match.group(1).decode()
                now = time.monotonic()
                for token in set(CARD_TEXT.findall(body)) - seen:
                    seen.add(token)
                    if token in stats.posted:
                        stats.visibility.append(now - stats.posted[token])
            elif status != 204:
                stats.errors += 1
        except (OSError, ConnectionError, asyncio.IncompleteReadError):
            stats.errors += 1
            conn.close()
        await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


async def writer(conn: Connection, urls: dict, items: list[str], stats: Stats, stop: float) -> None:
    """Add a card now and then on the collecting board, and put dots on the voting board."""
    next_card = time.monotonic() + random.expovariate(1 / CARD_EVERY)
    next_vote = time.monotonic() + random.expovariate(1 / VOTE_EVERY)
    while time.monotonic() < stop:
        now = time.monotonic()
        if now >= next_card:
            token = uuid.uuid4().hex[:12].encode()
            stats.posted[token] = time.monotonic()
            body = b"text=bench+card+" + token
            await _post(conn, urls["card"], body, stats)
            next_card = now + random.expovariate(1 / CARD_EVERY)
        if now >= next_vote:
            body = f"item={random.choice(items)}&action=add".encode()
            await _post(conn, urls["vote"], body, stats)
            next_vote = now + random.expovariate(1 / VOTE_EVERY)
        await asyncio.sleep(max(0.0, min(next_card, next_vote) - time.monotonic()))


async def _post(conn: Connection, path: str, body: bytes, stats: Stats) -> None:
    started = time.monotonic()
    try:
        status, _ = await conn.request("POST", path, body)
        stats.requests += 1
        stats.writes.append(time.monotonic() - started)
        if status >= 400:
            stats.errors += 1
    except (OSError, ConnectionError, asyncio.IncompleteReadError):
        stats.errors += 1
        conn.close()


async def probe(stats: Stats, stop: float) -> None:
    conn = Connection(cookie="probe=1")
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            status, _ = await conn.request("GET", "/healthz")
            stats.probe.append(time.monotonic() - started)
            stats.errors += status != 200
        except (OSError, ConnectionError, asyncio.IncompleteReadError):
            stats.errors += 1
            conn.close()
        await asyncio.sleep(0.1)


async def run_level(world: dict, count: int, seconds: float) -> Stats:
    stats = Stats()
    stop = time.monotonic() + seconds
    tasks = [asyncio.create_task(probe(stats, stop))]
    watchers = []
    for cookie in world["cookies"][:count]:
        watch, write = Connection(cookie), Connection(cookie)
        watchers.append(watch)
        tasks.append(asyncio.create_task(watcher(watch, world["live"], stats, stop)))
        tasks.append(
            asyncio.create_task(writer(write, world["writes"], world["items"], stats, stop))
        )
    projector = Connection(world["projector_cookie"])
    tasks.append(asyncio.create_task(watcher(projector, world["projector_live"], stats, stop)))
    await asyncio.gather(*tasks)
    stats.watched_bytes = sum(watch.received for watch in watchers)
    return stats


# --- setting up the server and the world ---------------------------------------------------------


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


def build_world(participants: int) -> dict:
    os.environ.update(django_env())
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore

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
    session = SessionStore()
    session["_auth_user_id"] = str(facilitator.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = facilitator.get_session_auth_hash()
    session.create()

    base = f"/retreats/{retreat.pk}/activities/"
    return {
        "cookies": cookies,
        "projector_cookie": f"sessionid={session.session_key}",
        "live": f"{base}{collecting.pk}/live/",
        "projector_live": f"{base}{collecting.pk}/projector/live/",
        "writes": {"card": f"{base}{collecting.pk}/cards/", "vote": f"{base}{voting.pk}/vote/"},
        "items": items,
    }


def start_server(workers: int, threads: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-c",
            "config/gunicorn.py",  # as deployed: threaded workers, the collector frozen at start
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=django_env(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, PORT), 1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def report(count: int, seconds: float, stats: Stats) -> None:
    ms = 1000
    rate = stats.errors / max(stats.requests, 1)
    print(
        f"{count:>5} participants, {seconds:.0f} s: {stats.requests} requests "
        f"({stats.requests / seconds:.0f}/s), errors {stats.errors} ({100 * rate:.2f}%)"
    )
    p50, p95, p99 = (percentile(stats.writes, p) * ms for p in (50, 95, 99))
    print(
        f"      writes  n={len(stats.writes):<6} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"
        f"  p99 {p99:6.1f} ms"
    )
    print(
        f"      polls   n={len(stats.polls):<6} p50 {percentile(stats.polls, 50) * ms:6.1f} ms"
        f"  p95 {percentile(stats.polls, 95) * ms:6.1f} ms"
    )
    print(
        f"      visible n={len(stats.visibility):<6} p50 {percentile(stats.visibility, 50):6.2f} s "
        f"  p95 {percentile(stats.visibility, 95):6.2f} s"
    )
    per_screen = stats.watched_bytes / max(count, 1) / seconds / 1024
    print(
        f"      traffic to each screen {per_screen:.1f} KB/s (gzip), "
        f"{stats.watched_bytes * 8 / seconds / 1e6:.1f} Mbit/s for the room"
    )
    trivial = percentile(stats.probe, 50)
    print(
        f"      /healthz p50 {trivial * ms:6.1f} ms  p95 {percentile(stats.probe, 95) * ms:6.1f} ms"
        f"  -> a write costs {percentile(stats.writes, 50) / trivial:4.1f}x, a poll "
        f"{percentile(stats.polls, 50) / trivial:4.1f}x the trivial view (p50)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[50, 200, 800])
    parser.add_argument("--seconds", type=float, default=20, help="per level (at most 120)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    seconds = min(args.seconds, 120)
    for url in (BASE_DB, REDIS_URL):
        host = urlsplit(url).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            sys.exit(f"Loopback only: {url} is not on this machine.")
    recreate_database()
    world = build_world(max(args.levels))
    server = start_server(args.workers, args.threads)
    try:
        cores = os.cpu_count()
        print(f"gunicorn gthread {args.workers} workers x {args.threads} threads, {cores} cores")
        for count in args.levels:
            # The room joins: every screen's first poll and its first write open a connection
            # and take the slow path (access checked, session loaded) within the same second.
            joining = asyncio.run(run_level(world, count, JOINING_SECONDS))
            print(
                f"{count:>5} participants joining ({JOINING_SECONDS:.0f} s, not counted below): "
                f"write p95 {percentile(joining.writes, 95) * 1000:.0f} ms, "
                f"poll p95 {percentile(joining.polls, 95) * 1000:.0f} ms, "
                f"errors {joining.errors}"
            )
            cpu = time.process_time()
            stats = asyncio.run(run_level(world, count, seconds))
            report(count, seconds, stats)
            spent = time.process_time() - cpu
            share = 100 * spent / seconds
            print(f"      load generator CPU {spent:.1f} s ({share:.0f}% of a core)")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
