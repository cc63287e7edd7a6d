from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """Living the plan: what is monitored once the board approves a plan (measures' readings and
    targets, action progress, the update cycle). It sits above planning, which knows nothing of it,
    and below reports, which reads it."""

    name = "monitoring"
    verbose_name = "Living the plan"
    default_auto_field = "django.db.models.BigAutoField"
