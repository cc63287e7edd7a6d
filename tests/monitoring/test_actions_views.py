"""The action progress pages: every member reads; the step's owner, the facilitator and the core
team report; others get 403, outsiders and unknown or foreign steps 404. Errors stay beside
their field with the input kept, and the list takes the same number of queries however large
the plan grows."""

from datetime import timedelta
from uuid import uuid4

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Membership
from monitoring.models import ActionUpdate
from monitoring.services.actions import action_update_record
from tests.factories import ActionStepFactory, GoalFactory, StrategyFactory

from .lived_steps import approve, step

pytestmark = pytest.mark.django_db

LONG_NOTE = (
    "Les coachs de lecture ont terminé la formation « lecture guidée » — 12 sur 15. "
    "See https://riverside.example/reading/coaches?term=2&view=all for the roster. " * 6
)[:500]


def owned_step(cast, role="plan_team", **fields):
    owner = Membership.objects.get(user=cast.member(role), engagement=cast.engagement)
    return step(cast.engagement, owner=owner, **fields)


def list_url(cast, mine=False):
    url = reverse("monitoring:action-steps", args=[cast.engagement.pk])
    return url + ("?mine=1" if mine else "")


def step_url(cast, step_id):
    return reverse("monitoring:action-step", args=[cast.engagement.pk, step_id])


# --- before approval ------------------------------------------------------------------------------


def test_before_approval_the_list_explains_what_happens_next(client, cast):
    step(cast.engagement)
    client.force_login(cast.board)
    response = client.get(list_url(cast))
    assert response.status_code == 200
    assert "Progress is followed once the board approves the plan." in response.text


def test_before_approval_a_step_page_is_not_found(client, cast):
    s = step(cast.engagement)
    client.force_login(cast.facilitator)
    assert client.get(step_url(cast, s.pk)).status_code == 404


# --- the list -------------------------------------------------------------------------------------


def test_the_list_groups_steps_by_goal_and_strategy_with_status_and_overdue(client, cast):
    s = owned_step(
        cast,
        description="Former les coachs <script>alert(1)</script>",
        due_date=timezone.localdate() - timedelta(days=2),
    )
    approve(cast.engagement)
    action_update_record(
        engagement=cast.engagement,
        step_id=s.pk,
        author=cast.plan_team,
        status="at_risk",
        percent=55,
    )
    client.force_login(cast.board)
    response = client.get(list_url(cast))
    text = response.text
    assert "Every child reads by grade 3" in text and "Coach the coaches" in text
    assert "Former les coachs &lt;script&gt;" in text
    assert 'aria-hidden="true">▲</span> At risk' in text
    assert "55 %" in text and "Overdue" in text and "Plan team Person" in text
    assert ">Update<" not in text  # the board reads only


def test_mine_shows_only_the_steps_i_own(client, cast):
    owned_step(cast, description="Mine: open the reading room")
    owned_step(cast, role="core_team", description="Someone else's: buy books")
    approve(cast.engagement)
    client.force_login(cast.plan_team)
    text = client.get(list_url(cast, mine=True)).text
    assert "Mine: open the reading room" in text
    assert "Someone else&#x27;s: buy books" not in text
    text = client.get(list_url(cast)).text
    assert text.count(">Update<") == 1  # only her own step offers an update


def test_mine_with_nothing_owned_says_so(client, cast):
    owned_step(cast)
    approve(cast.engagement)
    client.force_login(cast.superintendent)
    assert "of the approved plan are yours" in client.get(list_url(cast, mine=True)).text


