"""The plan's history (PlanEvent): one line per step of review and approval."""

from ..models import Plan, PlanEvent, PlanVersion

# The states the history speaks of, in the words the pages use.
WORKING = "working draft"
SAVED = "saved draft"
UNDER_REVIEW = "under review"
REVIEW_CLOSED = "review closed"
FINAL = "final draft"
RECOMMENDED = "recommended"
APPROVED = "approved"
SENT_BACK = "sent back"


def event_log(
    *,
    plan: Plan,
    version: PlanVersion | None,
    actor,
    action: str,
    from_state: str,
    to_state: str,
    note: str = "",
    actor_name: str | None = None,
) -> PlanEvent:
    """`actor_name` names a step nobody took in person (the board's majority); by default the
    actor's name, or Aligned itself for a step taken on its set date."""
    if actor_name is None:
        actor_name = actor.get_full_name() if actor is not None else "Aligned (on the set date)"
    name = actor_name
    return PlanEvent.objects.create(
        plan=plan,
        version=version,
        actor=actor,
        actor_name=name[:150],
        action=action,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )
