"""Joining a retreat: guests by code (right, wrong, closed, too many tries), members from the
engagement page or with the code, and how far each may reach."""

import logging

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from engagements.access import GUEST_SESSION_KEY
from retreats import services
from retreats.models import Activity, Participant
from retreats.views.participant import TOO_MANY_TRIES, WRONG_CODE
from tests.factories import (
    ActivityFactory,
    PhaseFactory,
    RetreatFactory,
    StakeholderGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def retreat(cast):
    return RetreatFactory(
        phase=PhaseFactory(engagement=cast.engagement),
        title="Data retreat",
        join_code="K7P2QX",
        is_open=True,
    )


@pytest.fixture
def swot(retreat):
    return ActivityFactory(retreat=retreat, kind=Activity.Kind.SWOT, title="SWOT", prompt="")


def board_url(activity):
    return reverse("retreats:board", args=[activity.retreat_id, activity.pk])


def join_code_url(retreat):
    return reverse("retreats:join-code", args=[retreat.join_code])


def join_as_guest(client, retreat, name="Sam", group="none"):
    response = client.post(
        join_code_url(retreat), {"display_name": name, "stakeholder_group": group}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Participant.objects.filter(retreat=retreat).latest("joined_at"), response


# --- guests --------------------------------------------------------------------------------------


def test_a_guest_joins_with_the_code_and_lands_on_the_board(client, cast, retreat, swot):
    parents = StakeholderGroupFactory(engagement=cast.engagement, name="Parents")
    StakeholderGroupFactory(engagement=cast.foreign_engagement, name="Foreign donors")

    page = client.get(reverse("retreats:join"))
    assert page.status_code == 200
    assert "Join code" in page.content.decode()

    # Case and spaces do not matter.
    response = client.post(reverse("retreats:join"), {"code": " k7p 2qx "})
    assert response.status_code == 302
    assert response.url == join_code_url(retreat)

    page = client.get(response.url).content.decode()
    assert "Data retreat" in page and "Riverside Unified School District" in page
    assert "Parents" in page and "I’d rather not say" in page
    assert "Foreign donors" not in page

    guest, response = join_as_guest(client, retreat, name="  Ana  López ", group=str(parents.pk))
    assert response.url == board_url(swot)
    assert guest.display_name == "Ana López"
    assert guest.stakeholder_group == parents
    assert guest.membership is None
    assert client.session[GUEST_SESSION_KEY.format(retreat_id=retreat.pk)]
    board = client.get(response.url)
    assert board.status_code == 200
    assert "you are Ana López" in board.content.decode()


def test_a_guest_may_keep_their_group_to_themselves(client, retreat, swot):
    guest, _ = join_as_guest(client, retreat, group="none")
    assert guest.stakeholder_group is None


def test_a_guest_must_give_a_name_and_choose_a_group(client, retreat):
    response = client.post(join_code_url(retreat), {"display_name": "   ", "stakeholder_group": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Tell the room what to call you." in page
    assert "Choose your group, or “I’d rather not say”." in page
    assert not Participant.objects.exists()


def test_a_wrong_code_gets_a_plain_error_and_keeps_what_was_typed(client, retreat):
    response = client.post(reverse("retreats:join"), {"code": "ZZZ999"})
    assert response.status_code == 400
    page = response.content.decode()
    assert WRONG_CODE in page
    assert 'value="ZZZ999"' in page
    assert "Data retreat" not in page


def test_a_closed_retreat_says_only_that_no_open_retreat_has_the_code(client, retreat):
    retreat.is_open = False
    retreat.save()
    for response in (
        client.post(reverse("retreats:join"), {"code": "K7P2QX"}),
        client.get(join_code_url(retreat)),
        client.post(join_code_url(retreat), {"display_name": "Sam", "stakeholder_group": "none"}),
    ):
        assert response.status_code in (200, 400)
        page = response.content.decode()
        assert WRONG_CODE in page
        assert "Data retreat" not in page
    assert not Participant.objects.exists()


SCHOOL = "203.0.113.10"  # one school network: every phone in the room has this address


def test_wrong_codes_are_limited_per_address(client, retreat, settings):
    settings.JOIN_CODE_FAILURE_RATE = "5/10m"
    for attempt in range(5):
        response = client.post(reverse("retreats:join"), {"code": f"WRONG{attempt}"})
        assert response.status_code == 400
    # Once the tries are used up, a code nobody at this address has used yet is refused like a
    # wrong one, so a guesser cannot tell a hit from a miss.
    for response in (
        client.post(reverse("retreats:join"), {"code": "ZZZ999"}),
        client.post(reverse("retreats:join"), {"code": "K7P2QX"}),
        client.get(join_code_url(retreat)),
    ):
        assert response.status_code == 429
        assert TOO_MANY_TRIES in response.content.decode()
    # Another address is not held back.
    other = client.post(reverse("retreats:join"), {"code": "K7P2QX"}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_a_prankster_s_wrong_codes_do_not_stop_the_room_joining(cast, retreat, swot):
    """The facilitator puts the QR code up from the school network; a pupil then sends 40 wrong
    codes (plain GETs of /j/CODE/); the room still joins by QR link and by typing the code."""
    laptop = Client(REMOTE_ADDR=SCHOOL)
    laptop.force_login(cast.facilitator)
    assert laptop.get(reverse("retreats:projector", args=[retreat.pk, swot.pk])).status_code == 200
    prankster = Client(REMOTE_ADDR=SCHOOL)
    for attempt in range(40):
        prankster.get(reverse("retreats:join-code", args=[f"BAD{attempt:03d}"]))
    assert prankster.get(reverse("retreats:join-code", args=["BAD999"])).status_code == 429
    for number in range(3):
        phone = Client(REMOTE_ADDR=SCHOOL)
        assert phone.get(join_code_url(retreat)).status_code == 200  # the QR link
        join_as_guest(phone, retreat, name=f"Zoë {number}")
    typed = Client(REMOTE_ADDR=SCHOOL)
    assert typed.post(reverse("retreats:join"), {"code": "k7p2qx"}).status_code == 302
    assert retreat.participants.count() == 3


def test_once_someone_joined_from_the_address_the_code_keeps_working_there(retreat, swot):
    first = Client(REMOTE_ADDR=SCHOOL)
    join_as_guest(first, retreat, name="Early bird")
    prankster = Client(REMOTE_ADDR=SCHOOL)
    for attempt in range(35):
        prankster.post(reverse("retreats:join"), {"code": f"BAD{attempt:03d}"})
    late = Client(REMOTE_ADDR=SCHOOL)
    join_as_guest(late, retreat, name="Late comer")
    assert retreat.participants.count() == 2


def test_a_retreat_opened_or_joined_by_a_member_from_the_address_keeps_its_code_there(
    cast, retreat, swot
):
    retreat.is_open = False
    retreat.save()
    laptop = Client(REMOTE_ADDR=SCHOOL)
    laptop.force_login(cast.facilitator)
    assert (
        laptop.post(reverse("retreats:retreat-open", args=[retreat.pk]), {"on": "1"}).status_code
        == 302
    )
    prankster = Client(REMOTE_ADDR=SCHOOL)
    for attempt in range(31):
        prankster.get(reverse("retreats:join-code", args=[f"BAD{attempt:03d}"]))
    join_as_guest(Client(REMOTE_ADDR=SCHOOL), retreat, name="Ayşe")
    # The same for a retreat a member joined from the engagement page on that network.
    cache.clear()
    member = Client(REMOTE_ADDR=SCHOOL)
    member.force_login(cast.plan_team)
    assert member.post(reverse("retreats:member-join", args=[retreat.pk])).status_code == 302
    for attempt in range(31):
        prankster.get(reverse("retreats:join-code", args=[f"BAD{attempt:03d}"]))
    join_as_guest(Client(REMOTE_ADDR=SCHOOL), retreat, name="Mateo")


def test_a_brute_force_is_still_stopped(cast, retreat, swot):
    """Past the limit a guesser learns nothing: the code of a retreat nobody at this address
    has joined or shown is refused exactly like a wrong one."""
    elsewhere = RetreatFactory(
        phase=PhaseFactory(engagement=cast.engagement), join_code="M4N8RT", is_open=True
    )
    ActivityFactory(retreat=elsewhere)
    join_as_guest(Client(REMOTE_ADDR=SCHOOL), retreat)  # the room's own retreat
    guesser = Client(REMOTE_ADDR=SCHOOL)
    answers = [
        guesser.get(reverse("retreats:join-code", args=[f"BAD{attempt:03d}"])).status_code
        for attempt in range(30)
    ]
    assert set(answers) == {200}  # wrong code: the form again, with the message
    hit = guesser.get(reverse("retreats:join-code", args=["M4N8RT"]))
    miss = guesser.get(reverse("retreats:join-code", args=["BAD999"]))
    assert hit.status_code == miss.status_code == 429
    assert TOO_MANY_TRIES in hit.content.decode()
    assert "M4N8RT" not in hit.content.decode().replace('value="M4N8RT"', "")
    assert not elsewhere.participants.exists()


def test_a_room_behind_one_address_joins_with_the_right_code(client, retreat, swot, settings):
    settings.JOIN_CODE_FAILURE_RATE = "5/10m"
    for number in range(12):
        client.cookies.clear()
        join_as_guest(client, retreat, name=f"Person {number}")
    assert retreat.participants.count() == 12


def test_joining_goes_on_when_the_cache_is_down(client, retreat, swot, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise OSError("cache unreachable")

    monkeypatch.setattr("engagements.throttle.get_usage", broken)
    monkeypatch.setattr("engagements.throttle._cache", broken)
    with caplog.at_level(logging.ERROR, logger="engagements.throttle"):
        assert client.post(reverse("retreats:join"), {"code": "K7P2QX"}).status_code == 302
        join_as_guest(client, retreat)
    assert "Throttle unavailable" in caplog.text


def test_a_guest_scanning_the_code_again_is_not_joined_twice(client, retreat, swot):
    join_as_guest(client, retreat)
    again = client.get(join_code_url(retreat))
    assert again.status_code == 302
    assert again.url == board_url(swot)
    assert retreat.participants.count() == 1


def test_a_guest_reaches_only_their_retreat_and_never_the_projector(client, cast, retreat, swot):
    join_as_guest(client, retreat)
    other = RetreatFactory(phase=PhaseFactory(engagement=cast.engagement), is_open=True)
    other_board = ActivityFactory(retreat=other)
    assert client.get(board_url(other_board)).status_code == 404
    assert client.get(reverse("retreats:retreat", args=[other.pk])).status_code == 404
    add = reverse("retreats:card-add", args=[other.pk, other_board.pk])
    assert client.post(add, {"text": "Sneaky"}).status_code == 404
    assert not other_board.cards.exists()
    # The projector is for the facilitator's signed-in laptop: a guest is sent to sign in.
    projector = client.get(reverse("retreats:projector", args=[retreat.pk, swot.pk]))
    assert projector.status_code == 302
    assert projector.url.startswith(reverse("accounts:sign-in"))
    live = client.get(
        reverse("retreats:projector-live", args=[retreat.pk, swot.pk]),
        headers={"HX-Request": "true"},
    )
    assert live.status_code == 302
    # Joining as a member is for members.
    assert client.post(reverse("retreats:member-join", args=[retreat.pk])).status_code == 302
    assert retreat.participants.count() == 1


def test_a_guest_is_shown_out_when_the_retreat_closes(client, retreat, swot):
    join_as_guest(client, retreat)
    services.retreat_set_open(retreat=retreat, is_open=False)
    response = client.get(board_url(swot))
    assert response.status_code == 403
    assert "This retreat is closed now" in response.content.decode()
    # A board that is polling reloads itself, to show that page, instead of polling on.
    live = client.get(
        reverse("retreats:board-live", args=[retreat.pk, swot.pk]) + "?v=0",
        headers={"HX-Request": "true"},
    )
    assert live["HX-Refresh"] == "true"


# --- members -------------------------------------------------------------------------------------


def test_a_member_joins_from_the_retreat_page_and_lands_on_the_current_board(
    client, cast, retreat, swot
):
    done = ActivityFactory(retreat=retreat, position=0, stage=Activity.Stage.RESULTS)
    swot.position = 1
    swot.save()
    client.force_login(cast.plan_team)
    home = client.get(reverse("retreats:retreat", args=[retreat.pk])).content.decode()
    assert "Join the retreat" in home
    assert done.title in home and "Results" in home

    response = client.post(reverse("retreats:member-join", args=[retreat.pk]))
    assert response.status_code == 302
    assert response.url == board_url(swot)
    participant = Participant.objects.get(retreat=retreat)
    assert participant.membership.user == cast.plan_team
    assert participant.display_name == cast.plan_team.get_full_name()
    home = client.get(reverse("retreats:retreat", args=[retreat.pk])).content.decode()
    assert "Join the retreat" not in home
    assert "You take part as" in home


def join_form(retreat):
    return f'action="{reverse("retreats:member-join", args=[retreat.pk])}"'


@pytest.fixture
def closed(cast):
    return RetreatFactory(
        phase=PhaseFactory(engagement=cast.engagement), title="Vision retreat", is_open=False
    )


def test_the_engagement_page_has_a_join_button_on_each_open_retreat(client, cast, retreat, closed):
    client.force_login(cast.board)
    page = client.get(reverse("engagements:detail", args=[cast.engagement.pk])).content.decode()
    assert join_form(retreat) in page
    assert 'Join<span class="visually-hidden"> “Data retreat”</span></button>' in page
    assert join_form(closed) not in page  # a closed retreat cannot be joined


def test_the_home_page_lists_the_retreats_open_now_with_a_join_button(
    client, cast, retreat, closed
):
    client.force_login(cast.plan_team)
    page = client.get(reverse("engagements:home")).content.decode()
    assert "Retreats open now" in page
    assert join_form(retreat) in page
    assert 'Join<span class="visually-hidden"> “Data retreat”</span></button>' in page
    assert "Vision retreat" not in page and join_form(closed) not in page
    # Once she has joined, the button takes her back to the room instead.
    client.post(reverse("retreats:member-join", args=[retreat.pk]))
    page = client.get(reverse("engagements:home")).content.decode()
    assert join_form(retreat) in page
    assert "Back to the retreat" in page


def test_the_home_page_shows_no_retreat_of_another_organization(client, cast, retreat):
    client.force_login(cast.outsider)
    RetreatFactory(phase=PhaseFactory(engagement=cast.foreign_engagement), is_open=True)
    page = client.get(reverse("engagements:home")).content.decode()
    assert "Data retreat" not in page and join_form(retreat) not in page


def test_the_home_page_says_nothing_of_retreats_when_none_is_open(client, cast, closed):
    client.force_login(cast.core_team)
    page = client.get(reverse("engagements:home")).content.decode()
    assert "Retreats open now" not in page


def test_a_closed_retreat_cannot_be_joined(client, cast, closed):
    client.force_login(cast.plan_team)
    response = client.post(reverse("retreats:member-join", args=[closed.pk]), follow=True)
    assert response.redirect_chain[0][0] == reverse("retreats:retreat", args=[closed.pk])
    page = response.content.decode()
    assert "“Vision retreat” is not open for joining" in page
    assert "Join the retreat" not in page
    assert not closed.participants.exists()


def test_a_member_who_uses_the_code_joins_as_themselves(client, cast, retreat, swot):
    client.force_login(cast.board)
    page = client.get(join_code_url(retreat)).content.decode()
    assert "you join as yourself" in page
    assert "Your name" not in page
    response = client.post(join_code_url(retreat), {"display_name": "Someone else"})
    assert response.status_code == 302
    assert response.url == board_url(swot)
    participant = Participant.objects.get(retreat=retreat)
    assert participant.membership.user == cast.board
    assert not participant.is_guest


def test_a_member_of_another_organization_joins_by_code_as_a_guest(client, cast, retreat, swot):
    client.force_login(cast.outsider)
    guest, _ = join_as_guest(client, retreat, name="Olive")
    assert guest.is_guest
    assert client.get(board_url(swot)).status_code == 200


def test_only_the_facilitator_sees_the_projector_link(client, cast, retreat, swot):
    projector = reverse("retreats:projector", args=[retreat.pk, swot.pk])
    client.force_login(cast.facilitator)
    assert projector in client.get(reverse("retreats:retreat", args=[retreat.pk])).content.decode()
    client.force_login(cast.core_team)
    assert (
        projector not in client.get(reverse("retreats:retreat", args=[retreat.pk])).content.decode()
    )
    assert client.get(projector).status_code == 403


# --- outsiders -----------------------------------------------------------------------------------


def participant_urls(retreat, activity):
    r, a = retreat.pk, activity.pk
    return [
        ("get", reverse("retreats:retreat", args=[r])),
        ("post", reverse("retreats:member-join", args=[r])),
        ("get", reverse("retreats:board", args=[r, a])),
        ("get", reverse("retreats:board-live", args=[r, a]) + "?v=0"),
        ("post", reverse("retreats:card-add", args=[r, a])),
        ("post", reverse("retreats:vote", args=[r, a])),
        ("get", reverse("retreats:projector", args=[r, a])),
        ("get", reverse("retreats:projector-live", args=[r, a]) + "?v=0"),
    ]


def test_an_outsider_gets_404_on_every_url(client, cast, retreat, swot):
    client.force_login(cast.outsider)
    for method, url in participant_urls(retreat, swot):
        for headers in ({}, {"HX-Request": "true"}):
            response = getattr(client, method)(url, headers=headers)
            if "live" in url and headers:
                # A poll that lost its board reloads the page, which then says 404.
                assert response["HX-Refresh"] == "true", url
                assert not response.content
            else:
                assert response.status_code == 404, f"{method} {url} {headers}"
    assert not Participant.objects.exists()


def test_a_board_of_another_retreat_is_404_through_this_one(client, cast, retreat, swot):
    other = ActivityFactory(retreat=RetreatFactory(phase=PhaseFactory(engagement=cast.engagement)))
    client.force_login(cast.facilitator)
    for method, url in participant_urls(retreat, other):
        if "join" in url or url.endswith(f"{retreat.pk}/"):
            continue
        response = getattr(client, method)(url)
        assert response.status_code == 404, f"{method} {url}"
