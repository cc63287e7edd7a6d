"""Pages about engagements: the home page, an engagement's overview and its details form."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from ..access import (
    Can,
    access_engagement,
    access_object,
    facilitator_accounts,
    members_only,
    require_facilitator_account,
    signed_in,
)
from ..forms.engagements import (
    DashboardFilterForm,
    EngagementCreateForm,
    EngagementForm,
    EngagementSettingsForm,
    PhaseForm,
    PhaseMoveForm,
)
from ..models import Organization, Phase
from ..selectors import engagements as selectors
from ..selectors.templates import templates_for
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
        "can_view_roster": access.can(Can.VIEW_ROSTER),
        "can_hand_off": access.can(Can.HAND_OFF) and access.engagement.plan_approved_at,
        "plan_lead": selectors.plan_lead_of(access.engagement),
        "current_phase": selectors.current_phase(access.engagement),
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
    context = {
        "engagement": engagement,
        "form": form,
        "current_phase": selectors.current_phase(engagement),
    }
    return TemplateResponse(request, "engagements/edit.html", context)


@facilitator_accounts
@require_http_methods(["GET", "POST"])
def engagement_create(request: HttpRequest) -> HttpResponse:
    require_facilitator_account(request)
    form = EngagementCreateForm(
        request.POST or None,
        templates=templates_for(request.user),
        organizations=selectors.facilitated_organizations(request.user),
        initial={"template": request.GET.get("template")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        engagement = services.engagement_create(
            by=request.user,
            template=data["template"],
            name=data["name"],
            organization=data["organization"],
            organization_name=data["organization_name"],
            organization_kind=data["organization_kind"] or Organization.Kind.DISTRICT,
            vision_years=data["vision_years"],
            plan_months=data["plan_months"],
            default_vote_budget=data["default_vote_budget"],
        )
        filed = ""
        if data["organization_reused"]:
            filed = (
                f" It is filed under “{engagement.organization.name}”, which you already work with."
            )
        messages.success(
            request, f"“{engagement.name}” is ready.{filed} Next: invite the core team."
        )
        return redirect("engagements:timeline", engagement_id=engagement.pk)
    return TemplateResponse(request, "engagements/create.html", {"form": form})


@members_only
@require_http_methods(["GET", "POST"])
def engagement_settings(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.MANAGE_ENGAGEMENT)
    engagement = access.engagement
    form = EngagementSettingsForm(request.POST or None, engagement=engagement)
    if request.method == "POST" and form.is_valid():
        services.engagement_update_settings(
            engagement=engagement,
            vision_years=form.cleaned_data["vision_years"],
            plan_months=form.cleaned_data["plan_months"],
            default_vote_budget=form.cleaned_data["default_vote_budget"],
            terminology=form.cleaned_terminology(),
        )
        messages.success(request, "The settings are saved.")
        return redirect("engagements:detail", engagement_id=engagement.pk)
    return TemplateResponse(
        request, "engagements/settings.html", {"engagement": engagement, "form": form}
    )


@members_only
@require_http_methods(["GET"])
def timeline(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id)
    timeline = selectors.timeline_for(access.engagement)
    current = timeline["current"]
    context = {
        "engagement": access.engagement,
        "can_manage": access.can(Can.MANAGE_ENGAGEMENT),
        "move_form": PhaseMoveForm(initial={"seen_current": str(current.pk) if current else ""}),
        **timeline,
    }
    return TemplateResponse(request, "engagements/timeline.html", context)


@members_only
@require_POST
def phase_move(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.MANAGE_ENGAGEMENT)
    data = request.POST.copy()
    form = PhaseMoveForm(data)
    forward = request.POST.get("direction") != "back"
    if form.is_valid():
        try:
            change = services.phase_move(
                engagement=access.engagement,
                forward=forward,
                reason=form.cleaned_data["reason"],
                by=request.user,
                # Absent (an older page or a script): no check; present: must still be current.
                seen_current=request.POST.get("seen_current"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            now = change.to_phase.name if change.to_phase else "every phase is done"
            messages.success(request, f"Moved {'forward' if forward else 'back'}: {now}.")
            return redirect("engagements:timeline", engagement_id=access.engagement.pk)
    timeline = selectors.timeline_for(access.engagement)
    # Show the page as it is now, so the next try is checked against what the user sees.
    data["seen_current"] = str(timeline["current"].pk) if timeline["current"] else ""
    context = {
        "engagement": access.engagement,
        "can_manage": True,
        "move_form": form,
        "move_direction": "forward" if forward else "back",
        **timeline,
    }
    return TemplateResponse(request, "engagements/timeline.html", context, status=400)


@members_only
@require_http_methods(["GET", "POST"])
def phase_edit(request: HttpRequest, engagement_id: UUID, phase_id: UUID) -> HttpResponse:
    access, phase = access_object(
        request, engagement_id, Phase.objects.all(), phase_id, need=Can.MANAGE_ENGAGEMENT
    )
    form = PhaseForm(request.POST or None, instance=phase)
    if request.method == "POST" and form.is_valid():
        services.phase_update(phase=phase, **form.cleaned_data)
        messages.success(request, "The phase is saved.")
        return redirect(
            reverse("engagements:timeline", args=[phase.engagement_id]) + f"#phase-{phase.pk}"
        )
    context = {"engagement": access.engagement, "phase": phase, "form": form}
    return TemplateResponse(request, "engagements/phase_edit.html", context)


@signed_in
@require_http_methods(["GET"])
def dashboard(request: HttpRequest) -> HttpResponse:
    organizations = selectors.facilitated_organizations(request.user)
    filters = DashboardFilterForm(request.GET or None, organizations=organizations)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    engagements = selectors.facilitator_dashboard(
        request.user,
        organization_id=cleaned.get("organization"),
        status=cleaned.get("status", ""),
        query=cleaned.get("q", ""),
    )
    context = {
        "engagements": engagements,
        "filters": filters,
        "filtered": any(cleaned.values()),
        "facilitates_any": bool(organizations),
    }
    return TemplateResponse(request, "engagements/dashboard.html", context)
