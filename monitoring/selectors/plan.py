"""The plan being lived: the board's latest approved version. Monitoring keys what it stores by
the ids of that version's elements (a snapshot keeps the working copy's ids), so a newly approved
version carries the history of every element it keeps."""

from engagements.models import Engagement
from planning.models import Approval, PlanVersion


def approved_version(engagement: Engagement) -> PlanVersion | None:
    """The most recently approved saved draft of the engagement's plan, or None. One query."""
    approval = (
        Approval.objects.filter(plan__engagement=engagement, state=Approval.State.APPROVED)
        .select_related("version")
        .order_by("-decided_at", "-frozen_at")
        .first()
    )
    return approval.version if approval else None
