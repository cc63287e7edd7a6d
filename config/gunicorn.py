"""gunicorn's settings for the web process: docker-compose.yml, the Dockerfile and
bench/live_board.py all start it with `-c config/gunicorn.py` (command-line options override).

Threaded workers keep each phone's connection open between its once-a-second polls; see the
README, "Live updates", for the figures these settings give.
"""

import gc
import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", "3"))
threads = int(os.environ.get("WEB_THREADS", "8"))
keepalive = 30  # seconds: longer than the one-second poll, so a phone keeps its connection
accesslog = "-"
# Load the application once in the master and warm it (config/warm.py: every view imported, every
# template compiled), then fork: workers share it and answer their first requests at full speed.
preload_app = True


def when_ready(server) -> None:
    from config.warm import warm

    server.log.info("Warmed: %d templates compiled before the workers start", warm())
    gc.freeze()  # what the master loaded stays shared with the workers (copy-on-write)


def post_worker_init(worker) -> None:
    """Move everything loaded at start (Django, the apps, the templates' libraries) out of the
    garbage collector's sight: its full collections then only walk what requests create. On
    a busy live board this took the write p95 from about 190 ms to about 50 ms (bench)."""
    gc.freeze()
