"""Writes about engagements: creating one from a template, its settings, moving its phases."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from ..models import (
    DEFAULT_TERMINOLOGY,
    Engagement,
    Membership,
    Organization,
    Phase,
    PhaseChange,
    ProcessTemplate,
    Role,
    StakeholderGroup,
)
from ..process_data import DISTRICT_GROUPS, PHASE_FIELDS


@transaction.atomic
def engagement_create(
    *,
    by: User,
    template: ProcessTemplate,
    name: str,
    organization: Organization | None = None,
    organization_name: str = "",
    organization_kind: str = Organization.Kind.DISTRICT,
    vision_years: int = 5,
    plan_months: int = 36,
    default_vote_budget: int = 5,
) -> Engagement:
    """Start an engagement from a template; its creator becomes its facilitator.

    The template's phases are copied, so later edits to the template change nothing here.
    """
    if organization is None:
        organization = Organization.objects.create(
            name=organization_name.strip(), kind=organization_kind
        )
    engagement = Engagement.objects.create(
        organization=organization,
        name=name.strip(),
        template=template,
        template_name=template.name,
        vision_years=vision_years,
        plan_months=plan_months,
        default_vote_budget=default_vote_budget,
        created_by=by,
    )
    Phase.objects.bulk_create(
        Phase(
            engagement=engagement,
            position=phase.position,
            **{field: getattr(phase, field) for field in PHASE_FIELDS},
        )
        for phase in template.phases.all()
    )
    if template.district_roster:
        StakeholderGroup.objects.bulk_create(
            StakeholderGroup(
                engagement=engagement,
                name=group,
                quota=seats,
                selected_by=selected_by,
                block=block,
                position=position,
            )
            for position, (group, seats, selected_by, block) in enumerate(DISTRICT_GROUPS)
        )
    Membership.objects.create(user=by, engagement=engagement, roles=[Role.FACILITATOR.value])
    return engagement


def engagement_update(*, engagement: Engagement, name: str, closed: bool) -> Engagement:
    """Rename the engagement, and close or reopen it. Its other statuses follow its timeline
    and its plan's approval (Engagement.status), so nobody sets them by hand."""
    engagement.name = name.strip()
    if closed and engagement.closed_at is None:
        engagement.closed_at = timezone.now()
    elif not closed:
        engagement.closed_at = None
    engagement.full_clean()
    engagement.save(update_fields=["name", "closed_at", "updated_at"])
    engagement.status_changed()
    return engagement


GOING_LIVE = "The board approved the plan: the engagement now lives it."


@transaction.atomic
def engagement_plan_approved(*, engagement_id, at=None, by: User | None = None) -> None:
    """The board approved a draft of the engagement's plan (called by the approval workflow).
    The first approval's moment is kept, and the engagement goes live: its timeline moves to its
    last phase (living the plan; the phases before it are done), recorded in its history like a
    facilitator's move, so it reads "Living the plan". A later approval changes neither; the
    facilitator can still move the timeline back, with a reason."""
    first = Engagement.objects.filter(pk=engagement_id, plan_approved_at__isnull=True).update(
        plan_approved_at=at or timezone.now(), updated_at=timezone.now()
    )
    if not first:
        return
    phases = list(Phase.objects.select_for_update().filter(engagement_id=engagement_id))
    phases.sort(key=lambda phase: phase.position)
    if not phases or phases[-1].status != Phase.Status.NOT_STARTED:
        return  # no timeline, or already in (or past) its last phase
    current = next((p for p in phases if p.status == Phase.Status.IN_PROGRESS), None)
    for phase in phases[:-1]:
        phase.status = Phase.Status.DONE
    phases[-1].status = Phase.Status.IN_PROGRESS
    Phase.objects.bulk_update(phases, ["status"])
    PhaseChange.objects.create(
        engagement_id=engagement_id,
        direction=PhaseChange.Direction.FORWARD,
        from_phase=current,
        to_phase=phases[-1],
        reason=GOING_LIVE,
        by=by,
    )


def engagement_update_settings(
    *,
    engagement: Engagement,
    vision_years: int,
    plan_months: int,
    default_vote_budget: int,
    terminology: dict[str, str],
) -> Engagement:
    engagement.vision_years = vision_years
    engagement.plan_months = plan_months
    engagement.default_vote_budget = default_vote_budget
    engagement.terminology = {
        key: (terminology.get(key) or "").strip() or default
        for key, default in DEFAULT_TERMINOLOGY.items()
    }
    engagement.save(
        update_fields=[
            "vision_years",
            "plan_months",
            "default_vote_budget",
            "terminology",
            "updated_at",
        ]
    )
    return engagement


def phase_update(*, phase: Phase, **fields) -> Phase:
    for name, value in fields.items():
        setattr(phase, name, value)
    phase.save(update_fields=list(fields))
    return phase


@transaction.atomic
def phase_move(
    *,
    engagement: Engagement,
    forward: bool,
    reason: str,
    by: User,
    seen_current: str | None = None,
) -> PhaseChange:
    """Move the engagement to its next phase (the current one is done) or back to the previous.

    Forward: the phase in progress becomes done and the next one starts (or the first one, if
    none has started). Back: the phase in progress returns to "not started" and the one before
    it is in progress again. The reason is kept in the engagement's history.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why, so the team can follow the history."})
    phases = list(engagement.phases.select_for_update().order_by("position"))
    current = next((p for p in phases if p.status == Phase.Status.IN_PROGRESS), None)
    # `seen_current` is the current phase the page showed ("" for none): a double click, or two
    # facilitators at once, must not move the engagement twice.
    if seen_current is not None and seen_current != (str(current.pk) if current else ""):
        raise ValidationError(
            "The timeline changed since this page was opened (perhaps a double click). "
            "Nothing was moved: look at it again, then move."
        )
    changed: list[Phase] = []
    if forward:
        after = phases[phases.index(current) + 1 :] if current else phases
        target = next((p for p in after if p.status != Phase.Status.DONE), None)
        if current is None and target is None:
            raise ValidationError("Every phase is already done.")
        if current:
            current.status = Phase.Status.DONE
            changed.append(current)
        if target:
            target.status = Phase.Status.IN_PROGRESS
            changed.append(target)
    else:
        before = phases[: phases.index(current)] if current else phases
        target = next((p for p in reversed(before) if p.status == Phase.Status.DONE), None)
        if current is None and target is None:
            raise ValidationError("No phase has started yet.")
        if current:
            current.status = Phase.Status.NOT_STARTED
            changed.append(current)
        if target:
            target.status = Phase.Status.IN_PROGRESS
            changed.append(target)
    Phase.objects.bulk_update(changed, ["status"])
    engagement.status_changed()
    return PhaseChange.objects.create(
        engagement=engagement,
        direction=PhaseChange.Direction.FORWARD if forward else PhaseChange.Direction.BACK,
        from_phase=current,
        to_phase=target,
        reason=reason,
        by=by,
    )
