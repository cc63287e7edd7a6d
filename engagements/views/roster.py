"""The roster: stakeholder groups and their seats, the team, and importing people from CSV."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.services import MailQueueUnavailable

from ..access import Can, access_engagement, access_object, members_only
from ..forms.roster import GroupForm, MembershipForm, RosterCsvForm
from ..models import Membership, StakeholderGroup
from ..selectors.roster import roster_for
from ..services import roster as services
from .confirm import confirm_page

MAIL_DOWN = (
    "The invitations are saved, but the mail queue is not reachable right now, so their e-mails "
    "were not all sent. Once it is back, re-send them from this page."
)


def _roster_url(engagement) -> str:
    return reverse("engagements:roster", args=[engagement.pk])


@members_only
@require_http_methods(["GET"])
def roster(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.VIEW_ROSTER)
    context = {
        "engagement": access.engagement,
        "roster": roster_for(access.engagement),
        "can_manage": access.can(Can.MANAGE_ENGAGEMENT),
    }
    return TemplateResponse(request, "engagements/roster/roster.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def group_add(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.MANAGE_ENGAGEMENT)
    form = GroupForm(request.POST or None, engagement=access.engagement)
    if request.method == "POST" and form.is_valid():
        services.group_create(engagement=access.engagement, **form.cleaned_data)
        messages.success(request, f"The group “{form.cleaned_data['name']}” is added.")
        return redirect(_roster_url(access.engagement))
    context = {"engagement": access.engagement, "form": form, "title": "Add a stakeholder group"}
    return TemplateResponse(request, "engagements/roster/form.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, engagement_id: UUID, group_id: UUID) -> HttpResponse:
    access, group = access_object(
        request,
        engagement_id,
        StakeholderGroup.objects.all(),
        group_id,
        need=Can.MANAGE_ENGAGEMENT,
    )
    form = GroupForm(request.POST or None, instance=group, engagement=access.engagement)
    if request.method == "POST" and form.is_valid():
        services.group_update(group=group, **form.cleaned_data)
        messages.success(request, "The group is saved.")
        return redirect(_roster_url(access.engagement))
    context = {"engagement": access.engagement, "form": form, "title": "Edit a stakeholder group"}
    return TemplateResponse(request, "engagements/roster/form.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def group_delete(request: HttpRequest, engagement_id: UUID, group_id: UUID) -> HttpResponse:
    access, group = access_object(
        request,
        engagement_id,
        StakeholderGroup.objects.all(),
        group_id,
        need=Can.MANAGE_ENGAGEMENT,
    )
    if request.method == "POST":
        services.group_delete(group=group)
        messages.success(request, f"The group “{group.name}” is deleted.")
        return redirect(_roster_url(access.engagement))
    return confirm_page(
        request,
        title=f"Delete the group “{group.name}”?",
        message="Its members stay on the team and will represent no group until you "
        "choose another one for them.",
        confirm_label="Delete the group",
        cancel_url=_roster_url(access.engagement),
    )


@members_only
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, engagement_id: UUID, membership_id: UUID) -> HttpResponse:
    access, membership = access_object(
        request,
        engagement_id,
        Membership.objects.select_related("user", "engagement"),
        membership_id,
        need=Can.MANAGE_ENGAGEMENT,
    )
    form = MembershipForm(request.POST or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{membership.user.get_full_name()} is saved.")
            return redirect(_roster_url(access.engagement))
    context = {
        "engagement": access.engagement,
        "form": form,
        "title": f"Role and group of {membership.user.get_full_name()}",
    }
    return TemplateResponse(request, "engagements/roster/form.html", context)


@members_only
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, engagement_id: UUID, membership_id: UUID) -> HttpResponse:
    access, membership = access_object(
        request,
        engagement_id,
        Membership.objects.select_related("user", "engagement"),
        membership_id,
        need=Can.MANAGE_ENGAGEMENT,
    )
    name = membership.user.get_full_name()
    if request.method == "POST":
        try:
            services.membership_remove(membership=membership)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"{name} is no longer on the team.")
        return redirect(_roster_url(access.engagement))
    return confirm_page(
        request,
        title=f"Remove {name} from the team?",
        message="They will no longer see this engagement. Their account stays; you can "
        "invite them again later.",
        confirm_label="Remove from the team",
        cancel_url=_roster_url(access.engagement),
    )


@members_only
@require_http_methods(["GET", "POST"])
def roster_import(request: HttpRequest, engagement_id: UUID) -> HttpResponse:
    access = access_engagement(request, engagement_id, need=Can.MANAGE_ENGAGEMENT)
    form = RosterCsvForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            rows, problems = services.roster_csv_check(
                engagement=access.engagement, data=form.cleaned_data["file"].read()
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            if not problems:
                try:
                    count = services.roster_csv_import(
                        engagement=access.engagement,
                        rows=rows,
                        by=request.user,
                        base_url=request.build_absolute_uri("/"),
                    )
                except MailQueueUnavailable:
                    # The invitations are committed; only their e-mails could not be queued.
                    messages.warning(request, MAIL_DOWN)
                    return redirect("engagements:invitations", engagement_id=access.engagement.pk)
                messages.success(
                    request, f"Invited {count} {'person' if count == 1 else 'people'}."
                )
                return redirect(_roster_url(access.engagement))
    context = {"engagement": access.engagement, "form": form, "problems": problems}
    status = 400 if problems or form.errors else 200
    return TemplateResponse(request, "engagements/roster/import.html", context, status=status)
