import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command

from accounts.models import User
from engagements.demo import DEMO_PASSWORD
from engagements.models import Engagement, Role

pytestmark = pytest.mark.django_db


def snapshot() -> str:
    models = [m for m in apps.get_models() if m._meta.app_label in {"accounts", "engagements"}]
    objects = [obj for model in models for obj in model.objects.order_by("pk")]
    return serializers.serialize("json", objects)


def test_load_demo_builds_riverside_with_a_person_per_role(capsys):
    call_command("load_demo")
    out = capsys.readouterr().out
    riverside = Engagement.objects.get(organization__name="Riverside Unified School District")
    roles = {role for m in riverside.memberships.all() for role in m.roles}
    assert roles == set(Role.values)
    assert riverside.stakeholder_groups.get(name="Staff").quota == 12
    assert riverside.stakeholder_groups.get(name="Students (high school)").selected_by == (
        "Student council"
    )
    for membership in riverside.memberships.select_related("user"):
        assert membership.user.email in out
        assert membership.user.check_password(DEMO_PASSWORD)
    assert DEMO_PASSWORD in out


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
