"""The whole room at once, through the real UI: the facilitator's console on a laptop, a guest's
phone and the projector, each in its own browser. Then the README's screenshots, taken from the
demo data (written only with ALIGNED_SCREENSHOTS=1; the pages are checked either way)."""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from engagements.demo import DEMO_PASSWORD
from engagements.models import Role
from retreats.models import Activity, Retreat
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    PhaseFactory,
    StakeholderGroupFactory,
    UserFactory,
)

LIVE = 2_000  # ms: everything the room should see arrives within 2 seconds
PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 900}
PROJECTOR = {"width": 1920, "height": 1080}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def sign_in(page, email, password=PASSWORD):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def join_as_guest(phone, code, name, group):
    phone.goto(phone.live_server_url + "/j/")
    phone.get_by_label("Join code").fill(code)
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_label("Your name").fill(name)
    phone.get_by_label("Which group are you part of?").select_option(label=group)
    phone.get_by_role("button", name="Join the retreat").click()


def add_card(phone, text):
    phone.get_by_label("Your idea").fill(text)
    phone.get_by_role("button", name="Add the card").click()
    expect(phone.locator("#board-announce")).to_have_text("Your card is on the board.")


@pytest.fixture
def team(riverside):
    engagement = riverside["engagement"]
    PhaseFactory(engagement=engagement, name="Vision retreat", position=1, status="in_progress")
    StakeholderGroupFactory(engagement=engagement, name="Parents")
    facilitator = UserFactory(email="dana@facilitation.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    return {**riverside, "facilitator": facilitator}


def test_console_phone_and_projector_run_a_board_together(page, new_page, team):
    idea = "Every student leaves with a plan"

    # The facilitator plans the retreat, opens it and adds a brainstorm, all from the UI.
    page.set_viewport_size(LAPTOP)
    sign_in(page, team["facilitator"].email)
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="Plan a retreat").click()
    page.get_by_label("Title").fill("Vision retreat")
    page.get_by_label("Phase").select_option(label="Vision retreat")
    page.get_by_role("button", name="Plan the retreat").click()
    expect(page.get_by_role("heading", level=1, name="Set up “Vision retreat”")).to_be_visible()
    code = page.locator(".setup-join__code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    page.get_by_role("button", name="Open the retreat for joining").click()
    expect(page.get_by_text(f"people join with code {code}")).to_be_visible()
    page.get_by_role("button", name="Add the brainstorm").click()
    expect(page.get_by_text("is added. Check its settings below.")).to_be_visible()

    # Its settings: cards public as they come in, and a small budget of 3 dots.
    page.get_by_role("link", name=re.compile("^Settings of")).click()
    page.get_by_label("Cards private until revealed").uncheck()
    page.get_by_label("Dots per person").fill("3")
    page.get_by_label("Most dots on one item").fill("3")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("Cards seen by all at once")).to_be_visible()
    expect(page.get_by_text("3 dots per person, at most 3 on one item")).to_be_visible()
    page.get_by_role("link", name=re.compile("^Run")).click()
    status = page.locator("#console-status")
    expect(page.get_by_role("heading", level=2, name="Stage")).to_be_visible()
    expect(page.get_by_text("Cards are seen by everyone as they come in.")).to_be_visible()

    # The projector: a third browser, signed in as the facilitator, opened from the console.
    projector = new_page(viewport=PROJECTOR)
    projector_url = page.get_by_role("link", name="Projector view").get_attribute("href")
    sign_in(projector, team["facilitator"].email)
    projector.goto(projector.live_server_url + projector_url)
    expect(projector.get_by_text(f"code {code}")).to_be_visible()
    expect(projector.get_by_text("No cards yet: add yours from your phone.")).to_be_visible()
    projector.evaluate("window.__notReloaded = true")

    # A guest on a phone joins by the code and adds a card; the projector shows it live.
    phone = new_page(viewport=PHONE)
    join_as_guest(phone, code.lower(), "Ana", "Parents")
    expect(phone.get_by_role("heading", level=1, name=re.compile("How do we want"))).to_be_visible()
    add_card(phone, idea)
    expect(projector.locator(".projector-card", has_text=idea)).to_be_visible(timeout=LIVE)
    assert projector.evaluate("window.__notReloaded") is True
    expect(page.locator(".mod-card__text", has_text=idea)).to_be_visible(timeout=LIVE)

    # The facilitator moves the board to voting from the console.
    page.get_by_role("button", name="Go to: Voting").click()
    expect(status).to_have_text("The board is now at “Voting”.")
    dots_left = phone.locator("#dots-left")
    expect(dots_left).to_contain_text("You have 3 of 3 dots left.", timeout=LIVE)
    expect(projector.get_by_text("Voting", exact=True)).to_be_visible(timeout=LIVE)

    # The guest spends her whole budget; the next dot is refused plainly and nothing changes.
    add = phone.get_by_role("button", name=f"Add a dot to ‘{idea}’")
    settled = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    for left in (2, 1, 0):
        add.focus()
        phone.keyboard.press("Enter")  # by keyboard
        expect(dots_left).to_contain_text(f"You have {left} of 3 dots left.")
        # htmx takes the new buttons over once they settle (20 ms); a key pressed sooner would
        # send the form the plain way, which works too but reloads the page.
        phone.wait_for_function(settled)
        expect(add).to_be_focused()  # a keyboard user stays on the button after each dot
    # The button says it is spent (aria-disabled) yet stays focusable: press it anyway.
    expect(add).to_have_attribute("aria-disabled", "true")
    phone.wait_for_function(settled)
    add.focus()
    phone.keyboard.press("Enter")
    notice = phone.locator("#vote-notice")
    expect(notice).to_have_text("You have used all 3 of your dots.")
    expect(notice).to_have_class(re.compile("message--error"))
    expect(dots_left).to_contain_text("You have 0 of 3 dots left.")

    # The facilitator reveals the votes; the projector shows the ranking without reloading.
    page.get_by_role("button", name="Reveal the votes").click()
    expect(status).to_have_text("The votes are shown to everyone.")
    expect(page.get_by_text("3 dots placed by 1 person.")).to_be_visible()
    ranking = projector.locator(".ranking__line").first
    expect(ranking).to_be_visible(timeout=LIVE)
    expect(ranking).to_contain_text(idea)
    expect(ranking).to_contain_text("3 dots from 1 person")
    assert projector.evaluate("window.__notReloaded") is True


