"""Living the plan on a phone: a plan-team member who owns three action steps of the approved
plan opens "Action progress" from the engagement page at 375 px, keeps to her own steps and
updates all three from the list (a full update after a mistyped percent, "nothing changed" in one
tap, and "Done" with the keyboard), every page scanned by axe."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from engagements.models import Engagement, Role
from monitoring.models import ActionUpdate
from monitoring.services.actions import action_update_record
from tests.factories import ActionStepFactory, MembershipFactory, UserFactory
from tests.monitoring.lived_steps import approve, step

from .test_plan_builder import sign_in

COACHES = (
    "Former les coachs de lecture de chaque école élémentaire à la lecture guidée, avec des "
    "séances d'observation en classe chaque trimestre, un carnet de suivi partagé "
    "(https://riverside.example/reading/coaches?term=2&view=all) et un bilan présenté au "
    "conseil en juin; the coaches then train grade-level teams, so every K-3 teacher has seen "
    "guided reading modelled in their own room by the end of the first school year of the plan, "
    "and the district keeps a list of who was coached, when, and what they asked for next."
)


def test_an_owner_updates_three_of_her_steps_from_the_list_on_a_phone(page, riverside):
    engagement = riverside["engagement"]
    ana = UserFactory(email="ana.nunez@riverside.example", full_name="Ana Núñez")
    owner = MembershipFactory(user=ana, engagement=engagement, roles=[Role.PLAN_TEAM.value])
    other = MembershipFactory(engagement=engagement, roles=[Role.CORE_TEAM.value])
    coaches = step(
        engagement, COACHES, owner=owner, due_date=timezone.localdate() - timedelta(days=10)
    )
    room = ActionStepFactory(
        strategy=coaches.strategy,
        description="Open a family reading room",
        owner=owner,
        stage="study",
    )
    books = ActionStepFactory(
        strategy=coaches.strategy, description="Buy levelled books", owner=owner
    )
    ActionStepFactory(strategy=coaches.strategy, description="Hire a data coach", owner=other)
    approve(engagement)
    Engagement.objects.filter(pk=engagement.pk).update(plan_approved_at=timezone.now())
    action_update_record(
        engagement=engagement,
        step_id=books.pk,
        author=ana,
        status="on_track",
        percent=70,
        at=timezone.now() - timedelta(days=31),
    )

    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, ana)
    page.get_by_role("link", name="Strategic Plan 2027–2032").click()
    page.get_by_role("link", name="Action progress").click()
    expect(page.get_by_role("heading", level=1, name="Action progress")).to_be_visible()
    page.get_by_role("link", name="Mine").click()
    expect(page.locator(".action-card")).to_have_count(3)
    expect(page.get_by_text("Hire a data coach")).to_have_count(0)
    first = page.locator(f"#step-{coaches.pk}")
    expect(first).to_contain_text("Overdue")
    expect(first).to_contain_text("Not started")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # 1. A full update; a mistyped percent is named beside the field and nothing typed is lost.
    first.get_by_role("link", name=re.compile(r"^Update")).click()
    page.get_by_label("At risk").check()
    page.get_by_label("Percent complete").fill("550")
    page.get_by_label("Note").fill("Deux coachs sont partis en décembre; 6 of 15 trained.")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text("Percent complete is a whole number from 0 to 100.")).to_be_visible()
    expect(page.get_by_label("Note")).to_have_value(
        "Deux coachs sont partis en décembre; 6 of 15 trained."
    )
    expect(page.get_by_label("At risk")).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("Percent complete").fill("55")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_role("status")).to_contain_text("Update saved")
    expect(page).to_have_url(re.compile(r"\?mine=1#step-"))
    expect(first).to_contain_text("At risk")
    expect(first).to_contain_text("55 %")
    expect(first).to_contain_text("Ana Núñez")

    # 2. Nothing changed on the books, in one tap.
    page.locator(f"#step-{books.pk}").get_by_role("link", name=re.compile(r"^Update")).click()
    page.get_by_role("button", name="Nothing changed").click()
    expect(page.get_by_role("status")).to_contain_text("nothing changed")

    # 3. The reading room is done, with what was studied, by keyboard only.
    page.locator(f"#step-{room.pk}").get_by_role("link", name=re.compile(r"^Update")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("What we studied")).to_be_visible()
    page.get_by_label("Done").focus()
    page.keyboard.press("Space")
    page.get_by_label("What we studied").focus()
    page.keyboard.type("Visits doubled after we opened on Saturdays.")
    page.get_by_label("What we decided (act)").focus()
    page.keyboard.type("Adopt: keep Saturday hours.")
    page.get_by_role("button", name="Save update").focus()
    page.keyboard.press("Enter")
    card = page.locator(f"#step-{room.pk}")
    expect(card).to_contain_text("Done")
    expect(card).to_contain_text("100 %")

    card.get_by_role("link", name="Open a family reading room", exact=True).click()
    expect(page.get_by_role("heading", level=2, name="History")).to_be_visible()
    expect(page.locator(".action-history")).to_contain_text("status: done, 100 %")
    expect(page.locator(".action-history")).to_contain_text("Adopt: keep Saturday hours.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    assert ActionUpdate.objects.filter(author=ana).count() == 4  # one seeded, three today
