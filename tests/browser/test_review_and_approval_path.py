"""The whole road from a saved draft to the approved plan, in the browser, one person after
another: the facilitator publishes draft 1 with a public link; a board member comments on a goal;
a parent with the link (no account) leaves feedback; the core team accepts the board member's
comment and declines the parent's feedback; the facilitator freezes draft 1 as the final draft;
the superintendent recommends it; the board member approves it (a board of one: a majority);
and the plan page shows the approved version, with its history."""

import re

import pytest
from playwright.sync_api import expect

from engagements.models import Role
from planning import services
from tests.factories import PASSWORD, MembershipFactory, UserFactory

ENGAGEMENT = "Strategic Plan 2027–2032"


@pytest.fixture
def team(riverside):
    engagement = riverside["engagement"]
    people = {}
    for key, email, name, role in [
        ("facilitator", "dana@riverside.example", "Dana Whitfield", Role.FACILITATOR),
        ("core", "marcus@riverside.example", "Marcus Lee", Role.CORE_TEAM),
        ("superintendent", "alan@riverside.example", "Alan Brooks", Role.SUPERINTENDENT),
    ]:
        people[key] = UserFactory(email=email, full_name=name)
        MembershipFactory(user=people[key], engagement=engagement, roles=[role.value])
    plan = services.plan_for(engagement)
    services.plan_update(plan=plan, mission="Every student ready.", use_objectives=False)
    goal = services.element_add("goal", plan=plan, title="Academic Success")
    services.element_add("strategy", goal=goal, title="Close achievement gaps")
    services.version_save(plan=plan, label="For the community", author=people["facilitator"])
    return {**riverside, **people, "goal": goal}


def sign_in(page, user):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()
    page.get_by_role("link", name=ENGAGEMENT).click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def decide(page, who, decision, words):
    page.get_by_role("link", name=re.compile(f"Decide on the comment by {who}")).click()
    page.get_by_label(decision).check()
    page.get_by_label("What changed, or your reply").fill(words)
    page.get_by_role("button", name="Save the decision").click()


def test_from_publishing_to_the_approved_plan(page, new_page, team, settings):
    settings.PUBLIC_FEEDBACK_MIN_SECONDS = 0  # a test types faster than a person

    # The facilitator publishes draft 1 for review, with a public link.
    sign_in(page, team["facilitator"])
    page.get_by_role("link", name="The plan", exact=True).click()
    page.get_by_role("link", name="Drafts").first.click()
    page.get_by_role("link", name=re.compile("Publish for review")).click()
    page.get_by_label("Make a public feedback link").check()
    page.get_by_role("button", name="Publish for review").click()
    public_link = page.get_by_label("Copy this link and share it").input_value()
    sign_out(page)

    # A board member comments on the goal.
    sign_in(page, team["board"])
    page.get_by_role("link", name="Review and approval").first.click()
    page.get_by_role("link", name="The review of draft 1").click()
    thread = page.locator(f"#comments-goal-{team['goal'].pk}")
    thread.get_by_text("Comment on this").click()
    thread.get_by_label("Your comment").fill("Say which reading test measures this.")
    thread.get_by_role("button", name="Send the comment").click()
    expect(thread.locator(".comment__body")).to_have_text("Say which reading test measures this.")
    sign_out(page)

    # A parent with the public link, no account, gives feedback on the whole draft.
    parent = new_page(viewport={"width": 375, "height": 800})
    parent.goto(public_link)
    expect(parent.get_by_text("Every student ready.", exact=True)).to_be_visible()
    parent.get_by_role("link", name="Give feedback on the whole draft").click()
    parent.get_by_label("You are a…").select_option(label="Parent or guardian")
    parent.get_by_label("Your feedback").fill("Please add a goal about school buildings.")
    parent.get_by_role("button", name="Send my feedback").click()
    expect(parent.get_by_role("heading", name="Thank you: your feedback was sent")).to_be_visible()

    # The core team accepts the comment and declines the feedback.
    sign_in(page, team["core"])
    page.get_by_role("link", name="Review and approval").first.click()
    page.get_by_role("link", name="Comments and feedback on draft 1").click()
    decide(page, "Gloria Estrada", "Accepted", "The goal now names the state reading test.")
    expect(page.get_by_text("The goal now names the state reading test.")).to_be_visible()
    decide(page, "A visitor", "Declined", "Buildings have their own facilities plan.")
    counts = page.locator("table").first
    expect(counts).to_contain_text("Academic Success")
    expect(page.get_by_text("The goal now names the state reading test.")).to_be_visible()
    expect(page.get_by_text("Buildings have their own facilities plan.")).to_be_visible()
    sign_out(page)

    # The facilitator freezes draft 1 as the final draft.
    sign_in(page, team["facilitator"])
    page.get_by_role("link", name="Review and approval").first.click()
    page.get_by_role("link", name="Freeze a final draft").click()
    page.get_by_role("button", name="Freeze as the final draft").click()
    expect(page.get_by_text("Draft 1 is the final draft.")).to_be_visible()
    sign_out(page)

    # The superintendent recommends it.
    sign_in(page, team["superintendent"])
    page.get_by_role("link", name="Review and approval").first.click()
    page.get_by_role("link", name="Recommend or send back").click()
    page.get_by_label("Your recommendation to the board").fill("Ready for the board.")
    page.get_by_role("button", name="Recommend draft 1").click()
    expect(page.get_by_text("Draft 1 is recommended to the board.")).to_be_visible()
    sign_out(page)

    # The board approves it.
    sign_in(page, team["board"])
    page.get_by_role("link", name="Review and approval").first.click()
    page.get_by_role("link", name="Vote", exact=True).click()
    page.get_by_label("Approve it as the plan").check()
    page.get_by_role("button", name="Cast my vote").click()
    expect(page.get_by_text("Your vote is recorded.")).to_be_visible()
    sign_out(page)

    # The plan page shows the approved version and its history.
    sign_in(page, team["core"])
    page.get_by_role("link", name="The plan", exact=True).click()
    banner = page.get_by_role("region", name="Approval")
    expect(banner).to_contain_text("draft 1")
    expect(banner).to_contain_text("approved")
    banner.get_by_role("link", name="History").click()
    history = page.locator("main")
    for step in [
        "Published draft 1 for review",
        "Closed the review of draft 1",
        "Froze draft 1 as the final draft",
        "Recommended draft 1 to the board",
        "The board approved draft 1",
    ]:
        expect(history).to_contain_text(step)
    page.get_by_role("link", name="The plan", exact=True).first.click()
    page.get_by_role("region", name="Approval").get_by_role(
        "link", name="Read the approved plan"
    ).click()
    expect(page.get_by_text(re.compile("Approved by the board on"))).to_be_visible()