def shoot(page, name, **options):
    """Save a screenshot for the README, only when asked to (ALIGNED_SCREENSHOTS=1)."""
    if os.environ.get("ALIGNED_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / name, animations="disabled", caret="hide", **options)


def test_readme_screenshots_of_the_demo(page, new_page, transactional_db):
    call_command("load_demo")  # inside the test: the live server shares this database
    vision = Retreat.objects.get(title="Vision retreat")
    swot = Activity.objects.get(retreat__title="Data retreat: SWOT analysis")
    assert vision.is_open and swot.stage == Activity.Stage.RESULTS

    # The phone board: a guest joins the open vision retreat by its code and adds a card.
    phone = new_page(viewport=PHONE)
    join_as_guest(phone, vision.join_code, "Maya", "Parents")
    expect(phone.get_by_text("Welcome, Maya!")).to_be_visible()
    add_card(phone, "Students and families help design what school looks like")
    expect(phone.get_by_text("Only you see your cards until")).to_be_visible()
    expect(phone.get_by_role("heading", level=2, name="Your cards (1)")).to_be_visible()
    shoot(phone, "phone-board.png", full_page=True)  # the question, the form and her card

    # The facilitator console of the data retreat's SWOT board, on a laptop.
    page.set_viewport_size(LAPTOP)
    sign_in(page, "facilitator@riverside.example", DEMO_PASSWORD)
    page.goto(page.live_server_url + reverse("retreats:console", args=[swot.retreat_id, swot.pk]))
    expect(page.get_by_role("heading", level=1, name=swot.title)).to_be_visible()
    expect(page.get_by_text("Now: Results")).to_be_attached()
    expect(page.get_by_text("Great people and programs").first).to_be_visible()
    # The top of the long page: stages, reveal switches, the room and the first cards.
    shoot(page, "console.png", full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1800})

    # The projector at results: the ranking, in large type.
    projector = new_page(viewport=PROJECTOR)
    sign_in(projector, "facilitator@riverside.example", DEMO_PASSWORD)
    projector.goto(
        projector.live_server_url + reverse("retreats:projector", args=[swot.retreat_id, swot.pk])
    )
    expect(projector.locator(".ranking__line")).to_have_count(7)
    expect(projector.locator(".ranking__line").first).to_contain_text("dots from")
    shoot(projector, "projector.png")
