"""Settings come from the environment; each mode is checked in a fresh process."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STRONG_KEY = "k3y-for-tests-only-6Zq8wP1xR4tY7uI0oP3aS6dF9gH2jK5lZ8xC1vB4nM7"
# Whatever the suite itself runs with (the stack sets several), each test starts from nothing.
CONFIGURATION = {
    "DATABASE_URL",
    "REDIS_URL",
    "REDIS_CACHE_URL",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "CONN_MAX_AGE",
    "CELERY_QUEUE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DB_POOL_MAX",
}
CLEAN_ENV = {key: value for key, value in os.environ.items() if key not in CONFIGURATION}


def run(args, **env):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**CLEAN_ENV, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_in(**env) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
        "'name': str(s.DATABASES['default']['NAME']), "
        "'cache': s.CACHES['default']['BACKEND'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
        "'broker': s.CELERY_BROKER_URL, 'email': s.EMAIL_BACKEND, 'debug': s.DEBUG}))"
    )
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_with_no_variable_set_it_runs_embedded():
    found = settings_in()
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"] == str(ROOT / "db.sqlite3")
    assert found["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert found["eager"] is True
    assert found["email"] == "django.core.mail.backends.console.EmailBackend"


def test_database_url_switches_to_postgresql():
    found = settings_in(DATABASE_URL="postgres://aligned@db.internal:5432/aligned")
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["name"] == "aligned"


def test_redis_url_switches_to_a_broker_and_shared_cache():
    found = settings_in(REDIS_URL="redis://cache.internal:6379/0")
    # Django's Redis cache, where Redis trouble is a miss (config/cache.py)
    assert found["cache"] == "config.cache.ResilientRedisCache"
    assert found["broker"] == "redis://cache.internal:6379/0"
    assert found["eager"] is False


def test_db_pool_max_lends_a_few_pooled_connections_instead_of_one_per_thread():
    """The push process (a thread per connecting screen) sets DB_POOL_MAX: connections then come
    from a bounded pool (no persistent per-thread connections, which the pool forbids anyway);
    without it nothing changes, and SQLite ignores it."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; "
        "print(json.dumps({'pool': d.get('OPTIONS', {}).get('pool'), 'age': d['CONN_MAX_AGE']}))"
    )
    postgres = "postgres://aligned@db.internal:5432/aligned"
    pooled = run(["-c", code], DATABASE_URL=postgres, DB_POOL_MAX="8")
    assert pooled.returncode == 0, pooled.stderr
    assert json.loads(pooled.stdout) == {
        "pool": {"min_size": 1, "max_size": 8, "timeout": 20.0},
        "age": 0,
    }
    plain = json.loads(run(["-c", code], DATABASE_URL=postgres).stdout)
    assert plain == {"pool": None, "age": 60}
    embedded = json.loads(run(["-c", code], DB_POOL_MAX="8").stdout)
    assert embedded["pool"] is None


def test_production_mode_refuses_to_start_without_secret_key_and_hosts():
    result = run(["manage.py", "check"], DEBUG="0")
    assert result.returncode != 0
    assert "needs SECRET_KEY and ALLOWED_HOSTS set in the environment" in result.stderr


def test_production_mode_refuses_to_start_without_hosts():
    result = run(["manage.py", "check"], DEBUG="0", SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "needs ALLOWED_HOSTS set" in result.stderr


def test_production_mode_passes_the_deploy_check_without_warnings():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="plans.example.org",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
