"""A lived plan for the update cycle's tests: the plan-team member owns a goal with two measures
(the graduation rate, reported quarterly; class size, yearly) and two action steps; the
superintendent owns a goal whose strategy has a monthly measure (chronic absence)."""

from dataclasses import dataclass

from engagements.models import Membership

from .lived import Lived, lived_plan
from .lived_steps import step


@dataclass
class CyclePlan:
    lived: Lived
    coaches: object  # planning.ActionStep
    tutoring: object


def cycle_plan(cast) -> CyclePlan:
    owner = Membership.objects.get(engagement=cast.engagement, user=cast.plan_team)
    coaches = step(cast.engagement, owner=owner)
    tutoring = step(
        cast.engagement,
        description="Offer after-school tutoring in every middle school — “Math Lab” Tuesdays",
        owner=owner,
        strategy=coaches.strategy,
    )
    return CyclePlan(lived=lived_plan(cast), coaches=coaches, tutoring=tutoring)
