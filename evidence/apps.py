from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """The environmental scan: indicators with their values by year and student group, and the
    data packs the plan team reads before the data retreat. It sits just above engagements, so
    retreats (a SWOT card's evidence, the projector) and planning (a measure's baseline) may read
    it; it reads neither."""

    name = "evidence"
    verbose_name = "Indicators and data packs"
    default_auto_field = "django.db.models.BigAutoField"
