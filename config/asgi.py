"""ASGI entry point (the push process, config/gunicorn_push.py): the live boards' event streams
(paths ending in `/events/`) are answered by retreats/push_asgi.py without Django's middleware,
so an open stream holds no thread; everything else goes to Django."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

django_application = get_asgi_application()

from retreats.push_asgi import PushApplication  # noqa: E402 (after Django is set up)

application = PushApplication(django_application)
