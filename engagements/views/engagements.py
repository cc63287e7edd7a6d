"""Pages about engagements: the home page, an engagement's overview and its details form."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from ..access import Can, access_engagement, members_only, signed_in
from ..forms.engagements import EngagementForm
from ..selectors import engagements as selectors
from ..services import engagements as services


@signed_in
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    memberships = selectors.memberships_for_home(request.user)
    return TemplateResponse(request, "engagements/home.html", {"memberships": memberships})


@members_only
@require_http_methods(["GET"])
def engagement_detail(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id)
    context = {
        "access": access,
        "engagement": access.engagement,
        "can_manage": access.can(Can.MANAGE_ENGAGEMENT),
        "team": selectors.team_for(access.engagement),
        "groups": selectors.stakeholder_groups_for(access.engagement),
    }
    return TemplateResponse(request, "engagements/detail.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def engagement_edit(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.MANAGE_ENGAGEMENT)
    engagement = access.engagement
    form = EngagementForm(request.POST or None, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        services.engagement_update(engagement=engagement, **form.cleaned_data)
        messages.success(request, "The engagement’s details are saved.")
        return redirect("engagements:detail", engagement_id=engagement.pk)
    return TemplateResponse(
        request, "engagements/edit.html", {"engagement": engagement, "form": form}
    )
