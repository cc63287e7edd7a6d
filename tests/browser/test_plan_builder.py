"""A core-team member edits a goal in place, reorders two strategies with the keyboard, saves
draft 2 and opens the comparison with draft 1, which shows the change."""

import re

import pytest
from playwright.sync_api import expect

from engagements.models import Role
from planning import services
from tests.factories import PASSWORD, MembershipFactory, UserFactory


@pytest.fixture
def team(riverside):
    engagement = riverside["engagement"]
    core = UserFactory(email="marcus@riverside.example", full_name="Marcus Lee")
    MembershipFactory(user=core, engagement=engagement, roles=[Role.CORE_TEAM.value])
    plan = services.plan_for(engagement)
    services.plan_update(plan=plan, mission="Every student ready.", use_objectives=False)
    goal = services.element_add("goal", plan=plan, title="Academic Success")
    services.element_add("strategy", goal=goal, title="Close achievement gaps")
    services.element_add("strategy", goal=goal, title="Pilot new learning strategies")
    services.version_save(plan=plan, label="After the vision retreat", author=core)
    return {**riverside, "core": core, "goal": goal}


def sign_in(page, user):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def test_edit_reorder_save_draft_2_and_compare(page, team):
    sign_in(page, team["core"])
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="The plan").click()
    expect(page.get_by_role("heading", level=1, name="Strategic plan")).to_be_visible()
    goal = page.locator(f"#goal-{team['goal'].pk}")

    # Edit the goal in place: a mistake comes back next to the field, words kept.
    goal.get_by_role("link", name="Edit goal “Academic Success”").click()
    title = page.get_by_label("Title")
    expect(title).to_have_value("Academic Success")
    title.fill("")
    page.get_by_label("Description").fill("Growth for every student, every year.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Give it a title.")).to_be_visible()
    expect(page.get_by_label("Description")).to_have_value("Growth for every student, every year.")
    page.get_by_label("Title").fill("Academic Success for Every Student")
    page.get_by_role("button", name="Save").click()
    expect(goal.locator(".plan-el__title").first).to_contain_text(
        "Academic Success for Every Student"
    )
    expect(page.locator("#plan-status")).to_have_text("Goal saved.")

    # Reorder the two strategies with the keyboard: Tab to "Down", Enter; focus stays on it.
    down = page.get_by_role("button", name=re.compile("move “Close achievement gaps” down"))
    down.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#plan-status")).to_have_text("Strategy moved down.")
    strategies = goal.locator(".plan-el--strategy .plan-el__title")
    expect(strategies.nth(0)).to_contain_text("Pilot new learning strategies")
    expect(strategies.nth(1)).to_contain_text("Close achievement gaps")
    expect(down).to_be_focused()

    # Save draft 2, then compare it with draft 1.
    page.get_by_role("link", name="Drafts").click()
    page.get_by_label("Label").fill("Plan team work session")
    page.get_by_role("button", name="Save as draft 2").click()
    expect(page.get_by_text("Saved as draft 2.")).to_be_visible()
    page.get_by_label("Older draft").select_option("1")
    page.get_by_label("Newer draft").select_option("2")
    page.get_by_role("button", name="Compare").click()
    expect(
        page.get_by_role("heading", level=1, name="What changed from draft 1 to draft 2")
    ).to_be_visible()
    expect(page.locator("ins").filter(has_text="for Every Student").first).to_be_visible()
    expect(page.locator(".diff-summary")).to_contain_text("changed")

    # The other plan pages, scanned for accessibility like every page the harness visits.
    page.get_by_role("link", name="Draft 2", exact=False).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Draft 2")
    base = page.url.split("/plan/")[0] + "/plan/"
    for path, heading in (("health/", "Is the plan healthy?"), ("import/", None)):
        page.goto(base + path)
        if heading:
            expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()


def test_values_are_reordered_by_drag_and_drop(page, team):
    plan = services.plan_for(team["engagement"])
    first = services.element_add("value", plan=plan, title="Integrity")
    second = services.element_add("value", plan=plan, title="Equity")
    sign_in(page, team["core"])
    page.goto(page.live_server_url + f"/engagements/{team['engagement'].pk}/plan/")
    page.locator(f"#value-{second.pk}").drag_to(
        page.locator(f"#value-{first.pk}"), target_position={"x": 20, "y": 5}
    )
    expect(page.locator("#plan-status")).to_have_text("Value order saved.")
    titles = page.locator("#values .plan-el__title")
    expect(titles.nth(0)).to_have_text("Equity")
    expect(titles.nth(1)).to_have_text("Integrity")
    assert list(plan.values.order_by("position").values_list("title", flat=True)) == [
        "Equity",
        "Integrity",
    ]
