"""A facilitator plans a retreat from the engagement page, opens it, adds a brainstorm, watches
cards arrive in the console, moderates one, groups cards into themes with the keyboard
alternative (and by dragging), and reads the results."""

import re

import pytest
from playwright.sync_api import expect

from engagements.models import Role
from retreats import services
from retreats.models import Activity, Card, Retreat
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    ParticipantFactory,
    PhaseFactory,
    StakeholderGroupFactory,
    UserFactory,
)


@pytest.fixture
def team(riverside):
    engagement = riverside["engagement"]
    PhaseFactory(engagement=engagement, name="Vision retreat", position=1, status="in_progress")
    StakeholderGroupFactory(engagement=engagement, name="Students", quota=6)
    facilitator = UserFactory(email="dana@facilitation.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    return {**riverside, "facilitator": facilitator}


def sign_in(page, user):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def test_a_facilitator_runs_a_brainstorm_and_groups_it_with_the_keyboard(page, team):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, team["facilitator"])
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="Plan a retreat").click()
    page.get_by_label("Title").fill("Vision retreat")
    page.get_by_role("button", name="Plan the retreat").click()
    expect(page.get_by_role("heading", level=1, name="Set up “Vision retreat”")).to_be_visible()

    retreat = Retreat.objects.get()
    expect(page.get_by_text(retreat.join_code, exact=True)).to_be_visible()
    page.get_by_role("button", name="Open the retreat for joining").click()
    expect(page.get_by_text(f"people join with code {retreat.join_code}")).to_be_visible()
    page.get_by_role("button", name="Add the brainstorm").click()
    expect(page.get_by_text("is added. Check its settings below.")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Run")).click()
    expect(page.get_by_text("No Students here yet: 6 seats on the roster.")).to_be_visible()

    # Cards arrive while the console is open: the poll brings them in.
    activity = Activity.objects.get()
    author = ParticipantFactory(retreat=retreat, display_name="Ana")
    for text in ("More arts and music", "Teh arts", "Smaller classes"):
        services.card_add(activity=activity, participant=author, text=text)
    expect(page.locator(".mod-card__text", has_text="Smaller classes")).to_be_visible(timeout=8000)
    expect(page.get_by_text("1 joined")).to_be_visible()

    # Edit a card in place, then undo the edit.
    status = page.locator("#console-status")
    page.get_by_role("link", name="Edit “Teh arts”").click()
    page.get_by_label("Card text").fill("The arts")
    page.get_by_role("button", name="Save the card").click()
    expect(status).to_have_text("Card changed from “Teh arts” to “The arts”.")
    page.get_by_role("button", name="Undo the edit: put back “Teh arts”").click()
    expect(page.locator(".mod-card__text", has_text="Teh arts")).to_be_visible()

    # Merge with checkboxes and the menu, by keyboard.
    page.get_by_label("Merge “Teh arts”").check()
    page.get_by_label("Merge “More arts and music”").check()
    # Ticked boxes hold the console still: a new card waits until the merge is done.
    services.card_add(activity=activity, participant=author, text="Later idea")
    page.wait_for_timeout(2500)
    expect(page.get_by_label("Merge “Teh arts”")).to_be_checked()
    expect(page.locator(".mod-card__text", has_text="Later idea")).to_have_count(0)
    page.get_by_label("Keep this card").select_option(label="More arts and music")
    page.get_by_role("button", name="Merge the ticked cards").click()
    expect(status).to_have_text("1 card merged into “More arts and music”.")
    expect(page.get_by_text("Merged from 1 card")).to_be_visible()
    expect(page.locator(".mod-card__text", has_text="Later idea")).to_be_visible()

    page.get_by_role("button", name="Go to: Grouping into themes").click()
    expect(status).to_have_text("The board is now at “Grouping into themes”.")
    page.get_by_role("link", name="Group into themes").click()

    # Themes: add two, then group a card with the menu and "Move" (keyboard alternative).
    themes_status = page.locator("#themes-status")
    for name in ("Arts", "Class size"):
        page.get_by_label("Theme name").fill(name)
        page.get_by_role("button", name="Add the theme").click()
        expect(themes_status).to_have_text(f"Theme “{name}” is added.")
    page.get_by_label("Theme for “More arts and music”").select_option(label="Arts")
    page.get_by_role("button", name="Move “More arts and music”").focus()
    page.keyboard.press("Enter")
    expect(themes_status).to_have_text("“More arts and music” moved to “Arts”.")
    arts = Card.objects.get(text="More arts and music")
    assert arts.theme.name == "Arts"
    assert page.evaluate("document.activeElement.id") == f"move-{arts.pk}"

    # And by dragging a card onto a theme.
    smaller = Card.objects.get(text="Smaller classes")
    class_size = page.get_by_role("region", name="Class size (0)")
    # Picked up by its text: the menu and button below it are for the keyboard path.
    page.locator(f"#card-{smaller.pk}").drag_to(class_size, source_position={"x": 12, "y": 10})
    expect(themes_status).to_have_text("“Smaller classes” moved to “Class size”.")
    smaller.refresh_from_db()
    assert smaller.theme.name == "Class size"


def test_the_console_works_on_a_phone(page, team):
    page.set_viewport_size({"width": 375, "height": 800})
    engagement = team["engagement"]
    retreat = services.retreat_create(
        engagement=engagement, phase=engagement.phases.get(), title="Data retreat"
    )
    activity = services.activity_add(retreat=retreat, kind="swot")
    author = ParticipantFactory(retreat=retreat)
    services.card_add(activity=activity, participant=author, text="Caring staff", quadrant="S")
    sign_in(page, team["facilitator"])
    page.goto(page.live_server_url + f"/retreats/{retreat.pk}/activities/{activity.pk}/console/")
    expect(page.get_by_role("heading", level=1, name=services.SWOT_TITLE)).to_be_visible()
    page.get_by_label("Minutes").fill("3")
    page.get_by_role("button", name="Start the timer").click()
    expect(page.locator(".console-timer__clock")).to_have_text(re.compile(r"^(3:00|2:5\d)$"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the console is {width}px wide on a 375px phone"


def test_a_card_a_member_adds_on_her_phone_reaches_the_console_within_two_seconds(
    page, new_page, team, settings
):
    """The console is as live as every other screen: it asks as often as the phones do, and a
    card added just after the console last asked is on it within 2 seconds. (Polling, as with
    push off or refused; tests/browser/test_retreat_push_browser.py covers push.)"""
    settings.LIVE_PUSH = False
    engagement = team["engagement"]
    retreat = services.retreat_create(
        engagement=engagement, phase=engagement.phases.get(), title="Vision retreat"
    )
    Retreat.objects.filter(pk=retreat.pk).update(is_open=True)
    activity = services.activity_add(
        retreat=retreat, kind="brainstorm", prompt="What should our schools do more of?"
    )
    board_url = f"/retreats/{retreat.pk}/activities/{activity.pk}/"

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, team["facilitator"])
    page.goto(page.live_server_url + board_url + "console/")
    phone = new_page(viewport={"width": 375, "height": 800})
    sign_in(phone, team["board"])
    phone.goto(phone.live_server_url + board_url)

    # Over the same 3 seconds the console asks for news as often as her board does.
    polls = {"console": 0, "board": 0}
    page.on(
        "request",
        lambda r: "/console/live/" in r.url and polls.update(console=polls["console"] + 1),
    )
    phone.on(
        "request",
        lambda r: (
            r.url.split("?")[0].endswith(board_url + "live/")
            and polls.update(board=polls["board"] + 1)
        ),
    )
    page.wait_for_timeout(3000)
    assert polls["board"] >= 2, polls
    assert polls["console"] >= polls["board"] - 1, polls

    # Cards sent just after the console's last look still reach it within 2 seconds.
    for text in ("Más música y arte", "Later start for high school", "Mentors for new teachers"):
        with page.expect_response(lambda r: "/console/live/" in r.url):
            pass
        phone.get_by_label("Your idea").fill(text)
        phone.get_by_role("button", name="Add the card").click()
        expect(page.locator(".mod-card__text", has_text=text)).to_be_visible(timeout=2000)
