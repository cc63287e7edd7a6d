"""Who may do what in listening, for every role: the team builds and enters, every member reads
results and comments without names, only the facilitator sees who answered. A foreign id is a
404, a forbidden action a 403."""

import pytest
from django.urls import reverse

from engagements.models import PLANNING_ROLES
from tests.factories import (
    InvitedRespondentFactory,
    ListeningCommentFactory,
    ListeningSessionFactory,
    QuestionFactory,
    SurveyFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [role.value for role in PLANNING_ROLES]
TEAM = {"facilitator", "core_team"}
FACILITATOR = {"facilitator"}
EVERYONE = set(ROLES)


@pytest.fixture
def things(world):
    question = world.choice
    session = ListeningSessionFactory(engagement=world.engagement)
    comment = ListeningCommentFactory(session=session)
    invited = InvitedRespondentFactory(survey=world.survey)
    return {
        "r": invited.pk,
        "e": world.engagement.pk,
        "s": world.survey.pk,
        "q": question.pk,
        "t": session.pk,
        "c": comment.pk,
    }


# (url name, argument keys, who may GET it)
PAGES = [
    ("listening:overview", "e", EVERYONE),
    ("listening:survey-create", "e", TEAM),
    ("listening:survey", "es", TEAM),
    ("listening:preview", "es", TEAM),
    ("listening:question-edit", "esq", TEAM),
    ("listening:question-delete", "esq", TEAM),
    ("listening:invite", "es", FACILITATOR),
    ("listening:respondents", "es", FACILITATOR),
    ("listening:results", "es", EVERYONE),
    ("listening:results-csv", "es", EVERYONE),
    ("listening:session-create", "e", TEAM),
    ("listening:session", "et", EVERYONE),
    ("listening:session-edit", "et", TEAM),
    ("listening:session-delete", "et", TEAM),
    ("listening:comment-edit", "etc", TEAM),
    ("listening:comment-delete", "etc", TEAM),
]
POSTS = [
    ("listening:ppra-check", "es", TEAM),
    ("listening:invitation-resend", "esr", FACILITATOR),
    ("listening:retention", "e", FACILITATOR),
    ("listening:survey-status", "es", TEAM),
    ("listening:question-add", "es", TEAM),
    ("listening:question-move", "esq", TEAM),
]


def url(name, keys, things):
    return reverse(name, args=[things[k] for k in keys])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,keys,allowed", PAGES, ids=[p[0] for p in PAGES])
def test_each_role_reaches_exactly_its_pages(client, world, things, role, name, keys, allowed):
    client.force_login(world.cast.member(role))
    status = client.get(url(name, keys, things)).status_code
    assert status == (200 if role in allowed else 403), f"{role} got {status} on {name}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,keys,allowed", POSTS, ids=[p[0] for p in POSTS])
def test_each_role_may_change_exactly_what_it_should(
    client, world, things, role, name, keys, allowed
):
    client.force_login(world.cast.member(role))
    status = client.post(url(name, keys, things), {"to": "down"}).status_code
    assert (status != 403) == (role in allowed), f"{role} got {status} on {name}"


@pytest.mark.parametrize("name,keys,allowed", PAGES + POSTS, ids=[p[0] for p in PAGES + POSTS])
def test_an_outsider_learns_nothing(client, world, things, name, keys, allowed):
    client.force_login(world.cast.outsider)
    method = "post" if (name, keys, allowed) in POSTS else "get"
    assert getattr(client, method)(url(name, keys, things)).status_code == 404


def test_an_object_of_another_engagement_is_not_found_through_this_one(client, world, cast):
    foreign_survey = SurveyFactory(engagement=cast.foreign_engagement)
    foreign_question = QuestionFactory(survey=foreign_survey)
    foreign_session = ListeningSessionFactory(engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    e = cast.engagement.pk
    for address in (
        reverse("listening:results", args=[e, foreign_survey.pk]),
        reverse("listening:survey", args=[e, foreign_survey.pk]),
        reverse("listening:question-edit", args=[e, world.survey.pk, foreign_question.pk]),
        reverse("listening:session", args=[e, foreign_session.pk]),
    ):
        assert client.get(address).status_code == 404, address


@pytest.mark.parametrize("role", ROLES)
def test_only_the_facilitator_ever_sees_respondents_names(client, world, role):
    person = InvitedRespondentFactory(
        survey=world.survey, name="Zelda Quintanilla", email="zelda@example.org"
    )
    person.submitted_at = person.invited_at
    person.save()
    client.force_login(world.cast.member(role))
    e, s = world.engagement.pk, world.survey.pk
    seen = ""
    for name in ("listening:overview", "listening:survey", "listening:results",
                 "listening:results-csv", "listening:respondents"):  # fmt: skip
        args = [e] if name == "listening:overview" else [e, s]
        response = client.get(reverse(name, args=args))
        if response.status_code == 200:
            seen += response.content.decode()
    if role == "facilitator":
        assert "Zelda Quintanilla" in seen and "zelda@example.org" in seen
    else:
        assert "Zelda" not in seen and "zelda@" not in seen


def test_the_engagement_page_links_to_listening(client, world):
    client.force_login(world.cast.board)
    page = client.get(reverse("engagements:detail", args=[world.engagement.pk]))
    assert reverse("listening:overview", args=[world.engagement.pk]) in page.content.decode()
