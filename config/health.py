"""Health checks for load balancers and docker-compose, answered by `HealthCheckMiddleware`
before anything else runs (so whatever Host header the checker sends, and without sessions,
the cache or the HTTPS redirect):

- `/healthz` (liveness): the process answers. Nothing else is touched.
- `/readyz` (readiness): the database answers; Redis answers when one is configured; and when a
  broker is configured, a worker has run `health.worker_heartbeat` (every 30 s, from beat) within
  HEARTBEAT_STALE_SECONDS. A JSON answer names each check "ok" or "failed"; 503 when one failed.
"""

import logging
import time

from celery import shared_task
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

log = logging.getLogger(__name__)
HEARTBEAT_KEY = "aligned:worker-heartbeat"
HEARTBEAT_STALE_SECONDS = 90
TIMEOUT = 1.0  # seconds a check may take: a frozen Redis must not hang the checker


def _client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis_urls() -> list[str]:
    urls = [getattr(settings, "REDIS_URL", ""), getattr(settings, "REDIS_CACHE_URL", "")]
    return list(dict.fromkeys(url for url in urls if url))


def _redis() -> None:
    for url in _redis_urls():
        if not _client(url).ping():
            raise ConnectionError(url)


def _worker() -> None:
    beat = _client(settings.REDIS_URL).get(HEARTBEAT_KEY)
    if beat is None or time.time() - float(beat) > HEARTBEAT_STALE_SECONDS:
        raise RuntimeError("no recent worker heartbeat")


@shared_task(name="health.worker_heartbeat", ignore_result=True)
def worker_heartbeat() -> None:
    """Run by a worker every 30 s (CELERY_BEAT_SCHEDULE): says a worker is taking tasks."""
    if settings.REDIS_URL:
        _client(settings.REDIS_URL).set(HEARTBEAT_KEY, str(time.time()), ex=600)


def readiness() -> tuple[bool, dict[str, str]]:
    checks = {"database": _database}
    if _redis_urls():
        checks["redis"] = _redis
    if getattr(settings, "REDIS_URL", ""):
        checks["worker"] = _worker
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as exc:  # any failure of a check is "failed", told in the log
            log.warning("Readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
            results[name] = "failed"
        else:
            results[name] = "ok"
    return all(value == "ok" for value in results.values()), results


def healthz(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("ok", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


def readyz(request: HttpRequest) -> HttpResponse:
    ready, checks = readiness()
    response = JsonResponse({"ready": ready, "checks": checks}, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    # Each failed check is logged once above; a 503 here is not a server error to mail ADMINS.
    response._has_been_logged = True
    return response


class HealthCheckMiddleware:
    """First in MIDDLEWARE: answers the two health paths before the host check (CommonMiddleware,
    request.get_host()), the HTTPS redirect, sessions and the cache."""

    PATHS = {"/healthz": healthz, "/readyz": readyz}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.PATHS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
