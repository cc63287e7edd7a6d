"""Superusers see every organization's data, but through the admin only."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_superuser_sees_every_engagement_in_the_admin(client, cast):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:engagements_engagement_changelist")).content.decode()
    assert cast.engagement.name in page
    assert cast.foreign_engagement.name in page


def test_a_member_who_is_not_staff_is_kept_out_of_the_admin(client, cast):
    client.force_login(cast.facilitator)
    response = client.get(reverse("admin:engagements_engagement_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_the_admin_edits_a_membership_with_role_checkboxes(client, cast):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(
        reverse("admin:engagements_engagement_change", args=[cast.engagement.pk])
    ).content.decode()
    assert 'type="checkbox" name="memberships-0-roles" value="superintendent"' in page


def test_the_admin_makes_an_account_a_facilitator_account(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    person = UserFactory()
    client.force_login(admin)
    page = client.get(reverse("admin:accounts_user_change", args=[person.pk])).content.decode()
    assert 'name="can_facilitate"' in page
