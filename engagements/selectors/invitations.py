"""Reads about invitations: finding one by its link, and the facilitator's list with counts."""

import hashlib

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ..models import Engagement, Invitation

State = Invitation.State


def token_hash(token: str) -> str:
    """What the database keeps instead of the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation an e-mailed link points to, in any state, or None for an unknown link."""
    if not token:
        return None
    return (
        Invitation.objects.select_related(
            "engagement__organization", "stakeholder_group", "invited_by"
        )
        .filter(token_hash=token_hash(token))
        .first()
    )


def pending_q(now, prefix: str = "") -> Q:
    """Invitations still waiting for an answer; `prefix` reaches them from a related model."""
    return Q(
        **{
            f"{prefix}accepted_at__isnull": True,
            f"{prefix}revoked_at__isnull": True,
            f"{prefix}expires_at__gt": now,
        }
    )


def _state_filters(now) -> dict[str, Q]:
    """The database side of Invitation.state_at: one condition per state."""
    open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
    return {
        State.PENDING: pending_q(now),
        State.ACCEPTED: Q(accepted_at__isnull=False),
        State.REVOKED: Q(accepted_at__isnull=True, revoked_at__isnull=False),
        State.EXPIRED: open_ & Q(expires_at__lte=now),
    }


def invitations_for(engagement: Engagement, *, state: str | None = None) -> QuerySet[Invitation]:
    """The engagement's invitations, newest first, optionally of one state only."""
    invitations = engagement.invitations.select_related("stakeholder_group", "accepted_by")
    if state:
        invitations = invitations.filter(_state_filters(timezone.now())[state])
    return invitations.order_by("-created_at")


def invitation_counts_for(engagement: Engagement) -> dict[str, int]:
    """How many invitations are in each state, in one query."""
    filters = _state_filters(timezone.now())
    counts = Invitation.objects.filter(engagement=engagement).aggregate(
        all=Count("pk"), **{str(key): Count("pk", filter=q) for key, q in filters.items()}
    )
    return {key: counts[key] or 0 for key in ["all", *State.values]}
