"""Reads on the plan: the carry-forward inbox (retreat cards and themes waiting to become plan
elements)."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, Sum

from engagements.models import Engagement
from retreats.models import Card, Theme

from ..models import ActionStep, Goal, Strategy, Value


@dataclass
class Carried:
    """A card or theme marked "carry forward", with its dots and whether it is in the plan yet."""

    item: Card | Theme
    kind: str  # "card" or "theme"
    text: str
    dots: int
    activity_title: str
    retreat_title: str
    used: bool


def carried_forward(engagement: Engagement) -> list[Carried]:
    """Every carried-forward card and theme of the engagement's retreats, the ones not in the
    plan yet first, most dots first; five queries whatever their number."""
    used_cards, used_themes = set(), set()
    for model in (Value, Goal, Strategy):
        scope = (
            Q(plan__engagement=engagement)
            if model is not Strategy
            else Q(goal__plan__engagement=engagement)
        )
        for card_id, theme_id in model.objects.filter(scope).values_list(
            "source_card_id", "source_theme_id"
        ):
            used_cards.add(card_id)
            used_themes.add(theme_id)
    in_engagement = {"activity__retreat__engagement": engagement, "carry_forward": True}
    cards = Card.objects.filter(**in_engagement, merged_into__isnull=True, hidden=False)
    themes = Theme.objects.filter(**in_engagement)
    found = [
        Carried(
            card,
            "card",
            card.text,
            card.total or 0,
            card.activity.title,
            card.activity.retreat.title,
            card.pk in used_cards,
        )
        for card in cards.select_related("activity__retreat").annotate(total=Sum("dots__count"))
    ] + [
        Carried(
            theme,
            "theme",
            theme.name,
            theme.total or 0,
            theme.activity.title,
            theme.activity.retreat.title,
            theme.pk in used_themes,
        )
        for theme in themes.select_related("activity__retreat").annotate(total=Sum("dots__count"))
    ]
    return sorted(found, key=lambda c: (c.used, -c.dots, c.text))


def dots_on_source(source: Card | Theme) -> int:
    """The dots a retreat card or theme holds now (one query)."""
    return source.dots.aggregate(total=Sum("count"))["total"] or 0


@dataclass
class Tree:
    """The plan as the plan page shows it; a fixed number of queries whatever its size."""

    plan: object
    values: list
    objectives: list  # each with .tree_goals
    goals: list  # every goal, in order (objectives first when they are used)
    loose_goals: list  # goals under no objective
    goal_choices: list  # (id, title) for taking a retreat item in as a strategy


def plan_tree(plan) -> Tree:
    steps = ActionStep.objects.select_related("owner__user")
    strategies = Strategy.objects.prefetch_related("measures", Prefetch("action_steps", steps))
    goals = list(
        plan.goals.select_related("owner__user", "source_card", "source_theme").prefetch_related(
            "measures", Prefetch("strategies", strategies)
        )
    )
    objectives = list(plan.objectives.all()) if plan.use_objectives else []
    by_objective: dict = {}
    for goal in goals:
        by_objective.setdefault(goal.objective_id if plan.use_objectives else None, []).append(goal)
    for objective in objectives:
        objective.tree_goals = by_objective.get(objective.pk, [])
    known = {objective.pk for objective in objectives}
    loose = [g for g in goals if not plan.use_objectives or g.objective_id not in known]
    ordered = [g for o in objectives for g in o.tree_goals] + loose
    return Tree(
        plan=plan,
        values=list(plan.values.select_related("source_card", "source_theme")),
        objectives=objectives,
        goals=ordered,
        loose_goals=loose,
        goal_choices=[(g.pk, g.title) for g in ordered],
    )
