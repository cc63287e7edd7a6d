"""The plan lead prepares the board progress report in the browser: opens it from the progress
page, picks two items to feature, writes a cover note, previews the report (on a laptop at
1280 px and a phone at 375 px, no sideways scrolling) and asks for its PDF; axe scans every
page."""

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


def no_sideways_scroll(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _lived(engagement):
    lead = UserFactory(email="marisol@riverside.example", full_name="Marisol Peña")
    owner = MembershipFactory(
        user=lead, engagement=engagement, roles=[Role.CORE_TEAM.value, Role.PLAN_LEAD.value]
    )
    today = timezone.localdate()
    plan = plan_for(engagement)
    reads = GoalFactory(plan=plan, title="Every child reads by grade 3", owner=owner)
    coach = StrategyFactory(goal=reads, title="Coach the coaches, école by école")
    MeasureFactory(
        strategy=coach,
        goal=None,
        indicator="Second graders reading fluently",
        baseline=Decimal(40),
        baseline_date=add_months(today, -36),
        target=Decimal(80),
        target_date=add_months(today, 24),
        unit="%",
        frequency=Measure.Frequency.MONTHLY,
    )
    trained = ActionStepFactory(
        strategy=coach, description="Train every reading coach", owner=owner
    )
    ActionStepFactory(
        strategy=coach,
        description="Hire two reading interventionists",
        owner=owner,
        due_date=today - timedelta(days=20),
    )
    ApprovalFactory(
        version=PlanVersionFactory(plan=plan),
        state=Approval.State.APPROVED,
        decided_at=timezone.now(),
    )
    engagement_plan_approved(engagement_id=engagement.pk)
    (measure,) = (m.monitored for m in lived_measures(engagement).measures)
    for month in range(36):
        MeasureReading.objects.create(
            measure=measure,
            taken_on=add_months(today, month - 35),
            value=Decimal(40) + Decimal(month) * Decimal("0.8"),
            entered_by=lead,
        )
    action_update_record(
        engagement=engagement,
        step_id=trained.pk,
        author=lead,
        status="done",
        note="All 14 coaches trained in September",
    )
    return lead


def test_the_plan_lead_features_items_writes_the_note_previews_and_asks_for_the_pdf(
    page, riverside
):
    engagement = riverside["engagement"]
    lead = _lived(engagement)
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, lead)
    page.get_by_role("link", name=engagement.name).first.click()
    page.get_by_role("link", name="Living the plan: progress").click()
    page.get_by_role("link", name="Report to the board").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress report to the board")
    expect(page.get_by_role("heading", name="Road blocks")).to_be_visible()
    expect(page.locator("#br-blocks").locator("..")).to_contain_text(
        "Hire two reading interventionists"
    )

    page.get_by_role("link", name="Choose highlights and write the note").click()
    page.get_by_label("Cover note to the board").fill(
        "Reading is on track.\n\nWe still need two interventionists."
    )
    page.get_by_label(re.compile(r"Action step: Train every reading coach")).check()
    page.get_by_label(re.compile(r"Action step: Hire two reading interventionists")).check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="A note to the board")).to_be_visible()
    expect(page.get_by_text("We still need two interventionists.")).to_be_visible()
    highlights = page.locator("section").filter(has=page.get_by_role("heading", name="Highlights"))
    expect(highlights.get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_role("img", name=re.compile(r"readings over time"))).to_be_visible()
    no_sideways_scroll(page, 1280)

    page.set_viewport_size({"width": 375, "height": 740})
    page.reload()
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
    no_sideways_scroll(page, 375)

    page.get_by_role("button", name="Make the PDF").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Board progress report")
    expect(page.get_by_role("link", name=re.compile("Download PDF"))).to_be_visible()
    no_sideways_scroll(page, 375)
