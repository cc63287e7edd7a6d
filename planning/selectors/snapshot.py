"""A saved draft's snapshot (PlanVersion.data, the export format of planning/schema.py) made ready
for a page or a PDF: dates as dates, choices in words, goals grouped under their objectives when
the plan uses them. Read from the snapshot alone, without a query; owner_names makes the one query
that turns owners' e-mail addresses into their names."""

from datetime import date

from django.contrib.auth import get_user_model

from .. import diff
from ..models import ActionStep, Measure

CHOICES = {
    "stage": dict(ActionStep.Stage.choices),
    "direction": dict(Measure.Direction.choices),
    "frequency": dict(Measure.Frequency.choices),
}


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _measure(measure: dict) -> dict:
    return {
        **measure,
        "baseline_date": _day(measure.get("baseline_date")),
        "target_date": _day(measure.get("target_date")),
        "direction_display": CHOICES["direction"].get(measure.get("direction"), ""),
        "frequency_display": CHOICES["frequency"].get(measure.get("frequency"), ""),
    }


def _step(step: dict, names: dict[str, str]) -> dict:
    return {
        **step,
        "owner": _owner(step.get("owner"), names),
        "start_date": _day(step.get("start_date")),
        "due_date": _day(step.get("due_date")),
        "stage_display": CHOICES["stage"].get(step.get("stage"), step.get("stage") or ""),
    }


def _strategy(strategy: dict, names: dict[str, str]) -> dict:
    return {
        **strategy,
        "measures": [_measure(m) for m in strategy.get("measures", [])],
        "action_steps": [_step(s, names) for s in strategy.get("action_steps", [])],
    }


def _goal(goal: dict, names: dict[str, str]) -> dict:
    return {
        **goal,
        "owner": _owner(goal.get("owner"), names),
        "target_date": _day(goal.get("target_date")),
        "measures": [_measure(m) for m in goal.get("measures", [])],
        "strategies": [_strategy(s, names) for s in goal.get("strategies", [])],
    }


def _owner(email: str | None, names: dict[str, str]) -> str | None:
    """The snapshot keeps an owner's e-mail address (it matches people on import); pages show
    their name. An address without a known name stays as it is."""
    return names.get(email.lower(), email) if email else email


def owner_names(data: dict) -> dict[str, str]:
    """The names of the people owning goals and action steps in a snapshot, by e-mail address,
    for snapshot(data, names=...): one query."""
    plan = data.get("plan", {})
    emails = set()
    for goal in plan.get("goals", []):
        emails.add(goal.get("owner"))
        for strategy in goal.get("strategies", []):
            emails.update(step.get("owner") for step in strategy.get("action_steps", []))
    emails = {email.lower() for email in emails if isinstance(email, str) and email}
    if not emails:
        return {}
    users = get_user_model().objects.filter(email__in=emails).exclude(full_name="")
    return {email.lower(): name for email, name in users.values_list("email", "full_name")}


def snapshot(data: dict, names: dict[str, str] | None = None) -> dict:
    """A draft's plan ready for its page: dates as dates, choices in words, goals grouped under
    their objectives when the plan uses them, owners by name when `names` (owner_names) has
    them. Read from the snapshot alone."""
    plan = data.get("plan", {})
    goals = [_goal(goal, names or {}) for goal in plan.get("goals", [])]
    objectives = [{**o, "goals": []} for o in plan.get("objectives", [])]
    by_id = {objective["id"]: objective for objective in objectives}
    loose = []
    for goal in goals:
        objective = by_id.get(goal.get("objective"))
        (objective["goals"] if objective else loose).append(goal)
    return {
        "mission": plan.get("mission", ""),
        "vision": plan.get("vision", ""),
        "statements": [
            (label, plan[name])
            for name, label in diff.STATEMENTS[2:]  # after the mission and the vision
            if plan.get(name)
        ],
        "use_objectives": plan.get("use_objectives", True),
        "values": plan.get("values", []),
        "objectives": objectives,
        "goals": goals,
        "loose_goals": loose,
    }
