"""On a phone (375 px): the owner of a goal opens the lived plan's measures, finds their measure
without data, adds a reading (first with a mistake, kept and explained beside the field), and
sees the status and its reason change; every page is scanned by axe."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from engagements.models import Role
from engagements.services.engagements import engagement_plan_approved
from planning.models import Approval, Measure
from planning.services import plan_for
from tests.factories import (
    ApprovalFactory,
    GoalFactory,
    MeasureFactory,
    MembershipFactory,
    PlanVersionFactory,
    UserFactory,
)

from .test_sign_in import sign_in

INDICATOR = "Four-year graduation rate (cohort of 2028, students with an IEP included)"


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_owner_adds_a_reading_on_a_phone_and_sees_the_status_and_why_change(page, riverside):
    engagement = riverside["engagement"]
    owner = UserFactory(email="marisol@riverside.example", full_name="Marisol Peña")
    membership = MembershipFactory(user=owner, engagement=engagement, roles=[Role.PLAN_TEAM.value])
    today = timezone.localdate()
    plan = plan_for(engagement)
    goal = GoalFactory(plan=plan, title="Every student graduates ready", owner=membership)
    MeasureFactory(
        goal=goal,
        indicator=INDICATOR,
        baseline=Decimal("70"),
        baseline_date=today - timedelta(days=730),
        target=Decimal("90"),
        target_date=today + timedelta(days=730),
        unit="%",
        frequency=Measure.Frequency.QUARTERLY,
    )
    ApprovalFactory(
        version=PlanVersionFactory(plan=plan),
        state=Approval.State.APPROVED,
        decided_at=timezone.now(),
    )
    engagement_plan_approved(engagement_id=engagement.pk)
    page.set_viewport_size({"width": 375, "height": 740})

    sign_in(page, owner.email)
    page.get_by_role("link", name=engagement.name).first.click()
    page.get_by_role("link", name="Living the plan: measures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Measures against their targets")
    card = page.locator(".m-card").first
    expect(card.get_by_text("No data yet")).to_be_visible()
    expect(
        card.get_by_text("No reading yet. This measure is reported every quarter.")
    ).to_be_visible()
    fits_the_phone(page)

    card.get_by_role("link", name=INDICATOR).click()
    page.get_by_label("Value (%)").fill("seventy-two")
    page.get_by_label("Note (optional)").fill("Spring count; two high schools reported late.")
    page.get_by_role("button", name="Add the reading").click()
    expect(page.get_by_text("Enter a number, like 72 or 72.5.")).to_be_visible()
    expect(page.get_by_label("Note (optional)")).to_have_value(
        "Spring count; two high schools reported late."
    )
    fits_the_phone(page)

    page.get_by_label("Value (%)").fill("72")
    page.get_by_role("button", name="Add the reading").click()
    expect(page.get_by_text("Reading added.")).to_be_visible()
    status = page.locator("#status")
    expect(status.locator(".m-status")).to_contain_text("Off track")
    expect(status.locator(".m-status__icon")).to_have_text("✖")
    expect(status.get_by_text("72 % now; 80 % expected by")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Spring count; two high schools reported late.")
    ).to_be_visible()
    fits_the_phone(page)

    page.get_by_role("link", name="Living the plan: measures").click()
    expect(page.locator(".m-card").first.get_by_text("Off track")).to_be_visible()
    expect(page.get_by_text("target 90 % by")).to_be_visible()
    fits_the_phone(page)


def test_the_facilitator_changes_a_target_with_a_reason_on_a_phone(page, riverside):
    engagement = riverside["engagement"]
    facilitator = UserFactory(email="dana@riverside.example", full_name="Dana Whitfield")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    today = timezone.localdate()
    plan = plan_for(engagement)
    goal = GoalFactory(plan=plan, title="Every student graduates ready")
    measure = MeasureFactory(
        goal=goal,
        indicator=INDICATOR,
        baseline=Decimal("70"),
        baseline_date=today - timedelta(days=730),
        target=Decimal("90"),
        target_date=today + timedelta(days=730),
        unit="%",
    )
    ApprovalFactory(
        version=PlanVersionFactory(plan=plan),
        state=Approval.State.APPROVED,
        decided_at=timezone.now(),
    )
    engagement_plan_approved(engagement_id=engagement.pk)
    page.set_viewport_size({"width": 375, "height": 740})

    sign_in(page, facilitator.email)
    page.goto(f"{page.live_server_url}/engagements/{engagement.pk}/living/measures/{measure.pk}/")
    expect(
        page.get_by_role("heading", level=2, name="Change the target or baseline")
    ).to_be_visible()
    fits_the_phone(page)
    form = page.locator("#change-targets")
    form.get_by_label("Target", exact=True).fill("85")
    form.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Give a reason: everyone who reads the plan sees it.")).to_be_visible()
    form = page.locator("#change-targets")
    expect(form.get_by_label("Target", exact=True)).to_have_value("85")
    form.get_by_label("Reason").fill("The state now counts students who transfer out.")
    form.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("1 value changed, with the reason.")).to_be_visible()
    log = page.locator("#changes")
    expect(log).to_contain_text("Target: 90 → 85")
    expect(log).to_contain_text("Reason: The state now counts students who transfer out.")
    expect(log).to_contain_text("Dana Whitfield")
    fits_the_phone(page)
