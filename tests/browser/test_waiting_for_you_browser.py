"""On a phone (375 px): a board member signs in and finds, first on the home page and on the
engagement page, the vote waiting for them, with the line that says what a final draft is; one
button takes them to the vote, and once they have voted nothing waits."""

import re

from playwright.sync_api import expect

from engagements.models import Role
from planning import services
from planning.services import approval as approvals
from tests.factories import MembershipFactory, UserFactory

from .test_sign_in import sign_in

ENGAGEMENT = "Strategic Plan 2027–2032"


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def first_section_is_waiting(page):
    first = page.locator("main section").first
    expect(first.get_by_role("heading", level=2)).to_have_text("Waiting for you (1)")


def test_a_board_member_finds_the_vote_waiting_first_on_a_phone(page, riverside):
    engagement = riverside["engagement"]
    facilitator = UserFactory(full_name="Dana Whitfield")
    superintendent = UserFactory(full_name="Alan Brooks")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    MembershipFactory(user=superintendent, engagement=engagement, roles=[Role.SUPERINTENDENT.value])
    plan = services.plan_for(engagement)
    services.element_add("goal", plan=plan, title="Academic Success for every learner")
    version = services.version_save(plan=plan, label="For the board", author=facilitator)
    approval = approvals.plan_freeze(plan=plan, version=version, by=facilitator)
    approvals.plan_recommend(approval=approval, by=superintendent, note="Ready for the board.")
    page.set_viewport_size({"width": 375, "height": 740})

    sign_in(page, riverside["board"].email)
    first_section_is_waiting(page)
    task = "Vote on the plan the superintendent recommends (draft 1)"
    expect(page.get_by_text(task, exact=True)).to_be_visible()
    expect(
        page.get_by_text("The final draft is the saved draft the facilitator froze")
    ).to_be_visible()
    fits_the_phone(page)

    page.get_by_role("link", name=ENGAGEMENT).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ENGAGEMENT)
    first_section_is_waiting(page)
    button = page.get_by_role("link", name=re.compile(r"^Vote now\W+Vote on the plan"))
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 375
    fits_the_phone(page)

    button.click()
    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Cast my vote").click()
    page.goto(page.live_server_url + "/")
    expect(page.get_by_text("Nothing is waiting for you right now.")).to_be_visible()
    fits_the_phone(page)
