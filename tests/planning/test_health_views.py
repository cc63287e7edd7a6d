"""The plan's health check page: who may see it, each check's status in words, its fix link, and a
constant number of queries whatever the plan's size."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engagements.models import PLANNING_ROLES, Role
from planning.health import health_checks, health_summary
from tests.factories import GoalFactory, MeasureFactory, PlanFactory, StrategyFactory

pytestmark = pytest.mark.django_db

ROLES = [role.value for role in PLANNING_ROLES]


def url(engagement):
    return reverse("planning:health", args=[engagement.pk])


def entry(html: str, key: str) -> str:
    """The list item of one check."""
    found = re.search(rf'<li class="health-check[^"]*" id="health-{key}">(.*?)</li>', html, re.S)
    assert found, f"no entry for {key}"
    return found.group(1)


@pytest.fixture
def plan(cast):
    return PlanFactory(engagement=cast.engagement)


# --- access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [role for role in ROLES if role != Role.BOARD.value])
def test_every_member_but_the_board_sees_the_health_check(client, cast, plan, role):
    client.force_login(cast.member(role))
    response = client.get(url(cast.engagement))
    assert response.status_code == 200
    assert "Ten ways strategic plans often fail, checked against your working copy." in (
        response.content.decode()
    )


def test_board_members_get_a_403_the_check_reads_the_working_copy(client, cast, plan):
    client.force_login(cast.board)
    assert client.get(url(cast.engagement)).status_code == 403


def test_it_checks_ownership(client, cast, plan):
    client.force_login(cast.outsider)
    assert client.get(url(cast.engagement)).status_code == 404


def test_it_sends_anonymous_visitors_to_sign_in(client, cast, plan):
    response = client.get(url(cast.engagement))
    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


def test_it_only_answers_get(client, cast, plan):
    client.force_login(cast.facilitator)
    assert client.post(url(cast.engagement)).status_code == 405


# --- what it shows --------------------------------------------------------------------------------


def test_a_failing_check_says_so_in_words_and_links_to_the_goal_to_fix(client, cast, plan):
    goal = GoalFactory(plan=plan, title="Every reader by grade three")
    client.force_login(cast.plan_team)
    html = client.get(url(cast.engagement)).content.decode()
    line = entry(html, "goals_without_measure")
    assert "Fails" in line
    assert "Every reader by grade three" in line
    plan_url = reverse("planning:plan", args=[cast.engagement.pk])
    assert f'href="{plan_url}#goal-{goal.pk}"' in line
    assert "Guards against: No accountability or follow through / lack of measures." in line


def test_a_passing_check_says_so_and_offers_no_fix(client, cast, plan):
    GoalFactory(plan=plan, title="Every reader by grade three")
    client.force_login(cast.facilitator)
    line = entry(client.get(url(cast.engagement)).content.decode(), "duplicate_goals")
    assert "Passes" in line
    assert "href=" not in line


def test_a_check_with_nothing_to_judge_says_not_yet_applicable_not_passes(client, cast, plan):
    client.force_login(cast.facilitator)
    html = client.get(url(cast.engagement)).content.decode()
    for key in ("strategies_without_action_steps", "no_recent_progress"):
        line = entry(html, key)
        assert "Not yet applicable" in line and "Passes" not in line, key
        assert "href=" not in line
    assert "0 pass, 3 warn, 1 fail, 7 not yet applicable" in html


def test_a_warning_says_so_and_links_to_the_goals(client, cast, plan):
    client.force_login(cast.facilitator)
    line = entry(client.get(url(cast.engagement)).content.decode(), "too_many_goals")
    assert "Warning" in line
    assert f'href="{reverse("planning:plan", args=[cast.engagement.pk])}#goals"' in line


def test_the_summary_counts_the_checks(client, cast, plan):
    GoalFactory(plan=plan)
    summary = health_summary(health_checks(plan))
    assert summary["fail"]  # a goal without a measure, and no stakeholder input
    client.force_login(cast.facilitator)
    html = client.get(url(cast.engagement)).content.decode()
    assert f"{summary['pass']} pass, {summary['warn']} warn, {summary['fail']} fail" in html


def test_stakeholder_input_is_fixed_on_the_engagement_s_retreats(client, cast, plan):
    client.force_login(cast.plan_team)
    line = entry(client.get(url(cast.engagement)).content.decode(), "no_stakeholder_feedback")
    assert "Fails" in line
    assert f'href="{reverse("engagements:detail", args=[cast.engagement.pk])}#retreats"' in line


def test_the_roster_link_is_for_those_who_may_see_the_roster(client, cast, plan):
    roster_url = reverse("engagements:roster", args=[cast.engagement.pk])
    client.force_login(cast.core_team)
    line = entry(client.get(url(cast.engagement)).content.decode(), "unrepresentative_team")
    assert "Warning" in line
    assert f'href="{roster_url}"' in line
    client.force_login(cast.plan_team)
    line = entry(client.get(url(cast.engagement)).content.decode(), "unrepresentative_team")
    assert roster_url not in line
    assert "The facilitator or the core team can fix this in the roster." in line


def test_an_element_named_like_markup_is_shown_as_text(client, cast, plan):
    GoalFactory(plan=plan, title="<script>alert('x')</script>")
    client.force_login(cast.facilitator)
    html = client.get(url(cast.engagement)).content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


# --- queries --------------------------------------------------------------------------------------


def test_the_page_runs_as_many_queries_for_ten_goals_as_for_one(
    client, cast, plan, django_assert_max_num_queries
):
    client.force_login(cast.facilitator)
    goal = GoalFactory(plan=plan)
    StrategyFactory(goal=goal)
    MeasureFactory(goal=goal)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(cast.engagement)).status_code == 200
    for _ in range(9):
        goal = GoalFactory(plan=plan)
        MeasureFactory(goal=goal)
        for _ in range(3):
            StrategyFactory(goal=goal)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url(cast.engagement)).status_code == 200
