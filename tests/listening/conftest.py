"""A survey world on the shared cast: three stakeholder groups, an open survey with a choice, a
scale and an open question, and a public link."""

import time
from dataclasses import dataclass

import pytest

from engagements.public_forms import stamp_issue
from tests.factories import QuestionFactory, StakeholderGroupFactory, SurveyFactory


@dataclass
class World:
    cast: object
    engagement: object
    parents: object
    staff: object
    students: object
    survey: object
    choice: object
    scale: object
    written: object

    @property
    def groups(self):
        return [self.parents, self.staff, self.students]


@pytest.fixture
def world(cast) -> World:
    engagement = cast.engagement
    parents = StakeholderGroupFactory(engagement=engagement, name="Parents", position=0)
    staff = StakeholderGroupFactory(engagement=engagement, name="Staff", position=1)
    students = StakeholderGroupFactory(engagement=engagement, name="Students", position=2)
    survey = SurveyFactory(
        engagement=engagement, title="What matters to you?", public_token="open-sesame"
    )
    choice = QuestionFactory(
        survey=survey, kind="choice", text="Which matters most?", choices=["Arts", "Safety"]
    )
    scale = QuestionFactory(survey=survey, kind="scale", text="Schools listen to families.")
    written = QuestionFactory(survey=survey, kind="open", text="What should change?")
    return World(cast, engagement, parents, staff, students, survey, choice, scale, written)


def answer_data(world, *, group=None, choice="Arts", scale=4, text="", stamp_age=60, **extra):
    """A filled answering form, stamped `stamp_age` seconds ago."""
    data = {
        f"q_{world.choice.pk}": choice,
        f"q_{world.scale.pk}": scale,
        f"q_{world.written.pk}": text,
        "group": str(group.pk) if group else "none",
        "stamp": stamp_issue(world.survey, at=time.time() - stamp_age),
        "website": "",
    }
    data.update(extra)
    return data
