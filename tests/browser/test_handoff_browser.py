"""The facilitator hands an approved plan to the district: chooses the plan lead and to stay as
an adviser by keyboard, reads what changes, confirms; the engagement page then says who runs it.
Every page is scanned by axe."""

from django.utils import timezone
from playwright.sync_api import expect

from engagements.models import Engagement, Role
from tests.factories import MembershipFactory, UserFactory

from .test_sign_in import sign_in


def test_the_facilitator_hands_the_plan_to_a_district_member_by_keyboard(page, riverside, mailbox):
    engagement = riverside["engagement"]
    Engagement.objects.filter(pk=engagement.pk).update(plan_approved_at=timezone.now())
    facilitator = UserFactory(email="dana@riverside.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    lead = UserFactory(email="marcus@riverside.example", full_name="Marcus Lê-Dubois")
    MembershipFactory(user=lead, engagement=engagement, roles=[Role.CORE_TEAM.value])

    sign_in(page, facilitator.email)
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="Hand off to the district").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hand the plan to the district")

    # Nothing chosen: each question says so beside itself.
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Choose who becomes the plan lead.")).to_be_visible()
    expect(page.get_by_text("Choose whether you stay as an adviser or leave.")).to_be_visible()

    # By keyboard: focus the first choice, pick it with Space, then the adviser choice.
    page.get_by_label("Marcus Lê-Dubois (Core team)").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Marcus Lê-Dubois (Core team)")).to_be_checked()
    page.get_by_label("Stay as a read-only adviser", exact=False).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Make Marcus Lê-Dubois the plan lead?"
    )
    expect(page.get_by_text("You will stay as a read-only adviser")).to_be_visible()
    expect(
        page.get_by_text("Marcus Lê-Dubois will run the update cycle", exact=False)
    ).to_be_visible()
    page.get_by_role("button", name="Hand off to Marcus Lê-Dubois").focus()
    page.keyboard.press("Enter")

    expect(
        page.get_by_text("Marcus Lê-Dubois is the plan lead now; we have e-mailed them.")
    ).to_be_visible()
    today = timezone.localdate().strftime("%-d %B %Y")
    expect(
        page.get_by_text(f"Run by the district since {today}; plan lead: Marcus Lê-Dubois.")
    ).to_be_visible()
    expect(page.get_by_text("You take part as Adviser (read-only).")).to_be_visible()
    expect(page.get_by_role("link", name="Hand off to the district")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit details")).to_have_count(0)
    [message] = mailbox.wait(1)
    assert message.to == ["marcus@riverside.example"]
    assert message.body.startswith("Hello Marcus Lê-Dubois,")
