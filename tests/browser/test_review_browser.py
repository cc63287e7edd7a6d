"""The facilitator publishes draft 1 for review with a public link, shown once; a board member
on a phone reads it, comments on a goal in place (an empty comment comes back next to its field),
replies in the thread, changes her words and sees the thread update without a page load."""

import re

import pytest
from playwright.sync_api import expect

from engagements.models import Role
from planning import services
from tests.factories import PASSWORD, MembershipFactory, UserFactory


@pytest.fixture
def team(riverside):
    engagement = riverside["engagement"]
    facilitator = UserFactory(email="dana@riverside.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    plan = services.plan_for(engagement)
    services.plan_update(plan=plan, mission="Every student ready.", use_objectives=False)
    goal = services.element_add("goal", plan=plan, title="Academic Success")
    services.element_add("strategy", goal=goal, title="Close achievement gaps")
    services.version_save(plan=plan, label="For the community", author=facilitator)
    return {**riverside, "facilitator": facilitator, "goal": goal}


def sign_in(page, user):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_publish_then_comment_in_place_on_a_phone(page, team):
    sign_in(page, team["facilitator"])
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="The plan", exact=True).click()
    page.get_by_role("link", name="Drafts").first.click()
    page.get_by_role("link", name=re.compile("Publish for review")).click()
    page.get_by_label("Make a public feedback link").check()
    page.get_by_role("button", name="Publish for review").click()
    expect(page.get_by_text("Draft 1 is published for review")).to_be_visible()
    link = page.get_by_label("Copy this link and share it")
    expect(link).to_have_value(re.compile(r"/review/[\w-]+/$"))
    page.reload()
    expect(page.get_by_label("Copy this link and share it")).to_have_count(0)
    sign_out(page)

    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, team["board"])
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="The plan", exact=True).click()  # the board lands on approval
    page.goto(page.live_server_url + f"/engagements/{team['engagement'].pk}/plan/drafts/")
    page.get_by_role("link", name=re.compile("Read and comment")).click()
    expect(page.get_by_role("heading", level=1, name="Draft 1: For the community")).to_be_visible()
    thread = page.locator(f"#comments-goal-{team['goal'].pk}")

    # An empty comment comes back next to its field, in place.
    thread.get_by_text("Comment on this").click()
    thread.get_by_role("button", name="Send the comment").click()
    expect(thread.get_by_text("Write your comment before sending it.")).to_be_visible()
    thread.get_by_label("Your comment").fill("How will reading be measured?")
    thread.get_by_role("button", name="Send the comment").click()
    expect(thread.locator(".comment__body")).to_have_text("How will reading be measured?")
    expect(page.locator("#review-status")).to_have_text("Your comment is added.")

    # A reply joins the thread, indented.
    thread.locator("summary", has_text="Reply").click()
    thread.get_by_label("Your reply").fill("With the state test, I hope.")
    thread.get_by_role("button", name="Send the reply").click()
    expect(thread.locator(".thread__replies .comment__body")).to_have_text(
        "With the state test, I hope."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # Within 15 minutes the author changes her words.
    thread.get_by_role("link", name="Change your comment").first.click()
    page.get_by_label("Your comment").fill("How will reading be measured, and when?")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Your comment is changed.")).to_be_visible()
    expect(thread.locator(".comment__meta").first).to_contain_text("edited")
