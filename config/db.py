"""A cursor for the few fixed statements a live room runs on every write and every re-check
(retreats/quick_writes.py, services._bump and _spend, engagements.access.guest_stream_unchanged).

On PostgreSQL each of them is prepared once per connection: a cursor binding its values on the
server (psycopg's `Cursor`, where Django's own cursors bind on the client and are never
prepared) and the connection's `prepare_threshold` at 0. The statement is then parsed and
planned once, not on every run. Measured on the quick path's reading query (bench database,
3,000 runs): 0.49 ms of PostgreSQL's CPU and 0.28 ms of the web process's a run with Django's
cursor, 0.11 and 0.17 ms prepared. Only these statements are prepared: the rest of the app keeps
Django's cursors, which a threshold does not change.

Elsewhere (SQLite, the embedded default) it is Django's own cursor. Either way it goes through
Django's wrapper: errors are Django's, and the test suite's query counts see it.
"""

from django.db import connection


def statement_cursor():
    """A cursor (use it as a context manager) whose statements are prepared on PostgreSQL."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    raw.prepare_threshold = 0  # (a pooled connection keeps its prepared statements)
    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(raw))
