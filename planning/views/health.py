"""The plan's health check: seed 002's reasons strategic plans fail, checked against the working
copy (planning/health.py), each with where to fix it. The list itself is `_health.html`, which the
plan page embeds too."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from engagements.access import Can, access_engagement, members_only

from ..health import health_checks, health_summary
from ..services import plan_for


@members_only
@require_GET
def health(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.READ_WORKING_COPY)
    checks = health_checks(plan_for(access.engagement))
    context = {
        "engagement": access.engagement,
        "checks": checks,
        "summary": health_summary(checks),
        # The roster answers 403 to the roles that cannot see it: no link that leads nowhere.
        "hide_roster_link": not access.can(Can.VIEW_ROSTER),
    }
    return TemplateResponse(request, "planning/health.html", context)
