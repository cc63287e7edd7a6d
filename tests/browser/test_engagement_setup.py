"""A facilitator starts an engagement from a template and invites a member, who accepts from the
e-mailed link and sees the engagement."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, UserFactory


def test_a_facilitator_starts_an_engagement_and_an_invited_member_joins(
    page, builtin_templates, mailbox
):
    facilitator = UserFactory(
        email="dana@facilitation.example", full_name="Dana Whitfield", can_facilitate=True
    )
    base = page.live_server_url

    # The facilitator signs in and starts an engagement from the district template.
    page.goto(base + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(facilitator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name="Start an engagement").first.click()
    page.get_by_label("District strategic planning: 9 steps").check()
    page.get_by_label("Organization", exact=True).select_option(label="A new organization")
    page.get_by_label("New organization’s name").fill("Riverside Unified School District")
    page.get_by_label("Engagement name").fill("Strategic Plan 2027–2032")
    page.get_by_role("button", name="Start the engagement").click()

    # The timeline shows the seed's phases and guiding questions.
    expect(page.get_by_role("heading", level=1, name="Timeline")).to_be_visible()
    expect(page.get_by_text("“Who are we and what are we being asked to do?”")).to_be_visible()
    expect(page.get_by_text("“Where are we now?”")).to_be_visible()

    # The roster starts with the district seats; the facilitator invites a parent.
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="Roster and seats").click()
    expect(page.get_by_text("Parents: 0 of 8 seats filled")).to_be_visible()
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Name").fill("Ana López")
    page.get_by_label("E-mail address").fill("ana@families.example")
    page.get_by_label("Plan team").check()
    page.get_by_label("Stakeholder group").select_option(label="Parents")
    page.get_by_role("button", name=re.compile("Send the invitation|Invite")).click()
    expect(page.get_by_text("ana@families.example").first).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # Ana opens the link from her e-mail, makes her account and lands on the engagement.
    [message] = mailbox.wait(1)
    assert message.to == ["ana@families.example"]
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Strategic Plan 2027–2032")
    page.get_by_label("Choose a password").fill("a long family passphrase 8")
    page.get_by_label("The same password again").fill("a long family passphrase 8")
    page.get_by_role("button", name="Create my account and join").click()
    expect(page.get_by_role("heading", level=1, name="Strategic Plan 2027–2032")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Ana López"))).to_contain_text("Parents")

    # Her home page lists it with its organization.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My engagements").click()
    expect(page.get_by_text("Riverside Unified School District")).to_be_visible()