def test_the_pages_take_the_same_queries_however_large_the_plan(
    client, cast, django_assert_num_queries, django_assert_max_num_queries
):
    def grow(goals):
        for g in range(goals):
            goal = GoalFactory(plan=s.strategy.goal.plan, title=f"Goal {g}")
            for k in range(3):
                strategy = StrategyFactory(goal=goal, title=f"Strategy {g}.{k}")
                for _n in range(4):
                    extra = ActionStepFactory(strategy=strategy, owner=s.owner)
                    for month in range(3):
                        action_update_record(
                            engagement=cast.engagement,
                            step_id=extra.pk,
                            author=cast.core_team,
                            status="on_track",
                            percent=10 * month,
                            at=timezone.now() - timedelta(days=30 * (3 - month)),
                        )

    s = owned_step(cast)
    approve(cast.engagement)
    client.force_login(cast.plan_team)
    client.get(list_url(cast))  # warm the session
    # session, user, membership, the approved version, owners' names, latest updates
    with django_assert_num_queries(6) as small:
        client.get(list_url(cast))
    with django_assert_max_num_queries(9) as small_step:
        client.get(step_url(cast, s.pk))
    grow(6)
    approve(cast.engagement)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(list_url(cast))
    assert response.text.count('id="step-') == 73
    for month in range(12):
        action_update_record(
            engagement=cast.engagement,
            step_id=s.pk,
            author=cast.plan_team,
            status="on_track",
            percent=5 * month,
        )
    with django_assert_num_queries(len(small_step.captured_queries)):
        assert "status: on track, 0 %" in client.get(step_url(cast, s.pk)).text


# --- a step's page and its access table -----------------------------------------------------------

READERS = ["facilitator", "core_team", "plan_team", "board", "superintendent"]


@pytest.mark.parametrize("role", READERS)
def test_every_member_reads_a_steps_history(client, cast, role):
    s = owned_step(cast)
    approve(cast.engagement)
    action_update_record(
        engagement=cast.engagement,
        step_id=s.pk,
        author=cast.plan_team,
        status="on_track",
        percent=40,
        note=LONG_NOTE,
    )
    client.force_login(cast.member(role))
    response = client.get(step_url(cast, s.pk))
    assert response.status_code == 200
    assert "status: on track, 40 %" in response.text
    assert "Les coachs de lecture ont terminé la formation « lecture guidée »" in response.text


@pytest.mark.parametrize(
    "role,owner_role,expected",
    [
        ("facilitator", "plan_team", 302),
        ("core_team", "plan_team", 302),
        ("plan_team", "plan_team", 302),  # her own step
        ("superintendent", "superintendent", 302),  # his own step
        ("plan_team", "core_team", 403),  # someone else's
        ("superintendent", "plan_team", 403),
        ("board", "plan_team", 403),
        ("board", "board", 403),  # board members read; they do not report progress
    ],
)
def test_who_may_report_on_a_step(client, cast, role, owner_role, expected):
    s = owned_step(cast, role=owner_role)
    approve(cast.engagement)
    client.force_login(cast.member(role))
    response = client.post(step_url(cast, s.pk), {"status": "on_track", "percent": "30"})
    assert response.status_code == expected
    assert ActionUpdate.objects.count() == (1 if expected == 302 else 0)
    nothing = client.post(step_url(cast, s.pk), {"nothing_changed": "1"})
    assert nothing.status_code == expected


def test_a_reader_sees_no_form(client, cast):
    s = owned_step(cast)
    approve(cast.engagement)
    client.force_login(cast.board)
    text = client.get(step_url(cast, s.pk)).text
    assert "Save update" not in text and "Nothing changed</button>" not in text


def test_outsiders_get_404(client, cast):
    s = owned_step(cast)
    approve(cast.engagement)
    client.force_login(cast.outsider)
    assert client.get(list_url(cast)).status_code == 404
    assert client.get(step_url(cast, s.pk)).status_code == 404
    assert client.post(step_url(cast, s.pk), {"nothing_changed": "1"}).status_code == 404


