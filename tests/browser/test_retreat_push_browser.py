"""A room on server push (README, "Live updates"): three phones, the projector and the console
on one board. A card added on one phone reaches the others, the projector and the console within
2 seconds over the event stream, with no page asking `live/` every second meanwhile; when a
stream is cut, that page falls back to polling and still gets the next card. A page that missed
an event, had a fetch fail, or whose stream ended or went silent asks again and ends with every
card."""

import re
import time

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from engagements.models import Role
from retreats import services
from retreats.models import Activity
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    ParticipantFactory,
    PhaseFactory,
    RetreatFactory,
    StakeholderGroupFactory,
    UserFactory,
)

LIVE = 2_000  # ms
PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 900}
PROJECTOR = {"width": 1920, "height": 1080}


@pytest.fixture
def room(riverside, settings):
    settings.LIVE_PUSH = True
    settings.LIVE_PUSH_WSGI_STREAMS = 10  # five screens on the one test server
    settings.LIVE_PUSH_WSGI_SECONDS = 30  # long streams: none ends while asks are counted
    engagement = riverside["engagement"]
    StakeholderGroupFactory(engagement=engagement, name="Parents")
    facilitator = UserFactory(email="dana@facilitation.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    retreat = RetreatFactory(
        phase=PhaseFactory(engagement=engagement, name="Vision retreat"),
        title="Vision retreat",
        join_code="PUSH42",
        is_open=True,
    )
    activity = services.activity_add(
        retreat=retreat, kind=Activity.Kind.BRAINSTORM, prompt="What should change by 2030?"
    )
    services.activity_update(activity=activity, private_until_revealed=False)
    return {"retreat": retreat, "activity": activity, "facilitator": facilitator}


def sign_in(page, user):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def join(phone, name):
    phone.goto(phone.live_server_url + "/j/PUSH42/")
    phone.get_by_label("Your name").fill(name)
    phone.get_by_label("Which group are you part of?").select_option(label="Parents")
    phone.get_by_role("button", name="Join the retreat").click()
    expect(phone.get_by_text(f"Welcome, {name}!")).to_be_visible()


def polls(page) -> list[float]:
    """The moments this page asked its region's `live/` address."""
    asked: list[float] = []
    page.on("request", lambda r: "/live/" in r.url and asked.append(time.monotonic()))
    return asked


def settled(asked: list[float], quiet: float = 1.5, most: float = 10) -> None:
    """Wait until a page has not asked for `quiet` seconds (its connect-time fetch is done)."""
    began = time.monotonic()
    while time.monotonic() - began < most:
        last = asked[-1] if asked else began
        if time.monotonic() - last >= quiet:
            return
        time.sleep(0.1)


def streaming(page):
    expect(page.locator("#live-push")).to_have_attribute("data-state", "streaming")


def add_card(phone, text):
    phone.get_by_label("Your idea").fill(text)
    phone.get_by_role("button", name="Add the card").click()
    expect(phone.locator("#board-announce")).to_have_text("Your card is on the board.")


