"""docker-compose.yml describes the stack (no Docker engine runs here, so it is read, not run)."""

import re
from pathlib import Path

import yaml

from config.storage import storage_from_url

ROOT = Path(__file__).resolve().parents[2]


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_stack_has_web_worker_beat_postgres_and_redis():
    services = load()["services"]
    assert set(services) == {
        "migrate",
        "proxy",
        "web",
        "room",
        "push",
        "worker",
        "beat",
        "postgres",
        "redis",
        "minio",
        "minio-bucket",
    }
    assert "gunicorn config.wsgi" in services["web"]["command"]
    assert services["migrate"]["command"] == "python manage.py migrate --noinput"
    assert services["worker"]["command"].startswith("celery -A config worker")
    assert services["beat"]["command"].startswith("celery -A config beat")


def test_every_app_process_runs_in_production_mode_against_the_stack():
    services = load()["services"]
    for name in ("migrate", "web", "room", "push", "worker", "beat"):
        env = services[name]["environment"]
        assert env["DEBUG"] == "0"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://redis:6379")
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_image_installs_from_the_lock_file():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "uv sync --frozen --no-dev" in dockerfile
    assert "collectstatic" in dockerfile


def test_the_web_process_runs_with_the_shared_gunicorn_settings():
    dockerfile = (ROOT / "Dockerfile").read_text()
    bench = (ROOT / "bench" / "live_board.py").read_text()
    assert '"-c", "config/gunicorn.py"' in dockerfile
    assert "-c config/gunicorn.py" in load()["services"]["web"]["command"]
    assert '"config/gunicorn.py"' in bench  # the benchmark measures what is deployed


def test_gunicorn_uses_threads_and_freezes_what_a_worker_loaded():
    import gc

    from config import gunicorn

    assert gunicorn.worker_class == "gthread" and gunicorn.threads >= 4
    assert gunicorn.keepalive > 1  # longer than the poll interval
    gc.unfreeze()
    try:
        gunicorn.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def default_of(value: str) -> str:
    """What compose puts in for `${NAME-default}` or `${NAME:-default}` when NAME is unset."""
    return re.sub(r"\$\{[A-Z_]+:?-([^}]*)\}", r"\1", value)


def test_files_stay_on_the_volume_unless_asked_and_minio_is_an_opt_in_profile():
    """An upgrade must not move an install's files to an empty bucket, and AWS roles must work:
    no storage URL and no AWS credentials are set by default; MinIO runs only with its profile,
    and makes its private bucket."""
    services = load()["services"]
    for name in ("web", "room", "push", "worker", "beat"):
        env = services[name]["environment"]
        assert storage_from_url(default_of(env["STORAGE_URL"])) == {
            "BACKEND": "django.core.files.storage.FileSystemStorage"
        }
        assert "AWS_ACCESS_KEY_ID" not in env and "AWS_SECRET_ACCESS_KEY" not in env
        assert "minio-bucket" not in services[name]["depends_on"]
    assert services["minio"]["image"].startswith("minio/minio")
    assert services["minio"]["profiles"] == services["minio-bucket"]["profiles"] == ["minio"]
    make_bucket = services["minio-bucket"]["entrypoint"]
    assert "mc mb --ignore-existing files/aligned-media" in make_bucket
    assert "mc anonymous set none files/aligned-media" in make_bucket  # private: no public reads
    assert "AWS_" not in str(services["minio"]["environment"])


def test_web_is_healthy_only_when_ready():
    check = " ".join(load()["services"]["web"]["healthcheck"]["test"])
    assert "/readyz" in check and "/healthz" not in check


