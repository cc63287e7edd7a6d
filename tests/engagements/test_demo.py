import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from engagements.demo import DEMO_PASSWORD, RIVERSIDE_PEOPLE
from engagements.models import PLANNING_ROLES, Engagement
from engagements.selectors.roster import roster_for

pytestmark = pytest.mark.django_db


def snapshot() -> str:
    models = [
        m for m in apps.get_models() if m._meta.app_label in {"accounts", "engagements", "planning"}
    ]
    objects = [obj for model in models for obj in model.objects.order_by("pk")]
    return serializers.serialize("json", objects)


def test_load_demo_builds_riverside_with_a_person_per_role(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    riverside = Engagement.objects.get(name="Strategic Plan 2027–2032")
    roles = {role for m in riverside.memberships.all() for role in m.roles}
    # The hand-off's roles (plan lead, adviser) come with a hand-off, which Riverside has not had.
    assert roles == {role.value for role in PLANNING_ROLES}
    assert riverside.stakeholder_groups.get(name="Staff").quota == 12
    assert riverside.stakeholder_groups.get(name="Students (high school)").selected_by == (
        "Student council"
    )
    for person in RIVERSIDE_PEOPLE:
        assert person.email in out
        assert User.objects.get(email=person.email).check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in out
    # The rest of the plan team cannot sign in.
    assert not User.objects.get(email="aisha.rahman@riverside.example").has_usable_password()


def test_riverside_is_mid_process_with_some_seats_empty():
    call_command("load_demo")
    riverside = Engagement.objects.get(name="Strategic Plan 2027–2032")
    statuses = list(riverside.phases.order_by("position").values_list("name", "status"))
    assert [s for _, s in statuses[:5]] == ["done", "done", "done", "in_progress", "not_started"]
    assert statuses[2][0] == "Environmental scan, data retreat and SWOT analysis"
    assert statuses[3][0] == "Vision retreat and preferred future statement"
    warnings = roster_for(riverside).warnings
    assert "Parents: 5 of 8 seats filled" in warnings
    assert "Students (high school): 3 of 6 seats filled" in warnings
    assert not any(w.startswith("Community") for w in warnings)
    vision = riverside.meetings.get(title="Vision retreat")
    assert vision.agenda_items.count() == 8
    assert vision.starts_at > timezone.now()
    assert riverside.invitations.count() == 2


def test_running_load_demo_twice_changes_nothing():
    call_command("load_demo")
    before = snapshot()
    call_command("load_demo")
    assert snapshot() == before


def test_the_demo_admin_is_a_superuser_without_engagements():
    call_command("load_demo")
    admin = User.objects.get(email="admin@aligned.example")
    assert admin.is_superuser and admin.is_staff
    assert not admin.memberships.exists()


def test_running_load_demo_again_keeps_what_people_changed():
    call_command("load_demo")
    riverside = Engagement.objects.get(name="Strategic Plan 2027–2032")
    riverside.closed_at = timezone.now()
    riverside.save()
    phase = riverside.phases.get(position=4)
    phase.name = "Direction retreat (renamed)"
    phase.status = "in_progress"
    phase.save()
    priya = riverside.memberships.get(user__email="plan@riverside.example")
    priya.roles = ["core_team", "plan_team"]
    priya.save()
    call_command("load_demo")
    riverside.refresh_from_db()
    phase.refresh_from_db()
    priya.refresh_from_db()
    assert riverside.status == Engagement.Status.CLOSED
    assert (phase.name, phase.status) == ("Direction retreat (renamed)", "in_progress")
    assert priya.roles == ["core_team", "plan_team"]


def test_the_demo_has_a_finished_swot_and_an_open_brainstorm():
    from retreats.models import Activity, Dot
    from retreats.selectors import results_for

    call_command("load_demo")
    swot = Activity.objects.get(kind="swot", retreat__title="Data retreat: SWOT analysis")
    assert swot.stage == Activity.Stage.RESULTS
    # 60 cards from the room, and two seeded from the community's themes (synthesis/demo.py).
    assert swot.cards.filter(author__isnull=False).count() == 60
    assert swot.cards.filter(author__isnull=True).count() == 2
    assert swot.themes.count() == 7
    results = results_for(swot)
    assert results.voters == 30 and sum(line.dots for line in results.lines) == 150
    assert results.lines[0].dots > results.lines[-1].dots
    assert swot.themes.filter(carry_forward=True).count() == 3
    brainstorm = Activity.objects.get(kind="brainstorm")
    assert brainstorm.stage == Activity.Stage.COLLECTING and brainstorm.retreat.is_open
    assert brainstorm.cards.count() == 8
    assert Dot.objects.filter(ballot__activity=brainstorm).count() == 0
