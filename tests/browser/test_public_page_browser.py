"""The public progress page in the browser, from the demo: the demo facilitator turns the page
off and on again (with its confirmation) from the progress page; a parent without an account
reads it on a phone (375 px) and a laptop (1280 px), by keyboard from the skip link, opens a
chart's numbers; no sideways scrolling; axe scans every page (no serious or critical
violation). Then the README's screenshot (written only with ALIGNED_SCREENSHOTS=1)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from engagements.demo import PREVIOUS_PLAN
from engagements.models import Engagement
from monitoring.demo import PUBLIC_TOKEN

from .test_lived_demo_browser import sign_in

PHONE = {"width": 375, "height": 740}
LAPTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def previous(transactional_db):
    call_command("load_demo")  # inside the test: the live server shares this database
    return Engagement.objects.get(name=PREVIOUS_PLAN)


def _read_as_a_parent(page, width):
    page.set_viewport_size(PHONE if width == 375 else LAPTOP)
    page.goto(page.live_server_url + reverse("monitoring:public-page", args=[PUBLIC_TOKEN]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("how our plan is going")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    goal = page.get_by_role("region", name="Goal 1: Every student reads by grade 3")
    expect(goal).to_contain_text("Reading early, reading well")
    expect(goal).to_contain_text("fewer than 5")
    expect(goal.get_by_role("img").first).to_be_visible()
    numbers = goal.get_by_text("Show the numbers").first
    numbers.focus()
    page.keyboard.press("Enter")
    expect(goal.locator("table.chart-table").first).to_be_visible()
    levels = page.evaluate(
        "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])"
    )
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_the_plan_lead_turns_the_page_on_and_a_parent_reads_it(page, new_page, previous):
    sign_in(page, "facilitator@riverside.example")
    page.goto(page.live_server_url + reverse("monitoring:progress", args=[previous.pk]))
    page.get_by_role("link", name="Public progress page").click()
    expect(page.get_by_role("heading", level=2, name="The public page is on")).to_be_visible()
    page.get_by_role("button", name="Turn the public page off").click()
    expect(page.get_by_role("heading", level=2, name="The public page is off")).to_be_visible()
    page.get_by_role("button", name="Turn the public page on…").click()
    expect(page.get_by_role("heading", name="Make the plan’s progress public?")).to_be_visible()
    page.get_by_role("button", name="Yes, make it public").click()
    expect(page.get_by_role("heading", level=2, name="The public page is on")).to_be_visible()

    parent = new_page(viewport=PHONE)  # no account, no cookies
    _read_as_a_parent(parent, 375)
    _read_as_a_parent(parent, 1280)
    if os.environ.get("ALIGNED_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        parent.goto(parent.url.split("#")[0])
        parent.screenshot(
            path=SCREENSHOTS / "public-progress.png",
            animations="disabled",
            caret="hide",
            clip={"x": 0, "y": 0, "width": 1280, "height": 1500},
            full_page=True,
        )
