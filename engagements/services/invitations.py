"""Writes about invitations: invite by e-mail, re-send, withdraw, and accept the single-use link.

The token is e-mailed and never stored: the database keeps its SHA-256 hash only. Changes of
state are conditional updates, so two requests racing (a double-clicked "Join", a withdrawal
while someone accepts) cannot both succeed, on SQLite as on PostgreSQL.
"""

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import email_send

from ..models import Engagement, Invitation, Membership, Role, StakeholderGroup
from ..selectors.invitations import token_hash

log = logging.getLogger(__name__)

State = Invitation.State
OPEN = {"accepted_at__isnull": True, "revoked_at__isnull": True}

ALREADY_ON_THE_TEAM = "already on the team"
ALREADY_INVITED = "already invited and waiting for an answer: re-send it instead"


def _normal_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def _in_role_order(roles: Iterable[str]) -> list[str]:
    wanted = set(roles)
    return [role for role in Role.values if role in wanted]


def _valid_until(now: datetime) -> datetime:
    return now + timedelta(days=settings.INVITATION_VALID_DAYS)


def _problem(engagement: Engagement, email: str, *, other_than: Invitation | None = None):
    email = _normal_email(email)
    if Membership.objects.filter(engagement=engagement, user__email__iexact=email).exists():
        return ALREADY_ON_THE_TEAM
    waiting = Invitation.objects.filter(
        engagement=engagement, email__iexact=email, expires_at__gt=timezone.now(), **OPEN
    )
    if other_than is not None:
        waiting = waiting.exclude(pk=other_than.pk)
    if waiting.exists():
        return ALREADY_INVITED
    return None


def invitation_problem(*, engagement: Engagement, email: str) -> str | None:
    """Why this address cannot be invited, in plain words ("already on the team"), or None."""
    return _problem(engagement, email)


def _send(invitation: Invitation, token: str, base_url: str | None) -> None:
    base = (base_url or settings.SITE_URL).rstrip("/")
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "engagement": invitation.engagement,
        "organization": invitation.engagement.organization,
        "inviter": inviter.get_full_name() if inviter else "your facilitator",
        "inviter_email": inviter.email if inviter else "",
        "roles": ", ".join(invitation.role_labels),
        "group": invitation.stakeholder_group,
        "link": base + reverse("engagements:invitation-accept", args=[token]),
        "expires_at": invitation.expires_at,
    }
    subject = render_to_string("engagements/email/invitation_subject.txt", context)
    email_send(
        to=[invitation.email],
        subject=" ".join(subject.split()),
        body=render_to_string("engagements/email/invitation.txt", context),
    )


def invitation_create(
    *,
    engagement: Engagement,
    invited_by: User,
    email: str,
    full_name: str,
    roles: Iterable[str],
    stakeholder_group: StakeholderGroup | None = None,
    base_url: str | None = None,
) -> Invitation:
    """Invite someone by e-mail; the link goes out through Celery once the transaction commits.

    `base_url` ("https://plans.example.org") starts the link; a page passes its own, other
    callers get settings.SITE_URL. Raises ValidationError, by field, when the address cannot be
    invited or a value is wrong.
    """
    email = _normal_email(email)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        # One invitation at a time per engagement, so a double submit cannot invite twice.
        Engagement.objects.select_for_update().get(pk=engagement.pk)
        problem = _problem(engagement, email)
        if problem:
            raise ValidationError({"email": f"{email} is {problem}."})
        if stakeholder_group is not None and stakeholder_group.engagement_id != engagement.pk:
            raise ValidationError(
                {"stakeholder_group": "This group belongs to another engagement."}
            )
        invitation = Invitation(
            engagement=engagement,
            email=email,
            full_name=full_name.strip(),
            roles=list(roles),
            stakeholder_group=stakeholder_group,
            token_hash=token_hash(token),
            invited_by=invited_by,
            sent_at=now,
            send_count=1,
            expires_at=_valid_until(now),
        )
        invitation.full_clean()
        invitation.roles = _in_role_order(invitation.roles)
        invitation.save()
        _send(invitation, token, base_url)
    return invitation


