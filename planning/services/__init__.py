"""Writes on the plan: its statements, the tree's elements (add, edit, delete, order, move),
turning a retreat's carried-forward cards and themes into plan elements, and saving drafts.

Elements are ordered by `position` among their siblings: values, objectives and (per objective)
goals within the plan, strategies within a goal, measures within their goal or strategy, action
steps within a strategy.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max

from accounts.models import User
from engagements.models import Engagement
from retreats.models import Card, Theme

from ..models import ActionStep, Goal, Measure, Objective, Plan, PlanVersion, Strategy, Value

# --- the plan and its statements ---------------------------------------------------------------


def plan_for(engagement: Engagement) -> Plan:
    """The engagement's plan, made empty on first use."""
    plan, _ = Plan.objects.get_or_create(engagement=engagement)
    return plan


PLAN_FIELDS = (*Plan.STATEMENTS, "use_objectives", "max_goals", "max_strategies_per_goal")


def plan_update(*, plan: Plan, **fields) -> Plan:
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"Not plan fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(plan, name, value.strip() if isinstance(value, str) else value)
    plan.full_clean(exclude=["engagement"])
    plan.save()
    return plan


# --- the tree's elements ------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One kind of plan element: its model and what its siblings share."""

    name: str
    model: type[models.Model]
    scope: tuple[str, ...]  # the fields that siblings have in common


KINDS = {
    "value": Kind("value", Value, ("plan",)),
    "objective": Kind("objective", Objective, ("plan",)),
    "goal": Kind("goal", Goal, ("plan", "objective")),
    "strategy": Kind("strategy", Strategy, ("goal",)),
    "measure": Kind("measure", Measure, ("goal", "strategy")),
    "action_step": Kind("action_step", ActionStep, ("strategy",)),
}


def kind_of(element: models.Model) -> Kind:
    return next(kind for kind in KINDS.values() if isinstance(element, kind.model))


def siblings(element: models.Model) -> models.QuerySet:
    kind = kind_of(element)
    scope = {f"{name}_id": getattr(element, f"{name}_id") for name in kind.scope}
    return kind.model.objects.filter(**scope)


def plan_of(element: models.Model) -> Plan:
    """The plan an element belongs to (a query or two at most)."""
    if isinstance(element, (Value, Objective, Goal)):
        return element.plan
    if isinstance(element, Strategy):
        return element.goal.plan
    if isinstance(element, ActionStep):
        return element.strategy.goal.plan
    if element.goal_id and element.strategy_id or not (element.goal_id or element.strategy_id):
        raise ValidationError("A measure belongs to one goal or one strategy.")
    return (element.goal or element.strategy.goal).plan


def _clean_text(fields: dict) -> dict:
    return {
        name: value.strip() if isinstance(value, str) else value for name, value in fields.items()
    }


def _check_owner(plan: Plan, fields: dict) -> None:
    owner = fields.get("owner")
    if owner is not None and owner.engagement_id != plan.engagement_id:
        raise ValidationError({"owner": "Choose a member of this engagement’s team."})


@transaction.atomic
def element_add(kind_name: str, **fields) -> models.Model:
    """Add an element at the end of its siblings, e.g.
    element_add("strategy", goal=goal, title="Close achievement gaps")."""
    kind = KINDS[kind_name]
    element = kind.model(**_clean_text(fields))
    plan = plan_of(element)
    _check_owner(plan, fields)
    _check_parent_plan(plan, element)
    last = siblings(element).aggregate(last=Max("position"))["last"]
    element.position = 0 if last is None else last + 1
    element.full_clean()
    element.save()
    return element


def _check_parent_plan(plan: Plan, element: models.Model) -> None:
    """An element's parents all belong to one plan: a goal's objective, a measure's goal."""
    objective = getattr(element, "objective", None)
    if objective is not None and objective.plan_id != plan.pk:
        raise ValidationError({"objective": "Choose one of this plan’s objectives."})


def element_update(element: models.Model, **fields) -> models.Model:
    plan = plan_of(element)
    _check_owner(plan, fields)
    for name, value in _clean_text(fields).items():
        setattr(element, name, value)
    _check_parent_plan(plan, element)
    element.full_clean()
    element.save()
    return element


