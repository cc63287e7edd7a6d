"""A retreat of the cast's engagement with a board, a card and a theme, and URL helpers, for the
tests of the facilitator's side (tests/retreats/test_console_*.py)."""

from dataclasses import dataclass

from django.urls import reverse

from retreats.models import Activity
from tests.factories import (
    ActivityFactory,
    CardFactory,
    PhaseFactory,
    RetreatFactory,
    ThemeFactory,
)

HTMX = {"HX-Request": "true"}
ROLES = ["facilitator", "core_team", "plan_team", "board", "superintendent"]


@dataclass
class World:
    retreat: object
    activity: object
    card: object
    theme: object


def make_world(engagement, **activity_fields) -> World:
    retreat = RetreatFactory(
        phase=PhaseFactory(engagement=engagement, name="Data retreat"), title="Data retreat"
    )
    activity = ActivityFactory(retreat=retreat, **activity_fields)
    return World(
        retreat=retreat,
        activity=activity,
        card=CardFactory(activity=activity, text="More arts and music"),
        theme=ThemeFactory(activity=activity, name="The arts"),
    )


def url(name: str, world: World | None = None, *extra) -> str:
    """retreats:<name> for the world's retreat (and activity, card or theme as the URL needs)."""
    return reverse(f"retreats:{name}", args=extra if world is None else _args(name, world, extra))


def _args(name, world, extra):
    retreat_only = {"setup", "retreat-open", "activity-new"}
    if name in retreat_only:
        return [world.retreat.pk, *extra]
    return [world.retreat.pk, world.activity.pk, *extra]


def set_stage(activity, stage: str) -> None:
    Activity.objects.filter(pk=activity.pk).update(stage=stage)
    activity.refresh_from_db()
