"""The demo's lived plan in the browser: the demo facilitator opens Riverside's approved
2021–2026 plan from its engagement page, reads its measures (on track, behind, off track, update
overdue), the target changed with its reason, and the action steps with their PDSA notes; every
page is scanned by axe."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from engagements.demo import DEMO_PASSWORD, PREVIOUS_PLAN
from engagements.models import Engagement


@pytest.fixture
def previous(transactional_db):
    """The demo, loaded inside the test (the live server shares this database)."""
    call_command("load_demo")
    return Engagement.objects.get(name=PREVIOUS_PLAN)


MEASURES = [
    ("Third graders reading at grade level", "On track"),
    ("K–3 students meeting the monthly reading benchmark", "Behind"),
    ("Students who feel safe at school", "On track"),
    ("Suspensions per 100 students", "Off track"),
    ("Graduates meeting college entrance requirements", "Behind"),
    ("High school students in at least one Advanced Placement course", "Update overdue"),
]


def sign_in(page, email):
    page.goto(page.live_server_url + reverse("accounts:sign-in"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def test_the_demo_facilitator_reads_the_lived_2021_plan(page, previous):
    sign_in(page, "facilitator@riverside.example")
    page.goto(page.live_server_url + reverse("engagements:detail", args=[previous.pk]))

    page.get_by_role("link", name="Living the plan: measures").click()
    expect(
        page.get_by_role("heading", level=1, name="Measures against their targets")
    ).to_be_visible()
    for indicator, status in MEASURES:
        measure = page.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name=indicator, exact=True)
        )
        expect(measure).to_contain_text(status)

    page.get_by_role("link", name="Students who feel safe at school").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Students who feel safe at school")
    changes = page.locator("section", has=page.get_by_role("heading", name="Changes to targets"))
    expect(changes).to_contain_text("The state replaced its school climate survey")
    expect(changes).to_contain_text("85")
    expect(changes).to_contain_text("80")

    page.goto(page.live_server_url + reverse("engagements:detail", args=[previous.pk]))
    page.get_by_role("link", name="Action progress").click()
    expect(page.get_by_role("heading", level=1, name="Action progress")).to_be_visible()
    expect(page.get_by_text("At risk").first).to_be_visible()

    page.get_by_role(
        "link",
        name="Review suspension data each month with principals and adjust supports",
        exact=True,
    ).click()
    history = page.locator("section", has=page.get_by_role("heading", name="History"))
    expect(history).to_contain_text("restorative meetings")
    expect(history).to_contain_text("Priya Raman")
