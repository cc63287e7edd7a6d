"""Process templates: the four seed processes, copies a facilitator edits, and engagements that
keep their own phases."""

import pytest
from django.urls import reverse

from engagements.models import Engagement, Phase, ProcessTemplate
from tests.factories import ProcessTemplateFactory, TemplatePhaseFactory, UserFactory

pytestmark = pytest.mark.django_db

SEEDED = {
    # key: (number of phases, a guiding question the seed gives, the first phase)
    "district-9-step": (9, "Who are we and what are we being asked to do?", "Readiness"),
    "values-based-three-levels": (3, None, "Level one: mission, vision and values"),
    "community-12-step": (12, None, "Collect data"),
    "alignment-7-phase": (
        7,
        "Have we aligned our resources and responsibilities with the plan?",
        "Readiness",
    ),
}


@pytest.fixture
def facilitator(client):
    user = UserFactory(can_facilitate=True, full_name="Dana Whitfield")
    client.force_login(user)
    return user


def create_engagement(client, template, **overrides):
    data = {
        "template": str(template.pk),
        "organization": "new",
        "organization_name": "Riverside Unified School District",
        "organization_kind": "district",
        "name": "Strategic Plan 2027–2032",
        "vision_years": "5",
        "plan_months": "36",
        "default_vote_budget": "5",
        **overrides,
    }
    return client.post(reverse("engagements:create"), data)


def test_the_four_seed_processes_ship_as_templates():
    for key, (count, question, first) in SEEDED.items():
        template = ProcessTemplate.objects.get(key=key)
        phases = list(template.phases.order_by("position"))
        assert len(phases) == count, key
        assert phases[0].name == first
        if question:
            assert question in [p.guiding_question for p in phases]
    district = ProcessTemplate.objects.get(key="district-9-step")
    questions = [p.guiding_question for p in district.phases.order_by("position")]
    assert questions[2:5] == [
        "Where are we now?",
        "Where do we want to be?",
        "How do we get from where we are to where we want to be?",
    ]


@pytest.mark.parametrize("key", list(SEEDED))
def test_each_template_starts_an_engagement_whose_timeline_shows_its_phases(
    client, facilitator, key
):
    template = ProcessTemplate.objects.get(key=key)
    response = create_engagement(client, template)
    engagement = Engagement.objects.get(name="Strategic Plan 2027–2032")
    assert response.url == reverse("engagements:timeline", args=[engagement.pk])
    page = client.get(response.url).content.decode()
    for phase in template.phases.all():
        assert phase.name in page
        if phase.guiding_question:
            assert f"“{phase.guiding_question}”" in page
    assert engagement.memberships.get(user=facilitator).roles == ["facilitator"]
    assert engagement.template_name == template.name


def test_the_district_template_starts_with_the_seed_seats(client, facilitator):
    create_engagement(client, ProcessTemplate.objects.get(key="district-9-step"))
    engagement = Engagement.objects.get()
    seats = {g.name: (g.quota, g.selected_by, g.block) for g in engagement.stakeholder_groups.all()}
    assert seats["Staff"] == (12, "School leadership teams", "staff")
    assert seats["Parents"] == (8, "Parent organizations", "parents_community")
    assert seats["Students (high school)"] == (6, "Student council", "parents_community")
    assert sum(quota for quota, _, _ in seats.values()) == 38


def test_editing_a_template_does_not_touch_running_engagements(client, facilitator):
    template = ProcessTemplateFactory(owner=facilitator)
    phase = TemplatePhaseFactory(template=template, name="Kick-off", guiding_question="Ready?")
    create_engagement(client, template)
    engagement = Engagement.objects.get()

    client.post(
        reverse("engagements:template-phase-edit", args=[template.pk, phase.pk]),
        {"name": "Renamed kick-off", "guiding_question": "Changed?"},
    )
    client.post(
        reverse("engagements:template-phase-add", args=[template.pk]), {"name": "Extra phase"}
    )
    phase.refresh_from_db()
    assert phase.name == "Renamed kick-off"
    assert list(engagement.phases.values_list("name", "guiding_question")) == [
        ("Kick-off", "Ready?")
    ]


def test_a_facilitator_copies_a_builtin_template_and_edits_the_copy(client, facilitator):
    builtin = ProcessTemplate.objects.get(key="alignment-7-phase")
    response = client.post(reverse("engagements:template-copy", args=[builtin.pk]))
    copy = ProcessTemplate.objects.get(owner=facilitator)
    assert response.url == reverse("engagements:template-detail", args=[copy.pk])
    assert copy.name == "Copy of Strategic alignment: 7 phases"
    assert copy.phases.count() == 7
    first = copy.phases.get(position=0)
    client.post(
        reverse("engagements:template-phase-edit", args=[copy.pk, first.pk]),
        {"name": "Getting ready", "guiding_question": "Is everyone ready to go?"},
    )
    assert builtin.phases.get(position=0).name == "Readiness"
    assert copy.phases.get(position=0).name == "Getting ready"


