"""Live boards: the poll answers 204 while nothing changed and the fresh board region when
something did, swaps the add-card form only when the stage or lock changes it, and costs a fixed,
small number of queries."""

import re

import pytest
from django.urls import reverse

from retreats import services
from retreats.models import Activity
from tests.factories import CardFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def guest(client, retreat):
    client.post(
        reverse("retreats:join-code", args=[retreat.join_code]),
        {"display_name": "Sam", "stakeholder_group": "none"},
    )
    return client


def live(client, activity, version, state="collecting", name="board-live"):
    target = reverse(f"retreats:{name}", args=[activity.retreat_id, activity.pk])
    return client.get(f"{target}?v={version}&s={state}", headers=HTMX)


def polled_url(body: str) -> str:
    return re.search(r'hx-get="([^"]+)"', body).group(1).replace("&amp;", "&")


def test_the_board_page_polls_its_live_address_with_its_version(guest, activity):
    board = guest.get(reverse("retreats:board", args=[activity.retreat_id, activity.pk]))
    body = board.content.decode()
    assert f'data-version="{activity.version}"' in body
    assert 'hx-trigger="every 1s"' in body
    live_url = reverse("retreats:board-live", args=[activity.retreat_id, activity.pk])
    assert polled_url(body) == f"{live_url}?v={activity.version}&s=collecting"
    # The form lives outside the polled region, so a swap never wipes what is being typed.
    assert body.index('id="card-form-region"') < body.index('id="board-live"')
    region = body[body.index('id="board-live"') :]
    assert "<textarea" not in region


def test_the_poll_is_204_while_nothing_changed(guest, activity, django_assert_num_queries):
    # session, the board (with its version and its retreat), guest; sessions live in the database
    # only, so that Redis trouble never takes signing in down (most polls never get here:
    # retreats/live.py)
    with django_assert_num_queries(3):
        response = live(guest, activity, activity.version)
    assert response.status_code == 204
    assert response.content == b""
    assert "HX-Request" in response["Vary"]
    assert response["Cache-Control"] == "no-store"


def test_a_member_polls_in_five_queries(client, cast, activity, django_assert_num_queries):
    client.force_login(cast.plan_team)
    # session (from the database: README, "Redis trouble"), user, the board with its retreat,
    # membership, participant
    with django_assert_num_queries(5):
        assert live(client, activity, activity.version).status_code == 204


def test_the_poll_brings_a_new_card_without_the_form(guest, retreat, activity):
    CardFactory(activity=activity, text="Later start times")
    services.activity_update(activity=activity, show_authors=False)  # any change bumps it
    response = live(guest, activity, activity.version)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Later start times" in body
    assert "<html" not in body
    assert 'id="card-form-region"' not in body
    fresh = Activity.objects.get(pk=activity.pk).version
    assert f"?v={fresh}&s=collecting" in polled_url(body)
    assert live(guest, activity, fresh).status_code == 204


def test_a_stage_change_also_swaps_the_form_and_says_so(guest, activity):
    services.activity_set_stage(activity=activity, stage=Activity.Stage.VOTING)
    body = live(guest, activity, activity.version).content.decode()
    assert re.search(r'id="card-form-region"[^>]*hx-swap-oob="true"', body)
    assert 'id="add-card"' not in body
    assert '<span hx-swap-oob="innerHTML:#board-announce">Voting is open.</span>' in body
    assert "?v=" in polled_url(body) and polled_url(body).endswith("&s=voting")
    services.activity_lock(activity=activity, locked=True)
    services.activity_set_stage(activity=activity, stage=Activity.Stage.COLLECTING)
    body = live(guest, activity, 0, state="voting").content.decode()
    assert polled_url(body).endswith("&s=collecting-locked")
    assert "paused adding cards" in body
    assert "Adding cards is paused." in body


def test_a_plain_request_for_the_live_address_gets_the_board(guest, activity):
    target = reverse("retreats:board-live", args=[activity.retreat_id, activity.pk])
    response = guest.get(target)
    assert response.status_code == 302
    assert response.url == reverse("retreats:board", args=[activity.retreat_id, activity.pk])


def test_the_board_address_answers_htmx_with_the_region(guest, activity):
    target = reverse("retreats:board", args=[activity.retreat_id, activity.pk])
    body = guest.get(target, headers=HTMX).content.decode()
    assert body.lstrip().startswith('<div id="board-live"')


def test_the_projector_polls_too(client, cast, activity, django_assert_num_queries):
    client.force_login(cast.facilitator)
    page = client.get(reverse("retreats:projector", args=[activity.retreat_id, activity.pk]))
    body = page.content.decode()
    live_url = reverse("retreats:projector-live", args=[activity.retreat_id, activity.pk])
    assert polled_url(body) == f"{live_url}?v={activity.version}"
    # session, user, the board with its retreat, membership, participant
    with django_assert_num_queries(5):
        assert live(client, activity, activity.version, name="projector-live").status_code == 204
    CardFactory(activity=activity, text="Later start times")
    services.activity_set_timer(activity=activity, minutes=5)
    response = live(client, activity, activity.version, name="projector-live")
    body = response.content.decode()
    assert "Later start times" in body
    assert 'data-seconds-left="299"' in body or 'data-seconds-left="300"' in body
    assert "<html" not in body


def test_the_projector_makes_a_long_card_a_button_for_its_full_text(client, cast, activity):
    client.force_login(cast.facilitator)
    long_text = (
        "Les familles <b>nous</b> disent : " + "more counselors, later start times, and " * 11
    ).strip()
    assert 300 < len(long_text) <= 500
    CardFactory(activity=activity, text=long_text)
    CardFactory(activity=activity, text="Later start times")
    page = client.get(reverse("retreats:projector", args=[activity.retreat_id, activity.pk]))
    body = page.content.decode()
    escaped = long_text.replace("<", "&lt;").replace(">", "&gt;")
    # The whole text is in the button (cut short on screen only when the board is full).
    assert re.search(r"<button[^>]*data-card-open[^>]*>" + re.escape(escaped) + "</button>", body)
    assert '<span class="projector-card__text">Later start times</span>' in body
    assert "<b>nous</b>" not in body
    # The pager and the card's dialog live outside the polled region: a refresh leaves them be.
    region_end = body.index('<div class="projector-pager"')
    assert body.index('id="projector-live"') < region_end < body.index("data-card-dialog")
    live_body = live(client, activity, 0, name="projector-live").content.decode()
    assert "data-pager" not in live_body and "data-fit-board" in live_body


def test_the_projector_is_only_for_whoever_runs_the_retreat(client, cast, activity):
    target = reverse("retreats:projector", args=[activity.retreat_id, activity.pk])
    for role in ("core_team", "plan_team", "board", "superintendent"):
        client.force_login(cast.member(role))
        assert client.get(target).status_code == 403
        assert live(client, activity, 0, name="projector-live")["HX-Refresh"] == "true"
