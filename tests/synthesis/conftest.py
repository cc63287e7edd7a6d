"""A synthesis world on the shared cast: three stakeholder groups, a town hall, a "Let's Talk"
batch and a survey with an open question, and helpers to make comments."""

from dataclasses import dataclass

import pytest

from tests.factories import (
    AnswerFactory,
    ListeningCommentFactory,
    ListeningSessionFactory,
    QuestionFactory,
    RespondentFactory,
    StakeholderGroupFactory,
    SurveyFactory,
)


@dataclass
class World:
    cast: object
    engagement: object
    parents: object
    staff: object
    students: object
    town_hall: object
    lets_talk: object
    survey: object
    written: object

    def said(self, text="Safer crossings near the school", group=None, session=None):
        return ListeningCommentFactory(
            session=session or self.town_hall,
            engagement=self.engagement,
            text=text,
            stakeholder_group=group,
        )

    def wrote(self, text="More art classes", group=None):
        """A survey's open answer."""
        from listening.models import Comment

        respondent = RespondentFactory(survey=self.survey, stakeholder_group=group)
        answer = AnswerFactory(respondent=respondent, question=self.written, choice="")
        return Comment.objects.create(
            engagement=self.engagement, answer=answer, text=text, stakeholder_group=group
        )


@pytest.fixture
def world(cast) -> World:
    engagement = cast.engagement
    parents = StakeholderGroupFactory(engagement=engagement, name="Parents", position=0)
    staff = StakeholderGroupFactory(engagement=engagement, name="Staff", position=1)
    students = StakeholderGroupFactory(engagement=engagement, name="Students", position=2)
    town_hall = ListeningSessionFactory(engagement=engagement, title="North town hall")
    lets_talk = ListeningSessionFactory(
        engagement=engagement, kind="lets_talk", title="Let’s Talk, October"
    )
    survey = SurveyFactory(engagement=engagement, title="What matters to you?")
    written = QuestionFactory(survey=survey, kind="open", text="What should change?")
    return World(cast, engagement, parents, staff, students, town_hall, lets_talk, survey, written)
