"""On a phone: the facilitator invites someone, who opens the e-mailed link and joins."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from engagements.models import Role
from tests.factories import (
    PASSWORD,
    InvitationFactory,
    MembershipFactory,
    StakeholderGroupFactory,
    UserFactory,
)

from .test_sign_in import sign_in


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_invitation_goes_from_the_form_to_a_new_member_on_a_phone(page, riverside, mailbox):
    engagement = riverside["engagement"]
    StakeholderGroupFactory(engagement=engagement, name="Parents")
    facilitator = UserFactory(email="dana@riverside.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    page.set_viewport_size({"width": 375, "height": 740})

    sign_in(page, facilitator.email)
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="Invitations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations")
    page.get_by_role("link", name="Invite someone").first.click()

    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Choose at least one role.")).to_be_visible()
    page.get_by_label("Name").fill("Priya Raman")
    page.get_by_label("E-mail address").fill("priya@riverside.example")
    page.get_by_label("Plan team").check()
    page.get_by_label("Stakeholder group").select_option(label="Parents")
    fits_the_phone(page)
    page.get_by_role("button", name="Send the invitation").click()

    expect(
        page.get_by_text("The invitation is on its way to priya@riverside.example.")
    ).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Priya Raman")
    expect(row).to_contain_text("Waiting for an answer, expires")
    fits_the_phone(page)
    row.get_by_role("link", name=re.compile("Withdraw")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Withdraw the invitation")
    page.get_by_role("link", name="Keep it and go back").click()

    [message] = mailbox.wait(1)
    link = re.search(r"https?://\S+/invitations/[\w-]+/", message.body).group(0)
    path = "/" + link.split("/", 3)[3]
    page.get_by_role("button", name="Sign out").click()

    page.goto(page.live_server_url + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join Strategic Plan 2027–2032")
    expect(page.get_by_label("Your full name")).to_have_value("Priya Raman")
    page.get_by_label("Choose a password").fill("parents for the plan 2027")
    page.get_by_label("The same password again").fill("parents for the plan 2027")
    fits_the_phone(page)
    page.get_by_role("button", name="Create my account and join").click()

    expect(page.get_by_text("Welcome to Strategic Plan 2027–2032!")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategic Plan 2027–2032")
    expect(page.get_by_role("row").filter(has_text="Priya Raman")).to_contain_text("Parents")


def test_a_link_that_no_longer_works_says_why(page, riverside):
    InvitationFactory(
        engagement=riverside["engagement"],
        token="expired-link",
        expires_at=timezone.now() - timedelta(days=1),
    )
    page.goto(page.live_server_url + "/invitations/expired-link/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation has expired")
    page.goto(page.live_server_url + "/invitations/not-a-link/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation link is not valid")


def test_someone_with_an_account_signs_in_from_the_link_and_joins(page, riverside):
    InvitationFactory(
        engagement=riverside["engagement"], token="for-sam", email=riverside["outsider"].email
    )
    page.goto(page.live_server_url + "/invitations/for-sam/")
    page.get_by_role("link", name="Sign in to accept").click()
    page.get_by_label("E-mail address").fill(riverside["outsider"].email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Join as Sam Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategic Plan 2027–2032")


def test_the_core_team_reads_the_list_on_a_phone(page, riverside):
    engagement = riverside["engagement"]
    core = UserFactory(email="marcus@riverside.example", full_name="Marcus Lee")
    MembershipFactory(user=core, engagement=engagement, roles=[Role.CORE_TEAM.value])
    InvitationFactory(engagement=engagement, full_name="Priya Raman", send_count=1)
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, core.email)
    page.goto(f"{page.live_server_url}/engagements/{engagement.pk}/invitations/")
    expect(page.get_by_role("row").filter(has_text="Priya Raman")).to_contain_text(
        "Waiting for an answer"
    )
    expect(page.get_by_role("button", name=re.compile("Re-send"))).to_have_count(0)
    fits_the_phone(page)
