"""A core-team member edits a goal in place, reorders two strategies with the keyboard, saves
draft 2 and opens the comparison with draft 1, which shows the change. Focus follows the work
in the builder without the view jumping; a strategy moves to another goal from the keyboard; the
edit pages without JavaScript pass the accessibility scan."""

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
    page.get_by_role("link", name="The plan", exact=True).click()
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
    # Focus goes back to the goal's Edit button once the tree has settled (wait for it, so the
    # keyboard step below does not race plan.js moving focus).
    expect(page.locator(f"#edit-{team['goal'].pk}")).to_be_focused()

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


def top(locator) -> float:
    """Where an element sits in the window, in pixels from the top of the view."""
    return locator.evaluate("el => el.getBoundingClientRect().top")


def scroll_y(page) -> float:
    return page.evaluate("() => window.scrollY")


@pytest.fixture
def long_plan(team):
    """A plan long enough to scroll: values with real descriptions, then goals below them."""
    plan = services.plan_for(team["engagement"])
    words = "Nous écoutons les familles, les élèves et le personnel avant de décider. " * 4
    values = [
        services.element_add("value", plan=plan, title=f"Valeur {n}: respect", description=words)
        for n in range(1, 13)
    ]
    second_goal = services.element_add("goal", plan=plan, title="Safe & welcoming schools")
    return {**team, "values": values, "second_goal": second_goal}


def test_focus_follows_the_work_in_the_plan_builder_and_the_view_stays_put(page, long_plan):
    sign_in(page, long_plan["core"])
    page.goto(page.live_server_url + f"/engagements/{long_plan['engagement'].pk}/plan/")
    value = long_plan["values"][7]
    element = page.locator(f"#value-{value.pk}")
    element.scroll_into_view_if_needed()
    # 150 px from the top of the view, so the whole edit form (its Save button too) fits below it
    element.evaluate("el => window.scrollBy(0, el.getBoundingClientRect().top - 150)")
    where = top(element)
    scrolled = scroll_y(page)
    assert scrolled > 500

    # Edit: focus goes into the form's first field, in place.
    element.get_by_role("link", name="Edit value “Valeur 8: respect”").click()
    title = page.get_by_label("Value, belief or commitment")
    expect(title).to_be_focused()
    assert abs(top(page.locator(f"#value-{value.pk}")) - where) < 5

    # Save: focus comes back to the element (its Edit button) and the view does not jump.
    title.fill("Valeur 8: respect et écoute")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#plan-status")).to_have_text("Value saved.")
    edit = page.get_by_role("link", name="Edit value “Valeur 8: respect et écoute”")
    expect(edit).to_be_focused()
    assert abs(top(element) - where) < 5
    assert abs(scroll_y(page) - scrolled) < 400  # it went 9,000 px down, onto the health check

    # Cancel: the same, without a change.
    page.keyboard.press("Enter")
    expect(title).to_be_focused()
    page.get_by_role("link", name="Cancel").click()
    expect(edit).to_be_focused()
    assert abs(top(element) - where) < 5

    # Add: focus in the new form's first field; adding focuses the new value; Cancel returns
    # focus to the add button.
    add = page.get_by_role("link", name="Add a value")
    add.focus()
    page.keyboard.press("Enter")
    expect(title).to_be_focused()
    title.fill("Curiosité")
    page.get_by_role("button", name="Add the value").click()
    expect(page.locator("#plan-status")).to_have_text("Value added.")
    expect(page.get_by_role("link", name="Edit value “Curiosité”")).to_be_focused()
    page.get_by_role("link", name="Add a value").click()
    expect(title).to_be_focused()
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("link", name="Add a value")).to_be_focused()
    expect(page.get_by_role("heading", level=1)).to_have_count(1)  # not a page in the page


def test_a_strategy_moves_to_another_goal_from_the_keyboard(page, long_plan):
    sign_in(page, long_plan["core"])
    page.goto(page.live_server_url + f"/engagements/{long_plan['engagement'].pk}/plan/")
    page.get_by_role("link", name="Move to another goal “Close achievement gaps”").focus()
    page.keyboard.press("Enter")
    menu = page.get_by_label("Move to this goal")
    expect(menu).to_be_focused()
    menu.select_option(label="Safe & welcoming schools")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#plan-status")).to_have_text(
        "Strategy moved to “Safe & welcoming schools”."
    )
    moved = page.locator(f"#goal-{long_plan['second_goal'].pk} .plan-el--strategy")
    expect(moved).to_contain_text("Close achievement gaps")
    expect(page.get_by_role("link", name="Edit strategy “Close achievement gaps”")).to_be_focused()


def test_the_edit_pages_without_javascript_are_accessible(page, long_plan):
    """Each is scanned by axe: an li outside a list, and no h1, were serious failures."""
    goal = long_plan["goal"]
    strategy = goal.strategies.first()
    measure = services.element_add("measure", goal=goal, indicator="Taux de réussite en lecture")
    step = services.element_add("action_step", strategy=strategy, description="Former les tuteurs")
    sign_in(page, long_plan["core"])
    base = page.live_server_url + f"/engagements/{long_plan['engagement'].pk}/plan/"
    for kind, element, heading in (
        ("value", long_plan["values"][0], "Change this value"),
        ("goal", goal, "Change this goal"),
        ("strategy", strategy, "Change this strategy"),
        ("measure", measure, "Change this measure"),
        ("action_step", step, "Change this action step"),
    ):
        page.goto(f"{base}{kind}/{element.pk}/edit/")
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
    page.goto(f"{base}strategy/{strategy.pk}/goal/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Move the strategy")
