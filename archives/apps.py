from django.apps import AppConfig


class ArchivesConfig(AppConfig):
    name = "archives"
    verbose_name = "Backup archives"
    default_auto_field = "django.db.models.BigAutoField"
