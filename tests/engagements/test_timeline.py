"""The timeline: phases with status, dates and guiding questions; moving forward and back."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Phase, PhaseChange
from tests.factories import (
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    PhaseFactory,
    StakeholderGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
ROLES = ["facilitator", "core_team", "plan_team", "board", "superintendent"]


@pytest.fixture
def phases(cast):
    names = ["Readiness", "Orientation", "Data retreat", "Vision retreat"]
    questions = [
        "Is everyone ready to go?",
        "Who are we?",
        "Where are we now?",
        "Where do we want to be?",
    ]
    return [
        PhaseFactory(engagement=cast.engagement, name=n, guiding_question=q, position=i)
        for i, (n, q) in enumerate(zip(names, questions, strict=True))
    ]


def statuses(cast):
    return list(cast.engagement.phases.order_by("position").values_list("status", flat=True))


def move(client, cast, direction, reason="Held on 12 March."):
    return client.post(
        reverse("engagements:phase-move", args=[cast.engagement.pk]),
        {"direction": direction, "reason": reason},
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_timeline(client, cast, phases, role):
    client.force_login(cast.member(role))
    page = client.get(reverse("engagements:timeline", args=[cast.engagement.pk])).content.decode()
    for phase in phases:
        assert phase.name in page
        assert f"“{phase.guiding_question}”" in page
    assert ("Move forward" in page) == (role == "facilitator")


def test_an_outsider_cannot_see_the_timeline(client, cast, phases):
    client.force_login(cast.outsider)
    assert client.get(reverse("engagements:timeline", args=[cast.engagement.pk])).status_code == 404
    assert move(client, cast, "forward").status_code == 404


@pytest.mark.parametrize("role", ["core_team", "plan_team", "board", "superintendent"])
def test_only_the_facilitator_moves_the_engagement(client, cast, phases, role):
    client.force_login(cast.member(role))
    assert move(client, cast, "forward").status_code == 403
    assert statuses(cast) == ["not_started"] * 4


def test_moving_forward_finishes_the_current_phase_and_starts_the_next(client, cast, phases):
    client.force_login(cast.facilitator)
    move(client, cast, "forward", "Contract signed.")
    assert statuses(cast) == ["in_progress", "not_started", "not_started", "not_started"]
    move(client, cast, "forward", "Orientation meeting held.")
    move(client, cast, "forward", "Data retreat held on 12 March.")
    assert statuses(cast) == ["done", "done", "in_progress", "not_started"]
    page = client.get(reverse("engagements:timeline", args=[cast.engagement.pk])).content.decode()
    assert "Now: <strong>Data retreat</strong>" in page
    assert "Data retreat held on 12 March." in page
    assert f"by {cast.facilitator.full_name}" in page


def test_moving_back_reopens_the_previous_phase_with_the_reason_kept(client, cast, phases):
    client.force_login(cast.facilitator)
    for _ in range(3):
        move(client, cast, "forward")
    move(client, cast, "back", "We need another data session first.")
    assert statuses(cast) == ["done", "in_progress", "not_started", "not_started"]
    change = PhaseChange.objects.filter(engagement=cast.engagement).first()
    assert (change.direction, change.from_phase, change.to_phase) == ("back", phases[2], phases[1])
    assert change.reason == "We need another data session first."
    assert change.by == cast.facilitator


def test_a_move_without_a_reason_is_refused_and_nothing_changes(client, cast, phases):
    client.force_login(cast.facilitator)
    response = move(client, cast, "forward", reason="   ")
    assert response.status_code == 400
    assert "Say why, so the team can follow the history." in response.content.decode()
    assert statuses(cast) == ["not_started"] * 4
    assert not PhaseChange.objects.exists()


def test_the_end_and_the_start_are_plain(client, cast, phases):
    client.force_login(cast.facilitator)
    assert "No phase has started yet." in move(client, cast, "back").content.decode()
    for _ in range(4):
        move(client, cast, "forward")
    move(client, cast, "forward")
    assert statuses(cast) == ["done"] * 4
    assert "Every phase is already done." in move(client, cast, "forward").content.decode()
    page = client.get(reverse("engagements:timeline", args=[cast.engagement.pk])).content.decode()
    assert "Every phase is done." in page


def test_the_facilitator_sets_a_phases_dates(client, cast, phases):
    client.force_login(cast.facilitator)
    url = reverse("engagements:phase-edit", args=[cast.engagement.pk, phases[2].pk])
    data = {"name": "Data retreat", "guiding_question": "Where are we now?"}
    bad = client.post(url, {**data, "starts_on": "2027-03-12", "ends_on": "2027-03-01"})
    assert "The end date is before the start date." in bad.content.decode()
    client.post(url, {**data, "starts_on": "2027-03-12", "ends_on": "2027-03-12"})
    page = client.get(reverse("engagements:timeline", args=[cast.engagement.pk])).content.decode()
    assert "12 March 2027" in page


def test_a_phase_of_another_engagement_is_not_found(client, cast, phases):
    foreign_phase = PhaseFactory(engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    url = reverse("engagements:phase-edit", args=[cast.engagement.pk, foreign_phase.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["core_team", "plan_team", "board", "superintendent"])
def test_other_roles_may_not_edit_phases(client, cast, phases, role):
    client.force_login(cast.member(role))
    url = reverse("engagements:phase-edit", args=[cast.engagement.pk, phases[0].pk])
    assert client.post(url, {"name": "Hijacked"}).status_code == 403
    phases[0].refresh_from_db()
    assert phases[0].name == "Readiness"


def test_the_timeline_keeps_a_constant_number_of_queries(
    client, cast, phases, django_assert_max_num_queries
):
    client.force_login(cast.facilitator)
    url = reverse("engagements:timeline", args=[cast.engagement.pk])
    MembershipFactory.create_batch(10, engagement=cast.engagement)
    with django_assert_max_num_queries(10) as small:
        client.get(url)
    baseline = len(small)  # read now: Django's query log only keeps the last 9000
    MembershipFactory.create_batch(190, engagement=cast.engagement)
    for phase in phases:
        MeetingFactory.create_batch(3, phase=phase)
    client.force_login(cast.facilitator)
    for _ in range(3):
        move(client, cast, "forward")
    with django_assert_max_num_queries(baseline):
        client.get(url)


# --- settings -----------------------------------------------------------------------------------


def settings_data(**overrides):
    data = {"vision_years": "10", "plan_months": "36", "default_vote_budget": "7"}
    data |= {f"term_{k}": "" for k in ("objective", "objectives", "goal", "goals", "strategy")}
    data |= {
        f"term_{k}": ""
        for k in ("strategies", "measure", "measures", "action_step", "action_steps")
    }
    return data | overrides


def test_the_facilitator_sets_horizon_budget_and_words(client, cast):
    client.force_login(cast.facilitator)
    url = reverse("engagements:settings", args=[cast.engagement.pk])
    client.post(
        url,
        settings_data(
            term_measure="Vital sign",
            term_measures="Vital signs",
            term_goal="Priority",
            term_goals="Priorities",
        ),
    )
    cast.engagement.refresh_from_db()
    assert (cast.engagement.vision_years, cast.engagement.default_vote_budget) == (10, 7)
    assert cast.engagement.term("measures") == "Vital signs"
    assert cast.engagement.term("goal") == "Priority"
    assert cast.engagement.term("strategies") == "Strategies"
    page = client.get(url).content.decode()
    assert 'value="Vital signs"' in page


def test_settings_refuse_a_zero_budget_and_keep_the_words_typed(client, cast):
    client.force_login(cast.facilitator)
    url = reverse("engagements:settings", args=[cast.engagement.pk])
    response = client.post(url, settings_data(default_vote_budget="0", term_goal="Priority"))
    page = response.content.decode()
    assert "Ensure this value is greater than or equal to 1." in page
    assert 'value="Priority"' in page
    cast.engagement.refresh_from_db()
    assert cast.engagement.default_vote_budget == 5


@pytest.mark.parametrize("role", ["core_team", "plan_team", "board", "superintendent"])
def test_only_the_facilitator_changes_settings(client, cast, role):
    client.force_login(cast.member(role))
    url = reverse("engagements:settings", args=[cast.engagement.pk])
    assert client.post(url, settings_data()).status_code == 403


# --- dashboard ------------------------------------------------------------------------------------


def test_the_dashboard_shows_each_engagement_a_facilitator_runs(client, cast, phases):
    client.force_login(cast.facilitator)
    move(client, cast, "forward")
    move(client, cast, "forward")
    MeetingFactory(
        phase=phases[2], title="Data retreat day", starts_at=timezone.now() + timedelta(days=3)
    )
    MeetingFactory(phase=phases[1], title="Long past", starts_at=timezone.now() - timedelta(days=3))
    parents = StakeholderGroupFactory(engagement=cast.engagement, name="Parents", quota=8)
    MembershipFactory.create_batch(5, engagement=cast.engagement, stakeholder_group=parents)
    InvitationFactory.create_batch(2, engagement=cast.engagement)
    InvitationFactory(engagement=cast.engagement, revoked_at=timezone.now())
    page = client.get(reverse("engagements:dashboard")).content.decode()
    assert cast.engagement.name in page
    assert ">Orientation</a>" in page
    assert "Data retreat day" in page and "Long past" not in page
    assert "5 of 8 seats" in page
    assert "<td>2</td>" in page
    assert cast.foreign_engagement.name not in page


def test_the_dashboard_filters_by_organization_status_and_words(client, cast):
    client.force_login(cast.facilitator)
    other = MembershipFactory(user=cast.facilitator, roles=["facilitator"]).engagement
    url = reverse("engagements:dashboard")
    page = client.get(url, {"q": other.name}).content.decode()
    assert other.name in page and cast.engagement.name not in page
    page = client.get(url, {"organization": str(cast.engagement.organization_id)}).content.decode()
    assert cast.engagement.name in page and other.name not in page
    page = client.get(url, {"status": "closed"}).content.decode()
    assert "No engagement matches these filters." in page


def test_the_dashboard_lists_only_engagements_i_facilitate(client, cast):
    client.force_login(cast.board)
    page = client.get(reverse("engagements:dashboard")).content.decode()
    assert cast.engagement.name not in page
    assert "You are not running an engagement yet" in page


def test_the_dashboard_keeps_a_constant_number_of_queries(client, django_assert_max_num_queries):
    user = UserFactory(can_facilitate=True)
    client.force_login(user)

    def run(count):
        for _ in range(count):
            engagement = MembershipFactory(user=user, roles=["facilitator"]).engagement
            PhaseFactory(engagement=engagement, status=Phase.Status.IN_PROGRESS)
            StakeholderGroupFactory(engagement=engagement)
            MeetingFactory(engagement=engagement, phase__engagement=engagement)

    run(2)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("engagements:dashboard"))
    baseline = len(small)  # read now: Django's query log only keeps the last 9000
    run(20)
    with django_assert_max_num_queries(baseline):
        page = client.get(reverse("engagements:dashboard")).content.decode()
    assert page.count('<th scope="row">') == 22


def test_a_double_click_on_move_forward_moves_only_once(client, cast, phases):
    client.force_login(cast.facilitator)
    url = reverse("engagements:timeline", args=[cast.engagement.pk])
    page = client.get(url).content.decode()
    assert 'name="seen_current"' in page
    post = {"direction": "forward", "reason": "Kick-off held.", "seen_current": ""}
    move_url = reverse("engagements:phase-move", args=[cast.engagement.pk])
    assert client.post(move_url, post).status_code == 302
    second = client.post(move_url, post)
    assert second.status_code == 400
    assert "The timeline changed since this page was opened" in second.content.decode()
    assert f'name="seen_current" value="{phases[0].pk}"' in second.content.decode()
    assert statuses(cast) == ["in_progress", "not_started", "not_started", "not_started"]
    assert PhaseChange.objects.count() == 1
