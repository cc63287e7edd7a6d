"""Helpers for tests of action progress on the lived plan: a plan the board has approved."""

from django.utils import timezone

from planning.models import Approval
from planning.services import plan_for
from tests.factories import (
    ActionStepFactory,
    ApprovalFactory,
    GoalFactory,
    PlanVersionFactory,
    StrategyFactory,
)


def approve(engagement, at=None):
    """Save the working copy as a draft and record the board's approval of it."""
    plan = plan_for(engagement)
    version = PlanVersionFactory(plan=plan)
    ApprovalFactory(version=version, state=Approval.State.APPROVED, decided_at=at or timezone.now())
    return version


def step(engagement, description="Train every reading coach in guided reading", **fields):
    """An action step in the working copy, under a new goal and strategy unless one is given."""
    if "strategy" not in fields:
        goal = GoalFactory(plan=plan_for(engagement), title="Every child reads by grade 3")
        fields["strategy"] = StrategyFactory(goal=goal, title="Coach the coaches")
    return ActionStepFactory(description=description, **fields)
