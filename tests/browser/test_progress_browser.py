"""A board member reads the progress page of the lived plan on a phone (375 px) and on a laptop
(1280 px): the tree with each status in words and shapes, counts at the top, a chart's numbers
opened by keyboard, and the filters used by keyboard alone; no sideways scrolling, every page
scanned by axe."""

import re
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from engagements.models import Role
from engagements.services.engagements import engagement_plan_approved
from monitoring.models import MeasureReading
from monitoring.selectors.measures import lived_measures
from monitoring.services.actions import action_update_record
from monitoring.status import add_months
from planning.models import Approval, Measure
from planning.services import plan_for
from tests.factories import (
    ActionStepFactory,
    ApprovalFactory,
    GoalFactory,
    MeasureFactory,
    MembershipFactory,
    PlanVersionFactory,
    StrategyFactory,
    UserFactory,
)

from .test_plan_builder import sign_in

READING = (
    "Part des élèves de CE1 qui lisent couramment un texte de leur niveau, mesurée chaque mois "
    "par les enseignants (https://riverside.example/data/reading?grade=2&term=all)"
)


def no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _lived(engagement):
    marisol = UserFactory(email="marisol@riverside.example", full_name="Marisol Peña")
    owner = MembershipFactory(user=marisol, engagement=engagement, roles=[Role.PLAN_TEAM.value])
    tomas = UserFactory(email="tomas@riverside.example", full_name="Tomás Ruiz")
    other = MembershipFactory(user=tomas, engagement=engagement, roles=[Role.CORE_TEAM.value])
    today = timezone.localdate()
    plan = plan_for(engagement)
    reads = GoalFactory(plan=plan, title="Every child reads by grade 3", owner=owner)
    coach = StrategyFactory(goal=reads, title="Coach the coaches, école by école")
    MeasureFactory(
        strategy=coach,
        goal=None,
        indicator=READING,
        baseline=Decimal(40),
        baseline_date=add_months(today, -36),
        target=Decimal(80),
        target_date=add_months(today, 24),
        unit="%",
        frequency=Measure.Frequency.MONTHLY,
    )
    ActionStepFactory(strategy=coach, description="Train every reading coach", owner=owner)
    safe = GoalFactory(plan=plan, title="Safe, welcoming schools", owner=other)
    MeasureFactory(
        goal=safe,
        indicator="Students per counsellor",
        unit="students",
        frequency=Measure.Frequency.YEARLY,
    )
    late = ActionStepFactory(
        strategy=StrategyFactory(goal=safe, title="Restorative practices"),
        description="Hire two counsellors",
        owner=other,
        due_date=today - timedelta(days=20),
    )
    ApprovalFactory(
        version=PlanVersionFactory(plan=plan),
        state=Approval.State.APPROVED,
        decided_at=timezone.now(),
    )
    engagement_plan_approved(engagement_id=engagement.pk)
    first, band = (m.monitored for m in lived_measures(engagement).measures)
    band.direction, band.band_low, band.band_high = "band", Decimal(250), Decimal(300)
    band.save()
    MeasureReading.objects.create(
        measure=band, taken_on=today, value=Decimal(320), entered_by=tomas
    )
    for month in range(36):
        MeasureReading.objects.create(
            measure=first,
            taken_on=add_months(today, month - 35),
            value=Decimal(40) + Decimal(month) * Decimal("0.8"),
            entered_by=marisol,
        )
    action_update_record(
        engagement=engagement, step_id=late.pk, author=tomas, status="at_risk", percent=30
    )


def test_a_board_member_reads_and_filters_the_progress_page_on_a_phone_and_a_laptop(
    page, riverside
):
    engagement = riverside["engagement"]
    _lived(engagement)
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, riverside["board"])
    page.get_by_role("link", name=engagement.name).first.click()
    page.get_by_role("link", name="Living the plan: progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress on the plan")
    expect(page.get_by_role("list", name="Measures by status")).to_contain_text("On track: 1")
    expect(page.get_by_role("list", name="Action steps by status")).to_contain_text("At risk: 1")
    expect(page.get_by_role("heading", name="Goal: Safe, welcoming schools")).to_be_visible()
    expect(page.locator(".p-step").filter(has_text="Hire two counsellors")).to_contain_text(
        "Past its due date"
    )
    chart = page.get_by_role("img", name=re.compile(r"readings over time"))
    expect(chart.first).to_be_visible()
    no_sideways_scroll(page, 375)

    # A chart's numbers, opened by keyboard.
    numbers = page.locator(".p-chart__numbers").first
    numbers.locator("summary").focus()
    page.keyboard.press("Enter")
    table = numbers.get_by_role("table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(36)
    no_sideways_scroll(page, 375)

    # The filters, by keyboard alone: Tomás's elements.
    page.get_by_label("Owner").focus()
    page.keyboard.type("Tom")
    page.keyboard.press("Tab")  # to Status
    page.keyboard.press("Tab")  # to Show
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"owner=tomas%40riverside.example"))
    expect(page.get_by_text("Hire two counsellors")).to_be_visible()
    expect(page.get_by_text("Train every reading coach")).to_have_count(0)
    expect(page.get_by_label("Owner")).to_have_value("tomas@riverside.example")
    no_sideways_scroll(page, 375)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Clear filters").click()
    expect(page.get_by_text("Train every reading coach")).to_be_visible()
    no_sideways_scroll(page, 1280)
    page.get_by_role("link", name="Measures", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Measures against their targets")
