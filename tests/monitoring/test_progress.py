"""The progress page: the approved plan as a tree with every element's status, roll-ups of
strategies and goals, filters by goal, owner and status, counts, charts; every member reads,
outsiders get 404, and the page takes the same queries however big the plan."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Membership
from monitoring.models import MeasureReading, StatusOverride
from monitoring.selectors.measures import lived_measures
from monitoring.selectors.progress import progress_for
from monitoring.services.actions import action_update_record
from monitoring.status import Status

from ..factories import ActionStepFactory, GoalFactory, MeasureFactory, StrategyFactory
from .lived import approve, lived_plan

ROLES = ["facilitator", "core_team", "plan_team", "board", "superintendent"]


def _url(cast):
    return reverse("monitoring:progress", args=[cast.engagement.pk])


def _plan(cast):
    """lived_plan's two goals, with two action steps on the absence strategy: one owned by the
    core-team member, one past its due date owned by the superintendent."""
    lived = lived_plan(cast)
    strategy = lived.absence.strategy
    core = Membership.objects.get(engagement=cast.engagement, user=cast.core_team)
    boss = Membership.objects.get(engagement=cast.engagement, user=cast.superintendent)
    calls = ActionStepFactory(
        strategy=strategy, description="Call every family after three absences", owner=core
    )
    vans = ActionStepFactory(
        strategy=strategy,
        description="Run a morning van on the east side",
        owner=boss,
        due_date=timezone.localdate() - timedelta(days=10),
    )
    approve(strategy.goal.plan, decided_at=timezone.now() + timedelta(minutes=1))
    return lived, calls, vans


def _read(cast, measure, value, days_ago=1):
    row = next(m for m in lived_measures(cast.engagement).measures if m.id == measure.pk)
    MeasureReading.objects.create(
        measure=row.monitored,
        taken_on=timezone.localdate() - timedelta(days=days_ago),
        value=Decimal(value),
        entered_by=cast.plan_team,
    )


# --- the selector: roll-up and filters ----------------------------------------------------------


def test_strategies_and_goals_take_the_worst_status_under_them(cast):
    lived, calls, vans = _plan(cast)
    _read(cast, lived.absence, "15")  # on the way from 20 % down to 10 %: on track
    action_update_record(
        engagement=cast.engagement, step_id=calls.pk, author=cast.core_team, status="at_risk"
    )
    progress = progress_for(cast.engagement)
    ready, attend = progress.goals
    assert ready.rolled.status == Status.NO_DATA  # no readings yet, nothing else known
    strategy = attend.strategies[0]
    # the van step is past its due date and not done: off track, the worst
    assert [s.scale for s in strategy.steps] == [Status.BEHIND, Status.OFF_TRACK]
    assert strategy.rolled.status == Status.OFF_TRACK
    assert attend.rolled.status == Status.OFF_TRACK
    action_update_record(
        engagement=cast.engagement, step_id=vans.pk, author=cast.superintendent, status="done"
    )
    progress = progress_for(cast.engagement)
    assert progress.goals[1].rolled.status == Status.BEHIND  # the at-risk call step


def test_a_cancelled_step_does_not_count(cast):
    lived, calls, vans = _plan(cast)
    for step in (calls, vans):
        action_update_record(
            engagement=cast.engagement, step_id=step.pk, author=cast.core_team, status="cancelled"
        )
    _read(cast, lived.absence, "15")
    assert progress_for(cast.engagement).goals[1].rolled.status == Status.ON_TRACK


def test_filters_keep_the_matching_elements_and_the_roll_ups_of_everything(cast):
    lived, calls, vans = _plan(cast)
    progress = progress_for(cast.engagement)
    ready, attend = progress.goals
    mine = progress.filtered(owner=cast.core_team.email.upper())
    assert [g.id for g in mine.goals] == [attend.id]
    assert [s.step.id for s in mine.steps()] == [str(calls.pk)]
    assert mine.measures() == []
    assert mine.goals[0].rolled.status == Status.OFF_TRACK  # still the whole goal's
    late = progress.filtered(status="off_track")
    assert [s.step.id for s in late.steps()] == [str(vans.pk)]
    only = progress.filtered(goal=ready.id)
    assert [g.id for g in only.goals] == [ready.id]
    assert len(only.measures()) == 2
    nothing = progress.filtered(goal=ready.id, status="off_track")
    assert nothing.goals == []


# --- the page -----------------------------------------------------------------------------------


def test_before_approval_the_page_explains_what_comes(client, cast):
    client.force_login(cast.board)
    response = client.get(_url(cast))
    assert response.status_code == 200
    assert "Nothing to monitor yet" in response.text
    assert "Once the board approves the plan" in response.text
    detail = client.get(reverse("engagements:detail", args=[cast.engagement.pk]))
    assert "Living the plan: progress" not in detail.text


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_tree_with_statuses_charts_and_counts(client, cast, role):
    lived, calls, vans = _plan(cast)
    _read(cast, lived.absence, "15")
    client.force_login(cast.member(role))
    response = client.get(_url(cast))
    assert response.status_code == 200
    text = response.text
    assert "Goal: Every student graduates ready" in text
    assert "Strategy: Family outreach in Spanish and Vietnamese" in text
    assert "Call every family after three absences" in text
    assert "Past its due date" in text
    assert 'role="img"' in text and "Show the numbers" in text
    assert "Chronic absence rate: readings over time" in text
    assert 'aria-label="Measures by status"' in text
    assert "No data yet: <strong>2</strong>" in text
    assert "On track: <strong>1</strong>" in text
    assert 'aria-label="Action steps by status"' in text
    assert "Not started: <strong>2</strong>" in text
    assert "Superintendent Person" in text
    for name in ("measures", "action-steps", "schedule"):
        assert reverse(f"monitoring:{name}", args=[cast.engagement.pk]) in text
    detail = client.get(reverse("engagements:detail", args=[cast.engagement.pk]))
    assert _url(cast) in detail.text and "Living the plan: progress" in detail.text


def test_outsiders_get_404(client, cast):
    _plan(cast)
    client.force_login(cast.outsider)
    assert client.get(_url(cast)).status_code == 404
    client.logout()
    assert client.get(_url(cast)).status_code in (302, 404)


def test_the_filters_are_a_plain_get_form_and_an_unknown_choice_is_said(client, cast):
    lived, calls, vans = _plan(cast)
    client.force_login(cast.board)
    response = client.get(_url(cast), {"owner": cast.core_team.email, "status": ""})
    assert "Call every family after three absences" in response.text
    assert "Run a morning van on the east side" not in response.text
    assert "Four-year graduation rate" not in response.text
    assert "Action steps shown:" in response.text
    assert "Clear filters" in response.text
    response = client.get(_url(cast), {"goal": "not-a-goal", "status": "off_track"})
    assert response.status_code == 200
    assert "This choice is not in the approved plan; showing everything instead." in response.text
    assert "Run a morning van on the east side" in response.text  # the valid filter applies
    assert "Call every family" not in response.text
    response = client.get(_url(cast), {"status": "on_track", "owner": cast.plan_team.email})
    assert "Nothing in the plan matches these filters." in response.text


def test_user_text_is_escaped(client, cast):
    lived, calls, vans = _plan(cast)
    lived.absence.indicator = "Absences <script>alert(1)</script> & “retards”"
    lived.absence.save()
    calls.description = "Appeler <img src=x onerror=alert(1)>"
    calls.save()
    approve(lived.absence.strategy.goal.plan, decided_at=timezone.now() + timedelta(minutes=2))
    _read(cast, lived.absence, "15")
    client.force_login(cast.board)
    text = client.get(_url(cast)).text
    assert "<script>alert(1)</script>" not in text and "<img src=x" not in text
    assert "Absences &lt;script&gt;alert(1)&lt;/script&gt; &amp; “retards”" in text
    assert "Appeler &lt;img src=x onerror=alert(1)&gt;" in text


def test_the_page_takes_the_same_queries_as_the_plan_grows(
    client, cast, django_assert_max_num_queries
):
    lived, calls, vans = _plan(cast)
    client.force_login(cast.board)
    client.get(_url(cast))
    with django_assert_max_num_queries(60) as small:
        client.get(_url(cast))
        count = len(small.captured_queries)
    plan = lived.graduation.goal.plan
    for _ in range(5):
        strategy = StrategyFactory(goal=GoalFactory(plan=plan))
        MeasureFactory(strategy=strategy, goal=None, baseline=Decimal(1), target=Decimal(9))
        ActionStepFactory(strategy=strategy)
    approve(plan, decided_at=timezone.now() + timedelta(minutes=5))
    client.get(_url(cast))  # the first read takes the new measures over
    for row in lived_measures(cast.engagement).measures:
        for month in range(3):
            MeasureReading.objects.create(
                measure=row.monitored,
                taken_on=timezone.localdate() - timedelta(days=30 * month),
                value=2,
                entered_by=cast.core_team,
            )
    for step in progress_for(cast.engagement).steps():
        action_update_record(
            engagement=cast.engagement, step_id=step.step.id, author=cast.core_team, status="done"
        )
    with django_assert_max_num_queries(count):
        response = client.get(_url(cast))
    assert response.text.count('class="p-item p-measure"') == 8
    assert response.text.count('class="p-item p-step"') == 7


def test_an_unknown_engagement_is_not_found(client, cast):
    client.force_login(cast.facilitator)
    url = reverse("monitoring:progress", args=["00000000-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 404


def test_a_status_set_by_a_person_shows_with_its_reason_and_counts_in_the_roll_up(client, cast):
    lived, calls, vans = _plan(cast)
    action_update_record(
        engagement=cast.engagement, step_id=vans.pk, author=cast.superintendent, status="done"
    )
    row = next(m for m in lived_measures(cast.engagement).measures if m.id == lived.graduation.pk)
    StatusOverride.objects.create(
        measure=row.monitored,
        status="behind",
        reason="Deux lycées n'ont pas encore transmis leurs chiffres <b>",
        set_by=cast.core_team,
    )
    client.force_login(cast.board)
    text = client.get(_url(cast)).text
    assert "(set by a person)" in text
    assert "Deux lycées n&#x27;ont pas encore transmis leurs chiffres &lt;b&gt;" in text
    assert progress_for(cast.engagement).goals[0].rolled.status == Status.BEHIND