def test_three_phones_the_projector_and_the_console_get_cards_over_push(page, new_page, room):
    activity, retreat = room["activity"], room["retreat"]
    phones = []
    for name in ("Ana", "Ben", "Cleo"):
        phone = new_page(viewport=PHONE)
        join(phone, name)
        phones.append(phone)
    page.set_viewport_size(LAPTOP)
    sign_in(page, room["facilitator"])
    page.goto(page.live_server_url + reverse("retreats:console", args=[retreat.pk, activity.pk]))
    projector = new_page(viewport=PROJECTOR)
    sign_in(projector, room["facilitator"])
    projector.goto(
        projector.live_server_url + reverse("retreats:projector", args=[retreat.pk, activity.pk])
    )
    screens = [*phones, projector, page]
    asked = {id(screen): polls(screen) for screen in screens}
    for screen in screens:
        streaming(screen)
    for screen in screens:  # the console asks once as its stream opens (who is in the room)
        settled(asked[id(screen)])
        asked[id(screen)].clear()
    watching_since = time.monotonic()

    # Ana adds a card: the two other phones, the projector and the console show it within 2 s.
    ana, ben, cleo = phones
    idea = "Every student leaves with a plan"
    ana.get_by_label("Your idea").fill(idea)
    ben.get_by_label("Your idea").fill("Half-typed wor")  # Ben is typing meanwhile
    ben.get_by_label("Your idea").focus()
    ana.get_by_role("button", name="Add the card").click()
    for phone in (ben, cleo):
        expect(phone.locator(".idea-card", has_text=idea)).to_be_visible(timeout=LIVE)
        expect(phone.get_by_role("heading", name="Cards (1)")).to_be_visible()
    expect(projector.locator(".projector-card", has_text=idea)).to_be_visible(timeout=LIVE)
    expect(page.locator(".mod-card__text", has_text=idea)).to_be_visible(timeout=LIVE)
    # Ana's own card is marked as hers; Ben kept his words and his place in the form.
    mine = ana.locator(".idea-card--mine", has_text=idea)
    expect(mine).to_be_visible(timeout=LIVE)
    expect(mine).to_contain_text("Your card")
    expect(ben.locator(".idea-card--mine")).to_have_count(0)
    expect(ben.get_by_label("Your idea")).to_have_value("Half-typed wor")
    expect(ben.get_by_label("Your idea")).to_be_focused()

    # Over 8 seconds nobody polled each second (that would be 8 asks or more): the phones put the
    # card in place (or fetched: the first card of an empty board has no list to go in), the
    # projector and console fetched for it; a fetch answered with the room's previous rendering
    # (another request rendering the newest) is asked again once, by design.
    time.sleep(max(0, 8 - (time.monotonic() - watching_since)))
    for screen in screens:
        assert len(asked[id(screen)]) <= 2, f"{screen.url} asked {len(asked[id(screen)])} times"

    # Cleo's and the projector's streams are cut (their network changed, and the server cannot
    # be reached for streams): they go back to polling, and still get cards.
    for screen in (cleo, projector):
        screen.route(re.compile(r".*/events/.*"), lambda route: route.abort())
        screen.evaluate("window.dispatchEvent(new Event('online'))")
    for screen in (cleo, projector):
        expect(screen.locator("#live-push")).to_have_attribute(
            "data-state", "polling", timeout=10_000
        )
    add_card(ben, "Later start for the high schools")
    for screen in (ana, cleo):
        expect(screen.locator(".idea-card", has_text="Later start")).to_be_visible(timeout=LIVE)
    expect(projector.locator(".projector-card", has_text="Later start")).to_be_visible(timeout=LIVE)
    expect(page.locator(".mod-card__text", has_text="Later start")).to_be_visible(timeout=LIVE)
    expect(ana.get_by_role("heading", name="Cards (2)")).to_be_visible()
    expect(ben.locator(".idea-card--mine", has_text="Later start")).to_be_visible(timeout=LIVE)


def test_a_stage_change_reaches_the_phone_over_push_and_the_form_follows(page, new_page, room):
    activity, retreat = room["activity"], room["retreat"]
    phone = new_page(viewport=PHONE)
    join(phone, "Ana")
    streaming(phone)
    page.set_viewport_size(LAPTOP)
    sign_in(page, room["facilitator"])
    page.goto(page.live_server_url + reverse("retreats:console", args=[retreat.pk, activity.pk]))
    streaming(page)
    page.get_by_role("button", name="Lock the board").click()
    expect(phone.get_by_text("The facilitator has paused adding cards")).to_be_visible(timeout=LIVE)
    page.get_by_role("button", name="Unlock the board").click()
    expect(phone.get_by_label("Your idea")).to_be_visible(timeout=LIVE)


def stream_opens(page) -> list[str]:
    """The addresses of the event streams this page opened."""
    opened: list[str] = []
    page.on("request", lambda r: "/events/" in r.url and opened.append(r.url))
    return opened


