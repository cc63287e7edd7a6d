"""A real-size district plan, imported whole, reads on a phone: the 666-character strategy
title wraps inside the page, and its health check judges the 26 strategies in all (its own
limits, 8 goals × 4 strategies, halved: 16)."""

from playwright.sync_api import expect

from engagements.models import Role
from planning.schema import import_plan
from tests.factories import MembershipFactory, UserFactory
from tests.planning.realistic_plan import realistic_plan

from .test_plan_builder import sign_in


def test_a_real_size_plan_reads_on_a_phone_and_its_size_is_judged(page, riverside):
    engagement = riverside["engagement"]
    core = UserFactory(email="marcus@riverside.example", full_name="Marcus Lee")
    MembershipFactory(user=core, engagement=engagement, roles=[Role.CORE_TEAM.value])
    import_plan(engagement=engagement, data=realistic_plan())
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, core)
    page.goto(page.live_server_url + f"/engagements/{engagement.pk}/plan/")
    expect(
        page.get_by_text("Build a coherent, district-wide system of early literacy").first
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    strategies = page.locator("#health-too_many_strategies")
    expect(strategies.locator(".health-status")).to_have_text("✕ Fails")
    expect(strategies).to_contain_text("26 strategies in all, 10 more than the 16 suggested")
