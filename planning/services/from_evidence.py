"""An indicator of the environmental scan becomes a measure of the plan's working copy, with its
latest value for all students as the baseline."""

from datetime import date

from django.core.exceptions import ValidationError

from evidence.models import Indicator
from evidence.selectors import latest_all_students

from ..models import Approval, Goal, Measure, Plan, Strategy
from . import element_add

FROZEN = (
    "The plan is frozen while the board considers it, so no measure can be added now. "
    "Add it once the board has decided, or ask the facilitator to withdraw the final draft."
)
APPROVED = (
    "The board has approved this plan: its measures are kept on the “Living the plan” pages now, "
    "not in the working copy."
)


def plan_refusal(plan: Plan) -> str:
    """Why the working copy takes no new measure now, or "" when it does."""
    if plan.engagement.plan_approved_at is not None:
        return APPROVED
    if Approval.objects.filter(plan=plan, state__in=Approval.ACTIVE).exists():
        return FROZEN
    return ""


def baseline_date(year: int) -> date:
    """A yearly value stands for the school year that ends in June of that year (2025 is
    2024–25), as the lived plan's yearly targets count them."""
    return date(year, 6, 30)


def measure_from_indicator(
    *, plan: Plan, indicator: Indicator, goal: Goal | None = None, strategy: Strategy | None = None
) -> Measure:
    """A measure named after the indicator, on `goal` or `strategy` of this plan, with its unit,
    source, direction and baseline (its latest value for all students, and that year)."""
    if indicator.engagement_id != plan.engagement_id:
        raise ValidationError("Choose one of this engagement’s indicators.")
    if (goal is None) == (strategy is None):
        raise ValidationError({"parent": "Choose one goal or one strategy."})
    if goal is not None and goal.plan_id != plan.pk:
        raise ValidationError({"parent": "Choose a goal of this plan."})
    if strategy is not None and strategy.goal.plan_id != plan.pk:
        raise ValidationError({"parent": "Choose a strategy of this plan."})
    if refusal := plan_refusal(plan):
        raise ValidationError(refusal)
    latest = latest_all_students(indicator)
    return element_add(
        "measure",
        goal=goal,
        strategy=strategy,
        indicator=indicator.name,
        data_source=indicator.source,
        unit=indicator.unit,
        direction=Measure.Direction.DOWN
        if indicator.direction == Indicator.Direction.DOWN
        else Measure.Direction.UP,
        baseline=latest[1] if latest else None,
        baseline_date=baseline_date(latest[0]) if latest else None,
    )
