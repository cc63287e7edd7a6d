"""A member signs in and sees their engagement; a member of another organization does not."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def sign_in(page, email):
    page.goto(page.live_server_url + "/")
    expect(page).to_have_title(re.compile("Sign in"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()


def test_a_member_signs_in_and_sees_their_engagement(page, riverside):
    sign_in(page, riverside["board"].email)
    card = page.get_by_role("listitem").filter(has_text="Strategic Plan 2027–2032")
    expect(card).to_contain_text("Riverside Unified School District")
    expect(card).to_contain_text("Getting ready")  # no phase has started yet
    expect(page.get_by_text("Mission Refresh")).to_have_count(0)

    card.get_by_role("link", name="Strategic Plan 2027–2032").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Strategic Plan 2027–2032")
    expect(page.get_by_role("cell", name="Board member")).to_be_visible()


def test_a_member_of_another_organization_sees_neither_the_engagement_nor_its_page(page, riverside):
    sign_in(page, riverside["outsider"].email)
    expect(page.get_by_text("Mission Refresh")).to_be_visible()
    expect(page.get_by_text("Strategic Plan 2027–2032")).to_have_count(0)

    response = page.goto(f"{page.live_server_url}/engagements/{riverside['engagement'].pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We can’t find that page")
    expect(page.get_by_text("Riverside")).to_have_count(0)


def test_signing_in_works_with_the_keyboard_alone(page, riverside):
    page.goto(page.live_server_url + "/accounts/sign-in/")
    # The e-mail field has focus when the page opens.
    page.keyboard.type(riverside["board"].email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="My engagements")).to_be_visible()

    # Sign out from the navigation, still by keyboard.
    page.get_by_role("button", name="Sign out").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()


def test_a_wrong_password_is_explained_on_a_phone(page, riverside):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(riverside["board"].email)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    expect(page.get_by_label("E-mail address")).to_have_value(riverside["board"].email)
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
