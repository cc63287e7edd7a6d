"""Reads about process templates."""

from django.db.models import Count, F, Prefetch, Q, QuerySet

from accounts.models import User

from ..models import ProcessTemplate, TemplatePhase


def templates_for(user: User) -> QuerySet[ProcessTemplate]:
    """The built-in templates, then the user's own copies, each with its number of phases."""
    return (
        ProcessTemplate.objects.filter(Q(owner__isnull=True) | Q(owner=user))
        .annotate(phase_count=Count("phases"))
        # Built-in (no owner) first on every database: SQLite and PostgreSQL sort NULLs apart.
        .order_by(F("owner_id").asc(nulls_first=True), "name")
    )


def template_with_phases(template: ProcessTemplate) -> ProcessTemplate:
    return (
        ProcessTemplate.objects.select_related("copied_from")
        .prefetch_related(Prefetch("phases", queryset=TemplatePhase.objects.order_by("position")))
        .get(pk=template.pk)
    )
