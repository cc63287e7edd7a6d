"""PostgreSQL restarted under the running site: no 500 once it is back, no lost or doubled card or
vote, no lost report job and no orphan PDF (stack only; README, "Database restarts").

The test runs a PostgreSQL cluster of its own (initdb and pg_ctl as the `postgres` OS user, on a
free port, in a temporary folder; the shared server on 5432 is never touched), migrates it, loads a
small engagement and serves it with gunicorn (config/gunicorn.py) and a Celery worker on a queue of
its own, both real processes pointed at that cluster. Then it drives the site over HTTP, restarts
the cluster (`pg_ctl restart -m fast`) or stops it for a few seconds, and drives it again.
"""

import contextlib
import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import reverse

from config.celery import app
from reports.models import ReportJob
from tests.factories import PASSWORD

pytestmark = [pytest.mark.stack]

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
EMAIL = "facilitator@restart.example.org"
DOWN_TEXT = "database is not answering"  # the 503 page's words (templates/503.html)
State = ReportJob.State


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres() -> list[str]:
    """The prefix that runs a command as the postgres OS user (initdb refuses root)."""
    if not (PG_BIN / "initdb").exists() or not (PG_BIN / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL 15's initdb and pg_ctl are not in {PG_BIN}")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("no `postgres` OS user to run a PostgreSQL cluster of the test's own")
    if pwd.getpwuid(os.geteuid()).pw_name == "postgres":
        return []
    if os.geteuid() != 0 or not shutil.which("runuser"):
        pytest.skip("running a cluster as the `postgres` user needs root and runuser")
    return ["runuser", "-u", "postgres", "--"]


class Cluster:
    """A PostgreSQL cluster of the test's own: trust auth, 127.0.0.1 and a socket in its folder."""

    def __init__(self) -> None:
        self.prefix = as_postgres()
        self.folder = Path(tempfile.mkdtemp(prefix="aligned-pg-"))
        shutil.chown(self.folder, "postgres", "postgres")
        self.data = self.folder / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/aligned"
        self.pg("initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                "--no-sync")  # fmt: skip
        self.start()
        self.sql("CREATE DATABASE aligned", dbname="postgres")

    def pg(self, program: str, *args) -> None:
        subprocess.run(
            [*self.prefix, str(PG_BIN / program), *map(str, args)],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def ctl(self, action: str, *args) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self.pg("pg_ctl", "-D", self.data, "-l", self.folder / "server.log", "-w", "-t", "30",
                "-o", options, *args, action)  # fmt: skip

    def start(self) -> None:
        self.ctl("start")

    def stop(self) -> None:
        self.ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self.ctl("restart", "-m", "fast")

    def sql(self, query: str, params=(), *, dbname: str = "aligned") -> list[tuple]:
        import psycopg

        dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"
        with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.ctl("stop", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


SEED = """
import json
from planning.models import ActionStep, Goal, Strategy
from planning.services import plan_for
from retreats.models import Activity
from engagements.models import Role
from tests.factories import (
    ActivityFactory, CardFactory, EngagementFactory, MembershipFactory, PhaseFactory,
    RetreatFactory, UserFactory,
)
engagement = EngagementFactory(name="Strategic Plan 2027–2032",
                               organization__name="Riverside Unified School District")
user = UserFactory(email=EMAIL, full_name="Fran Facilitator")
MembershipFactory(user=user, engagement=engagement, roles=[Role.FACILITATOR.value])
retreat = RetreatFactory(phase=PhaseFactory(engagement=engagement), join_code="RESTART1")
brainstorm = ActivityFactory(retreat=retreat, title="Five years from now")
voting = ActivityFactory(retreat=retreat, title="Which first?", vote_budget=20, max_per_item=20)
card = CardFactory(activity=voting, text="More arts and music in every school")
voting.stage = Activity.Stage.VOTING
voting.save()
# A support document that takes a second or two to render: time to restart PostgreSQL under it.
plan = plan_for(engagement)
plan.vision = "A district where every learner thrives."
plan.save()
goals = Goal.objects.bulk_create(
    Goal(plan=plan, title=f"Goal {n}", description="Why it matters. " * 20, position=n)
    for n in range(20))
strategies = Strategy.objects.bulk_create(
    Strategy(goal=g, title=f"Strategy {g.position}.{s}", position=s)
    for g in goals for s in range(3))
ActionStep.objects.bulk_create(
    ActionStep(strategy=s, description="Train and coach every teacher. " * 4, position=a)
    for s in strategies for a in range(3))
print("SEED" + json.dumps({"engagement": str(engagement.pk), "retreat": str(retreat.pk),
    "brainstorm": str(brainstorm.pk), "voting": str(voting.pk), "card": str(card.pk),
    "code": retreat.join_code}))
"""


@dataclass
class Site:
    cluster: Cluster
    base: str
    media: Path
    ids: dict


def _stop(process: subprocess.Popen, sig: int) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


@pytest.fixture(scope="module")
def site():
    cluster = Cluster()
    queue = f"pg-restart-{uuid.uuid4().hex[:8]}"
    media = cluster.folder / "media"
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url,
        "MEDIA_ROOT": str(media),
        "CELERY_QUEUE": queue,
        "REPORTS_QUEUE": queue,
        "DEBUG": "1",
    }
    env.pop("CONN_MAX_AGE", None)  # the production default: connections kept, health-checked
    (ROOT / ".stack").mkdir(exist_ok=True)
    processes: list[subprocess.Popen] = []
    try:
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=120)
        seeded = subprocess.run(
            [*manage, "shell", "-c", f"EMAIL = {EMAIL!r}\n{SEED}"],
            cwd=ROOT, env=env, check=True, timeout=120, capture_output=True, text=True,
        )  # fmt: skip
        ids = json.loads(seeded.stdout.split("SEED", 1)[1])

        port = free_port()
        logs = ROOT / ".stack"
        with open(logs / "pg-restart-web.log", "wb") as log:
            web = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "--bind",
                 f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "config.wsgi"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        processes.append(web)
        worker_name = f"{queue}@{os.uname().nodename}"
        with open(logs / "pg-restart-worker.log", "wb") as log:
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "config", "worker", "--queues", queue,
                 "--hostname", worker_name, "--concurrency", "1", "--loglevel", "INFO"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        processes.append(worker)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while Visitor(base).get("/healthz").status != 200:
            assert web.poll() is None, "gunicorn exited at start"
            assert time.monotonic() < deadline, "gunicorn did not answer in a minute"
            time.sleep(0.2)
        while not app.control.ping(destination=[worker_name], timeout=1):
            assert worker.poll() is None, "the test's worker exited at start"
            assert time.monotonic() < deadline, "the test's worker did not start in a minute"
        yield Site(cluster=cluster, base=base, media=media, ids=ids)
    finally:
        for process in processes:  # gunicorn: quick shutdown; the idle worker: cold shutdown
            _stop(process, signal.SIGINT if process is processes[0] else signal.SIGQUIT)
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)
        cluster.remove()


@dataclass
class Answer:
    status: int  # 0: no answer at all
    text: str
    location: str
    took: float


class Visitor:
    """One browser: keeps its cookies, sends the CSRF token, follows no redirect."""

    def __init__(self, base: str) -> None:
        self.host, self.port = urlsplit(base).hostname, urlsplit(base).port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data=None, headers=None) -> Answer:
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if method == "POST":
            body = urlencode(data or {})
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        sent.update(headers or {})
        start = time.monotonic()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=20)
        try:
            conn.request(method, path, body, sent)
            response = conn.getresponse()
            text = response.read().decode()
        except OSError as exc:
            return Answer(0, str(exc), "", time.monotonic() - start)
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        location = response.headers.get("Location", "")
        return Answer(response.status, text, location, time.monotonic() - start)

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Answer:
        return self.request("POST", path, data=data, **kwargs)


