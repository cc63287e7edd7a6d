"""Action progress on the plan being lived: its action steps (read from the approved snapshot)
with their latest update, one step with its history. Every read here takes a constant number of
queries whatever the plan's size; the update cycle, My updates and the progress page build on
these."""

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from engagements.models import Engagement
from planning.selectors.snapshot import owner_names, snapshot

from ..models import ActionUpdate
from .plan import approved_version

# The PDSA stages in which an update also says what was studied and what was decided (act).
PDSA_STAGES = frozenset({"study", "act"})

# A shape beside each status, so that it never rests on colour alone (the words come first).
SHAPES = {
    ActionUpdate.Status.NOT_STARTED: "○",
    ActionUpdate.Status.ON_TRACK: "●",
    ActionUpdate.Status.AT_RISK: "▲",
    ActionUpdate.Status.OFF_TRACK: "■",
    ActionUpdate.Status.DONE: "✓",
    ActionUpdate.Status.CANCELLED: "✕",
}


@dataclass
class LivedStep:
    """An action step of the approved plan as its pages show it. `step` is the snapshot's step
    (planning.selectors.snapshot: dates as dates, `owner` as a name); `owner_email` is the
    address the snapshot keeps, which decides who owns it."""

    step: dict
    goal: dict
    strategy: dict
    owner_email: str
    latest: ActionUpdate | None = None
    today: date = field(default_factory=timezone.localdate)

    @property
    def id(self) -> str:
        return self.step["id"]

    @property
    def status(self) -> str:
        return self.latest.status if self.latest else ActionUpdate.Status.NOT_STARTED

    @property
    def status_label(self) -> str:
        return ActionUpdate.Status(self.status).label

    @property
    def shape(self) -> str:
        return SHAPES[self.status]

    @property
    def percent(self) -> int:
        return self.latest.percent if self.latest else 0

    @property
    def is_overdue(self) -> bool:
        """Past its due date and neither done nor cancelled."""
        due = self.step.get("due_date")
        return bool(due and due < self.today and self.status not in ActionUpdate.FINISHED)

    @property
    def asks_pdsa(self) -> bool:
        return self.step.get("stage") in PDSA_STAGES

    def is_owned_by(self, email: str | None) -> bool:
        return bool(email and self.owner_email and email.lower() == self.owner_email)


@dataclass
class LivedStrategy:
    strategy: dict
    steps: list[LivedStep]


@dataclass
class LivedGoal:
    goal: dict
    strategies: list[LivedStrategy]


@dataclass
class LivedActions:
    """The approved plan's action steps grouped by goal and strategy."""

    version: object  # planning.PlanVersion
    goals: list[LivedGoal]

    @property
    def steps(self) -> list[LivedStep]:
        return [s for g in self.goals for st in g.strategies for s in st.steps]


def _walk(data: dict, names: dict[str, str], today: date):
    """Every action step of a snapshot with its goal and strategy, in the plan's order."""
    raw_goals = data.get("plan", {}).get("goals", [])
    for raw_goal, goal in zip(raw_goals, snapshot(data, names)["goals"], strict=True):
        for raw_strategy, strategy in zip(
            raw_goal.get("strategies", []), goal["strategies"], strict=True
        ):
            for raw_step, step in zip(
                raw_strategy.get("action_steps", []), strategy["action_steps"], strict=True
            ):
                yield LivedStep(
                    step=step,
                    goal=goal,
                    strategy=strategy,
                    owner_email=(raw_step.get("owner") or "").lower(),
                    today=today,
                )


def latest_updates(engagement: Engagement, step_ids=None) -> dict[str, ActionUpdate]:
    """The latest update of each action step (all of the engagement's, or those of `step_ids`),
    by step id as a string: one query, one row per step however long the histories are."""
    newest = ActionUpdate.objects.filter(
        engagement=engagement, action_step_id=OuterRef("action_step_id")
    ).order_by("-created_at", "-pk")
    updates = ActionUpdate.objects.filter(
        engagement=engagement, pk=Subquery(newest.values("pk")[:1])
    )
    if step_ids is not None:
        updates = updates.filter(action_step_id__in=list(step_ids))
    return {str(update.action_step_id): update for update in updates}


def lived_actions(
    engagement: Engagement, *, owner_email: str | None = None, today: date | None = None
) -> LivedActions | None:
    """The approved plan's action steps with their latest update, grouped by goal and strategy;
    only those owned by `owner_email` when given (goals and strategies left empty are dropped).
    None before the board approves a plan. Three queries whatever the plan's size."""
    version = approved_version(engagement)
    if version is None:
        return None
    today = today or timezone.localdate()
    steps = list(_walk(version.data, owner_names(version.data), today))
    if owner_email is not None:
        steps = [s for s in steps if s.is_owned_by(owner_email)]
    latest = latest_updates(engagement) if steps else {}
    goals: dict[str, LivedGoal] = {}
    strategies: dict[str, LivedStrategy] = {}
    for step in steps:
        step.latest = latest.get(step.id)
        goal = goals.setdefault(step.goal["id"], LivedGoal(goal=step.goal, strategies=[]))
        key = step.strategy["id"]
        if key not in strategies:
            strategies[key] = LivedStrategy(strategy=step.strategy, steps=[])
            goal.strategies.append(strategies[key])
        strategies[key].steps.append(step)
    return LivedActions(version=version, goals=list(goals.values()))


def lived_step(engagement: Engagement, step_id: UUID | str) -> LivedStep | None:
    """One action step of the approved plan with its latest update, or None when no plan is
    approved or the approved plan has no such step (a foreign id, or a step the working copy
    has but the board has not approved). Three queries."""
    version = approved_version(engagement)
    if version is None:
        return None
    wanted = str(step_id)
    steps = _walk(version.data, owner_names(version.data), timezone.localdate())
    found = next((s for s in steps if s.id == wanted), None)
    if found is None:
        return None
    found.latest = latest_updates(engagement, [wanted]).get(wanted)
    return found


@dataclass
class HistoryEntry:
    update: ActionUpdate
    changes: str


def _state(update: ActionUpdate) -> str:
    return f"{update.get_status_display().lower()}, {update.percent} %"


def describe_change(update: ActionUpdate, previous: ActionUpdate | None) -> str:
    """What an update changed, in words: "status: on track → at risk, 40 % → 55 %"."""
    if previous is None:
        return f"status: {_state(update)}"
    if update.nothing_changed:
        return f"nothing changed: still {_state(update)}"
    parts = []
    if update.status != previous.status:
        parts.append(
            f"status: {previous.get_status_display().lower()} → "
            f"{update.get_status_display().lower()}"
        )
    if update.percent != previous.percent:
        parts.append(f"{previous.percent} % → {update.percent} %")
    return ", ".join(parts) if parts else f"status and percent unchanged: {_state(update)}"


def step_history(engagement: Engagement, step_id: UUID | str) -> list[HistoryEntry]:
    """Every update of an action step, newest first, each with what it changed. One query."""
    updates = list(
        ActionUpdate.objects.filter(engagement=engagement, action_step_id=step_id).order_by(
            "created_at", "pk"
        )
    )
    entries = [
        HistoryEntry(update=u, changes=describe_change(u, updates[i - 1] if i else None))
        for i, u in enumerate(updates)
    ]
    return entries[::-1]
