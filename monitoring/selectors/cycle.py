"""What the update cycle asks of each owner in a period: their measures whose frequency makes a
reading due and their open action steps, each marked reported or not. Read by My updates, the
cycle page, the reminder task and the nudge. A fixed number of queries whatever the plan's size.

- A measure (a goal's owner owns it) is due in a period when it has no reading dated before the
  period, or its latest one is old enough that its frequency asks for a new one by the period's
  end (a monthly measure every month, a yearly one once a year).
- An action step is due while it is open (neither done nor cancelled before the period).
- Reported: a reading entered, or an action update made (a "nothing changed" included), during
  the period.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Max
from django.utils import timezone

from engagements.access import Access, Can
from engagements.models import Engagement, Membership

from ..cycle import Period, period_for
from ..models import ActionUpdate, MeasureReading, UpdateCycle
from ..status import PERIOD_MONTHS, add_months
from .actions import LivedStep, lived_actions
from .measures import LivedMeasure, lived_measures


def cycle_rules(cycle: UpdateCycle) -> dict:
    """The cycle's settings as monitoring.cycle.period_for takes them."""
    return {
        "cadence": cycle.cadence,
        "due_day": cycle.due_day,
        "grace_days": cycle.grace_days,
        "term_ends": [date.fromisoformat(day) for day in cycle.term_ends or []],
    }


def current_period(cycle: UpdateCycle, today: date | None = None) -> Period | None:
    return period_for(today or timezone.localdate(), **cycle_rules(cycle))


@dataclass
class DueItem:
    """A measure or an action step an owner reports on in the period."""

    measure: LivedMeasure | None = None
    step: LivedStep | None = None
    reported: bool = False
    form: object = None  # My updates puts the item's form here

    @property
    def key(self) -> str:
        return f"measure-{self.measure.id}" if self.measure else f"step-{self.step.id}"

    @property
    def title(self) -> str:
        return self.measure.indicator if self.measure else self.step.step["description"]

    @property
    def kind(self) -> str:
        return "a reading" if self.measure else "progress on an action step"


@dataclass
class OwnerDue:
    """One owner's items in a period. `membership` is None for an owner who is not (or no
    longer) a member: they cannot sign in to report, and get no e-mail."""

    email: str
    name: str
    membership: Membership | None
    items: list[DueItem] = field(default_factory=list)

    @property
    def missing(self) -> list[DueItem]:
        return [item for item in self.items if not item.reported]

    @property
    def has_reported(self) -> bool:
        return not self.missing


def _measure_due(measure: LivedMeasure, before: date | None, period: Period) -> bool:
    if before is None:
        return True
    return add_months(before, PERIOD_MONTHS.get(measure.frequency, 12)) <= period.end


def cycle_due(
    engagement: Engagement,
    period: Period,
    *,
    owner_email: str | None = None,
    today: date | None = None,
) -> list[OwnerDue] | None:
    """Every owner with something due in `period` (only `owner_email`'s when given), in the
    order of their names, or None before the board approves a plan."""
    today = today or timezone.localdate()
    measures = lived_measures(engagement, today=today)
    actions = lived_actions(engagement, owner_email=owner_email, today=today)
    if measures is None or actions is None:
        return None
    wanted = (owner_email or "").lower()
    chosen = [
        m
        for m in measures.measures
        if m.element.owner and (not wanted or m.element.owner == wanted)
    ]
    rows = [m.monitored.pk for m in chosen]
    before = dict(
        MeasureReading.objects.filter(measure__in=rows, taken_on__lt=period.start)
        .values_list("measure")
        .annotate(last=Max("taken_on"))
    )
    read = set(
        MeasureReading.objects.filter(
            measure__in=rows, entered_at__date__range=(period.start, period.end)
        ).values_list("measure", flat=True)
    )
    updated = {
        str(step_id)
        for step_id in ActionUpdate.objects.filter(
            engagement=engagement, created_at__date__range=(period.start, period.end)
        ).values_list("action_step_id", flat=True)
    }
    owners: dict[str, OwnerDue] = {}

    def owner(email: str, name: str) -> OwnerDue:
        return owners.setdefault(email, OwnerDue(email=email, name=name or email, membership=None))

    for measure in chosen:
        if _measure_due(measure, before.get(measure.monitored.pk), period):
            reported = measure.monitored.pk in read
            owner(measure.element.owner, measure.owner_name).items.append(
                DueItem(measure=measure, reported=reported)
            )
    for step in actions.steps:
        if not step.owner_email:
            continue
        reported = step.id in updated
        if step.status in ActionUpdate.FINISHED and not reported:
            continue
        owner(step.owner_email, step.step.get("owner") or "").items.append(
            DueItem(step=step, reported=reported)
        )
    members = Membership.objects.filter(
        engagement=engagement, user__is_active=True, user__email__in=list(owners)
    ).select_related("user")
    for membership in members:
        found = owners.get(membership.user.email.lower())
        if found and Access(engagement=engagement, membership=membership).can(Can.UPDATE_PROGRESS):
            found.membership = membership
            found.name = membership.user.get_full_name() or found.name
    return sorted(owners.values(), key=lambda o: o.name.lower())
