"""The facilitator's console: who is in the room and its make-up, counts per quadrant, stages and
reopening, the timer, the reveal switches and the lock, and the poll that keeps it current."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from retreats import selectors, services
from retreats.models import Activity, Card, Participant, Retreat
from tests.factories import (
    ActivityFactory,
    CardFactory,
    ParticipantFactory,
    StakeholderGroupFactory,
    ThemeFactory,
)

from .console_world import HTMX, make_world, set_stage, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast):
    return make_world(cast.engagement)


@pytest.fixture
def swot(cast):
    return make_world(cast.engagement, kind="swot", title="SWOT", prompt="")


def console(client, world, **kwargs):
    return client.get(url("console", world), **kwargs).content.decode()


# --- who is in the room ---------------------------------------------------------------------------


def test_the_console_shows_who_has_joined_with_their_group_and_cards(client, cast, world):
    parents = StakeholderGroupFactory(engagement=cast.engagement, name="Parents", quota=8)
    membership = cast.plan_team.memberships.get()
    membership.stakeholder_group = parents
    membership.save()
    ana = services.participant_join_member(retreat=world.retreat, membership=membership)
    CardFactory.create_batch(2, activity=world.activity, author=ana)
    services.participant_join_guest(
        retreat=world.retreat, display_name="Sam", stakeholder_group=None
    )
    client.force_login(cast.facilitator)
    page = console(client, world)
    assert "3 joined" in page  # with the author of the world's card
    assert 'Plan team Person</span> <span class="muted">Parents · 2 cards' in page
    assert 'Sam</span> <span class="muted">no group, guest · 0 cards' in page


def test_with_nobody_joined_the_console_says_what_to_do_for_an_open_or_closed_retreat(
    client, cast, world
):
    Card.objects.filter(activity=world.activity).delete()
    Participant.objects.filter(retreat=world.retreat).delete()
    client.force_login(cast.facilitator)
    Retreat.objects.filter(pk=world.retreat.pk).update(is_open=True)
    page = client.get(url("console", world)).content.decode()
    assert "Nobody has joined yet." in page
    assert "Open the retreat" not in page
    assert f"The retreat is open: people join with code {world.retreat.join_code}" in page
    Retreat.objects.filter(pk=world.retreat.pk).update(is_open=False)
    page = client.get(url("console", world)).content.decode()
    assert "Open the retreat on its setup page" in page


def test_the_room_shows_present_against_seats_and_flags_a_missing_voice(client, cast, world):
    parents = StakeholderGroupFactory(engagement=cast.engagement, name="Parents", quota=8)
    StakeholderGroupFactory(engagement=cast.engagement, name="Students", quota=6)
    ParticipantFactory.create_batch(3, retreat=world.retreat, stakeholder_group=parents)
    client.force_login(cast.facilitator)
    page = console(client, world)
    assert "No Students here yet: 6 seats on the roster." in page
    assert "No Parents here yet" not in page
    room = page[page.index('class="room-table"') :]
    assert '<th scope="row">Parents</th>\n            <td>3</td>\n            <td>8</td>' in room
    assert "— nobody yet" in room


def test_a_swot_console_counts_cards_per_quadrant(client, cast, swot):
    Card.objects.filter(pk=swot.card.pk).update(quadrant="S")
    for quadrant in "SSWOT":
        CardFactory(activity=swot.activity, quadrant=quadrant)
    CardFactory(activity=swot.activity, quadrant="T", hidden=True)
    client.force_login(cast.facilitator)
    page = console(client, swot)
    counts = page[page.index('class="quadrant-counts"') :]
    for name, n in (("Strengths", 3), ("Weaknesses", 1), ("Opportunities", 1), ("Threats", 1)):
        assert (
            f'quadrant-counts__name">{name}</span> <span class="quadrant-counts__n">{n}' in counts
        )
    assert "6 on the board, 1 hidden" in page


def test_the_facilitator_sees_private_cards_the_room_does_not_yet(client, cast, world):
    CardFactory(activity=world.activity, text="A private idea")
    client.force_login(cast.facilitator)
    page = console(client, world)
    assert "A private idea" in page
    assert "Cards are private: each person sees only their own." in page


def test_the_console_links_to_the_projector_the_board_themes_and_results(client, cast, world):
    client.force_login(cast.facilitator)
    page = console(client, world)
    for name in ("projector", "board", "themes", "results"):
        assert f'href="{url(name, world)}"' in page


# --- stages ---------------------------------------------------------------------------------------


def test_the_facilitator_moves_through_the_stages_and_reopens(client, cast, world):
    client.force_login(cast.facilitator)
    page = console(client, world)
    assert '<span class="visually-hidden">Now: </span>Adding ideas' in page
    assert "Go to: Grouping into themes" in page
    for stage in ("grouping", "voting", "results"):
        response = client.post(url("stage", world), {"stage": stage}, follow=True)
        world.activity.refresh_from_db()
        assert world.activity.stage == stage
    page = response.content.decode()
    assert "The board is now at “Results”." in page
    assert "Reopen: Adding ideas" in page
    response = client.post(url("stage", world), {"stage": "collecting"}, follow=True)
    assert "Reopened: “Adding ideas”." in response.content.decode()
    world.activity.refresh_from_db()
    assert world.activity.stage == "collecting"
    author = ParticipantFactory(retreat=world.retreat)
    assert services.card_add(activity=world.activity, participant=author, text="One more")


def test_an_unknown_stage_is_refused(client, cast, world):
    client.force_login(cast.facilitator)
    assert client.post(url("stage", world), {"stage": "party"}).status_code == 400


def test_htmx_stage_changes_answer_with_the_console_region_and_a_status(client, cast, world):
    client.force_login(cast.facilitator)
    response = client.post(url("stage", world), {"stage": "voting"}, headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'id="console-live"' in page
    assert 'hx-swap-oob="innerHTML:#console-status"' in page
    assert "The board is now at “Voting”." in page
    assert "HX-Request" in response["Vary"]


# --- the timer ------------------------------------------------------------------------------------


def test_the_facilitator_starts_and_stops_the_countdown(client, cast, world):
    client.force_login(cast.facilitator)
    response = client.post(url("timer", world), {"minutes": "5"}, follow=True)
    page = response.content.decode()
    assert "The timer runs for 5 minutes." in page
    world.activity.refresh_from_db()
    left = world.activity.timer_ends_at - timezone.now()
    assert timedelta(minutes=4, seconds=55) < left <= timedelta(minutes=5)
    assert 'data-seconds-left="29' in page or 'data-seconds-left="300"' in page
    assert ">5:00<" in page or ">4:59<" in page
    response = client.post(url("timer", world), {"stop": "on"}, follow=True)
    assert "The timer is stopped." in response.content.decode()
    world.activity.refresh_from_db()
    assert world.activity.timer_ends_at is None


def test_a_timer_needs_its_minutes(client, cast, world):
    client.force_login(cast.facilitator)
    response = client.post(url("timer", world), {"minutes": ""}, headers=HTMX)
    page = response.content.decode()
    assert "Say how many minutes the timer runs" in page
    assert "console-status__error" in page
    response = client.post(url("timer", world), {"minutes": "500"}, follow=True)
    assert "at most 3 hours" in response.content.decode()


def test_a_timer_that_ran_out_says_so(client, cast, world):
    Activity.objects.filter(pk=world.activity.pk).update(
        timer_ends_at=timezone.now() - timedelta(seconds=5)
    )
    client.force_login(cast.facilitator)
    assert "Time is up" in console(client, world)


# --- reveal switches and the lock -----------------------------------------------------------------


@pytest.mark.parametrize(
    "what,field,on_words,off_words",
    [
        ("cards", "cards_revealed", "Everyone now sees every card.", "Cards are private again"),
        ("votes", "votes_revealed", "The votes are shown to everyone.", "hidden again"),
        ("live", "votes_live", "Votes now show as they come in.", "no longer show"),
    ],
)
def test_the_reveal_switches(client, cast, world, what, field, on_words, off_words):
    client.force_login(cast.facilitator)
    before = selectors.activity_version(world.activity.pk)
    response = client.post(url("reveal", world), {"what": what, "on": "1"}, follow=True)
    assert on_words in response.content.decode()
    world.activity.refresh_from_db()
    assert getattr(world.activity, field) is True
    assert selectors.activity_version(world.activity.pk) > before  # the room refreshes
    response = client.post(url("reveal", world), {"what": what, "on": "0"}, follow=True)
    assert off_words in response.content.decode()
    world.activity.refresh_from_db()
    assert getattr(world.activity, field) is False


def test_revealed_votes_open_the_results_to_every_member(client, cast, world):
    client.force_login(cast.plan_team)
    assert client.get(url("results", world)).status_code == 403
    client.force_login(cast.facilitator)
    client.post(url("reveal", world), {"what": "votes", "on": "1"})
    client.force_login(cast.plan_team)
    assert client.get(url("results", world)).status_code == 200


def test_the_facilitator_locks_and_unlocks_the_board(client, cast, world):
    client.force_login(cast.facilitator)
    response = client.post(url("lock", world), {"on": "1"}, follow=True)
    assert "The board is locked: nobody can add cards." in response.content.decode()
    assert "Unlock the board" in response.content.decode()
    world.activity.refresh_from_db()
    assert world.activity.locked
    client.post(url("lock", world), {"on": "0"})
    world.activity.refresh_from_db()
    assert not world.activity.locked


# --- staying current ------------------------------------------------------------------------------


def test_the_console_polls_with_its_stamp_as_often_as_the_board_and_the_projector(
    client, cast, world
):
    """A new card must reach the facilitator as fast as the room (< 2 s): every screen polls
    once a second."""
    client.force_login(cast.facilitator)
    page = console(client, world)
    stamp = selectors.console_stamp(world.activity.pk)
    assert f'hx-get="{url("console-live", world)}?v={stamp}"' in page

    def polls(html, region):
        tag = re.search(rf'<div id="{region}"[^>]*>', html)
        return re.search(r'hx-trigger="(every [^"]+)"', tag.group(0)).group(1)

    board = client.get(url("board", world)).content.decode()
    projector = client.get(url("projector", world)).content.decode()
    assert polls(board, "board-live") == "every 1s"
    assert polls(projector, "projector-live") == "every 1s"
    assert polls(page, "console-live") == "every 1s"


def test_the_poll_answers_204_until_a_card_arrives_or_someone_joins(client, cast, world):
    client.force_login(cast.facilitator)
    live = url("console-live", world)
    stamp = selectors.console_stamp(world.activity.pk)
    response = client.get(f"{live}?v={stamp}", headers=HTMX)
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    author = Participant.objects.get()
    services.card_add(activity=world.activity, participant=author, text="Later idea")
    response = client.get(f"{live}?v={stamp}", headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200 and "Later idea" in page and "<html" not in page
    stamp = selectors.console_stamp(world.activity.pk)
    ParticipantFactory(retreat=world.retreat, display_name="Newcomer")
    response = client.get(f"{live}?v={stamp}", headers=HTMX)
    assert "Newcomer" in response.content.decode()


def test_the_poll_opened_as_a_page_leads_to_the_console(client, cast, world):
    client.force_login(cast.facilitator)
    assert client.get(url("console-live", world)).url == url("console", world)


def test_a_poll_that_lost_its_access_reloads_the_page(client, cast, world):
    client.force_login(cast.plan_team)
    response = client.get(url("console-live", world), headers=HTMX)
    assert response["HX-Refresh"] == "true"


def _big_board(activity, cards: int) -> None:
    authors = ParticipantFactory.create_batch(5, retreat=activity.retreat)
    themes = ThemeFactory.create_batch(4, activity=activity)
    Card.objects.bulk_create(
        Card(
            activity=activity,
            author=authors[n % 5],
            text=f"Idea {n}",
            quadrant="SWOT"[n % 4],
            theme=themes[n % 4] if n % 3 else None,
            hidden=n % 17 == 0,
        )
        for n in range(cards)
    )
    keep, *sources = list(Card.objects.filter(activity=activity, hidden=False)[:3])
    services.cards_merge(into=keep, sources=sources)


@pytest.mark.parametrize("kind", ["swot", "brainstorm"])
def test_the_console_keeps_a_constant_number_of_queries(
    client, cast, kind, django_assert_max_num_queries
):
    activity = ActivityFactory(retreat=make_world(cast.engagement).retreat, kind=kind)
    StakeholderGroupFactory.create_batch(3, engagement=cast.engagement)
    _big_board(activity, 10)
    set_stage(activity, "voting")
    client.force_login(cast.facilitator)
    address = url("console", None, activity.retreat_id, activity.pk)
    with django_assert_max_num_queries(30) as small:
        client.get(address)
    baseline = len(small)  # read now: Django's query log keeps only the last 9000
    _big_board(activity, 490)
    with django_assert_max_num_queries(baseline):
        response = client.get(address)
    # 500 cards, 30 of them hidden (every 17th), 2 folded into a merged card.
    assert response.content.decode().count('id="pick-') == 500 - 30 - 2
