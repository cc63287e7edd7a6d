"""Say in one line each what the test suites need and this machine lacks, instead of hanging.

Usage: python scripts/preflight.py [chromium] [postgres] [redis]
Exits 1 when anything asked for is missing.
"""

import os
import shutil
import socket
import sys
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"


def check_chromium() -> str | None:
    if os.access(CHROMIUM, os.X_OK) or shutil.which("chromium"):
        return None
    return "Chromium is missing (browser tests use Debian's): run `sudo apt-get install chromium`."


def _reachable(url: str, default_port: int) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or default_port), 3
        ):
            return True
    except OSError:
        return False


def check_postgres() -> str | None:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aligned")
    where = urlsplit(url)
    if not _reachable(url, 5432):
        return (
            f"PostgreSQL is not reachable at {where.hostname}:{where.port or 5432}: "
            "start it (e.g. `sudo pg_ctlcluster 15 main start`) or set STACK_DATABASE_URL."
        )
    import psycopg

    try:
        psycopg.connect(where._replace(path="/postgres").geturl(), connect_timeout=3).close()
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0]
        return f"PostgreSQL at {where.hostname}:{where.port or 5432} refused us: {first}"
    return None


def check_redis() -> str | None:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    where = urlsplit(url)
    if not _reachable(url, 6379):
        return (
            f"Redis is not reachable at {where.hostname}:{where.port or 6379}: "
            "start it (e.g. `sudo service redis-server start`) or set STACK_REDIS_URL."
        )
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis at {where.hostname}:{where.port or 6379} does not answer: {exc}"
    return None


CHECKS = {"chromium": check_chromium, "postgres": check_postgres, "redis": check_redis}


def main(names: list[str]) -> int:
    problems = [message for name in names if (message := CHECKS[name]())]
    for message in problems:
        print(f"Missing: {message}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or list(CHECKS)))
