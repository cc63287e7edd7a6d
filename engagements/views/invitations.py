"""Invitations: the facilitator's list, inviting someone, re-sending and withdrawing a link, and
the public page an e-mailed link opens, where the invited person joins."""

import logging
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

from accounts.models import User
from accounts.services import MailQueueUnavailable

from ..access import Can, access_engagement, access_object, members_only, public
from ..forms.invitations import InvitationForm, NewAccountForm
from ..models import Invitation
from ..selectors import invitations as selectors
from ..services import invitations as services

log = logging.getLogger(__name__)
State = Invitation.State
MAIL_DOWN = (
    "The e-mail to {email} could not be sent just now because the mail queue is not reachable. "
    "Use “Re-send” in a few minutes."
)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _list_url(engagement_id: UUID) -> str:
    return reverse("engagements:invitations", kwargs={"engagement_id": engagement_id})


@members_only
@require_http_methods(["GET"])
def invitation_list(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.VIEW_ROSTER)
    state = request.GET.get("state", "")
    state = state if state in State.values else ""
    counts = selectors.invitation_counts_for(access.engagement)
    filters = [("", "All", counts["all"])]
    filters += [(value, label, counts[value]) for value, label in State.choices]
    context = {
        "engagement": access.engagement,
        "can_manage": access.can(Can.MANAGE_ENGAGEMENT),
        "invitations": selectors.invitations_for(access.engagement, state=state or None),
        "total": counts["all"],
        "filters": filters,
        "state": state,
        "state_label": State(state).label if state else "",
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    return TemplateResponse(request, "engagements/invitations/list.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def invitation_new(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.MANAGE_ENGAGEMENT)
    form = InvitationForm(request.POST or None, engagement=access.engagement)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            services.invitation_create(
                engagement=access.engagement,
                invited_by=request.user,
                base_url=_base_url(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except MailQueueUnavailable:
            messages.warning(request, "The invitation is saved. " + MAIL_DOWN.format(email=email))
            return redirect(_list_url(engagement_id))
        else:
            messages.success(request, f"The invitation is on its way to {email}.")
            return redirect(_list_url(engagement_id))
    context = {
        "engagement": access.engagement,
        "form": form,
        "valid_days": settings.INVITATION_VALID_DAYS,
    }
    return TemplateResponse(request, "engagements/invitations/new.html", context)


@members_only
@require_http_methods(["POST"])
def invitation_resend(
    request: HttpRequest, engagement_id: UUID, invitation_id: UUID
) -> HttpResponse:
    _, invitation = access_object(
        request, engagement_id, Invitation.objects.all(), invitation_id, need=Can.MANAGE_ENGAGEMENT
    )
    try:
        services.invitation_resend(
            invitation=invitation, by=request.user, base_url=_base_url(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except MailQueueUnavailable:
        messages.warning(request, MAIL_DOWN.format(email=invitation.email))
    else:
        messages.success(
            request,
            f"A new link is on its way to {invitation.email}. The old link no longer works.",
        )
    return redirect(_list_url(engagement_id))


@members_only
@require_http_methods(["GET", "POST"])
def invitation_withdraw(
    request: HttpRequest, engagement_id: UUID, invitation_id: UUID
) -> HttpResponse:
    access, invitation = access_object(
        request, engagement_id, Invitation.objects.all(), invitation_id, need=Can.MANAGE_ENGAGEMENT
    )
    if request.method == "POST":
        try:
            services.invitation_revoke(invitation=invitation, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"The invitation for {invitation.email} is withdrawn; its link no longer works.",
            )
        return redirect(_list_url(engagement_id))
    context = {"engagement": access.engagement, "invitation": invitation}
    return TemplateResponse(request, "engagements/invitations/withdraw.html", context)


# --- the page the e-mailed link opens ------------------------------------------------------------

ACCEPT_RATE = "20/h"  # join attempts per network address
TOO_MANY = (
    "Too many tries from this network. For everyone’s safety, please wait an hour and try again."
)


def _too_many_tries(request: HttpRequest) -> bool:
    """Counts this POST against its network address; with the cache down, lets it through."""
    try:
        usage = get_usage(
            request, group="invitation-accept", key="ip", rate=ACCEPT_RATE, increment=True
        )
    except (OSError, RedisError) as exc:
        log.error("Invitation rate limit unavailable, not counting: %s", exc)
        return False
    return bool(usage and usage["should_limit"])


def _join(request: HttpRequest, invitation: Invitation, form: NewAccountForm | None):
    """Accept for the signed-in person, or create the invited account and sign it in."""
    if request.user.is_authenticated:
        return services.invitation_accept(invitation=invitation, user=request.user)
    membership = services.invitation_accept_new_account(
        invitation=invitation,
        full_name=form.cleaned_data["full_name"],
        password=form.cleaned_data["password1"],
    )
    login(request, membership.user)  # a new session key, as for any sign-in
    return membership


@public
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    limited = request.method == "POST" and _too_many_tries(request)
    invitation = selectors.invitation_by_token(token)
    state = invitation.state if invitation else None
    if state != State.PENDING:
        context = {"invitation": invitation, "state": state}
        status = 404 if invitation is None else 410
        return TemplateResponse(
            request, "engagements/invitations/unusable.html", context, status=status
        )

    signed_in = request.user.is_authenticated
    has_account = signed_in or User.objects.filter(email__iexact=invitation.email).exists()
    form = None if has_account else NewAccountForm(request.POST or None, invitation=invitation)
    problem, status = None, 200
    if limited:
        problem, status = TOO_MANY, 429
    elif request.method == "POST" and (signed_in or (form and form.is_valid())):
        try:
            _join(request, invitation, form)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, f"Welcome to {invitation.engagement.name}!")
            return redirect("engagements:detail", engagement_id=invitation.engagement_id)
    context = {"invitation": invitation, "form": form, "problem": problem}
    return TemplateResponse(request, "engagements/invitations/accept.html", context, status=status)