def test_streams_that_end_are_opened_again_with_the_page_version(page, new_page, room, settings):
    settings.LIVE_PUSH_WSGI_SECONDS = 2  # streams end and come back during the test
    activity, retreat = room["activity"], room["retreat"]
    projector = new_page(viewport=PROJECTOR)
    sign_in(projector, room["facilitator"])
    projector.goto(
        projector.live_server_url + reverse("retreats:projector", args=[retreat.pk, activity.pk])
    )
    streaming(projector)
    page.set_viewport_size(PHONE)
    join(page, "Ana")
    streaming(page)
    writer = new_page(viewport=PHONE)
    join(writer, "Ben")

    for number in range(1, 4):  # a card, then the phone's stream ends and is opened again
        add_card(writer, f"Card number {number}")
        for screen, card in ((page, ".idea-card"), (projector, ".projector-card")):
            expect(screen.locator(card, has_text=f"Card number {number}")).to_be_visible(
                timeout=LIVE
            )
        version = page.locator("#board-live").get_attribute("data-version")
        # Opened by the page itself with the version it shows (the browser's own reconnect would
        # send only the last event's id).
        with page.expect_request(lambda r: "/events/" in r.url, timeout=5_000) as opened:
            pass
        assert re.search(rf"[?&]v={version}$", opened.value.url), (version, opened.value.url)
    expect(page.get_by_role("heading", name="Cards (3)")).to_be_visible(timeout=LIVE)
    expect(page.locator(".idea-card")).to_have_count(3)
    expect(projector.locator(".projector-card")).to_have_count(3)
    expect(page.locator("#live-push")).to_have_attribute("data-state", "streaming")


def _guest(retreat, name):
    return retreat.participants.get(display_name=name)


def test_a_missed_event_makes_the_phone_fetch_and_show_every_card(page, new_page, room, settings):
    activity, retreat = room["activity"], room["retreat"]
    page.set_viewport_size(PHONE)
    join(page, "Ana")
    streaming(page)
    other = new_page(viewport=PHONE)
    join(other, "Ben")
    ben = _guest(retreat, "Ben")

    # A card whose event never goes out (as if lost between two streams), then one that does:
    # the phone sees a gap in versions, fetches its board, and shows both, once each.
    settings.LIVE_PUSH = False
    services.card_add(activity=activity, participant=ben, text="Lost on the way")
    settings.LIVE_PUSH = True
    asked = polls(page)
    add_card(other, "Came with its event")
    for text in ("Lost on the way", "Came with its event"):
        expect(page.locator(".idea-card", has_text=text)).to_have_count(1, timeout=LIVE)
    expect(page.get_by_role("heading", name="Cards (2)")).to_be_visible()
    assert asked, "the phone should have fetched its board for the gap"


def test_a_failed_fetch_is_tried_again_and_the_projector_catches_up(page, new_page, room):
    # (The projector has no "Connection lost" banner whose polls would catch up on the phone.)
    activity, retreat = room["activity"], room["retreat"]
    phone = new_page(viewport=PHONE)
    join(phone, "Ana")
    page.set_viewport_size(PROJECTOR)
    sign_in(page, room["facilitator"])
    page.goto(page.live_server_url + reverse("retreats:projector", args=[retreat.pk, activity.pk]))
    streaming(page)
    failed: list[str] = []

    def fail_once(route):
        if failed:
            route.continue_()
        else:
            failed.append(route.request.url)
            route.fulfill(status=500, body="Server error")

    page.route(re.compile(r".*/live/.*"), fail_once)
    asked = polls(page)
    add_card(phone, "Shown after all")  # its event: the projector fetches, gets a 500, asks again
    expect(page.locator(".projector-card", has_text="Shown after all")).to_be_visible(timeout=LIVE)
    assert len(failed) == 1 and len(asked) >= 2, (failed, asked)


