"""The live shortcut (retreats/live.py): most polls of a board are answered from the cache with
no query at all, yet a change is never answered "nothing changed", a private or personal board
is never shared, and access is only trusted for a session the normal path checked."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from engagements.models import Membership
from retreats import live, services
from retreats.models import Activity, Participant
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def join(retreat, name: str) -> Client:
    client = Client()
    client.post(
        reverse("retreats:join-code", args=[retreat.join_code]),
        {"display_name": name, "stakeholder_group": "none"},
    )
    return client


def open_board(client: Client, activity: Activity) -> None:
    page = client.get(reverse("retreats:board", args=[activity.retreat_id, activity.pk]))
    assert page.status_code == 200


def watching(retreat, activity: Activity, *names: str) -> list[Client]:
    """Guests who joined and opened the board (so the live shortcut may answer them)."""
    clients = [join(retreat, name) for name in names]
    for client in clients:
        open_board(client, activity)
    return clients


def poll(client: Client, activity: Activity, version: int, state: str = "collecting"):
    target = reverse("retreats:board-live", args=[activity.retreat_id, activity.pk])
    return client.get(f"{target}?v={version}&s={state}", headers=HTMX)


def version_of(activity: Activity) -> int:
    return Activity.objects.values_list("version", flat=True).get(pk=activity.pk)


def participant(name: str) -> Participant:
    return Participant.objects.get(display_name=name)


def test_an_unchanged_poll_after_the_page_costs_no_query(
    retreat, activity, django_assert_num_queries
):
    sam = join(retreat, "Sam")
    open_board(sam, activity)
    with django_assert_num_queries(0):
        response = poll(sam, activity, activity.version)
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"


def test_a_change_is_never_answered_nothing_changed(retreat, activity, django_assert_num_queries):
    sam = join(retreat, "Sam")
    open_board(sam, activity)
    old = activity.version
    services.card_add(activity=activity, participant=participant("Sam"), text="Later start")
    response = poll(sam, activity, old)
    assert response.status_code == 200
    assert "Later start" in response.content.decode()
    assert f'data-version="{version_of(activity)}"' in response.content.decode()


def test_notes_landing_out_of_order_still_show_the_change(retreat, activity):
    sam = join(retreat, "Sam")
    open_board(sam, activity)
    current = activity.version
    # Two concurrent writers noted current+2 before current+1 (its own 1, and 0 for current+1)...
    live.version_moved(activity.pk, current + 2)
    live.version_moved(activity.pk, current + 1)
    # ... so current+1 reads 1 again, but current+2 exists: the poll is not answered 204.
    Activity.objects.filter(pk=activity.pk).update(version=current + 2)
    response = poll(sam, activity, current + 1)
    assert response.status_code == 200
    assert f'data-version="{current + 2}"' in response.content.decode()


def test_a_cleared_cache_falls_back_to_the_normal_path(
    retreat, activity, django_assert_num_queries
):
    sam = join(retreat, "Sam")
    open_board(sam, activity)
    cache.clear()
    # the session (now from the database), then the access check: the board with its retreat,
    # the guest
    with django_assert_num_queries(3):
        assert poll(sam, activity, activity.version).status_code == 204


def test_the_shared_board_reaches_other_screens_without_a_query(
    retreat, activity, django_assert_num_queries
):
    sam, ana = watching(retreat, activity, "Sam", "Ana")
    old = activity.version
    services.card_add(activity=activity, participant=participant("Sam"), text="Later start")
    first = poll(ana, activity, old)  # renders the new board once, for the room
    assert "Later start" in first.content.decode()
    with django_assert_num_queries(0):
        response = poll(sam, activity, old)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Later start" in body
    assert "Your card" in body  # Sam's own card is marked for Sam ...
    assert "Your card" not in first.content.decode()  # ... and not for Ana
    assert "<!--" not in body and "__OOB__" not in body
    assert "hx-swap-oob" not in body


def test_the_timer_is_counted_for_each_answer(retreat, activity, django_assert_num_queries):
    sam, ana = watching(retreat, activity, "Sam", "Ana")
    old = activity.version
    services.activity_set_timer(activity=activity, minutes=5)
    poll(ana, activity, old)
    with django_assert_num_queries(0):
        body = poll(sam, activity, old).content.decode()
    assert 'data-seconds-left="299"' in body or 'data-seconds-left="300"' in body
    assert "__TIMER" not in body


def test_private_cards_are_never_shared(retreat, django_assert_num_queries):
    activity = ActivityFactory(retreat=retreat)
    services.activity_update(activity=activity, private_until_revealed=True)
    activity = Activity.objects.get(pk=activity.pk)
    sam, ana = watching(retreat, activity, "Sam", "Ana")
    old = activity.version
    services.card_add(activity=activity, participant=participant("Sam"), text="Sam secret idea")
    assert "Sam secret idea" in poll(sam, activity, old).content.decode()
    body = poll(ana, activity, old).content.decode()
    assert "Sam secret idea" not in body
    assert cache.get(live.region_key(activity.pk, "collecting")) is None


def test_each_voter_gets_their_own_board(retreat, activity):
    services.activity_update(activity=activity, votes_live=True)
    sam, ana = join(retreat, "Sam"), join(retreat, "Ana")
    card = services.card_add(activity=activity, participant=participant("Sam"), text="Later start")
    services.activity_set_stage(activity=activity, stage=Activity.Stage.VOTING)
    activity = Activity.objects.get(pk=activity.pk)
    open_board(sam, activity)
    open_board(ana, activity)
    old = activity.version
    services.vote_add(activity=activity, participant=participant("Sam"), card=card, theme=None)
    budget = activity.budget()
    sams = poll(sam, activity, old, "voting").content.decode()
    assert f"You have {budget - 1} of {budget} dots left." in sams
    anas = poll(ana, activity, old, "voting").content.decode()
    assert f"You have {budget} of {budget} dots left." in anas


def test_only_a_session_the_normal_path_checked_is_trusted(retreat, activity, cast):
    sam = join(retreat, "Sam")
    open_board(sam, activity)
    live.version_seen(activity.pk, activity.version)
    outsider = Client()
    outsider.force_login(cast.outsider)
    stranger = Client()  # no session at all
    for client in (outsider, stranger):
        response = poll(client, activity, activity.version)
        assert response.status_code == 200  # htmx is told to reload the page, which says 404
        assert response["HX-Refresh"] == "true"
        assert response.content == b""


def test_a_closed_retreat_is_noticed_by_a_watching_screen(retreat, activity):
    sam = join(retreat, "Sam")
    open_board(sam, activity)
    services.retreat_set_open(retreat=retreat, is_open=False)  # moves every board's version
    response = poll(sam, activity, activity.version)
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"


def test_access_is_checked_again_once_the_grant_lapses(client, cast, activity):
    client.force_login(cast.plan_team)
    open_board(client, activity)
    assert poll(client, activity, activity.version).status_code == 204
    Membership.objects.filter(user=cast.plan_team, engagement=cast.engagement).delete()
    session_key = client.session.session_key
    cache.delete(f"retreats:grant:{session_key}:{activity.pk}")  # GRANT_SECONDS have passed
    response = poll(client, activity, activity.version)
    assert response["HX-Refresh"] == "true"


def test_the_writer_sees_their_own_card_even_when_a_recent_rendering_exists(
    retreat, activity, settings
):
    settings.LIVE_BOARD_MAX_STALENESS = 60  # every rendering counts as recent
    settings.LIVE_PUSH = (
        False  # with push the card comes by its event (tests/retreats/test_push.py)
    )
    sam = join(retreat, "Sam")
    open_board(sam, activity)
    poll(sam, activity, 0)  # the room's rendering, without the new card
    target = reverse("retreats:card-add", args=[activity.retreat_id, activity.pk])
    response = sam.post(target, {"text": "Later start"}, headers=HTMX)
    assert "Later start" in response.content.decode()


def test_while_one_request_renders_the_newest_board_the_others_send_the_latest(
    retreat, activity, django_assert_num_queries
):
    sam, ana = watching(retreat, activity, "Sam", "Ana")
    old = activity.version
    services.card_add(activity=activity, participant=participant("Sam"), text="First idea")
    poll(ana, activity, old)  # renders the board with the first idea
    services.card_add(activity=activity, participant=participant("Ana"), text="Second idea")
    key = live.region_key(activity.pk, "collecting")
    assert live.start_rendering(key)  # as if another request were rendering it right now
    with django_assert_num_queries(0):
        body = poll(sam, activity, old).content.decode()
    assert "First idea" in body and "Second idea" not in body  # newer than what Sam had
    live.store_region(key, version_of(activity), "<div>…</div>", None)  # that one is done
    assert live.start_rendering(key)  # the claim went with it


def test_card_text_and_names_are_escaped_on_the_shared_board(retreat, activity):
    services.activity_update(activity=activity, show_authors=True)
    sam = join(retreat, "<b>Sam</b>")
    services.card_add(
        activity=activity, participant=participant("<b>Sam</b>"), text="<script>x()</script>"
    )
    body = sam.get(reverse("retreats:board", args=[activity.retreat_id, activity.pk]))
    html = body.content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;" in html and "<script>x()" not in html
    assert "&lt;b&gt;Sam&lt;/b&gt; (you)" in html
