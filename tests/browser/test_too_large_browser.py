"""A form sent through htmx that is too large to read: the 413 message shows at the top of the
page the person is on, and the words typed stay in the form to shorten."""

from playwright.sync_api import expect

from tests.browser.test_plan_builder import sign_in, team  # noqa: F401 - the fixture


def test_an_htmx_form_too_large_to_send_says_so_and_keeps_the_words(page, team):  # noqa: F811
    # Over the real limit (FORM_MAX_MB, 2.5 MB), not a lowered one: the live server's thread
    # did not always see a setting changed by the test in a long run of the suite.
    sign_in(page, team["core"])
    page.goto(page.live_server_url + f"/engagements/{team['engagement'].pk}/plan/")
    goal = page.locator(f"#goal-{team['goal'].pk}")
    goal.get_by_role("link", name="Edit goal “Academic Success”").click()
    words = "Every student grows every year, with the support they need. " * 45_000  # 2.7 MB
    page.get_by_label("Description").fill(words)
    page.get_by_role("button", name="Save").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("That was too large to send. Nothing was saved")
    expect(alert).to_contain_text("Shorten the text, choose a smaller file")
    expect(page.get_by_label("Description")).to_have_value(words)