def signed_in(site: Site) -> Visitor:
    facilitator = Visitor(site.base)
    assert facilitator.get(reverse("accounts:sign-in")).status == 200
    answer = facilitator.post(
        reverse("accounts:sign-in"), {"username": EMAIL, "password": PASSWORD}
    )
    assert answer.status == 302, answer.text[:500]
    return facilitator


def joined_guest(site: Site, name: str) -> Visitor:
    guest = Visitor(site.base)
    path = reverse("retreats:join-code", args=[site.ids["code"]])
    assert guest.get(path).status == 200
    answer = guest.post(path, {"display_name": name, "stakeholder_group": "none"})
    assert answer.status == 302, answer.text[:500]
    return guest


def pages(site: Site) -> list[str]:
    ids = site.ids
    return [
        reverse("engagements:home"),
        reverse("engagements:detail", args=[ids["engagement"]]),
        reverse("planning:plan", args=[ids["engagement"]]),
        reverse("retreats:retreat", args=[ids["retreat"]]),
        reverse("reports:reports", args=[ids["engagement"]]),
    ]


def board(site: Site, activity: str, name: str = "board") -> str:
    return reverse(f"retreats:{name}", args=[site.ids["retreat"], site.ids[activity]])


def add_card(site: Site, guest: Visitor, text: str, key: str) -> Answer:
    return guest.post(board(site, "brainstorm", "card-add"), {"text": text, "submission_key": key})


