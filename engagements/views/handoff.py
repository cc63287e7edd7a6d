"""The hand-off page: the facilitator (later the plan lead) chooses the district's plan lead,
confirms what changes, and the engagement is the district's."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from accounts.services import MailQueueUnavailable

from ..access import Can, access_engagement, members_only
from ..forms.handoff import STAY, HandOffForm
from ..models import Membership, Role
from ..selectors import engagements as selectors
from ..services import handoff as services


def _chosen_lead(form: HandOffForm, engagement) -> Membership:
    """The member chosen as plan lead: 404 for an id that is no member of this engagement (an
    unknown id, or a person of another organization's engagement)."""
    lead = (
        Membership.objects.select_related("user")
        .filter(pk=form.cleaned_data["lead"], engagement=engagement)
        .first()
    )
    if lead is None:
        raise Http404("No such member.")
    return lead


@members_only
@require_http_methods(["GET", "POST"])
def hand_off(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.HAND_OFF)
    engagement, by = access.engagement, access.membership
    by_facilitator = by.has_role(Role.FACILITATOR)
    candidates = selectors.hand_off_candidates(engagement)
    data = request.POST if request.method == "POST" else None
    form = HandOffForm(data, candidates=candidates, by_facilitator=by_facilitator)
    context = {
        "engagement": engagement,
        "form": form,
        "by_facilitator": by_facilitator,
        "other_roles": [label for label in by.role_labels if label != Role.PLAN_LEAD.label],
    }
    context["not_approved"] = services.NOT_APPROVED if not engagement.plan_approved_at else ""
    if request.method == "POST" and form.is_valid():
        lead = _chosen_lead(form, engagement)
        stay = form.cleaned_data.get("facilitators", STAY) == STAY
        problem = services.hand_off_refusal(engagement, lead)
        if problem:
            form.add_error("lead", problem)
        elif request.POST.get("confirmed") != "yes":
            context.update(lead=lead, stay=stay, confirming=True)
        else:
            return _done(request, engagement, by, lead, stay)
    return TemplateResponse(request, "engagements/handoff/hand_off.html", context)


def _done(request, engagement, by, lead, stay) -> HttpResponse:
    name = lead.user.get_full_name()
    try:
        services.engagement_hand_off(
            engagement=engagement,
            by=by,
            lead=lead,
            facilitators_stay=stay,
            base_url=request.build_absolute_uri("/"),
        )
    except ValidationError as error:  # someone else handed off a moment ago
        messages.error(request, " ".join(error.messages))
        return redirect("engagements:hand-off", engagement_id=engagement.pk)
    except MailQueueUnavailable:
        messages.warning(
            request,
            f"{name} is the plan lead now, but the e-mail telling them could not be sent just "
            "now: let them know yourself.",
        )
    else:
        messages.success(request, f"{name} is the plan lead now; we have e-mailed them.")
    if by.has_role(Role.FACILITATOR) and not stay:
        return redirect("engagements:home")
    return redirect("engagements:detail", engagement_id=engagement.pk)
