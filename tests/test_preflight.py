"""Missing services are named in one line, quickly, instead of a hang or a traceback."""

import subprocess
import sys
from pathlib import Path

from tests.scripts_loader import preflight

ROOT = Path(__file__).resolve().parents[1]


def run(*names, **env):
    return subprocess.run(
        [sys.executable, "scripts/preflight.py", *names],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_an_unreachable_postgresql_is_named_in_one_line():
    result = run("postgres", DATABASE_URL="postgres://postgres@127.0.0.1:1/aligned")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Missing: PostgreSQL is not reachable at 127.0.0.1:1: start it "
        "(e.g. `sudo pg_ctlcluster 15 main start`) or set STACK_DATABASE_URL."
    ]


def test_an_unreachable_redis_is_named_in_one_line():
    result = run("redis", REDIS_URL="redis://127.0.0.1:1/0")
    assert result.returncode == 1
    assert "Missing: Redis is not reachable at 127.0.0.1:1" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_missing_chromium_is_named(monkeypatch):
    monkeypatch.setattr(preflight, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(preflight.shutil, "which", lambda name: None)
    assert "apt-get install chromium" in preflight.check_chromium()


def test_nothing_is_reported_when_all_is_there():
    assert preflight.check_chromium() is None
