"""The hand-off: once the board has approved the plan, the facilitator hands the engagement to
the district. A member of the district becomes its plan lead (runs the update cycle, changes
targets with a reason: engagements/access.py); every facilitator either stays as a read-only
adviser or leaves the engagement. Later the plan lead may pass the role to another member the
same way (the previous lead keeps their district roles)."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.services import email_send

from ..models import Engagement, Membership, Role

log = logging.getLogger(__name__)

NOT_APPROVED = (
    "The engagement can be handed to the district once the board has approved the plan. "
    "Until then, the planning goes on as it is."
)


def hand_off_refusal(engagement: Engagement, lead: Membership) -> str | None:
    """Why `lead` cannot become the plan lead now, in plain words, or None."""
    if engagement.plan_approved_at is None:
        return NOT_APPROVED
    name = lead.user.get_full_name()
    if lead.has_role(Role.PLAN_LEAD):
        return f"{name} is already the plan lead. Choose someone else to pass the role on."
    if not lead.may_lead_the_plan:
        return (
            f"{name} cannot become the plan lead: choose a member of the district "
            "(core team, plan team, board or superintendent), not a facilitator."
        )
    return None


def engagement_hand_off(
    *,
    engagement: Engagement,
    by: Membership,
    lead: Membership,
    facilitators_stay: bool,
    base_url: str | None = None,
) -> Engagement:
    """Make `lead` the plan lead. When a facilitator hands off, every facilitator becomes a
    read-only adviser (`facilitators_stay`) or leaves the engagement; when the plan lead passes
    the role on, nobody else changes. Records when and by whom, and e-mails the new plan lead.

    Raises ValidationError (plain words) before the plan is approved, for a member who may not
    lead, for the current plan lead, or for a member of another engagement.
    """
    with transaction.atomic():
        # One hand-off at a time: two facilitators submitting at once cannot both hand off.
        engagement = Engagement.objects.select_for_update().get(pk=engagement.pk)
        lead = Membership.objects.select_related("user").get(pk=lead.pk)
        by = Membership.objects.select_related("user").get(pk=by.pk)
        if lead.engagement_id != engagement.pk or by.engagement_id != engagement.pk:
            raise ValidationError("This person is not a member of this engagement.")
        problem = hand_off_refusal(engagement, lead)
        if problem:
            raise ValidationError({"lead": problem})
        if not by.has_role(Role.FACILITATOR, Role.PLAN_LEAD):
            raise ValidationError("Only the facilitator or the plan lead hands the plan on.")
        by_facilitator = by.has_role(Role.FACILITATOR)
        members = list(engagement.memberships.select_for_update())
        for member in members:
            if member.has_role(Role.PLAN_LEAD):
                member.roles = [r for r in member.roles if r != Role.PLAN_LEAD]
                member.save(update_fields=["roles"])
        lead.roles = [r for r in Role.values if r in lead.roles or r == Role.PLAN_LEAD]
        lead.save(update_fields=["roles"])
        if by_facilitator:
            for member in members:
                if not member.has_role(Role.FACILITATOR):
                    continue
                if facilitators_stay:
                    member.roles = [Role.ADVISER.value]
                    member.save(update_fields=["roles"])
                else:
                    member.delete()
        engagement.handed_off_at = timezone.now()
        engagement.handed_off_by = by.user
        engagement.save(update_fields=["handed_off_at", "handed_off_by"])
        _email_new_lead(engagement, lead, by, base_url)
    log.info("Engagement %s handed to plan lead %s by user %s", engagement.pk, lead.pk, by.user_id)
    return engagement


def _email_new_lead(
    engagement: Engagement, lead: Membership, by: Membership, base_url: str | None
) -> None:
    base = (base_url or settings.SITE_URL).rstrip("/")
    context = {
        "engagement": engagement,
        "organization": engagement.organization,
        "lead_name": lead.user.get_full_name(),
        "by_name": by.user.get_full_name(),
        "by_email": by.user.email,
        "link": base + reverse("engagements:detail", args=[engagement.pk]),
    }
    email_send(
        to=[lead.user.email],
        subject=" ".join(
            render_to_string("engagements/email/plan_lead_subject.txt", context).split()
        ),
        body=render_to_string("engagements/email/plan_lead.txt", context),
    )