def _closed_reason(invitation: Invitation) -> str:
    if invitation.accepted_at:
        return "This invitation has already been used."
    return "This invitation was withdrawn."


def invitation_resend(
    *, invitation: Invitation, by: User, base_url: str | None = None
) -> Invitation:
    """E-mail a new link with a new expiry date; the previous link stops working."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.refresh_from_db()
    if invitation.accepted_at or invitation.revoked_at:
        raise ValidationError(_closed_reason(invitation))
    # They may have joined some other way, or been invited afresh after this one expired.
    problem = _problem(invitation.engagement, invitation.email, other_than=invitation)
    if problem == ALREADY_INVITED:
        raise ValidationError(
            f"A newer invitation to {invitation.email} is waiting for an answer: "
            "re-send that one instead."
        )
    if problem:
        raise ValidationError(f"{invitation.email} is {problem}.")
    with transaction.atomic():
        renewed = Invitation.objects.filter(pk=invitation.pk, **OPEN).update(
            token_hash=token_hash(token),
            expires_at=_valid_until(now),
            sent_at=now,
            send_count=F("send_count") + 1,
        )
        invitation.refresh_from_db()
        if not renewed:  # accepted or withdrawn a moment ago
            raise ValidationError(_closed_reason(invitation))
        _send(invitation, token, base_url)
    log.info("Invitation %s re-sent by user %s", invitation.pk, by.pk)
    return invitation


def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Withdraw a pending or expired invitation: its link stops working."""
    with transaction.atomic():
        revoked = Invitation.objects.filter(pk=invitation.pk, **OPEN).update(
            revoked_at=timezone.now()
        )
        invitation.refresh_from_db()
        if not revoked:
            raise ValidationError(_closed_reason(invitation))
    log.info("Invitation %s withdrawn by user %s", invitation.pk, by.pk)
    return invitation


UNUSABLE = {
    State.ACCEPTED: "This invitation has already been used.",
    State.REVOKED: "This invitation was withdrawn.",
    State.EXPIRED: "This invitation has expired.",
}


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Use the invitation once: `user` joins the engagement with the invited roles and group.

    Someone already on the team keeps their roles and gains the invited ones; their group is set
    only if they had none. Only the account with the invited address may accept: a forwarded or
    leaked link must not hand its roles (perhaps facilitator) to someone else.
    """
    if _normal_email(user.email) != _normal_email(invitation.email):
        raise ValidationError(
            f"This invitation was sent to {invitation.email}, and you are signed in as "
            f"{user.email}. Sign out and open the link again to join as {invitation.email}, or "
            "ask the facilitator to invite the address you use."
        )
    now = timezone.now()
    with transaction.atomic():
        # The conditional update is the lock: of two concurrent accepts, only one changes a row.
        taken = Invitation.objects.filter(pk=invitation.pk, expires_at__gt=now, **OPEN).update(
            accepted_at=now, accepted_by=user
        )
        invitation.refresh_from_db()
        if not taken:
            raise ValidationError(UNUSABLE.get(invitation.state_at(now), UNUSABLE[State.EXPIRED]))
        membership, created = Membership.objects.select_for_update().get_or_create(
            user=user,
            engagement_id=invitation.engagement_id,
            defaults={
                "roles": _in_role_order(invitation.roles),
                "stakeholder_group_id": invitation.stakeholder_group_id,
            },
        )
        if not created:
            membership.roles = _in_role_order([*membership.roles, *invitation.roles])
            if membership.stakeholder_group_id is None:
                membership.stakeholder_group_id = invitation.stakeholder_group_id
            membership.save(update_fields=["roles", "stakeholder_group"])
    return membership


def invitation_accept_new_account(
    *, invitation: Invitation, full_name: str, password: str
) -> Membership:
    """Create the account for the invited address, then accept; both or neither happen."""
    with transaction.atomic():
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError("An account with this e-mail address exists: sign in to accept.")
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=invitation.email, password=password, full_name=full_name.strip()
                )
        except IntegrityError as exc:  # created by a concurrent request a moment ago
            raise ValidationError(
                "An account with this e-mail address exists: sign in to accept."
            ) from exc
        return invitation_accept(invitation=invitation, user=user)
