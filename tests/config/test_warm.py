"""The web servers load the application and warm it before forking workers (config/warm.py), and
the push process listens to Redis before its first stream arrives."""

from django.template import engines
from django.template.loaders.cached import Loader as CachedLoader

from config import warm


def test_warming_compiles_every_template_without_touching_the_database():
    """No `django_db` mark: a query here would fail the test (the master forks no connection)."""
    names = warm.template_names()
    assert "retreats/participant/board.html" in names  # the project's templates
    assert "reports/pdf/board.html" in names  # an app's own templates
    (loader,) = engines["django"].engine.template_loaders
    assert isinstance(loader, CachedLoader)
    loader.reset()
    assert "retreats/participant/board.html" not in loader.get_template_cache
    compiled = warm.warm()
    assert compiled == len(names)  # every one compiles: none is skipped as broken
    assert set(names) <= set(loader.get_template_cache)  # each in the cache the workers inherit


def test_gunicorn_preloads_and_warms_before_forking(monkeypatch):
    from config import gunicorn

    assert gunicorn.preload_app is True
    calls = []
    monkeypatch.setattr(warm, "warm", lambda: calls.append("warmed") or 321)

    class Log:
        def info(self, message, *args):
            calls.append(message % args)

    class Server:
        log = Log()

    gunicorn.when_ready(Server())
    assert calls == ["warmed", "Warmed: 321 templates compiled before the workers start"]


def test_the_push_worker_listens_before_its_first_stream(monkeypatch):
    import gc

    from config import gunicorn_push
    from retreats import push

    started = []

    class Backend:
        def start(self):
            started.append(True)
            return True

    monkeypatch.setattr(push, "enabled", lambda: True)
    monkeypatch.setattr(push, "backend", lambda: Backend())
    try:
        gunicorn_push.post_worker_init(worker=None)
    finally:
        gc.unfreeze()
    assert started == [True]
    monkeypatch.setattr(push, "enabled", lambda: False)
    started.clear()
    try:
        gunicorn_push.post_worker_init(worker=None)
    finally:
        gc.unfreeze()
    assert started == []  # push off (the embedded default): nothing to listen to
