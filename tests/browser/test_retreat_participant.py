"""A guest joins a live SWOT board by code on a phone and adds a card; the projector, open on the
facilitator's laptop, shows it within 2 seconds of the reveal without reloading, and the guest's
half-typed next card survives the room's changes. Then the room votes and sees the results."""

import re

import pytest
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

LIVE = 2_000  # ms: everything the room should see arrives within 2 seconds


@pytest.fixture
def room(riverside):
    engagement = riverside["engagement"]
    StakeholderGroupFactory(engagement=engagement, name="Parents", position=1)
    StakeholderGroupFactory(engagement=engagement, name="Staff", position=0)
    facilitator = UserFactory(email="dana@facilitation.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    retreat = RetreatFactory(
        phase=PhaseFactory(engagement=engagement, name="Data retreat"),
        title="Data retreat",
        join_code="K7P2QX",
        is_open=True,
    )
    swot = services.activity_add(retreat=retreat, kind=Activity.Kind.SWOT, vote_budget=5)
    return {"retreat": retreat, "swot": swot, "facilitator": facilitator}


def sign_in(page, user):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def fresh(activity):
    activity.refresh_from_db()
    return activity


def test_a_guest_joins_by_code_and_the_projector_shows_the_room_live(page, new_page, room):
    swot, retreat = room["swot"], room["retreat"]

    # A guest on a phone types the short address and the code, then says who they are.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(page.live_server_url + "/j/")
    page.get_by_label("Join code").fill("k7p 2qx")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="Data retreat")).to_be_visible()
    expect(page.get_by_text("Riverside Unified School District")).to_be_visible()
    page.get_by_label("Your name").fill("Ana")
    page.get_by_label("Which group are you part of?").select_option(label="Parents")
    page.get_by_role("button", name="Join the retreat").click()
    expect(page.get_by_role("heading", level=1, name="SWOT analysis")).to_be_visible()
    expect(page.get_by_text("What do others say our strengths are?")).to_be_visible()

    # She adds a strength; only she sees it while the room is collecting.
    page.get_by_role("radio", name="Strengths").check()
    page.get_by_label("Your idea").fill("Caring, experienced teachers")
    expect(page.get_by_text("28 of 500 characters")).to_be_visible()
    page.get_by_role("button", name="Add the card").click()
    strengths = page.locator(".quadrant--S")
    expect(strengths.get_by_text("Caring, experienced teachers")).to_be_visible()
    expect(page.locator("#board-announce")).to_have_text("Your card is on the board.")
    expect(page.get_by_label("Your idea")).to_have_value("")
    expect(page.get_by_role("radio", name="Strengths")).to_be_checked()

    # The facilitator's laptop shows the projector: the join code and QR, a count, no words yet.
    projector = new_page(viewport={"width": 1920, "height": 1080})
    sign_in(projector, room["facilitator"])
    projector.goto(
        projector.live_server_url + f"/retreats/{retreat.pk}/activities/{swot.pk}/projector/"
    )
    expect(projector.get_by_text("K7P2QX")).to_be_visible()
    expect(projector.locator(".join-qr svg")).to_be_visible()
    expect(projector.get_by_text("1 card so far")).to_be_visible()
    expect(projector.get_by_text("Caring, experienced teachers")).to_have_count(0)
    projector.evaluate("window.__notReloaded = true")

    # She starts her next card; meanwhile the facilitator reveals the cards.
    page.get_by_role("radio", name="Weaknesses").check()
    page.get_by_label("Your idea").fill("Half-typed idea")
    services.activity_reveal(activity=fresh(swot), cards=True)
    expect(projector.get_by_text("Caring, experienced teachers")).to_be_visible(timeout=LIVE)
    assert projector.evaluate("window.__notReloaded") is True

    # Someone else's card reaches her board and the projector; her typing is untouched.
    other = ParticipantFactory(retreat=retreat, display_name="Marcus")
    services.card_add(activity=fresh(swot), participant=other, text="Aging buildings", quadrant="W")
    expect(page.locator(".quadrant--W").get_by_text("Aging buildings")).to_be_visible(timeout=LIVE)
    expect(projector.get_by_text("Aging buildings")).to_be_visible(timeout=LIVE)
    expect(page.get_by_label("Your idea")).to_have_value("Half-typed idea")
    expect(page.get_by_label("Your idea")).to_be_focused()
    expect(page.get_by_role("radio", name="Weaknesses")).to_be_checked()

    # Voting opens: her board offers dots; she puts one on her card with the keyboard.
    services.activity_set_stage(activity=fresh(swot), stage=Activity.Stage.VOTING)
    dots_left = page.locator("#dots-left")
    expect(dots_left).to_contain_text("You have 5 of 5 dots left.", timeout=LIVE)
    expect(projector.get_by_text("Voting", exact=True)).to_be_visible(timeout=LIVE)
    # Collecting is over, but what she had typed stays on her screen rather than vanish.
    expect(page.get_by_label("Your idea")).to_have_value("Half-typed idea")
    add = page.get_by_role("button", name="Add a dot to ‘Caring, experienced teachers’")
    add.focus()
    page.keyboard.press("Enter")
    expect(dots_left).to_contain_text("You have 4 of 5 dots left.")
    expect(add).to_be_focused()

    # Results: the ranking reaches her phone and the projector.
    services.activity_set_stage(activity=fresh(swot), stage=Activity.Stage.RESULTS)
    ranking = projector.locator(".ranking__line").first
    expect(ranking).to_contain_text("Caring, experienced teachers", timeout=LIVE)
    expect(ranking).to_contain_text(re.compile(r"1 dot from 1 person"))
    expect(page.locator(".ranking__line").first).to_contain_text(
        "Caring, experienced teachers", timeout=LIVE
    )
    assert projector.evaluate("window.__notReloaded") is True

    # Every board of the retreat, from her phone.
    page.get_by_role("link", name="Every board of this retreat").click()
    expect(page.get_by_role("heading", level=1, name="Data retreat")).to_be_visible()
    expect(page.get_by_text("You take part as Ana (Parents).")).to_be_visible()


def test_a_member_on_a_phone_finds_join_on_her_home_page_and_uses_it_by_keyboard(
    page, room, riverside
):
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, riverside["board"])

    # Her home page lists the retreat open now, with a plain Join button on screen.
    expect(page.get_by_role("heading", level=2, name="Retreats open now")).to_be_visible()
    join = page.get_by_role("button", name="Join “Data retreat”")
    expect(join).to_be_visible()
    expect(join).to_be_in_viewport(ratio=1)

    # She reaches it with the Tab key and presses Enter: she is on the board the room is on.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim().startsWith('Join')"):
            break
    expect(join).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="SWOT analysis")).to_be_visible()
    expect(page.get_by_text("You have joined “Data retreat”.")).to_be_visible()

    # The engagement page offers the same button; now it takes her back to the room.
    page.goto(page.live_server_url + f"/engagements/{riverside['engagement'].pk}/")
    back = page.get_by_role("button", name="Back to the retreat “Data retreat”")
    expect(back).to_be_visible()
    back.click()
    expect(page.get_by_role("heading", level=1, name="SWOT analysis")).to_be_visible()
