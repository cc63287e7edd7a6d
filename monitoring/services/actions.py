"""Recording progress on the lived plan's action steps. The caller (a view, later the update
cycle's My updates) has checked that the step is in the approved plan and that the person may
report on it (engagements.access.may_report_on)."""

from datetime import datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from engagements.models import Engagement
from engagements.text import clean_text
from planning.models import ActionStep

from ..models import ActionUpdate
from ..selectors.actions import latest_updates

PERCENT_BOUNDS = "Percent complete is a number from 0 to 100."


def _mark_reported(engagement: Engagement, step_id: UUID | str, at: datetime) -> None:
    """The working copy's step, if it still exists, remembers when progress was last reported:
    the plan health check's "progress reported in the last 45 days" reads it. One query."""
    ActionStep.objects.filter(pk=step_id, strategy__goal__plan__engagement=engagement).update(
        progress_reported_at=at
    )


def _author_name(author) -> str:
    return (author.get_full_name() or author.email) if author is not None else ""


@transaction.atomic
def action_update_record(
    *,
    engagement: Engagement,
    step_id: UUID | str,
    author,
    status: str,
    percent: int | None = None,
    note: str = "",
    studied: str = "",
    decided: str = "",
    at: datetime | None = None,
) -> ActionUpdate:
    """Record an update of an action step. `percent` left out keeps the last one reported (0 at
    first); a step reported done is 100 % complete. A cancelled step keeps the percent it
    reached. Raises ValidationError for a status or percent out of bounds."""
    if status not in ActionUpdate.Status.values:
        raise ValidationError({"status": "Choose one of the statuses listed."})
    if percent is None:
        previous = latest_updates(engagement, [step_id]).get(str(step_id))
        percent = previous.percent if previous else 0
    if status == ActionUpdate.Status.DONE:
        percent = 100
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": PERCENT_BOUNDS})
    at = at or timezone.now()
    update = ActionUpdate.objects.create(
        engagement=engagement,
        action_step_id=step_id,
        status=status,
        percent=percent,
        note=clean_text(note, multiline=True),
        studied=clean_text(studied, multiline=True),
        decided=clean_text(decided, multiline=True),
        author=author,
        author_name=_author_name(author),
        created_at=at,
    )
    _mark_reported(engagement, step_id, at)
    return update


@transaction.atomic
def action_update_nothing_changed(
    *, engagement: Engagement, step_id: UUID | str, author, at: datetime | None = None
) -> ActionUpdate:
    """One tap: the step is as it was last reported (not started, 0 %, when it never was). It
    counts as a report, for the history and the health check alike."""
    previous = latest_updates(engagement, [step_id]).get(str(step_id))
    at = at or timezone.now()
    update = ActionUpdate.objects.create(
        engagement=engagement,
        action_step_id=step_id,
        status=previous.status if previous else ActionUpdate.Status.NOT_STARTED,
        percent=previous.percent if previous else 0,
        nothing_changed=True,
        author=author,
        author_name=_author_name(author),
        created_at=at,
    )
    _mark_reported(engagement, step_id, at)
    return update
