"""In the browser, with every page scanned for accessibility: the facilitator of a five-seat board
with one trustee on the roster is warned on the approval settings and approval pages, sets the
board's size, and cannot freeze a draft the board could not decide on; moved into phase 3, the
engagement reads "Planning under way"; the details form explains the status and only closes the
engagement."""

import re

import pytest
from playwright.sync_api import expect

from engagements.models import Phase, Role
from planning import services
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    PhaseFactory,
    StakeholderGroupFactory,
    UserFactory,
)

ENGAGEMENT = "Strategic Plan 2027–2032"


@pytest.fixture
def district(riverside):
    engagement = riverside["engagement"]
    facilitator = UserFactory(email="dana@riverside.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    StakeholderGroupFactory(engagement=engagement, name="Board", quota=5, selected_by="Board")
    for position, (name, status) in enumerate(
        [("Readiness", "done"), ("Orientation", "done"), ("Data retreat", "in_progress")]
    ):
        PhaseFactory(engagement=engagement, position=position, name=name, status=status)
    PhaseFactory(engagement=engagement, position=3, name="Vision retreat")
    plan = services.plan_for(engagement)
    services.element_add("goal", plan=plan, title="Lectura y escritura: every reader by grade 3")
    services.version_save(plan=plan, label="For the board", author=facilitator)
    return {**riverside, "facilitator": facilitator}


def test_the_board_seats_and_the_status_say_where_things_stand(page, district):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(district["facilitator"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    card = page.locator(".card", has_text=ENGAGEMENT)
    expect(card.locator(".badge")).to_have_text("Planning under way")
    assert Phase.objects.get(status="in_progress").position == 2

    page.get_by_role("link", name=ENGAGEMENT).click()
    expect(page.locator(".page-head .badge")).to_have_text("Planning under way")
    page.get_by_role("link", name="Review and approval").first.click()
    expect(
        page.get_by_text("1 of the board’s 5 seats is filled: a majority is 3 votes")
    ).to_be_visible()

    page.get_by_role("link", name="Freeze a final draft").click()
    page.get_by_role("button", name="Freeze as the final draft").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "A majority of the board is 3 of its 5 seats, but only 1 board member is in this engagement"
    )

    page.get_by_role("link", name="Review and approval").first.click()
    page.get_by_role("link", name="Approval settings").click()
    expect(page.get_by_text("1 of the board’s 5 seats is filled")).to_be_visible()
    page.get_by_label("Seats on the board").fill("0")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator("#id_board_size_error")).to_have_text(
        "Give the number of seats on the whole board, from 1 to 99, e.g. 5."
    )
    expect(page.get_by_label("Seats on the board")).to_have_value("0")
    page.get_by_label("Seats on the board").fill("1")
    page.get_by_role("button", name="Save the settings").click()
    expect(page.get_by_text("The approval settings are saved.")).to_be_visible()
    expect(page.get_by_text("seats is filled")).to_have_count(0)

    page.get_by_role("link", name=re.compile("^" + ENGAGEMENT)).first.click()
    page.get_by_role("link", name="Edit details").click()
    expect(page.get_by_text("The status follows the")).to_be_visible()
    page.get_by_label("This engagement is closed").check()
    page.get_by_role("button", name="Save details").click()
    expect(page.locator(".page-head .badge")).to_have_text("Closed")
