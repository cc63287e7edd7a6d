"""Who may do what in synthesis, for every role: the facilitator and the core team tag, choose
quotes and carry themes to boards; the plan's editors carry themes into the plan; every member
reads themes, counts and quotes. Another engagement's ids are 404s, a forbidden action a 403, and
people without an account (guests, the public) reach nothing."""

import pytest
from django.urls import reverse

from engagements.models import PLANNING_ROLES
from synthesis.models import Tagging, VoiceTheme
from synthesis.services import tag
from tests.factories import (
    ActivityFactory,
    ListeningCommentFactory,
    QuoteFactory,
    RetreatFactory,
    VoiceThemeFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [role.value for role in PLANNING_ROLES]
TEAM = {"facilitator", "core_team"}
EVERYONE = set(ROLES)


@pytest.fixture
def things(world):
    theme = VoiceThemeFactory(engagement=world.engagement, name="Safety")
    comment = world.said()
    tag(theme=theme, comments=[comment])
    quote = QuoteFactory(theme=theme, comment=comment)
    return {"e": world.engagement.pk, "t": theme.pk, "c": comment.pk, "q": quote.pk}


PAGES = [
    ("synthesis:overview", "e", EVERYONE),
    ("synthesis:counts-csv", "e", EVERYONE),
    ("synthesis:tagging", "e", TEAM),
    ("synthesis:theme", "et", EVERYONE),
    ("synthesis:theme-delete", "et", TEAM),
]
POSTS = [
    ("synthesis:overview", "e", TEAM),
    ("synthesis:tagging", "e", TEAM),
    ("synthesis:tag-one", "ec", TEAM),
    ("synthesis:theme-edit", "et", TEAM),
    ("synthesis:quote-add", "et", TEAM),
    ("synthesis:quote-move", "etq", TEAM),
    ("synthesis:quote-remove", "etq", TEAM),
    ("synthesis:carry-board", "et", TEAM),
    ("synthesis:carry-plan", "et", TEAM),  # EDIT_PLAN: the same two roles
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
@pytest.mark.parametrize("name,keys,allowed", POSTS, ids=[p[0] + " POST" for p in POSTS])
def test_each_role_may_change_exactly_what_it_should(
    client, world, things, role, name, keys, allowed
):
    client.force_login(world.cast.member(role))
    status = client.post(url(name, keys, things), {}).status_code
    if role in allowed:
        assert status != 403, f"{role} was refused {name}"
    else:
        assert status == 403, f"{role} got {status} on {name}"


@pytest.mark.parametrize("role", ROLES)
def test_untagging_is_for_the_team(client, world, things, role):
    client.force_login(world.cast.member(role))
    theme = VoiceTheme.objects.get(pk=things["t"])
    response = client.post(
        reverse("synthesis:untag-one", args=[things["e"], things["c"], theme.pk])
    )
    assert response.status_code == (302 if role in TEAM else 403)
    assert Tagging.objects.exists() == (role not in TEAM)


def test_another_engagements_ids_are_404s(client, world, things):
    foreign = world.cast.foreign_engagement
    their_theme = VoiceThemeFactory(engagement=foreign)
    their_comment = ListeningCommentFactory(session__engagement=foreign)
    their_quote = QuoteFactory(theme=their_theme)
    client.force_login(world.cast.facilitator)
    e = world.engagement.pk
    assert client.get(reverse("synthesis:theme", args=[e, their_theme.pk])).status_code == 404
    assert client.post(reverse("synthesis:tag-one", args=[e, their_comment.pk])).status_code == 404
    assert (
        client.post(
            reverse("synthesis:untag-one", args=[e, things["c"], their_theme.pk])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("synthesis:quote-remove", args=[e, things["t"], their_quote.pk])
        ).status_code
        == 404
    )
    # The outsider, a member of another engagement only, learns nothing of this one.
    client.force_login(world.cast.outsider)
    assert client.get(reverse("synthesis:overview", args=[e])).status_code == 404
    assert client.get(reverse("synthesis:theme", args=[e, things["t"]])).status_code == 404


def test_guests_and_the_public_reach_nothing(client, world, things):
    # A retreat guest holds a session for a board, not an account: still sent to sign in.
    ActivityFactory(retreat=RetreatFactory(phase__engagement=world.engagement))
    sign_in = reverse("accounts:sign-in")
    for name, keys, _ in PAGES:
        response = client.get(url(name, keys, things))
        assert response.status_code == 302 and response["Location"].startswith(sign_in), name
    for name, keys, _ in POSTS:
        assert client.post(url(name, keys, things)).status_code == 302


def test_no_page_shows_a_name(client, world):
    from tests.factories import InvitedRespondentFactory

    respondent = InvitedRespondentFactory(survey=world.survey, name="Zelda Secretname")
    from listening.models import Comment
    from tests.factories import AnswerFactory

    answer = AnswerFactory(respondent=respondent, question=world.written, choice="")
    comment = Comment.objects.create(engagement=world.engagement, answer=answer, text="Buses")
    theme = VoiceThemeFactory(engagement=world.engagement, name="Buses")
    tag(theme=theme, comments=[comment])
    client.force_login(world.cast.facilitator)
    for page in (
        reverse("synthesis:overview", args=[world.engagement.pk]),
        reverse("synthesis:tagging", args=[world.engagement.pk]),
        reverse("synthesis:theme", args=[world.engagement.pk, theme.pk]),
    ):
        text = client.get(page).text
        assert "Buses" in text and "Secretname" not in text and "example.org" not in text