def test_web_scales_out_behind_the_proxy_which_sends_event_streams_to_push():
    """Only the proxy is published (so `--scale web=3` works); the app processes wait for the
    one-shot migration instead of racing to migrate; live boards' event streams (paths ending in
    /events/) go to the ASGI push process, unbuffered; visitors are counted by their own address."""
    services = load()["services"]
    assert services["proxy"]["ports"] == ["8000:80"]
    assert "ports" not in services["web"] and "ports" not in services["push"]
    for name in ("web", "push"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
        assert "migrate" not in services[name]["command"]
    assert services["push"]["command"] == "gunicorn config.asgi -c config/gunicorn_push.py"
    assert default_of(services["push"]["environment"]["DB_POOL_MAX"]) == "8"
    assert "DB_POOL_MAX" not in services["web"]["environment"]  # bounded by its threads already
    assert services["web"]["environment"]["RATELIMIT_IP_META_KEY"] == "HTTP_X_REAL_IP"
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in services["proxy"]["volumes"]
    events = nginx[nginx.index("location ~ /events/$") :]
    events = events[: events.index("}")]
    assert "proxy_pass http://push;" in events and "proxy_buffering off;" in events
    assert "proxy_set_header X-Real-IP $remote_addr;" in nginx
    assert re.search(r"location / \{\s*proxy_pass http://web;", nginx)


def test_the_push_process_runs_uvicorn_workers_on_the_asgi_application():
    import gc

    from config import gunicorn_push

    assert gunicorn_push.worker_class == "uvicorn_worker.UvicornWorker"
    bench = (ROOT / "bench" / "live_board.py").read_text()
    assert '"config/gunicorn_push.py"' in bench  # the benchmark measures what is deployed
    gc.unfreeze()
    try:
        gunicorn_push.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_live_rooms_have_their_own_lower_priority_pool_behind_the_proxy():
    """A saturated room queues in its own processes, not in front of the rest of the site: nginx
    sends the rooms' pages, boards, cards, dots, join links and observer links to `room`
    (streams still to `push`), the same web process as `web`, at the same priority (a lower one
    starves the room whenever anything else runs)."""
    services = load()["services"]
    room, web = services["room"], services["web"]
    assert room["command"] == web["command"] == "gunicorn config.wsgi -c config/gunicorn.py"
    assert "cpu_shares" not in room and "cpu_shares" not in web
    assert "ports" not in room
    assert room["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert services["proxy"]["depends_on"]["room"] == {"condition": "service_healthy"}
    assert "/readyz" in " ".join(room["healthcheck"]["test"])
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"upstream room \{\s*server room:8000;", nginx)
    rooms = re.search(r"location ~ (\S+) \{\s*proxy_pass http://room;\s*proxy_read", nginx)
    assert rooms is not None
    # nginx tries regex locations in order: the streams' must come first.
    assert nginx.index("location ~ /events/$") < rooms.start()
    pattern = re.compile(rooms.group(1))
    for path in ("/retreats/1/activities/2/cards/", "/retreats/1/", "/j/ABC123/"):
        assert pattern.search(path), path
    for path in ("/engagements/1/retreats/new/", "/plans/1/", "/accounts/login/", "/healthz"):
        assert not pattern.search(path), path
    bench = (ROOT / "bench" / "live_board.py").read_text()
    assert 'choices=["two", "one"],\n        default="two"' in bench  # measured as deployed


def test_the_proxy_keeps_observers_answers_a_second_and_asks_the_app_once_for_everyone():
    """The observer link's page and polls are public and the same for everyone (max-age=1 from
    the app): nginx caches them, and concurrent misses wait for one request to the app."""
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert re.search(r"proxy_cache_path /var/cache/nginx/observers .*keys_zone=observers:", nginx)
    watch = nginx[nginx.index("location ~ ^/watch/") :]
    watch = watch[: watch.index("}")]
    assert "proxy_pass http://room;" in watch
    assert "proxy_cache observers;" in watch and "proxy_cache_lock on;" in watch
    for location in re.findall(r"location [^{]*\{[^}]*\}", nginx):
        if "/watch/" not in location:
            assert not re.search(r"proxy_cache (?!off)", location)  # pages are personal