def vote(site: Site, guest: Visitor, key: str) -> Answer:
    data = {"item": site.ids["card"], "action": "add", "submission_key": key}
    return guest.post(board(site, "voting", "vote"), data)


def cards_with(site: Site, text: str) -> int:
    return site.cluster.sql("SELECT count(*) FROM retreats_card WHERE text = %s", [text])[0][0]


def dots(site: Site) -> int:
    return site.cluster.sql("SELECT count(*) FROM retreats_dot")[0][0]


def full_visit(site: Site, label: str) -> dict[str, int]:
    """Sign in, open signed-in pages, join the retreat (as a member and as a guest), add a card,
    vote, poll: each answer's status, all as they are when everything works."""
    seen = {}
    facilitator = signed_in(site)
    for path in pages(site):
        seen[path] = facilitator.get(path).status
    join = facilitator.post(reverse("retreats:member-join", args=[site.ids["retreat"]]), {})
    seen["member join"] = join.status
    guest = joined_guest(site, f"Zoë Alvarez-Nguyen ({label})")
    text = f"Safe routes to school ({label}) – éàü"
    seen["card"] = add_card(site, guest, text, uuid.uuid4().hex).status
    assert cards_with(site, text) == 1, label
    before = dots(site)
    seen["vote"] = vote(site, guest, uuid.uuid4().hex).status
    assert dots(site) == before + 1, label
    seen["board"] = guest.get(board(site, "brainstorm")).status
    live = guest.get(
        board(site, "brainstorm", "board-live") + "?v=0", headers={"HX-Request": "true"}
    )
    seen["poll"] = live.status
    expected = {**dict.fromkeys(pages(site), 200), "member join": 302, "card": 302,
                "vote": 302, "board": 200, "poll": 200}  # fmt: skip
    assert seen == expected, (label, seen)
    return seen


class Watcher(threading.Thread):
    """Asks for a signed-in page every 50 ms while the database goes away and comes back."""

    def __init__(self, site: Site, visitor: Visitor) -> None:
        super().__init__(daemon=True)
        self.visitor, self.path = visitor, pages(site)[1]
        self.seen: list[tuple[float, int, str]] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            answer = self.visitor.get(self.path)
            self.seen.append((time.monotonic(), answer.status, answer.text))
            time.sleep(0.05)

    def stop(self) -> list[tuple[float, int, str]]:
        self.halt.set()
        self.join(30)
        return self.seen


def first_success_after(seen, moment: float) -> float:
    return next(t for t, status, _ in seen if t >= moment and status == 200) - moment


def test_a_fast_restart_costs_no_500_and_the_first_request_after_it_works(site):
    full_visit(site, "before the restart")
    facilitator = signed_in(site)
    watcher = Watcher(site, facilitator)
    watcher.start()
    time.sleep(0.3)
    began = time.monotonic()
    site.cluster.restart()
    back = time.monotonic()
    time.sleep(1)
    seen = watcher.stop()
    statuses = sorted({status for _, status, _ in seen if status != 200})
    served = first_success_after(seen, back)
    print(
        f"\nRestart took {back - began:.2f} s; first page served {served:.3f} s after PostgreSQL"
        f" accepted connections again; answers other than 200: {statuses}"
    )
    assert 500 not in statuses
    assert set(statuses) <= {503}
    # Every connection the site held died with the restart: the first request on each is fine.
    full_visit(site, "after the restart")


