"""Fixtures shared by the retreat tests: an open retreat in the cast's engagement, and a
brainstorm board in it whose cards everyone sees as they come (a module may define its own)."""

import pytest

from retreats import services
from retreats.models import Activity
from tests.factories import ActivityFactory, PhaseFactory, RetreatFactory


@pytest.fixture
def retreat(cast):
    return RetreatFactory(phase=PhaseFactory(engagement=cast.engagement), is_open=True)


@pytest.fixture
def activity(retreat):
    activity = ActivityFactory(retreat=retreat)
    services.activity_update(activity=activity, private_until_revealed=False)
    return Activity.objects.get(pk=activity.pk)