def test_a_silent_stream_is_opened_again(page, room):
    activity, retreat = room["activity"], room["retreat"]
    page.set_viewport_size(PHONE)
    join(page, "Ana")
    streaming(page)
    # From now on streams open but never say a word (a proxy that holds them, a dead network).
    held: list = []
    page.route(re.compile(r".*/events/.*"), lambda route: held.append(route))
    page.locator("#live-push").evaluate("span => { span.dataset.silenceMs = '1500'; }")
    with page.expect_request(lambda r: "/events/" in r.url, timeout=3_000):
        page.evaluate("window.dispatchEvent(new Event('online'))")  # a fresh stream: it hangs
    began = time.monotonic()
    with (
        page.expect_request(lambda r: "/live/" in r.url, timeout=4_000),  # it asks once, and
        page.expect_request(lambda r: "/events/" in r.url, timeout=4_000),  # opens again
    ):
        pass
    assert time.monotonic() - began < 3.5
    # With the stream still silent the page falls back to polling, and cards still come.
    expect(page.locator("#live-push")).to_have_attribute("data-state", "polling", timeout=10_000)
    services.card_add(activity=activity, participant=_guest(retreat, "Ana"), text="Still here")
    expect(page.locator(".idea-card", has_text="Still here")).to_be_visible(timeout=LIVE)


def test_the_console_asks_once_as_its_stream_opens(page, room):
    activity, retreat = room["activity"], room["retreat"]
    page.set_viewport_size(LAPTOP)
    sign_in(page, room["facilitator"])
    asked = polls(page)
    page.goto(page.live_server_url + reverse("retreats:console", args=[retreat.pk, activity.pk]))
    streaming(page)
    settled(asked, quiet=2)
    assert len(asked) == 1, f"the console asked {len(asked)} times as its stream opened"


def test_an_own_card_answered_late_is_marked_once(page, room):
    """The card's markup does not say who wrote it: the writer's page learns its id from the
    answer (`live:mine`). However the card came (its event before the answer, or a fetch), it
    ends up marked as the writer's, once."""
    page.set_viewport_size(PHONE)
    join(page, "Dana")
    streaming(page)
    add_card(page, "First idea: a list for the next one to go in")
    expect(page.locator(".idea-card--mine", has_text="First idea")).to_contain_text("Your card")

    def answer_late(route):
        response = route.fetch()
        time.sleep(1.5)  # the card's event reaches the page meanwhile
        route.fulfill(response=response)

    page.route(re.compile(r".*/cards/$"), answer_late)
    page.get_by_label("Your idea").fill("Second idea, answered late")
    page.get_by_role("button", name="Add the card").click()
    expect(page.locator("#board-announce")).to_have_text("Your card is on the board.")
    card = page.locator(".idea-card", has_text="Second idea")
    expect(card).to_have_class(re.compile("idea-card--mine"))
    expect(card.locator(".idea-card__meta")).to_have_text("Your card")


def test_the_answer_naming_a_card_already_shown_marks_it_in_place(page, room):
    """The path of a card whose event came before its writer's answer, made certain: a card on
    the board, unmarked, then `live:mine` names it; it is marked where it is, without a fetch."""
    page.set_viewport_size(PHONE)
    join(page, "Dana")
    streaming(page)
    fetched = polls(page)
    add_card(page, "First idea: a list for the next one to go in")
    expect(page.locator(".idea-card--mine", has_text="First idea")).to_be_visible(timeout=LIVE)
    settled(fetched)  # (the page's own fetches done before this test writes to the database)
    other = ParticipantFactory(retreat=room["retreat"], display_name="Eli")
    card = services.card_add(activity=room["activity"], participant=other, text="Eli’s idea")
    shown = page.locator(".idea-card", has_text="Eli’s idea")
    expect(shown).to_be_visible(timeout=LIVE)
    expect(shown).not_to_have_class(re.compile("idea-card--mine"))
    asked = polls(page)
    page.evaluate("id => htmx.trigger(document.body, 'live:mine', {value: id})", str(card.pk))
    expect(shown).to_have_class(re.compile("idea-card--mine"))
    expect(shown.locator(".idea-card__meta")).to_have_text("Your card")
    page.wait_for_timeout(300)
    assert asked == []  # marked in place: the board was not fetched again
