"""Retreat rules: stages, guests' reach, cards, moderation and undo, merging, themes, dot budgets,
reveal, results split by group, and the room's make-up."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import RequestFactory

from engagements.access import GUEST_SESSION_KEY, Can, access_retreat
from retreats import selectors, services
from retreats.models import Activity
from tests.factories import (
    ActivityFactory,
    CardFactory,
    ParticipantFactory,
    PhaseFactory,
    RetreatFactory,
    StakeholderGroupFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(retreat):
    return ActivityFactory(retreat=retreat)


@pytest.fixture
def voting(board):
    board.stage = Activity.Stage.VOTING
    board.vote_budget = 5
    board.max_per_item = 3
    board.save()
    return board


def request_as(user=None, session=None):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    request.session = session if session is not None else SessionStore()
    return request


def guest(retreat, name="Sam", group=None):
    return services.participant_join_guest(
        retreat=retreat, display_name=name, stakeholder_group=group
    )


# --- joining and guests' reach -------------------------------------------------------------------


def test_a_guest_reaches_only_the_retreat_they_joined_and_only_while_it_is_open(cast, retreat):
    guest_pass = guest(retreat)
    session = SessionStore()
    session[GUEST_SESSION_KEY.format(retreat_id=retreat.pk)] = guest_pass.token
    found = access_retreat(request_as(session=session), retreat.pk, need=Can.CONTRIBUTE)
    assert found.participant == guest_pass.participant and found.is_guest

    other = RetreatFactory(phase=PhaseFactory(engagement=cast.engagement))
    with pytest.raises(Http404):
        access_retreat(request_as(session=session), other.pk)
    with pytest.raises(PermissionDenied):
        access_retreat(request_as(session=session), retreat.pk, need=Can.RUN_RETREAT)
    retreat.is_open = False
    retreat.save()
    with pytest.raises(PermissionDenied):
        access_retreat(request_as(session=session), retreat.pk)


def test_a_stranger_and_an_outsider_cannot_reach_a_retreat(cast, retreat):
    with pytest.raises(Http404):
        access_retreat(request_as(), retreat.pk)
    with pytest.raises(Http404):
        access_retreat(request_as(cast.outsider), retreat.pk)


def test_a_forged_guest_token_is_refused(retreat):
    guest(retreat)
    session = SessionStore()
    session[GUEST_SESSION_KEY.format(retreat_id=retreat.pk)] = "made-up"
    with pytest.raises(Http404):
        access_retreat(request_as(session=session), retreat.pk)


def test_members_join_once_with_their_group(cast, retreat):
    membership = cast.plan_team.memberships.get()
    membership.stakeholder_group = StakeholderGroupFactory(
        engagement=cast.engagement, name="Parents"
    )
    membership.save()
    first = services.participant_join_member(retreat=retreat, membership=membership)
    again = services.participant_join_member(retreat=retreat, membership=membership)
    assert first == again
    assert first.stakeholder_group.name == "Parents"
    assert access_retreat(request_as(cast.plan_team), retreat.pk).participant == first


def test_guests_cannot_join_a_closed_retreat_or_pick_a_foreign_group(cast, retreat):
    foreign_group = StakeholderGroupFactory(engagement=cast.foreign_engagement)
    with pytest.raises(ValidationError):
        guest(retreat, group=foreign_group)
    retreat.is_open = False
    retreat.save()
    with pytest.raises(ValidationError, match="not open"):
        guest(retreat)


# --- cards and stages ----------------------------------------------------------------------------


def test_cards_are_trimmed_and_bounded(board):
    author = ParticipantFactory(retreat=board.retreat)
    card = services.card_add(activity=board, participant=author, text="  More arts  ")
    assert card.text == "More arts"
    with pytest.raises(ValidationError, match="this one has 501"):
        services.card_add(activity=board, participant=author, text="x" * 501)
    with pytest.raises(ValidationError, match="Write your idea first"):
        services.card_add(activity=board, participant=author, text="   ")
    assert services.card_add(activity=board, participant=author, text="y" * 500)


def test_swot_cards_need_a_quadrant(retreat):
    swot = services.activity_add(retreat=retreat, kind=Activity.Kind.SWOT)
    author = ParticipantFactory(retreat=retreat)
    with pytest.raises(ValidationError):
        services.card_add(activity=swot, participant=author, text="Caring staff")
    card = services.card_add(activity=swot, participant=author, text="Caring staff", quadrant="S")
    assert card.get_quadrant_display() == "Strengths"


def test_cards_are_taken_only_while_collecting_and_unlocked(board):
    author = ParticipantFactory(retreat=board.retreat)
    services.activity_lock(activity=board, locked=True)
    with pytest.raises(ValidationError, match="locked"):
        services.card_add(activity=board, participant=author, text="Idea")
    services.activity_lock(activity=board, locked=False)
    services.activity_set_stage(activity=board, stage=Activity.Stage.GROUPING)
    with pytest.raises(ValidationError, match="over"):
        services.card_add(activity=board, participant=author, text="Idea")
    services.activity_set_stage(activity=board, stage=Activity.Stage.COLLECTING)  # reopened
    assert services.card_add(activity=board, participant=author, text="Idea")


def test_every_change_moves_the_version_watchers_poll(board):
    author = ParticipantFactory(retreat=board.retreat)
    before = selectors.activity_version(board.pk)
    services.card_add(activity=board, participant=author, text="Idea")
    services.activity_set_stage(activity=board, stage=Activity.Stage.GROUPING)
    assert selectors.activity_version(board.pk) == before + 2


def test_private_cards_show_only_to_their_author_until_revealed(board):
    ana, bo = ParticipantFactory(retreat=board.retreat), ParticipantFactory(retreat=board.retreat)
    services.card_add(activity=board, participant=ana, text="Ana's idea")
    services.card_add(activity=board, participant=bo, text="Bo's idea")
    texts = lambda view: [c.text for c in view.cards]  # noqa: E731
    assert texts(selectors.board_for(board, participant=ana)) == ["Ana's idea"]
    assert texts(selectors.board_for(board, participant=None)) == []  # the projector
    assert len(selectors.board_for(board, participant=None, moderator=True).cards) == 2
    services.activity_reveal(activity=board, cards=True)
    assert len(selectors.board_for(board, participant=ana).cards) == 2
    assert len(selectors.board_for(board, participant=None).cards) == 2


def test_cards_are_public_from_the_start_when_the_facilitator_says_so(board):
    services.activity_update(activity=board, private_until_revealed=False)
    ana, bo = ParticipantFactory(retreat=board.retreat), ParticipantFactory(retreat=board.retreat)
    services.card_add(activity=board, participant=ana, text="Ana's idea")
    assert [c.text for c in selectors.board_for(board, participant=bo).cards] == ["Ana's idea"]


# --- moderation ----------------------------------------------------------------------------------


def test_the_facilitator_edits_hides_restores_and_undoes(board, cast):
    services.activity_update(activity=board, private_until_revealed=False)
    card = CardFactory(activity=board, text="Teh arts")
    services.card_edit(card=card, text="The arts", by=cast.facilitator)
    services.card_set_hidden(card=card, hidden=True, by=cast.facilitator)
    assert selectors.board_for(board, participant=None).cards == []
    assert selectors.board_for(board, participant=None, moderator=True).hidden_cards == [card]
    services.moderation_undo(activity=board)  # un-hide
    card.refresh_from_db()
    assert not card.hidden and card.text == "The arts"
    services.moderation_undo(activity=board)  # un-edit
    card.refresh_from_db()
    assert card.text == "Teh arts"
    assert services.moderation_undo(activity=board) is None


def test_a_merged_card_keeps_its_votes_and_sources_and_can_be_undone(voting):
    keep, twin, other = CardFactory.create_batch(3, activity=voting)
    voter = ParticipantFactory(retreat=voting.retreat)
    services.vote_add(activity=voting, participant=voter, card=twin)
    services.vote_add(activity=voting, participant=voter, card=keep)
    services.cards_merge(into=keep, sources=[twin])
    twin.refresh_from_db()
    assert twin.merged_into == keep
    view = selectors.board_for(voting, participant=voter, moderator=True)
    assert [c.pk for c in view.cards] == [keep.pk, other.pk]
    assert view.cards[0].source_count == 1
    assert view.totals[keep.pk] == 2
    results = selectors.results_for(voting)
    assert (results.lines[0].item, results.lines[0].dots) == (keep, 2)
    services.moderation_undo(activity=voting)
    twin.refresh_from_db()
    assert twin.merged_into is None
    assert selectors.results_for(voting).lines[0].dots == 1


def test_merging_a_merged_card_carries_its_sources_along(board):
    a, b, c = CardFactory.create_batch(3, activity=board)
    services.cards_merge(into=b, sources=[a])
    services.cards_merge(into=c, sources=[b])
    a.refresh_from_db()
    assert a.merged_into == c
    services.moderation_undo(activity=board)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.merged_into, b.merged_into) == (b, None)


# --- themes --------------------------------------------------------------------------------------


def test_cards_are_grouped_into_themes(board):
    theme = services.theme_add(activity=board, name="  Arts   and music ")
    assert theme.name == "Arts and music"
    card = CardFactory(activity=board)
    services.card_set_theme(card=card, theme=theme)
    view = selectors.board_for(board, participant=None, moderator=True)
    assert view.themes[0].board_cards == [card]
    services.theme_delete(theme=theme)
    card.refresh_from_db()
    assert card.theme is None


def test_a_card_cannot_join_another_boards_theme(board):
    foreign_theme = ThemeFactory()
    with pytest.raises(ValidationError):
        services.card_set_theme(card=CardFactory(activity=board), theme=foreign_theme)


# --- dot voting ----------------------------------------------------------------------------------


def test_dots_respect_the_budget_and_the_per_item_maximum(voting):
    voter = ParticipantFactory(retreat=voting.retreat)
    a, b = CardFactory.create_batch(2, activity=voting)
    for left in (4, 3, 2):
        assert services.vote_add(activity=voting, participant=voter, card=a) == left
    with pytest.raises(ValidationError, match="at most 3 dots on one item"):
        services.vote_add(activity=voting, participant=voter, card=a)
    assert services.vote_add(activity=voting, participant=voter, card=b) == 1
    assert services.vote_add(activity=voting, participant=voter, card=b) == 0
    with pytest.raises(ValidationError, match="used all 5 of your dots"):
        services.vote_add(activity=voting, participant=voter, card=b)
    assert services.vote_remove(activity=voting, participant=voter, card=a) == 1
    assert selectors.board_for(voting, participant=voter).my_dots == {a.pk: 2, b.pk: 2}


def test_the_engagement_budget_applies_unless_the_activity_sets_one(voting, cast):
    voting.vote_budget = None
    voting.save()
    cast.engagement.default_vote_budget = 2
    cast.engagement.save()
    voter = ParticipantFactory(retreat=voting.retreat)
    cards = CardFactory.create_batch(3, activity=voting)
    services.vote_add(activity=voting, participant=voter, card=cards[0])
    services.vote_add(activity=voting, participant=voter, card=cards[1])
    with pytest.raises(ValidationError):
        services.vote_add(activity=voting, participant=voter, card=cards[2])


def test_votes_are_taken_only_while_voting_and_only_on_this_board(board):
    voter = ParticipantFactory(retreat=board.retreat)
    card = CardFactory(activity=board)
    with pytest.raises(ValidationError, match="not open"):
        services.vote_add(activity=board, participant=voter, card=card)
    services.activity_set_stage(activity=board, stage=Activity.Stage.VOTING)
    with pytest.raises(ValidationError, match="this board"):
        services.vote_add(activity=board, participant=voter, card=CardFactory())
    hidden = CardFactory(activity=board, hidden=True)
    with pytest.raises(ValidationError):
        services.vote_add(activity=board, participant=voter, card=hidden)


def test_votes_on_themes(voting):
    services.activity_update(activity=voting, vote_on=Activity.VoteOn.THEMES)
    theme = ThemeFactory(activity=voting)
    voter = ParticipantFactory(retreat=voting.retreat)
    services.vote_add(activity=voting, participant=voter, theme=theme)
    with pytest.raises(ValidationError):
        services.vote_add(activity=voting, participant=voter, card=CardFactory(activity=voting))
    assert selectors.results_for(voting).lines[0].item == theme


def test_votes_stay_hidden_until_revealed_unless_live(voting):
    card = CardFactory(activity=voting)
    voter = ParticipantFactory(retreat=voting.retreat)
    services.vote_add(activity=voting, participant=voter, card=card)
    assert selectors.board_for(voting, participant=voter).totals == {}
    assert selectors.board_for(voting, participant=None, moderator=True).totals == {card.pk: 1}
    services.activity_reveal(activity=voting, votes=True)
    assert selectors.board_for(voting, participant=None).totals == {card.pk: 1}
    services.activity_reveal(activity=voting, votes=False)
    services.activity_update(activity=voting, votes_live=True)
    assert selectors.board_for(voting, participant=voter).totals == {card.pk: 1}


def test_results_rank_items_and_split_by_group_hiding_small_groups(cast, voting):
    parents = StakeholderGroupFactory(engagement=cast.engagement, name="Parents", position=1)
    staff = StakeholderGroupFactory(engagement=cast.engagement, name="Staff", position=0)
    arts, sports = (
        CardFactory(activity=voting, text="Arts"),
        CardFactory(activity=voting, text="Sports"),
    )
    for _ in range(3):
        voter = ParticipantFactory(retreat=voting.retreat, stakeholder_group=parents)
        services.vote_add(activity=voting, participant=voter, card=arts)
    for _ in range(2):
        voter = ParticipantFactory(retreat=voting.retreat, stakeholder_group=staff)
        for _ in range(2):
            services.vote_add(activity=voting, participant=voter, card=sports)
    results = selectors.results_for(voting)
    assert [(line.label, line.dots, line.percent) for line in results.lines] == [
        ("Sports", 4, 100),
        ("Arts", 3, 75),
    ]
    assert results.voters == 5
    assert [g.name for g in results.groups] == ["Parents"]  # staff: only 2 voters
    assert results.hidden_groups == 1
    assert results.groups[0].lines[0].label == "Arts"


def test_the_room_shows_who_is_present_per_group_against_the_seats(cast, retreat):
    parents = StakeholderGroupFactory(engagement=cast.engagement, name="Parents", quota=8)
    StakeholderGroupFactory(engagement=cast.engagement, name="Students", quota=6)
    ParticipantFactory.create_batch(3, retreat=retreat, stakeholder_group=parents)
    guest(retreat)
    room = {line.name: line for line in selectors.room_for(retreat)}
    assert (room["Parents"].present, room["Parents"].seats) == (3, 8)
    assert room["Students"].missing
    assert room["No group"].present == 1
