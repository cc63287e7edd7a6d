"""The update cycle on a phone: an owner with a measure and two action steps due gets the
reminder e-mail, opens My updates from its one link at 375 px, and updates three items in place
(a reading, a step's status and percent, "nothing changed" on the other), every page and every
htmx swap scanned by axe."""

import calendar
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from engagements.models import Engagement, Role
from monitoring.models import ActionUpdate, MeasureReading
from monitoring.services.cycle import reminders_send
from planning.models import Measure
from planning.services import plan_for
from tests.factories import (
    ActionStepFactory,
    GoalFactory,
    MeasureFactory,
    MembershipFactory,
    StrategyFactory,
    UserFactory,
)
from tests.monitoring.lived_steps import approve

from .test_plan_builder import sign_in

pytestmark = pytest.mark.usefixtures("tasks_in_process")


def test_an_owner_updates_three_items_from_the_emailed_link_on_a_phone(page, riverside, mailbox):
    engagement = riverside["engagement"]
    ana = UserFactory(email="ana.nunez@riverside.example", full_name="Ana Núñez")
    owner = MembershipFactory(user=ana, engagement=engagement, roles=[Role.PLAN_TEAM.value])
    today = timezone.localdate()
    goal = GoalFactory(plan=plan_for(engagement), title="Chaque enfant lit en CE1", owner=owner)
    measure = MeasureFactory(
        goal=goal,
        indicator="Élèves de 3e année qui lisent au niveau attendu (évaluation de printemps)",
        baseline=Decimal("58"),
        baseline_date=today - timedelta(days=400),
        target=Decimal("80"),
        target_date=today + timedelta(days=800),
        unit="%",
        frequency=Measure.Frequency.MONTHLY,
    )
    strategy = StrategyFactory(goal=goal, title="Coach the coaches")
    coaches = ActionStepFactory(
        strategy=strategy, description="Train every reading coach in guided reading", owner=owner
    )
    books = ActionStepFactory(
        strategy=strategy, description="Buy levelled books for every K–3 room", owner=owner
    )
    approve(engagement)
    Engagement.objects.filter(pk=engagement.pk).update(plan_approved_at=timezone.now())

    # The beat's run on the month's last day, after the grace: one e-mail, one link.
    month_end = today.replace(day=calendar.monthrange(today.year, today.month)[1])
    assert reminders_send(today=month_end) == 1
    [message] = mailbox.messages()
    assert message.to == [ana.email] and message.body.startswith("Hello Ana Núñez,")
    link = next(w for w in message.body.split() if "/my-updates/" in w)
    link = link.replace(settings.SITE_URL, page.live_server_url)

    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, ana)
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name="My updates")).to_be_visible()
    expect(page.locator(".update-item")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # 1. A reading: a mistyped value is named, then saved in place.
    item = page.locator(f"#measure-{measure.pk}")
    item.get_by_label("Value today (%)").fill("64,5 %")
    item.get_by_label("Note (optional)").fill(
        "Printemps 2027: +6 points — see https://riverside.example/r?x=1&y=2"
    )
    item.get_by_role("button", name="Save reading").click()
    expect(item.get_by_text("Enter a number, like 72 or 72.5.")).to_be_visible()
    expect(item.get_by_label("Note (optional)")).to_have_value(
        "Printemps 2027: +6 points — see https://riverside.example/r?x=1&y=2"
    )
    item.get_by_label("Value today (%)").fill("64.5")
    item.get_by_role("button", name="Save reading").click()
    expect(item.get_by_role("status")).to_contain_text("Reading saved")

    # 2. A step's status and percent.
    step = page.locator(f"#step-{coaches.pk}")
    step.get_by_text("Report a change").click()
    step.get_by_label("At risk").check()
    step.get_by_label("Percent complete").fill("40")
    step.get_by_label("Note").fill("Deux coachs sont partis en décembre; 6 of 15 trained.")
    step.get_by_role("button", name="Save update").click()
    expect(step.get_by_role("status")).to_contain_text("Update saved")
    expect(step).to_contain_text("At risk, 40 % complete")

    # 3. Nothing changed, in one tap.
    other = page.locator(f"#step-{books.pk}")
    other.get_by_role("button", name="Nothing changed").click()
    expect(other.get_by_role("status")).to_contain_text("Recorded: nothing changed")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.reload()
    expect(page.get_by_text("All reported: thank you.")).to_be_visible()
    reading = MeasureReading.objects.get()
    assert reading.value == Decimal("64.5") and reading.entered_by == ana
    assert ActionUpdate.objects.get(action_step_id=coaches.pk).percent == 40
    assert ActionUpdate.objects.get(action_step_id=books.pk).nothing_changed


def test_the_facilitator_sees_who_has_not_reported_and_nudges_them(page, riverside, mailbox):
    engagement = riverside["engagement"]
    facilitator = UserFactory(email="fran@aligned.example", full_name="Fran Okoye")
    MembershipFactory(user=facilitator, engagement=engagement, roles=[Role.FACILITATOR.value])
    ana = UserFactory(email="ana.nunez@riverside.example", full_name="Ana Núñez")
    owner = MembershipFactory(user=ana, engagement=engagement, roles=[Role.PLAN_TEAM.value])
    goal = GoalFactory(plan=plan_for(engagement), title="Chaque enfant lit en CE1", owner=owner)
    strategy = StrategyFactory(goal=goal, title="Coach the coaches")
    ActionStepFactory(
        strategy=strategy, description="Train every reading coach in guided reading", owner=owner
    )
    approve(engagement)
    Engagement.objects.filter(pk=engagement.pk).update(plan_approved_at=timezone.now())

    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, facilitator)
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="Update cycle").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Update cycle")
    expect(page.locator(".cycle-owner__name")).to_contain_text("Ana Núñez · 1 of 1 not reported")
    page.get_by_role("link", name="Send a nudge to Ana Núñez").click()
    expect(page.get_by_role("heading", level=1, name="Send a nudge to Ana Núñez?")).to_be_visible()
    page.get_by_role("button", name="Send the nudge").click()
    expect(page.get_by_text("Nudge sent to Ana Núñez.")).to_be_visible()
    expect(page.get_by_text("Nudged today.")).to_be_visible()
    assert [m.to for m in mailbox.messages()] == [[ana.email]]
    assert "Fran Okoye asks for your updates" in mailbox.messages()[0].body

    page.get_by_role("link", name="Change the update cycle").click()
    page.get_by_label("Every quarter").check()
    page.get_by_label("Updates are due on day").fill("40")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Choose a day from 1 to 31.")).to_be_visible()
    page.get_by_label("Updates are due on day").fill("15")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Update cycle saved.")).to_be_visible()
    expect(page.get_by_text("Every quarter; updates due on day 15")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
