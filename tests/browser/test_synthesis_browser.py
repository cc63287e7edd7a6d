"""On a phone (375 px), a core-team member tags town-hall comments with a theme by keyboard
(type the theme, press Enter), tags two more at once with their boxes, then carries the theme to
a retreat's brainstorm board as a card citing its count. Every page is scanned for
accessibility."""

from playwright.sync_api import expect

from engagements.models import Role
from retreats.models import Card
from synthesis.models import Tagging, VoiceTheme
from tests.factories import (
    PASSWORD,
    ActivityFactory,
    ListeningCommentFactory,
    ListeningSessionFactory,
    MembershipFactory,
    RetreatFactory,
    StakeholderGroupFactory,
    UserFactory,
)


def test_tagging_by_keyboard_and_carrying_a_theme_to_a_board_on_a_phone(page, riverside):
    engagement = riverside["engagement"]
    parents = StakeholderGroupFactory(engagement=engagement, name="Parents", position=0)
    session = ListeningSessionFactory(engagement=engagement, title="Town hall, Riverside High")
    first = ListeningCommentFactory(
        session=session, text="Crossing guards at Elm Street, please.", stakeholder_group=parents
    )
    second = ListeningCommentFactory(session=session, text="Sidewalks on the way to school.")
    third = ListeningCommentFactory(session=session, text="A walking bus for little ones.")
    board = ActivityFactory(
        retreat=RetreatFactory(phase__engagement=engagement, title="Vision retreat"),
        kind="brainstorm",
        title="What should change?",
    )
    member = UserFactory(email="kim@riverside.example", full_name="Kim Nguyen")
    MembershipFactory(user=member, engagement=engagement, roles=[Role.CORE_TEAM.value])

    page.set_default_navigation_timeout(30_000)  # the machine is shared with other test runs
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(page.live_server_url + "/accounts/sign-in/")
    page.get_by_label("E-mail address").fill(member.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{page.live_server_url}/engagements/{engagement.pk}/")
    page.get_by_role("link", name="Themes from what the community said").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Themes from what the community said")
    page.get_by_role("link", name="Tag comments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tag comments with themes")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # One comment by keyboard: type a new theme, Enter; the row comes back with the focus in it.
    row = page.locator(f"#c-{first.pk}")
    box = row.get_by_label("Theme for this comment")
    box.focus()
    page.keyboard.type("Safer walks to school")
    page.keyboard.press("Enter")
    expect(page.locator(f"#c-{first.pk} .theme-chip")).to_contain_text("Safer walks to school")
    expect(page.locator(f"#c-{first.pk}").get_by_label("Theme for this comment")).to_be_focused()
    theme = VoiceTheme.objects.get(engagement=engagement)

    # The bulk button with nothing ticked or typed: the page opens on the theme's error (below
    # the filters, off the first screen), with the focus in the field.
    page.get_by_role("button", name="Tag the chosen comments").click()
    theme_field = page.get_by_label("Theme", exact=True)
    expect(theme_field).to_be_focused()
    expect(theme_field).to_be_in_viewport()
    expect(page.get_by_text("Tick the comments first")).to_be_visible()

    # Two more at once: tick their boxes (Space), type the theme, press the button.
    # (Focus and key in one step: the row just redrawn may still be settling its own focus.)
    page.locator(f"#pick-{second.pk}").press("Space")
    expect(page.locator(f"#pick-{second.pk}")).to_be_checked()
    page.locator(f"#pick-{third.pk}").check()
    page.get_by_label("Theme", exact=True).fill("safer walks to school")
    expect(page.locator(f"#pick-{second.pk}")).to_be_checked()  # still, as the form is sent
    page.get_by_role("button", name="Tag the chosen comments").click()
    expect(page.get_by_text("2 comments tagged “Safer walks to school”.")).to_be_visible()
    assert Tagging.objects.filter(theme=theme).count() == 3

    # The theme's page: carry it to the retreat's board.
    page.goto(f"{page.live_server_url}/engagements/{engagement.pk}/synthesis/")
    page.get_by_role("link", name="Safer walks to school").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Safer walks to school")
    page.get_by_label("Board", exact=True).select_option(
        label="Vision retreat: What should change? (Brainstorm board)"
    )
    page.get_by_role("button", name="Add the card to the board").click()
    expect(page.get_by_text("A card on the board “What should change?”")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    card = Card.objects.get(activity=board)
    assert card.text == "Community input: Safer walks to school — 3 comments (town halls)"
