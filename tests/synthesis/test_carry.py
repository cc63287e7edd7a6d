"""A theme carried forward: to a retreat board as a card citing its count (through the retreats
service, so the live board moves on), and into the plan's working copy as the source of a goal,
strategy or value, shown on the plan page and on the public page's "you said" thread."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from planning.models import Approval, Goal, Strategy, Value
from planning.services import plan_for
from retreats.models import Activity, Card
from retreats.services import activity_reveal
from synthesis.models import BoardSeed
from synthesis.services import tag
from tests.factories import (
    ActivityFactory,
    ApprovalFactory,
    GoalFactory,
    PlanVersionFactory,
    RetreatFactory,
    VoiceThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def theme(world):
    theme = VoiceThemeFactory(engagement=world.engagement, name="Safer walks to school")
    comments = [world.said(text=f"Walk {n}") for n in range(20)]
    comments += [world.wrote(text=f"Written {n}") for n in range(3)]
    tag(theme=theme, comments=comments)
    return theme


@pytest.fixture
def board(world):
    return ActivityFactory(
        retreat=RetreatFactory(phase__engagement=world.engagement, title="Vision retreat"),
        kind="brainstorm",
        title="What should change?",
    )


def _carry(client, world, theme, **data):
    url = reverse("synthesis:carry-board", args=[world.engagement.pk, theme.pk])
    return client.post(url, data)


def test_a_theme_becomes_a_card_citing_its_count(client, world, theme, board):
    version = board.version
    client.force_login(world.cast.core_team)
    response = _carry(client, world, theme, activity=str(board.pk))
    assert response.status_code == 302
    card = Card.objects.get(activity=board)
    assert card.text == "Community input: Safer walks to school — 23 comments (town halls, survey)"
    assert card.author is None
    board.refresh_from_db()
    assert board.version == version + 1  # the live board moves on
    seed = BoardSeed.objects.get(theme=theme)
    assert seed.card == card and seed.comments == 23
    text = client.get(reverse("synthesis:theme", args=[world.engagement.pk, theme.pk])).text
    assert "A card on the board “What should change?” of the retreat “Vision retreat”" in text
    # On the board's projector, once the cards are revealed.
    activity_reveal(activity=board, cards=True)
    client.force_login(world.cast.facilitator)
    page = client.get(reverse("retreats:projector", args=[board.retreat.pk, board.pk])).text
    assert "Community input: Safer walks to school — 23 comments" in page


def test_the_same_theme_goes_on_a_board_once_until_its_card_is_hidden(client, world, theme, board):
    client.force_login(world.cast.facilitator)
    assert _carry(client, world, theme, activity=str(board.pk)).status_code == 302
    again = _carry(client, world, theme, activity=str(board.pk))
    assert again.status_code == 400
    assert "“Safer walks to school” is already on this board, as the card" in again.text
    assert Card.objects.filter(activity=board).count() == 1
    # Hidden on the board (say, to put it again with its new count): it may go on again.
    Card.objects.filter(activity=board).update(hidden=True)
    assert _carry(client, world, theme, activity=str(board.pk)).status_code == 302
    assert Card.objects.filter(activity=board, hidden=False).count() == 1


def test_no_board_chosen_says_so_in_words(client, world, theme, board):
    client.force_login(world.cast.facilitator)
    response = _carry(client, world, theme, activity="")
    assert response.status_code == 400
    assert "Choose the board the card goes on." in response.text
    assert not Card.objects.exists()


def test_a_swot_board_needs_a_quadrant(client, world, theme, board):
    Activity.objects.filter(pk=board.pk).update(kind="swot")
    client.force_login(world.cast.facilitator)
    response = _carry(client, world, theme, activity=str(board.pk))
    assert response.status_code == 400
    assert "Choose the quadrant of the SWOT board" in response.text
    _carry(client, world, theme, activity=str(board.pk), quadrant="O")
    assert Card.objects.get(activity=board).quadrant == "O"


def test_a_closed_retreat_or_a_board_past_grouping_is_refused(client, world, theme, board):
    client.force_login(world.cast.facilitator)
    board.retreat.is_open = False
    board.retreat.save()
    response = _carry(client, world, theme, activity=str(board.pk))
    assert response.status_code == 400
    assert "That board takes no new cards now" in response.text
    board.retreat.is_open = True
    board.retreat.save()
    Activity.objects.filter(pk=board.pk).update(stage="voting")
    assert _carry(client, world, theme, activity=str(board.pk)).status_code == 400
    assert not Card.objects.exists() and not BoardSeed.objects.exists()


def test_another_engagements_board_is_a_404(client, world, theme):
    foreign = ActivityFactory(
        retreat=RetreatFactory(phase__engagement=world.cast.foreign_engagement)
    )
    client.force_login(world.cast.facilitator)
    assert _carry(client, world, theme, activity=str(foreign.pk)).status_code == 404
    assert not Card.objects.exists()


def test_a_long_theme_keeps_the_card_within_500_characters(world, board):
    from synthesis.services import carry_to_board

    theme = VoiceThemeFactory(engagement=world.engagement, name="W" * 120)
    tag(theme=theme, comments=[world.said()])
    seed = carry_to_board(theme=theme, activity=board)
    assert len(seed.card.text) <= 500 and seed.card.text.endswith("1 comment (town halls)")


# --- into the plan ------------------------------------------------------------------------------


def _plan(client, world, theme, **data):
    url = reverse("synthesis:carry-plan", args=[world.engagement.pk, theme.pk])
    return client.post(url, data)


def test_a_theme_becomes_a_goal_shown_with_its_count_on_the_plan_page(client, world, theme):
    client.force_login(world.cast.core_team)
    assert _plan(client, world, theme, kind="goal").status_code == 302
    goal = Goal.objects.get(plan__engagement=world.engagement)
    assert (goal.title, goal.source_kind, goal.source_text, goal.source_dots) == (
        "Safer walks to school",
        "voices",
        "Safer walks to school",
        23,
    )
    assert goal.source_voice_theme == theme
    text = client.get(reverse("planning:plan", args=[world.engagement.pk])).text
    assert "Community input: “Safer walks to school”, 23 comments" in text
    theme_page = client.get(reverse("synthesis:theme", args=[world.engagement.pk, theme.pk])).text
    assert "community input: 23 comments when it was taken" in theme_page


def test_a_strategy_needs_its_goal_and_a_value_needs_nothing(client, world, theme):
    client.force_login(world.cast.facilitator)
    response = _plan(client, world, theme, kind="strategy")
    assert response.status_code == 400 and "Choose the goal this strategy serves." in response.text
    goal = GoalFactory(plan=plan_for(world.engagement), title="Safety")
    _plan(client, world, theme, kind="strategy", goal=str(goal.pk))
    assert Strategy.objects.get(goal=goal).source_kind == "voices"
    _plan(client, world, theme, kind="value")
    assert Value.objects.get(plan__engagement=world.engagement).source_dots == 23


def test_a_frozen_plan_is_refused_clearly(client, world, theme):
    plan = plan_for(world.engagement)
    ApprovalFactory(version=PlanVersionFactory(plan=plan), state=Approval.State.FINAL)
    client.force_login(world.cast.facilitator)
    response = _plan(client, world, theme, kind="goal")
    assert response.status_code == 400
    assert "The final draft is frozen and with the board" in response.text
    assert not Goal.objects.exists()


def test_only_the_plan_editors_carry_a_theme_into_the_plan(client, world, theme):
    for role in ("plan_team", "board", "superintendent"):
        client.force_login(world.cast.member(role))
        assert _plan(client, world, theme, kind="goal").status_code == 403
    assert not Goal.objects.exists()


def test_the_public_thread_says_community_input(client, world, theme):
    from monitoring.services.public import public_page_set
    from tests.monitoring.lived import approve

    client.force_login(world.cast.facilitator)
    _plan(client, world, theme, kind="goal")
    approve(plan_for(world.engagement))
    page = public_page_set(engagement=world.engagement, by=world.cast.facilitator, enabled=True)
    cache.clear()
    client.logout()
    text = client.get(reverse("monitoring:public-page", args=[page.token])).text
    assert "From what the community told us in surveys and listening sessions" in text
    assert "<q>Safer walks to school</q> (community input: 23 comments)" in text
    cache.clear()


def test_the_plan_page_queries_stay_constant(client, world, theme, django_assert_max_num_queries):
    client.force_login(world.cast.facilitator)
    plan = plan_for(world.engagement)
    GoalFactory(plan=plan, title="Written by the team")
    url = reverse("planning:plan", args=[world.engagement.pk])
    with django_assert_max_num_queries(60) as before:
        client.get(url)
    baseline = len(before.captured_queries)
    for n in range(5):
        other = VoiceThemeFactory(engagement=world.engagement, name=f"Other {n}")
        tag(theme=other, comments=[world.said()])
        _plan(client, world, other, kind="goal")
        _plan(client, world, other, kind="value")
    with django_assert_max_num_queries(baseline):
        client.get(url)


def test_the_plan_file_keeps_a_voices_source_with_its_comment_count(client, world, theme):
    from planning.schema import export_plan, import_plan
    from tests.factories import EngagementFactory

    client.force_login(world.cast.facilitator)
    _plan(client, world, theme, kind="goal")
    data = export_plan(plan_for(world.engagement))
    source = data["plan"]["goals"][0]["source"]
    assert source == {"kind": "voices", "text": "Safer walks to school", "dots": 23}
    imported, _ = import_plan(engagement=EngagementFactory(), data=data)
    goal = Goal.objects.get(plan=imported)
    assert (goal.source_kind, goal.source_text, goal.source_dots) == (
        "voices",
        "Safer walks to school",
        23,
    )
    assert goal.source_voice_theme is None  # the theme stays in its engagement
