"""Organizations as a facilitator meets them: each listed once in the menus however many
engagements it has, and "a new organization" with the name of one already served is that one,
not a duplicate. Another firm's organization of the same name stays theirs, and unseen."""

import re

import pytest
from django.urls import reverse

from engagements.models import Engagement, Organization, Role
from tests.factories import EngagementFactory, MembershipFactory, OrganizationFactory, UserFactory

from .test_templates import create_engagement

pytestmark = pytest.mark.django_db
RIVERSIDE = "Riverside Unified School District"


@pytest.fixture
def facilitator(client):
    user = UserFactory(can_facilitate=True, full_name="Dana Whitfield")
    client.force_login(user)
    return user


@pytest.fixture
def template():
    from engagements.models import ProcessTemplate

    return ProcessTemplate.objects.get(key="values-based-three-levels")


def facilitate(user, organization, name):
    engagement = EngagementFactory(organization=organization, name=name)
    MembershipFactory(user=user, engagement=engagement, roles=[Role.FACILITATOR.value])
    return engagement


def options(page: str, select: str) -> list[str]:
    found = re.search(rf'<select name="{select}".*?</select>', page, re.S)
    assert found, f"no {select} menu"
    return re.findall(r"<option[^>]*>([^<]*)</option>", found.group(0))


def test_each_organization_is_listed_once_in_the_menus(client, facilitator):
    riverside = OrganizationFactory(name=RIVERSIDE)
    lakeview = OrganizationFactory(name="Lakeview Community Foundation")
    for name in ("Strategic Plan 2022–2027", "Strategic Plan 2027–2032", "Facilities plan"):
        facilitate(facilitator, riverside, name)
    facilitate(facilitator, lakeview, "Mission refresh")
    create_page = client.get(reverse("engagements:create")).content.decode()
    assert options(create_page, "organization") == [
        "A new organization",
        "Lakeview Community Foundation",
        RIVERSIDE,
    ]
    dashboard = client.get(reverse("engagements:dashboard")).content.decode()
    assert options(dashboard, "organization") == [
        "All organizations",
        "Lakeview Community Foundation",
        RIVERSIDE,
    ]


def test_a_new_organization_with_a_name_already_served_is_that_organization(
    client, facilitator, template
):
    create_engagement(client, template)
    response = create_engagement(
        client,
        template,
        organization_name="  riverside unified school district ",
        name="Facilities plan 2028",
    )
    assert response.status_code == 302
    assert Organization.objects.count() == 1
    riverside = Organization.objects.get()
    assert riverside.name == RIVERSIDE
    assert set(Engagement.objects.values_list("organization", flat=True)) == {riverside.pk}
    page = client.get(response.url).content.decode()
    assert f"filed under “{RIVERSIDE}”, which you already work with" in page
    menu = options(client.get(reverse("engagements:create")).content.decode(), "organization")
    assert menu.count(RIVERSIDE) == 1


def test_reusing_the_organization_still_refuses_an_engagement_name_it_has(
    client, facilitator, template
):
    create_engagement(client, template)
    response = create_engagement(client, template, organization_name=RIVERSIDE.upper())
    assert response.status_code == 200
    page = response.content.decode()
    assert "This organization already has an engagement with this name." in page
    assert 'value="RIVERSIDE UNIFIED SCHOOL DISTRICT"' in page  # what was typed is kept
    assert Organization.objects.count() == 1 and Engagement.objects.count() == 1


def test_another_firms_organization_of_the_same_name_is_neither_reused_nor_revealed(
    client, facilitator, template, cast
):
    theirs = cast.engagement.organization
    assert theirs.name == RIVERSIDE
    response = create_engagement(client, template, name="Our plan")
    assert response.status_code == 302
    mine = Engagement.objects.get(name="Our plan").organization
    assert mine != theirs and mine.name == RIVERSIDE
    assert "already work with" not in client.get(response.url).content.decode()
