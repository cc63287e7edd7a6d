"""A plan the board has approved, with measures to monitor, for the monitoring tests."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from engagements.models import Membership
from engagements.services.engagements import engagement_plan_approved
from planning.models import Approval, Measure
from planning.services import plan_for

from ..factories import (
    ApprovalFactory,
    GoalFactory,
    MeasureFactory,
    PlanVersionFactory,
    StrategyFactory,
)


@dataclass
class Lived:
    version: object
    graduation: Measure  # owned by the plan-team member (their goal)
    absence: Measure  # on a strategy of the superintendent's goal
    class_size: Measure  # no target yet


def approve(plan, decided_at=None):
    """A new saved draft of `plan`, approved by the board, as the approval workflow leaves it."""
    version = PlanVersionFactory(plan=plan)
    decided_at = decided_at or timezone.now()
    ApprovalFactory(version=version, state=Approval.State.APPROVED, decided_at=decided_at)
    engagement_plan_approved(engagement_id=plan.engagement_id, at=decided_at)
    return version


def lived_plan(cast, today: date | None = None) -> Lived:
    """Two goals: “Every student graduates ready” (owned by the plan-team member) measured by the
    graduation rate, 70 % two years ago to 90 % two years from now; “Students come to school”
    (the superintendent's) with a strategy measured by chronic absence, 20 % down to 10 %."""
    today = today or timezone.localdate()
    owner = Membership.objects.get(engagement=cast.engagement, user=cast.plan_team)
    superintendent = Membership.objects.get(engagement=cast.engagement, user=cast.superintendent)
    plan = plan_for(cast.engagement)
    ready = GoalFactory(plan=plan, title="Every student graduates ready", owner=owner)
    graduation = MeasureFactory(
        goal=ready,
        indicator="Four-year graduation rate (cohort of 2028, students with an IEP included)",
        baseline=Decimal("70"),
        baseline_date=today - timedelta(days=730),
        target=Decimal("90"),
        target_date=today + timedelta(days=730),
        unit="%",
        frequency=Measure.Frequency.QUARTERLY,
    )
    class_size = MeasureFactory(goal=ready, indicator="Average class size in grades K–3")
    attend = GoalFactory(plan=plan, title="Students come to school", owner=superintendent)
    strategy = StrategyFactory(goal=attend, title="Family outreach in Spanish and Vietnamese")
    absence = MeasureFactory(
        strategy=strategy,
        goal=None,
        indicator="Chronic absence rate",
        baseline=Decimal("20"),
        baseline_date=today - timedelta(days=365),
        target=Decimal("10"),
        target_date=today + timedelta(days=365),
        unit="%",
        direction=Measure.Direction.DOWN,
        frequency=Measure.Frequency.MONTHLY,
    )
    return Lived(approve(plan), graduation, absence, class_size)
