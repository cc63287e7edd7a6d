"""/healthz (the process answers) and /readyz (what the site needs answers too), whatever Host
header a load balancer or docker-compose sends."""

import json
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import override_settings

from config import health

pytestmark = pytest.mark.django_db


@override_settings(ALLOWED_HOSTS=["plans.example.org"])
def test_liveness_answers_a_checker_that_sends_an_ip_as_host(client):
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.content == b"ok"
    # other pages still refuse an unknown host
    assert client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400


def test_liveness_does_not_need_the_database(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        assert client.get("/healthz").status_code == 200


@override_settings(ALLOWED_HOSTS=["plans.example.org"], REDIS_URL="", REDIS_CACHE_URL="")
def test_readiness_names_each_part_and_answers_any_host(client):
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body == {"ready": True, "checks": {"database": "ok"}}
    assert response["Cache-Control"].startswith("no-store")


@override_settings(REDIS_URL="", REDIS_CACHE_URL="")
def test_readiness_is_503_when_the_database_fails(client):
    with mock.patch.object(health, "_database", side_effect=OperationalError("down")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"ready": False, "checks": {"database": "failed"}}


@override_settings(REDIS_URL="redis://127.0.0.1:1/0", REDIS_CACHE_URL="redis://127.0.0.1:1/0")
def test_readiness_is_503_when_redis_cannot_be_reached(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = json.loads(response.content)["checks"]
    assert checks["database"] == "ok"
    assert checks["redis"] == "failed"
    assert checks["worker"] == "failed"


REDIS = "redis://127.0.0.1:6379/8"


def _redis_up() -> bool:
    try:
        return health._client(REDIS).ping()
    except Exception:
        return False


@pytest.mark.skipif(not _redis_up(), reason="needs the local Redis (database 8)")
@override_settings(REDIS_URL=REDIS, REDIS_CACHE_URL=REDIS)
def test_readiness_wants_a_recent_worker_heartbeat(client, time_machine):
    time_machine.move_to("2026-03-02 09:00:00+00:00", tick=False)
    health._client(REDIS).delete(health.HEARTBEAT_KEY)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {
        "database": "ok",
        "redis": "ok",
        "worker": "failed",
    }
    health.worker_heartbeat()  # what the worker runs every 30 s
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content)["checks"]["worker"] == "ok"
    time_machine.shift(health.HEARTBEAT_STALE_SECONDS + 1)
    assert client.get("/readyz").status_code == 503


def test_admins_come_from_the_environment():
    from config.settings import env_admins

    assert env_admins("Ana Núñez <ana@district.org>, ops@district.org") == [
        ("Ana Núñez", "ana@district.org"),
        ("ops@district.org", "ops@district.org"),
    ]
    assert env_admins("") == []


def test_json_logs_are_one_object_a_line():
    import logging

    from config.logs import JsonFormatter

    record = logging.LogRecord("reports", logging.ERROR, __file__, 1, "Job %s failed", ("é",), None)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "ERROR" and entry["message"] == "Job é failed"