def test_builtin_templates_cannot_be_changed(client, facilitator):
    builtin = ProcessTemplate.objects.get(key="district-9-step")
    phase = builtin.phases.first()
    response = client.post(
        reverse("engagements:template-phase-edit", args=[builtin.pk, phase.pk]), {"name": "X"}
    )
    assert response.status_code == 403
    assert "Make a copy" in response.content.decode()
    assert client.post(reverse("engagements:template-delete", args=[builtin.pk])).status_code == 403
    assert ProcessTemplate.objects.filter(pk=builtin.pk).exists()


def test_another_facilitators_copy_is_not_found(client, facilitator):
    theirs = ProcessTemplateFactory(name="Their secret process")
    assert client.get(reverse("engagements:template-detail", args=[theirs.pk])).status_code == 404
    page = client.get(reverse("engagements:templates")).content.decode()
    assert "Their secret process" not in page
    assert "District strategic planning: 9 steps" in page


def test_people_without_a_facilitator_account_cannot_use_templates(client):
    client.force_login(UserFactory())
    assert client.get(reverse("engagements:templates")).status_code == 403
    response = client.get(reverse("engagements:create"))
    assert response.status_code == 403
    assert "facilitator account" in response.content.decode()


def test_phases_of_a_copy_move_up_and_down_and_are_removed_after_confirmation(client, facilitator):
    template = ProcessTemplateFactory(owner=facilitator)
    a, b, c = (
        TemplatePhaseFactory(template=template, name=n, position=i) for i, n in enumerate("ABC")
    )
    move = reverse("engagements:template-phase-move", args=[template.pk, c.pk])
    client.post(move, {"direction": "up"})
    assert list(template.phases.order_by("position").values_list("name", flat=True)) == [
        "A",
        "C",
        "B",
    ]
    client.post(
        reverse("engagements:template-phase-move", args=[template.pk, a.pk]), {"direction": "up"}
    )
    assert list(template.phases.order_by("position").values_list("name", flat=True)) == [
        "A",
        "C",
        "B",
    ]

    delete = reverse("engagements:template-phase-delete", args=[template.pk, c.pk])
    confirm = client.get(delete)
    assert "Remove the phase “C”?" in confirm.content.decode()
    assert template.phases.count() == 3
    client.post(delete)
    assert list(template.phases.order_by("position").values_list("name", "position")) == [
        ("A", 0),
        ("B", 1),
    ]


def test_a_phase_without_a_name_is_refused_and_input_kept(client, facilitator):
    template = ProcessTemplateFactory(owner=facilitator)
    response = client.post(
        reverse("engagements:template-phase-add", args=[template.pk]),
        {"name": "", "guiding_question": "What are we learning?"},
    )
    page = response.content.decode()
    assert "Give the phase a name." in page
    assert 'value="What are we learning?"' in page
    assert not template.phases.exists()


def test_creating_for_an_existing_client_reuses_the_organization(client, facilitator):
    template = ProcessTemplate.objects.get(key="values-based-three-levels")
    create_engagement(client, template)
    org = Engagement.objects.get().organization
    create_engagement(client, template, organization=str(org.pk), name="Second plan")
    assert Engagement.objects.filter(organization=org).count() == 2


def test_a_foreign_organization_cannot_be_chosen(client, facilitator, cast):
    template = ProcessTemplate.objects.get(key="values-based-three-levels")
    response = create_engagement(
        client, template, organization=str(cast.engagement.organization_id)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert (
        not Engagement.objects.filter(
            name="Strategic Plan 2027–2032", organization=cast.engagement.organization
        )
        .exclude(pk=cast.engagement.pk)
        .exists()
    )


def test_a_new_organization_needs_a_name(client, facilitator):
    template = ProcessTemplate.objects.get(key="values-based-three-levels")
    response = create_engagement(client, template, organization_name="  ")
    page = response.content.decode()
    assert "Type the new organization’s name." in page
    assert 'value="Strategic Plan 2027–2032"' in page
    assert not Phase.objects.exists()


def test_builtin_templates_come_before_my_copies_on_every_database(client, facilitator):
    ProcessTemplateFactory(owner=facilitator, name="AAA my copy")
    page = client.get(reverse("engagements:templates")).content.decode()
    assert page.index("Built-in processes") < page.index("Your copies")
    assert page.index("District strategic planning: 9 steps") < page.index("AAA my copy")
