"""A cursor for the few fixed statements a live room runs on every write and every re-check
(retreats/quick_writes.py, services._bump and _spend, engagements.access.guest_stream_unchanged).

On PostgreSQL each of them is prepared on its connection: a cursor binding its values on the
server (psycopg's `Cursor`; Django's own cursors bind them in the client and are never
prepared), with the connection's `prepare_threshold` at 0 while it runs. The statement is then
parsed and planned once, not on every run. Measured on the quick path's reading query (bench
database, 3,000 runs): 0.49 ms of PostgreSQL's CPU and 0.28 ms of the web process's a run with
Django's cursor, 0.11 and 0.17 ms prepared.

- The threshold is put back as it was once the cursor closes, so psycopg keeps no account of
  the rest of the app's statements (it would hold the last hundred, values included).
- A prepared statement lasts as long as its connection (the pool keeps both), except that
  psycopg drops them all when a transaction on that connection rolls back (a refused dot, a
  twin request): each is prepared again on its next run, one more round trip.
- `LIVE_PREPARED_STATEMENTS=0` turns it off, for a connection pooler that cannot keep prepared
  statements (PgBouncer in transaction mode before 1.21).
- Where Django logs queries (`DEBUG`, the test suite's `CaptureQueriesContext`), each statement
  is logged with its values written in, as Django logs its own (composed client-side for the
  log only).

Elsewhere (SQLite, the embedded default) it is Django's own cursor. Either way it goes through
Django's wrapper: errors are Django's, and the test suite's query counts see it.
"""

import contextlib
from functools import cache
from types import SimpleNamespace

from django.conf import settings
from django.db import connection


@cache
def _cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor
    from psycopg import ClientCursor

    class LoggedCursor(ServerBindingCursor):
        """Django's query log reads the SQL as sent from `_query.query`, which a cursor binding
        its values on the server never has: when the log is on (`log`), it is composed here."""

        log = False

        def execute(self, query, params=None, **kwargs):
            result = super().execute(query, params, **kwargs)
            if self.log:
                sql = ClientCursor(self.connection).mogrify(query, params)
                self._query = SimpleNamespace(query=sql.encode())
            return result

    return LoggedCursor


@contextlib.contextmanager
def statement_cursor():
    """A cursor whose statements are prepared on PostgreSQL (a context manager)."""
    if connection.vendor != "postgresql" or not settings.LIVE_PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            yield cursor
        return
    from django.db.backends.postgresql.base import TIMESTAMPTZ_OID
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    with connection.wrap_database_errors:
        cursor = _cursor_class()(raw)
        cursor.log = connection.queries_logged
        # As Django's own cursors: timestamps read in the connection's time zone.
        if raw.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT).timezone != connection.timezone:
            register_tzloader(connection.timezone, cursor)
        wrapped = connection._prepare_cursor(cursor)
    previous, raw.prepare_threshold = raw.prepare_threshold, 0
    try:
        with wrapped:
            yield wrapped
    finally:
        raw.prepare_threshold = previous
