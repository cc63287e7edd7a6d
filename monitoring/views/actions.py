"""Action progress: the lived plan's action steps with their latest status (every member reads
them), and a step's page where its owner, the facilitator or the core team report an update or
say "nothing changed" in one tap, above the step's history."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from engagements.access import access_engagement, may_report_on, members_only

from ..forms.actions import ActionUpdateForm
from ..selectors.actions import lived_actions, lived_step, step_history
from ..services import actions as services

NOT_YOURS = "Only the step's owner, the facilitator and the core team report on this step."


@members_only
@require_GET
def action_steps(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id)
    mine = request.GET.get("mine") == "1"
    lived = lived_actions(access.engagement, owner_email=request.user.email if mine else None)
    steps = lived.steps if lived else []
    context = {
        "engagement": access.engagement,
        "lived": lived,
        "mine": mine,
        "reportable": {s.id for s in steps if may_report_on(access, request.user, s.owner_email)},
    }
    return TemplateResponse(request, "monitoring/actions/list.html", context)


def _back_to_list(engagement_id: UUID, step_id: UUID, mine: bool) -> HttpResponse:
    url = reverse("monitoring:action-steps", args=[engagement_id])
    return redirect(f"{url}{'?mine=1' if mine else ''}#step-{step_id}")


@members_only
@require_http_methods(["GET", "POST"])
def action_step(request: HttpRequest, engagement_id: UUID, step_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id)
    lived = lived_step(access.engagement, step_id)
    if lived is None:
        raise Http404("No such action step in the approved plan.")
    can_report = may_report_on(access, request.user, lived.owner_email)
    if request.method == "POST" and not can_report:
        raise PermissionDenied(NOT_YOURS)
    initial = {"status": lived.status, "percent": lived.percent}
    form = ActionUpdateForm(request.POST or None, initial=initial, asks_pdsa=lived.asks_pdsa)
    mine = request.POST.get("mine") == "1" or request.GET.get("mine") == "1"
    who = {"engagement": access.engagement, "step_id": step_id, "author": request.user}
    if request.method == "POST" and "nothing_changed" in request.POST:
        services.action_update_nothing_changed(**who)
        messages.success(request, f"Recorded: nothing changed on “{lived.step['description']}”.")
        return _back_to_list(engagement_id, step_id, mine)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update_record(**who, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Update saved for “{lived.step['description']}”.")
            return _back_to_list(engagement_id, step_id, mine)
    context = {
        "engagement": access.engagement,
        "lived": lived,
        "form": form if can_report else None,
        "mine": mine,
        "history": step_history(access.engagement, step_id),
    }
    return TemplateResponse(request, "monitoring/actions/step.html", context)
