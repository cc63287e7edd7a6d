"""gunicorn's settings for the push process: the live boards' event streams (server-sent events),
served by uvicorn workers on the ASGI application (`config.asgi`). docker-compose.yml and
bench/live_board.py start it with `gunicorn config.asgi -c config/gunicorn_push.py`; the proxy
in front sends the event-stream addresses here and everything else to `web` (README, "Live
updates" and "docker-compose").

Each open stream is a coroutine waiting for its board's next event, not a thread (config/asgi.py
hands the stream addresses to retreats/push_asgi.py, whose access checks share LIVE_PUSH_THREADS
threads, as many as DB_POOL_MAX), so one worker holds thousands of screens; events reach a
worker by one Redis subscription per worker.
"""

import gc
import os

bind = os.environ.get("PUSH_BIND", "0.0.0.0:8001")
worker_class = "uvicorn_worker.UvicornWorker"
workers = int(os.environ.get("PUSH_WORKERS", "1"))
# A stream never ends on its own: without this, a restart would wait for every screen to leave.
graceful_timeout = 5
timeout = 30
accesslog = "-"


def post_worker_init(worker) -> None:
    """As for the web process (config/gunicorn.py): keep what was loaded at start out of the
    garbage collector's full collections. Then listen to Redis at once: a room that connects
    all together (a summit starting) finds the worker listening, instead of its first streams
    being turned away to polling while the subscription is made (bench/live_board.py: 194 of
    201 screens were)."""
    gc.freeze()
    from retreats import push

    if push.enabled():
        push.backend().start()
