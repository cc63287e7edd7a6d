"""A core-team member opens the health check of a young plan: checks with nothing to judge yet
read "Not yet applicable" (not a green "Passes"), and two goals with the same title are flagged
with a link to the second one."""

from playwright.sync_api import expect

from engagements.models import Role
from planning import services
from tests.factories import MembershipFactory, UserFactory

from .test_plan_builder import sign_in


def test_a_young_plan_shows_what_cannot_be_judged_yet_and_repeated_goals(page, riverside):
    engagement = riverside["engagement"]
    core = UserFactory(email="marcus@riverside.example", full_name="Marcus Lee")
    MembershipFactory(user=core, engagement=engagement, roles=[Role.CORE_TEAM.value])
    plan = services.plan_for(engagement)
    services.element_add("goal", plan=plan, title="Réussite scolaire pour tous")
    again = services.element_add("goal", plan=plan, title="réussite scolaire pour tous")
    sign_in(page, core)
    page.goto(page.live_server_url + f"/engagements/{engagement.pk}/plan/health/")
    expect(page.get_by_role("heading", level=1, name="Is the plan healthy?")).to_be_visible()

    steps = page.locator("#health-strategies_without_action_steps")
    expect(steps.locator(".health-status")).to_have_text("– Not yet applicable")
    expect(steps).to_contain_text("No strategies yet.")
    expect(steps.get_by_role("link")).to_have_count(0)
    progress = page.locator("#health-no_recent_progress")
    expect(progress.locator(".health-status")).to_have_text("– Not yet applicable")
    expect(page.locator(".health-summary")).to_contain_text("not yet applicable")

    repeated = page.locator("#health-duplicate_goals")
    expect(repeated.locator(".health-status")).to_have_text("! Warning")
    expect(repeated).to_contain_text("“Réussite scolaire pour tous” appears twice (goals 1 and 2)")
    repeated.get_by_role("link", name="Fix it in the plan").click()
    expect(page).to_have_url(
        f"{page.live_server_url}/engagements/{engagement.pk}/plan/#goal-{again.pk}"
    )
