"""The carry-forward inbox: a retreat's carried-forward cards and themes with their dots, the
ones not in the plan yet first, never another engagement's."""

import pytest

from planning import selectors, services
from retreats import services as retreat_services
from tests.factories import (
    ActivityFactory,
    CardFactory,
    ParticipantFactory,
    PhaseFactory,
    RetreatFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def voted_theme(activity, name, dots):
    theme = ThemeFactory(activity=activity, name=name, carry_forward=True)
    for _ in range(dots):
        voter = ParticipantFactory(retreat=activity.retreat)
        retreat_services.vote_add(activity=activity, participant=voter, theme=theme)
    return theme


@pytest.fixture
def activity(cast):
    retreat = RetreatFactory(phase=PhaseFactory(engagement=cast.engagement))
    activity = ActivityFactory(retreat=retreat, vote_on="themes", stage="voting")
    return activity


def test_the_inbox_lists_carried_items_by_dots_and_puts_used_ones_last(cast, activity):
    safety = voted_theme(activity, "Safe schools", 2)
    voted_theme(activity, "Pathways", 3)
    ThemeFactory(activity=activity, name="Not carried")
    CardFactory(activity=activity, text="Later start times", carry_forward=True)
    CardFactory(carry_forward=True, text="Another engagement's card")
    plan = services.plan_for(cast.engagement)
    services.element_from_source(plan=plan, kind_name="goal", theme=safety, dots=2)
    found = selectors.carried_forward(cast.engagement)
    assert [(c.text, c.dots, c.used) for c in found] == [
        ("Pathways", 3, False),
        ("Later start times", 0, False),
        ("Safe schools", 2, True),
    ]
    assert found[0].kind == "theme" and found[1].kind == "card"
    assert found[0].retreat_title == activity.retreat.title


def test_the_inbox_costs_the_same_queries_however_many_items(
    cast, activity, django_assert_max_num_queries
):
    voted_theme(activity, "One", 1)
    with django_assert_max_num_queries(5):
        selectors.carried_forward(cast.engagement)
    for index in range(15):
        CardFactory(activity=activity, carry_forward=True, text=f"Card {index}")
        ThemeFactory(activity=activity, carry_forward=True)
    with django_assert_max_num_queries(5):
        assert len(selectors.carried_forward(cast.engagement)) == 31


def test_a_sources_dots_are_counted_in_one_query(activity, django_assert_num_queries):
    theme = voted_theme(activity, "Pathways", 3)
    with django_assert_num_queries(1):
        assert selectors.dots_on_source(theme) == 3
    assert selectors.dots_on_source(CardFactory(activity=activity)) == 0
