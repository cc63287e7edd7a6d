"""A room on server push (README, "Live updates"): three phones, the projector and the console
on one board. A card added on one phone reaches the others, the projector and the console within
2 seconds over the event stream, with no page asking `live/` every second meanwhile; when a
stream is cut, that page falls back to polling and still gets the next card."""

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
    settings.LIVE_PUSH_WSGI_SECONDS = 4  # streams end and come back during the test
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
    for screen in screens:
        streaming(screen)
    asked = {id(screen): polls(screen) for screen in screens}
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
    # card in place, the projector and console fetched once for it. A stream ends and comes back
    # every 4 s here; an event that falls between two streams is caught up with one fetch (and one
    # more if another event comes while it is on its way).
    time.sleep(max(0, 8 - (time.monotonic() - watching_since)))
    for screen in screens:
        assert len(asked[id(screen)]) <= 3, f"{screen.url} asked {len(asked[id(screen)])} times"

    # Cleo's and the projector's streams are cut: they go back to polling, and still get cards.
    for screen in (cleo, projector):
        screen.route(re.compile(r".*/events/.*"), lambda route: route.abort())
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
