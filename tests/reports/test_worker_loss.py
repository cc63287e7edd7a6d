"""A Celery worker killed in the middle of a render loses no report job (stack only).

Each test runs its own worker on a queue of its own (REPORTS_QUEUE), so killing it does not touch
the suite's worker. Two ways to die:

- the pool process rendering the PDF is killed: the worker hands the task back to the broker
  (late acknowledgement, reject on worker loss), a new pool process takes the redelivered task
  and the job is finished;
- the whole worker is killed (nothing can hand the task back): the job stays "rendering" until
  the periodic sweep queues it again, and a worker started afterwards finishes it.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from config.celery import app
from planning import services as planning
from planning.models import ActionStep, Goal, Strategy
from reports import services
from reports.models import ReportJob

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
State = ReportJob.State


def database_url() -> str:
    db = connection.settings_dict
    user = f"{db['USER']}@" if db["USER"] else ""
    return f"postgres://{user}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, queue: str) -> None:
        self.name = f"{queue}-{uuid.uuid4().hex[:6]}@{os.uname().nodename}"
        env = {**os.environ, "DATABASE_URL": database_url(), "CONN_MAX_AGE": "0"}
        log = open(ROOT / ".stack" / f"{queue}.log", "ab")  # noqa: SIM115 (kept open for the worker)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--queues", queue,
             "--hostname", self.name, "--concurrency", "1", "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while not app.control.ping(destination=[self.name], timeout=1):
            assert self.process.poll() is None, "the test worker exited at start"
            assert time.monotonic() < deadline, "the test worker did not start in a minute"

    def pool_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def kill(self) -> None:
        """SIGKILL to the worker and its pool: nothing gets to clean up."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


@pytest.fixture
def queue(settings):
    name = f"reports-kill-{uuid.uuid4().hex[:8]}"
    settings.REPORTS_QUEUE = name
    (ROOT / ".stack").mkdir(exist_ok=True)
    yield name
    with app.connection_for_write() as conn:  # what the killed workers left of ours
        conn.default_channel.queue_purge(name)


@pytest.fixture
def workers(queue):
    started: list[Worker] = []

    def start() -> Worker:
        worker = Worker(queue)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


def plan_of(cast, goal_count: int):
    plan = planning.plan_for(cast.engagement)
    plan.vision = "A district where every learner thrives."
    plan.save()
    goals = Goal.objects.bulk_create(
        Goal(plan=plan, title=f"Goal {n}", description="Why it matters. " * 20, position=n)
        for n in range(goal_count)
    )
    strategies = Strategy.objects.bulk_create(
        Strategy(goal=goal, title=f"Strategy {goal.position}.{s}", position=s)
        for goal in goals
        for s in range(3)
    )
    ActionStep.objects.bulk_create(
        ActionStep(strategy=strategy, description="Train and coach every teacher. " * 4, position=a)
        for strategy in strategies
        for a in range(3)
    )
    return plan


@pytest.fixture
def big_plan(cast):
    """A plan whose support document takes a few seconds: time to kill a worker mid-render."""
    return plan_of(cast, 60)


@pytest.fixture
def bigger_plan(cast):
    """Five times that: its render outlasts a heartbeat and the seconds before the kill even on
    a quiet machine (the 60-goal one took 5.6-5.8 s there, and finished before its kill; since
    the support document's action steps are lists, 180 goals take about 10 s, 300 about 17)."""
    return plan_of(cast, 300)


def wait_for(job: ReportJob, *states: str, timeout: float) -> ReportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.state in states:
            return job
        time.sleep(0.02)
    raise AssertionError(f"job still {job.state} after {timeout} s, not {states}")


def ask(cast) -> ReportJob:
    job, reused = services.report_request(
        engagement=cast.engagement, kind=ReportJob.Kind.SUPPORT, version=None, user=cast.facilitator
    )
    assert not reused
    return job


def test_a_killed_pool_process_hands_the_render_back_and_it_completes(cast, big_plan, workers):
    worker = workers()
    job = wait_for(ask(cast), State.RENDERING, timeout=30)
    (renderer,) = worker.pool_pids()
    os.kill(renderer, signal.SIGKILL)
    job = wait_for(job, State.DONE, State.FAILED, timeout=120)
    assert job.state == State.DONE, job.error
    assert job.attempt == 2  # the first render died with its process, the second finished
    assert worker.pool_pids() != [renderer]  # a new pool process did it
    assert job.pages > 40


def test_a_killed_worker_loses_no_job_the_sweep_queues_it_for_the_next_worker(
    cast, big_plan, workers
):
    first = workers()
    job = wait_for(ask(cast), State.RENDERING, timeout=30)
    first.kill()
    time.sleep(1)
    job.refresh_from_db()
    assert job.state == State.RENDERING  # nobody is left to finish or fail it
    workers()  # a worker is started again
    assert services.jobs_sweep(older_than=timedelta(0)) == 1
    job = wait_for(job, State.DONE, State.FAILED, timeout=120)
    assert job.state == State.DONE, job.error
    assert job.attempt == 2 and job.pages > 40


def test_a_sigkilled_worker_s_job_is_queued_again_within_about_a_minute(cast, bigger_plan, workers):
    """With the default settings: the render's heartbeat stops with its worker, and the sweep
    (run here every 5 s; beat runs it every 30 s) queues the job again 45-75 s after."""
    first = workers()
    job = wait_for(ask(cast), State.RENDERING, timeout=30)
    time.sleep(6)  # at least one beat
    job.refresh_from_db()
    assert job.heartbeat_at > job.started_at
    assert job.state == State.RENDERING  # still rendering when its worker dies
    first.kill()
    killed = time.monotonic()
    workers()
    while services.jobs_sweep() == 0:
        assert time.monotonic() - killed < 75, "not queued again within about a minute"
        time.sleep(5)
    assert time.monotonic() - killed >= 40  # not while it could still be alive
    job = wait_for(job, State.DONE, State.FAILED, timeout=120)
    assert job.state == State.DONE, job.error
