"""The project itself as an app, so its system checks (config/security.py) are registered."""

from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "config"
    label = "site"
    verbose_name = "Aligned site"

    def ready(self) -> None:
        from config import security  # noqa: F401 - registers the deploy check