def test_a_stopped_database_answers_503_and_nothing_sent_meanwhile_is_doubled(site):
    facilitator = signed_in(site)
    guest = joined_guest(site, "Sam Okafor")
    card_text = "A counsellor in every school"
    card_key, vote_key = uuid.uuid4().hex, uuid.uuid4().hex
    before = dots(site)
    poll, htmx = board(site, "brainstorm", "board-live"), {"HX-Request": "true"}
    assert guest.get(poll + "?v=0", headers=htmx).status == 200  # the board as it is now
    (version,) = site.cluster.sql(
        "SELECT version FROM retreats_activity WHERE id = %s", [site.ids["brainstorm"]]
    )[0]

    site.cluster.stop()
    stopped = time.monotonic()
    try:
        down = {path: facilitator.get(path) for path in pages(site)}
        down["card"] = add_card(site, guest, card_text, card_key)
        down["vote"] = vote(site, guest, vote_key)
        stranger = Visitor(site.base)
        stranger.get(reverse("accounts:sign-in"))  # its CSRF cookie
        down["sign in"] = stranger.post(
            reverse("accounts:sign-in"), {"username": EMAIL, "password": PASSWORD}
        )
        # a poll the cache can answer ("nothing changed") needs no database
        unchanged = guest.get(f"{poll}?v={version}", headers=htmx)
        healthz = facilitator.get("/healthz")
        readyz = facilitator.get("/readyz")
        time.sleep(max(0, 4 - (time.monotonic() - stopped)))  # down for a few seconds
    finally:
        site.cluster.start()
    started = time.monotonic()
    statuses = {what: answer.status for what, answer in down.items()}
    print(f"\nWith PostgreSQL stopped: {statuses}")
    for what, answer in down.items():
        assert answer.status == 503, (what, answer.status, answer.text[:300])
        assert DOWN_TEXT in answer.text, what
    assert unchanged.status == 204
    assert healthz.status == 200  # liveness: the process itself is fine
    assert readyz.status == 503
    assert json.loads(readyz.text)["checks"]["database"] == "failed"

    first = facilitator.get(pages(site)[1])
    print(f"First request after start: {first.status} in {time.monotonic() - started:.3f} s")
    assert first.status == 200
    # The phone sends the card and the dot again with the same keys (twice, as if an answer was
    # lost again): each is taken once.
    for _ in range(2):
        assert add_card(site, guest, card_text, card_key).status == 302
        assert vote(site, guest, vote_key).status == 302
    assert cards_with(site, card_text) == 1
    assert dots(site) == before + 1
    assert json.loads(facilitator.get("/readyz").text)["checks"]["database"] == "ok"
    full_visit(site, "after the stop")


def job_row(site: Site, job_id: str) -> dict:
    (row,) = site.cluster.sql(
        "SELECT state, attempt, file, error, finished_at FROM reports_reportjob WHERE id = %s",
        [job_id],
    )
    return dict(zip(("state", "attempt", "file", "error", "finished_at"), row, strict=True))


def wait_for(site: Site, job_id: str, *states: str, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):  # the database is on its way back
            row = job_row(site, job_id)
            if row["state"] in states:
                return row
        assert time.monotonic() < deadline, f"job not {states} after {timeout} s"
        time.sleep(0.1)


def pdfs(media: Path) -> set[str]:
    return {str(path.relative_to(media)) for path in media.glob("reports/**/*.pdf")}


def worker_log() -> str:
    return (ROOT / ".stack" / "pg-restart-worker.log").read_text(errors="replace")


@pytest.mark.parametrize("fault", ["restart", "stop"])
def test_a_render_in_flight_when_the_database_goes_away_ends_done_without_orphan_files(site, fault):
    facilitator = signed_in(site)
    # A change to the plan, so that a new job is made each time
    site.cluster.sql("UPDATE planning_plan SET vision = %s", [f"Every learner thrives ({fault})."])
    files_before = pdfs(site.media)
    asked = facilitator.post(
        reverse("reports:reports", args=[site.ids["engagement"]]),
        {"kind": "support", "version": ""},
    )
    assert asked.status == 302, asked.text[:500]
    job_id = asked.location.rstrip("/").split("/")[-1]
    wait_for(site, job_id, State.RENDERING, timeout=30)
    began = time.monotonic()
    if fault == "restart":
        site.cluster.restart()
        assert job_row(site, job_id)["state"] == State.RENDERING, "rendered before the restart"
    else:
        retries = worker_log().count("retry:")
        site.cluster.stop()
        try:
            # The render finishes while the database is away: its result cannot be recorded, so
            # the task is retried, and the file it made is gone at once (no orphan).
            deadline = time.monotonic() + 60
            while worker_log().count("retry:") == retries:
                assert time.monotonic() < deadline, "the render did not end in a minute"
                time.sleep(0.1)
            assert pdfs(site.media) == files_before
            time.sleep(3)  # retries meet a database that is still away
        finally:
            site.cluster.start()
    row = wait_for(site, job_id, State.DONE, State.FAILED, timeout=90)
    took = time.monotonic() - began
    print(f"\nReport job with PostgreSQL {fault}: {row['state']} {took:.1f} s after the fault, "
          f"attempt {row['attempt']}")  # fmt: skip
    assert row["state"] == State.DONE, row["error"]
    assert row["attempt"] >= 2  # the render that could not be recorded was made again
    assert took < 60
    known = {name for (name,) in site.cluster.sql("SELECT file FROM reports_reportjob") if name}
    assert pdfs(site.media) == known  # no orphan PDF, and every job's file is there
    page = facilitator.get(reverse("reports:job", args=[site.ids["engagement"], job_id]))
    assert page.status == 200
