"""The report path on a real S3-compatible server (stack only): moto's standalone S3 server,
started here on a free port (offline), holds the files; a Celery worker of this test's own,
started with STORAGE_URL pointing at it, renders the PDF into the bucket; the web side serves it
after the access check, and readings, logos and pruning work on the same bucket."""

import contextlib
import io
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader

from config.celery import app
from reports.models import ReportJob
from tests import object_store
from tests.object_store import a_plan, reports_url
from tests.reports.test_worker_loss import Worker

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
State = ReportJob.State


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_endpoint():
    """moto's S3 server in a process of its own, like any S3-compatible store on the network."""
    pytest.importorskip("moto", reason="moto[server] (a dev dependency) is not installed")
    pytest.importorskip("flask", reason="moto's standalone server needs moto[server] (flask)")
    port = free_port()
    (ROOT / ".stack").mkdir(exist_ok=True)
    log = open(ROOT / ".stack" / f"moto-{port}.log", "ab")  # noqa: SIM115 (kept open for it)
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, "moto's server exited at start"
            assert time.monotonic() < deadline, "moto's server did not answer in 30 s"
            time.sleep(0.2)
    yield endpoint
    server.terminate()
    server.wait(10)
    log.close()


@pytest.fixture
def bucket(s3_endpoint, settings, tmp_path, monkeypatch):
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    bucket = object_store.make_bucket(s3)
    url = object_store.storage_url(endpoint=s3_endpoint)
    object_store.use_bucket(settings, url)  # this (web) process
    monkeypatch.setenv("STORAGE_URL", url)  # the worker started below
    settings.MEDIA_ROOT = tmp_path / "media"  # must stay empty: everything goes to the bucket
    yield bucket
    assert not settings.MEDIA_ROOT.exists()


@pytest.fixture
def worker(bucket, settings):
    """A worker on a queue of its own that renders reports into the bucket."""
    queue = f"reports-s3-{uuid.uuid4().hex[:8]}"
    settings.REPORTS_QUEUE = queue
    started = Worker(queue)
    yield started
    started.kill()
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)


def wait_for_done(job: ReportJob, timeout: float = 120) -> ReportJob:
    deadline = time.monotonic() + timeout
    while job.state not in (State.DONE, State.FAILED):
        assert time.monotonic() < deadline, f"job still {job.state} after {timeout} s"
        time.sleep(0.1)
        job.refresh_from_db()
    assert job.state == State.DONE, job.error
    return job


def ask(client, cast, kind: str) -> ReportJob:
    client.force_login(cast.facilitator)
    response = client.post(reports_url(cast.engagement), {"kind": kind, "version": ""})
    assert response.status_code == 302
    return ReportJob.objects.filter(kind=kind).latest("created_at")


def test_a_worker_renders_into_the_bucket_and_the_app_serves_it_to_members_only(
    client, cast, bucket, worker
):
    a_plan(cast)
    job = wait_for_done(ask(client, cast, "one_page"))
    pdf = object_store.check_report_download(client, cast, bucket, job)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1

    object_store.check_reading(client, cast, bucket, contextlib.nullcontext)

    layout = object_store.upload_logo(client, cast, bucket, contextlib.nullcontext)
    support = wait_for_done(ask(client, cast, "support"))
    assert support.content["layout"]["logo"] == layout.logo.name
    first_page = PdfReader(io.BytesIO(bucket.read(support.file.name))).pages[0]
    assert first_page.images, "the worker read the logo from the bucket into the PDF"

    object_store.check_pruning(bucket, support)
