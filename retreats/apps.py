from django.apps import AppConfig


class RetreatsConfig(AppConfig):
    name = "retreats"
    verbose_name = "Retreats"
    default_auto_field = "django.db.models.BigAutoField"