def test_unknown_and_foreign_steps_get_404(client, cast):
    owned_step(cast)
    approve(cast.engagement)
    foreign = step(cast.foreign_engagement)
    approve(cast.foreign_engagement)
    client.force_login(cast.facilitator)
    for step_id in (uuid4(), foreign.pk):
        assert client.get(step_url(cast, step_id)).status_code == 404
        assert client.post(step_url(cast, step_id), {"nothing_changed": "1"}).status_code == 404
    assert not ActionUpdate.objects.exists()


# --- the update form ------------------------------------------------------------------------------


def test_an_owner_saves_an_update_and_returns_to_the_list(client, cast):
    s = owned_step(cast)
    approve(cast.engagement)
    client.force_login(cast.plan_team)
    response = client.post(
        step_url(cast, s.pk),
        {"status": "at_risk", "percent": "55", "note": LONG_NOTE, "mine": "1"},
    )
    assert response.status_code == 302
    assert response.url == list_url(cast, mine=True) + f"#step-{s.pk}"
    update = ActionUpdate.objects.get()
    assert (update.status, update.percent, update.note) == ("at_risk", 55, LONG_NOTE)
    assert update.author == cast.plan_team
    page = client.get(response.url)
    assert "Update saved for" in page.text


def test_a_bad_percent_shows_beside_the_field_and_keeps_what_was_typed(client, cast):
    s = owned_step(cast)
    approve(cast.engagement)
    client.force_login(cast.plan_team)
    response = client.post(
        step_url(cast, s.pk), {"status": "off_track", "percent": "150", "note": LONG_NOTE}
    )
    assert response.status_code == 200
    text = response.text
    assert "Percent complete is a whole number from 0 to 100." in text
    assert 'value="150"' in text and 'aria-invalid="true"' in text
    assert 'value="off_track" ' in text and "checked" in text
    assert "« lecture guidée »" in text
    assert not ActionUpdate.objects.exists()


def test_a_missing_status_is_named(client, cast):
    s = owned_step(cast)
    approve(cast.engagement)
    client.force_login(cast.plan_team)
    response = client.post(step_url(cast, s.pk), {"percent": "20"})
    assert "Choose how this step is going." in response.text


def test_nothing_changed_in_one_tap(client, cast):
    s = owned_step(cast)
    approve(cast.engagement)
    action_update_record(
        engagement=cast.engagement,
        step_id=s.pk,
        author=cast.plan_team,
        status="at_risk",
        percent=55,
        at=timezone.now() - timedelta(days=30),
    )
    client.force_login(cast.plan_team)
    response = client.post(step_url(cast, s.pk), {"nothing_changed": "1"})
    assert response.status_code == 302
    page = client.get(step_url(cast, s.pk))
    assert "nothing changed: still at risk, 55 %" in page.text


def test_pdsa_questions_appear_only_in_the_study_and_act_stages(client, cast):
    studying = owned_step(cast, stage="study")
    doing = owned_step(cast, stage="do", strategy=studying.strategy)
    approve(cast.engagement)
    client.force_login(cast.plan_team)
    assert "What we studied" in client.get(step_url(cast, studying.pk)).text
    assert "What we studied" not in client.get(step_url(cast, doing.pk)).text
    client.post(
        step_url(cast, studying.pk),
        {
            "status": "on_track",
            "percent": "60",
            "studied": "Running records rose 8 points.",
            "decided": "Adopt: extend to grade 4.",
        },
    )
    update = ActionUpdate.objects.get()
    assert (update.studied, update.decided) == (
        "Running records rose 8 points.",
        "Adopt: extend to grade 4.",
    )
    page = client.get(step_url(cast, studying.pk)).text
    assert "Adopt: extend to grade 4." in page


def test_the_engagement_page_links_to_action_progress_once_approved(client, cast):
    client.force_login(cast.board)
    detail = reverse("engagements:detail", args=[cast.engagement.pk])
    assert "Action progress" not in client.get(detail).text
    approve(cast.engagement)
    type(cast.engagement).objects.filter(pk=cast.engagement.pk).update(
        plan_approved_at=timezone.now()
    )
    assert "Action progress" in client.get(detail).text
