"""The progress page: the approved plan as a tree with every element's status, each measure's
latest reading against its target with a trend chart, filters and counts by status."""

from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from engagements.access import access_engagement, members_only

from ..forms.progress import ProgressFilterForm
from ..selectors.progress import progress_for


@members_only
@require_GET
def progress(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id)
    whole = progress_for(access.engagement, today=timezone.localdate())
    context = {"engagement": access.engagement, "progress": whole}
    if whole is not None:
        form = ProgressFilterForm(request.GET or None, goals=whole.goals, owners=whole.owners)
        chosen = form.chosen() if request.GET else {}
        context.update(
            form=form,
            filtering=any(chosen.values()),
            shown=whole.filtered(**chosen),
            thresholds={
                "on_track": round(settings.MONITORING_ON_TRACK * 100),
                "behind": round(settings.MONITORING_BEHIND * 100),
            },
        )
    return TemplateResponse(request, "monitoring/progress/progress.html", context)