def element_delete(element: models.Model) -> None:
    """Delete an element with everything under it (a goal's strategies, measures and steps)."""
    element.delete()


@transaction.atomic
def element_move(element: models.Model, direction: str) -> bool:
    """Swap an element with its neighbour above ("up") or below ("down"); False at the end."""
    if direction not in ("up", "down"):
        raise ValueError(direction)
    ordered = list(siblings(element).select_for_update().order_by("position", "created_at"))
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == element.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    _renumber(ordered)
    return True


@transaction.atomic
def element_reorder(element: models.Model, ordered_ids: list) -> None:
    """Put an element's siblings (itself included) in the given order (drag and drop)."""
    current = {str(sibling.pk): sibling for sibling in siblings(element).select_for_update()}
    wanted = [str(pk) for pk in ordered_ids]
    if sorted(wanted) != sorted(current):
        raise ValidationError("The list changed meanwhile: reload the page and try again.")
    _renumber([current[pk] for pk in wanted])


def _renumber(ordered: list) -> None:
    for position, sibling in enumerate(ordered):
        sibling.position = position
    if ordered:
        type(ordered[0]).objects.bulk_update(ordered, ["position"])


@transaction.atomic
def strategy_move(strategy: Strategy, goal: Goal) -> Strategy:
    """Move a strategy (with its measures and steps) to the end of another goal of the plan."""
    if goal.plan_id != strategy.goal.plan_id:
        raise ValidationError({"goal": "Choose one of this plan’s goals."})
    if goal.pk == strategy.goal_id:
        return strategy
    last = goal.strategies.aggregate(last=Max("position"))["last"]
    strategy.goal = goal
    strategy.position = 0 if last is None else last + 1
    strategy.save(update_fields=["goal", "position"])
    return strategy


# --- from retreat to plan -----------------------------------------------------------------------

FROM_SOURCE = {"value": "value", "goal": "goal", "strategy": "strategy"}


def element_from_source(
    *,
    plan: Plan,
    kind_name: str,
    card: Card | None = None,
    theme: Theme | None = None,
    goal: Goal | None = None,
    dots: int | None = None,
) -> models.Model:
    """Turn a carried-forward card or theme into a value, a goal or (under `goal`) a strategy,
    keeping a link to it and its words and dots as they are now."""
    if kind_name not in FROM_SOURCE:
        raise ValidationError("A retreat’s card or theme becomes a value, a goal or a strategy.")
    source = card or theme
    if source is None or (card is not None and theme is not None):
        raise ValidationError("Choose one card or one theme.")
    if source.activity.retreat.engagement_id != plan.engagement_id:
        raise ValidationError("Choose a card or theme from this engagement’s retreats.")
    if not source.carry_forward:
        raise ValidationError("Only cards and themes marked “carry forward” go into the plan.")
    text = card.text if card is not None else theme.name
    fields = {
        "title": text[:300],
        "description": text if len(text) > 300 else "",
        "source_card": card,
        "source_theme": theme,
        "source_kind": "card" if card is not None else "theme",
        "source_text": text[:500],
        "source_dots": dots,
    }
    if kind_name == "strategy":
        if goal is None or goal.plan_id != plan.pk:
            raise ValidationError({"goal": "Choose the goal this strategy serves."})
        return element_add("strategy", goal=goal, **fields)
    return element_add(kind_name, plan=plan, **fields)


# --- drafts -------------------------------------------------------------------------------------


def version_save(*, plan: Plan, label: str, author: User | None) -> PlanVersion:
    """Freeze the working copy as draft N+1 (N the last draft's number)."""
    from ..schema import export_plan  # the snapshot is the export format

    label = label.strip()
    if not label:
        raise ValidationError(
            {"label": "Give the draft a short label, e.g. “After the vision retreat”."}
        )
    data = export_plan(plan)
    for _ in range(3):
        number = (plan.versions.aggregate(last=Max("number"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                return PlanVersion.objects.create(
                    plan=plan, number=number, label=label[:200], author=author, data=data
                )
        except IntegrityError:  # someone saved draft N at the same moment: take N+1
            continue
    raise ValidationError("Another draft was being saved at the same moment: try again.")
