"""An engagement's status is what its timeline and its plan's approval say, on the dashboard (and
its filter), the engagement's page and members' home pages: Getting ready until the first phase
starts; Planning under way; Plan approved once the board approves a draft; Living the plan once
the approved plan's timeline reaches its last phase (the approval moves it there); Closed when
the facilitator closes it. Nobody sets it by hand."""

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Engagement, Membership, Phase
from engagements.services import engagements as services
from planning import services as planning
from planning.services import approval as approvals
from tests.factories import (
    MembershipFactory,
    PhaseFactory,
    ProcessTemplateFactory,
    StakeholderGroupFactory,
    TemplatePhaseFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

WORDS = {
    "preparing": "Getting ready",
    "active": "Planning under way",
    "approved": "Plan approved",
    "living": "Living the plan",
    "closed": "Closed",
}


@pytest.fixture
def facilitator():
    return UserFactory(full_name="Fátima Ñúñez", can_facilitate=True)


@pytest.fixture
def district(facilitator):
    template = ProcessTemplateFactory(owner=facilitator, name="District process, 9 steps")
    for position, name in enumerate(
        ["Readiness", "Orientation", "Environmental scan", "Vision retreat", "Living the plan"]
    ):
        TemplatePhaseFactory(template=template, position=position, name=name)
    return template


def start(facilitator, district, name="Strategic Plan 2027–2032") -> Engagement:
    return services.engagement_create(
        by=facilitator,
        template=district,
        name=name,
        organization_name="Riverside Unified School District",
    )


def move(engagement, facilitator, times=1, forward=True):
    for _ in range(times):
        services.phase_move(
            engagement=engagement, forward=forward, reason="Retreat held.", by=facilitator
        )


def approve(engagement, facilitator):
    """The board approves a draft, as the approval services do it."""
    plan = planning.plan_for(engagement)
    board = MembershipFactory(engagement=engagement, roles=["board"])
    superintendent = UserFactory()
    MembershipFactory(engagement=engagement, user=superintendent, roles=["superintendent"])
    version = planning.version_save(plan=plan, label="Final", author=facilitator)
    approval = approvals.plan_freeze(plan=plan, version=version, by=facilitator)
    approvals.plan_recommend(approval=approval, by=superintendent, note="Ready.")
    approvals.board_vote(approval=approval, membership=board, choice="approve", note="")


def status_of(engagement) -> str:
    return Engagement.objects.get(pk=engagement.pk).status


def test_an_engagement_in_phase_3_reads_planning_under_way_everywhere(
    client, facilitator, district
):
    """The reported defect: moved into phase 3, it still read "Getting ready"."""
    engagement = start(facilitator, district)
    member = UserFactory(full_name="Priya Ramanathan")
    MembershipFactory(engagement=engagement, user=member, roles=["plan_team"])
    move(engagement, facilitator, times=3)
    assert engagement.phases.get(status=Phase.Status.IN_PROGRESS).name == "Environmental scan"
    client.force_login(facilitator)
    body = client.get(reverse("engagements:dashboard")).content.decode()
    assert "Riverside Unified School District · Planning under way</span>" in body
    assert "· Getting ready</span>" not in body
    body = client.get(reverse("engagements:detail", args=[engagement.pk])).content.decode()
    assert '<span class="badge badge--active">Planning under way</span>' in body
    assert "Getting ready" not in body
    client.force_login(member)
    body = client.get(reverse("engagements:home")).content.decode()
    assert '<span class="badge badge--active">Planning under way</span>' in body
    assert "Getting ready" not in body


def test_the_status_follows_the_timeline_and_the_approval(facilitator, district):
    engagement = start(facilitator, district)
    assert status_of(engagement) == "preparing"
    move(engagement, facilitator)
    assert status_of(engagement) == "active"  # the first phase has started
    move(engagement, facilitator, forward=False)
    assert status_of(engagement) == "preparing"  # moved back before it
    move(engagement, facilitator, times=4)
    approve(engagement, facilitator)
    # Going live: the approval moves the timeline to its last phase, recorded in its history.
    assert status_of(engagement) == "living"
    phases = list(engagement.phases.order_by("position"))
    assert [p.status for p in phases] == ["done"] * (len(phases) - 1) + ["in_progress"]
    change = engagement.phase_changes.first()
    assert change.to_phase == phases[-1] and change.reason == services.GOING_LIVE
    move(engagement, facilitator)  # the last phase is done
    assert status_of(engagement) == "living"
    move(engagement, facilitator, forward=False)
    move(engagement, facilitator, forward=False)
    assert status_of(engagement) == "approved"  # an approved plan stays approved


def test_the_dashboard_filters_on_the_shown_status_in_a_fixed_number_of_queries(
    client, facilitator, district, django_assert_max_num_queries
):
    made = {}

    def make(round_: int):
        for status in WORDS:
            engagement = start(facilitator, district, name=f"{WORDS[status]} {round_}")
            StakeholderGroupFactory(engagement=engagement)
            if status != "preparing":
                move(engagement, facilitator, times=2)
            if status in ("approved", "living"):
                approve(engagement, facilitator)  # goes live: the last phase starts
            if status == "approved":
                move(engagement, facilitator, forward=False)  # back before the last phase
            if status == "closed":
                services.engagement_update(engagement=engagement, name=engagement.name, closed=True)
            made.setdefault(status, []).append(engagement.name)

    make(1)
    client.force_login(facilitator)
    url = reverse("engagements:dashboard")
    with django_assert_max_num_queries(12) as small:
        client.get(url, {"status": "active"})
    make(2)
    make(3)
    for status in made:
        with django_assert_max_num_queries(len(small)):
            body = client.get(url, {"status": status}).content.decode()
        for other, other_names in made.items():
            for name in other_names:
                assert (f">{name}</a>" in body) == (other == status), (status, name)
        assert body.count(f"· {WORDS[status]}</span>") == 3


def test_the_edit_form_closes_and_reopens_but_never_sets_the_status(client, facilitator, district):
    engagement = start(facilitator, district)
    move(engagement, facilitator)
    url = reverse("engagements:edit", args=[engagement.pk])
    client.force_login(facilitator)
    body = client.get(url).content.decode()
    assert 'name="status"' not in body
    assert "Planning under way" in body  # said, with why, not chosen
    client.post(url, {"name": engagement.name, "status": "approved"})
    assert status_of(engagement) == "active"
    response = client.post(url, {"name": engagement.name, "closed": "on"})
    assert response.status_code == 302
    assert status_of(engagement) == "closed"
    assert Engagement.objects.get(pk=engagement.pk).closed_at is not None
    client.post(url, {"name": engagement.name})
    assert status_of(engagement) == "active"


def test_the_home_page_reads_each_status_in_a_fixed_number_of_queries(
    client, facilitator, district, django_assert_max_num_queries
):
    member = UserFactory()

    def join(count):
        for n in range(count):
            engagement = start(facilitator, district, name=f"Plan {n} {timezone.now()}")
            PhaseFactory(engagement=engagement, status=Phase.Status.IN_PROGRESS, position=99)
            MembershipFactory(engagement=engagement, user=member)

    join(1)
    client.force_login(member)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("engagements:home"))
    join(5)
    with django_assert_max_num_queries(len(small)):
        body = client.get(reverse("engagements:home")).content.decode()
    assert body.count("Planning under way") == 6
    assert Membership.objects.filter(user=member).count() == 6
