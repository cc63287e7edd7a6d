"""When the database does not answer (PostgreSQL restarting, stopped, unreachable), a page says so
with a 503 and a plain explanation instead of the 500 "Something went wrong" (README, "Database
restarts").

`DatabaseUnavailableMiddleware.process_exception` catches the database's OperationalError and
InterfaceError raised while a view runs or its template renders, which is where Aligned reads and
writes. The answer is a fixed page rendered without the request (its context would ask the
database again), with `Retry-After`. It is not a server error to mail ADMINS about, once per
request, through a whole outage: it is logged as a warning, at most once per LOG_EVERY seconds
per process, and /readyz reports the database as failed meanwhile. Connections that broke are
dropped by Django at the next request (CONN_HEALTH_CHECKS), so the site recovers by itself.
"""

import logging
import sqlite3
import threading
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 30
LOG_EVERY = 10.0  # seconds


# PostgreSQL's SQLSTATEs for "no connection": class 08 (connection exception) and the server
# shutting down or starting (admin_shutdown, crash_shutdown, cannot_connect_now).
SHUTDOWN_STATES = {"57P01", "57P02", "57P03"}
SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file")


def connection_lost(exception: Exception) -> bool:
    """Whether a database error means the database is not answering (a 503 until it is back), as
    opposed to a bug or a query that failed (a deadlock, a statement timeout, a missing table),
    which stays a server error that is mailed and tracked."""
    if isinstance(exception, InterfaceError):
        return True  # the connection was closed under us
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    if isinstance(cause, sqlite3.Error):
        return str(cause).startswith(SQLITE_UNAVAILABLE)
    state = getattr(cause, "sqlstate", None)
    if state:
        return state.startswith("08") or state in SHUTDOWN_STATES
    # psycopg gives no SQLSTATE when connecting fails or the server went away mid-query.
    return True


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._lock = threading.Lock()
        self._logged_at = -LOG_EVERY
        self._unlogged = 0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not connection_lost(exception):
            return None
        self._log(request, exception)
        page = render_to_string(
            "503.html", {"again": request.get_full_path() if request.method == "GET" else ""}
        )
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        response._has_been_logged = True  # noted above; Django would log each 503 as an error
        return response

    def _log(self, request: HttpRequest, exception: Exception) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._logged_at < LOG_EVERY:
                self._unlogged += 1
                return
            unlogged, self._unlogged, self._logged_at = self._unlogged, 0, now
        log.warning(
            "Database unavailable, answered 503 to %s %s (%s: %s)%s",
            request.method,
            request.path,
            type(exception).__name__,
            str(exception).strip(),
            f"; {unlogged} more such answers since the last note" if unlogged else "",
        )
