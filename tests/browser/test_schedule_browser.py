"""On a phone (375 px), a board member opens the approved plan's implementation schedule from the
engagement page, reads year one with its totals, chooses year 2 and all years, and finds the steps
with no year set; nothing widens the page, the tables scroll inside their box, and it prints
without the year choice."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from planning import services
from planning.models import Approval
from tests.factories import (
    ActionStepFactory,
    ApprovalFactory,
    GoalFactory,
    PlanVersionFactory,
    StrategyFactory,
)

from .test_sign_in import sign_in

LONG = (
    "Train every K–2 teacher in structured literacy (Lectura temprana) with coaching cycles, "
    "model lessons and observation feedback, see https://example.org/structured-literacy/"
    "k-2/coaching-cycles-and-model-lessons "
) * 3


def fits_the_phone(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def approved_plan(engagement):
    plan = services.plan_for(engagement)
    reading = StrategyFactory(
        goal=GoalFactory(plan=plan, title="Every child reads by grade 3 " + "—" * 3),
        title="Structured literacy in K–2",
    )
    ActionStepFactory(
        strategy=reading,
        description=LONG,
        plan_year=1,
        start_date=date(2027, 8, 15),
        due_date=date(2028, 5, 31),
        stage="do",
        resources_people="Two reading coaches; the principal",
        resources_time="Four hours a week",
        resources_money=Decimal("1234567.89"),
    )
    ActionStepFactory(
        strategy=reading,
        description="Study the spring screening",
        plan_year=2,
        stage="study",
        resources_money=Decimal("1000"),
    )
    ActionStepFactory(strategy=reading, description="Survey families about reading at home")
    version = PlanVersionFactory(plan=plan, label="Adopted by the board, June 2027")
    ApprovalFactory(version=version, state=Approval.State.APPROVED, decided_at=timezone.now())
    engagement.plan_approved_at = timezone.now()
    engagement.save()


def test_a_board_member_reads_the_schedule_on_a_phone(page, riverside):
    approved_plan(riverside["engagement"])
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, riverside["board"].email)
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="Implementation schedule").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Implementation schedule")
    expect(page.get_by_text("From the approved plan:")).to_be_visible()
    expect(page.get_by_role("link", name="Year 1")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", name="Pursued in year 1")).to_be_visible()
    totals = page.get_by_role("region", name="By year")
    expect(totals.get_by_role("row", name="Year 1 (shown)")).to_contain_text("$1,234,567.89")
    expect(page.get_by_text("Study the spring screening")).to_have_count(0)
    expect(page.get_by_role("heading", name="No year set (1 step)")).to_be_visible()
    expect(page.get_by_text("Survey families about reading at home")).to_be_visible()
    fits_the_phone(page)

    page.get_by_role("link", name="Year 2").click()
    expect(page.get_by_role("heading", name="Pursued in year 2")).to_be_visible()
    expect(page.get_by_text("Study the spring screening")).to_be_visible()
    fits_the_phone(page)

    page.get_by_role("link", name="All years").click()
    expect(page.get_by_role("heading", name="Pursued, every year")).to_be_visible()
    expect(page.get_by_text("Study the spring screening")).to_be_visible()
    fits_the_phone(page)

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Choose a year")).to_be_hidden()
    expect(page.get_by_role("heading", name="Pursued, every year")).to_be_visible()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Year 1").click()  # scans the last page before leaving
