import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Engagement
from tests.factories import (
    EngagementFactory,
    MembershipFactory,
    PhaseFactory,
    StakeholderGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
ROLES = ["facilitator", "core_team", "plan_team", "board", "superintendent"]


def detail_url(engagement):
    return reverse("engagements:detail", args=[engagement.pk])


def edit_url(engagement):
    return reverse("engagements:edit", args=[engagement.pk])


# --- home ------------------------------------------------------------------------------------


def test_home_lists_my_engagements_with_organization_and_status(client, cast):
    PhaseFactory(engagement=cast.engagement, status="in_progress")
    client.force_login(cast.board)
    page = client.get(reverse("engagements:home")).content.decode()
    assert cast.engagement.name in page
    assert cast.engagement.organization.name in page
    assert "Planning under way" in page
    assert "Board member" in page
    assert cast.foreign_engagement.name not in page
    assert cast.foreign_engagement.organization.name not in page


def test_home_explains_what_to_do_when_i_belong_to_no_engagement(client):
    client.force_login(UserFactory())
    page = client.get(reverse("engagements:home")).content.decode()
    assert "You are not part of an engagement yet" in page


def test_home_keeps_a_constant_number_of_queries(client, django_assert_max_num_queries):
    user = UserFactory()
    client.force_login(user)

    def add_engagements(count):
        for _ in range(count):
            group = StakeholderGroupFactory()
            MembershipFactory(user=user, engagement=group.engagement, stakeholder_group=group)

    add_engagements(2)
    # 5 for the page (the session among them), 2 for "Waiting for you" (drafts in approval,
    # open reviews).
    with django_assert_max_num_queries(7) as small:
        client.get(reverse("engagements:home"))
    baseline = len(small)  # read now: Django's query log only keeps the last 9000
    add_engagements(30)
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("engagements:home"))
    assert response.content.decode().count('class="card"') == 32


def test_the_page_loads_htmx_from_the_app_and_sends_the_csrf_token_with_htmx(client, cast):
    client.force_login(cast.board)
    page = client.get(reverse("engagements:home")).content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in page
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    assert "unpkg.com" not in page and "cdn" not in page.lower()


# --- engagement overview ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_sees_the_engagement_overview(client, cast, role):
    client.force_login(cast.member(role))
    response = client.get(detail_url(cast.engagement))
    assert response.status_code == 200
    page = response.content.decode()
    assert cast.engagement.name in page
    assert cast.superintendent.full_name in page
    assert ("Edit details" in page) == (role == "facilitator")


def test_an_outsider_gets_not_found_for_an_engagement(client, cast):
    client.force_login(cast.outsider)
    response = client.get(detail_url(cast.engagement))
    assert response.status_code == 404
    assert cast.engagement.name not in response.content.decode()


def test_an_unknown_engagement_id_is_not_found(client, cast):
    client.force_login(cast.facilitator)
    response = client.get(reverse("engagements:detail", args=[uuid.uuid4()]))
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


def test_the_overview_shows_seats_filled_per_stakeholder_group(client, cast):
    parents = StakeholderGroupFactory(engagement=cast.engagement, name="Parents", quota=8)
    for _ in range(5):
        MembershipFactory(engagement=cast.engagement, stakeholder_group=parents)
    client.force_login(cast.plan_team)
    page = client.get(detail_url(cast.engagement)).content.decode()
    assert "Parents" in page
    assert "5 of 8" in page


def test_the_overview_keeps_a_constant_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    groups = StakeholderGroupFactory.create_batch(3, engagement=cast.engagement)
    client.force_login(cast.facilitator)
    # 9 for the page (the session among them), 3 for "Waiting for you" (drafts in approval,
    # open reviews, triage).
    with django_assert_max_num_queries(12) as small:
        client.get(detail_url(cast.engagement))
    baseline = len(small)  # read now: Django's query log only keeps the last 9000
    for index in range(50):
        MembershipFactory(engagement=cast.engagement, stakeholder_group=groups[index % 3])
    with django_assert_max_num_queries(baseline):
        response = client.get(detail_url(cast.engagement))
    assert response.content.decode().count('<th scope="row">') == 5 + 50 + 3


def test_user_text_is_escaped(client, cast):
    cast.engagement.name = "<script>alert('x')</script>"
    cast.engagement.save()
    client.force_login(cast.facilitator)
    page = client.get(detail_url(cast.engagement)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


# --- editing the engagement ---------------------------------------------------------------------


def test_the_facilitator_edits_the_engagement(client, cast):
    client.force_login(cast.facilitator)
    response = client.post(
        edit_url(cast.engagement), {"name": "Riverside 2030", "closed": "on"}, follow=True
    )
    assert "The engagement’s details are saved." in response.content.decode()
    cast.engagement.refresh_from_db()
    assert (cast.engagement.name, cast.engagement.status) == ("Riverside 2030", "closed")


def test_the_status_is_not_chosen_by_hand(client, cast):
    client.force_login(cast.facilitator)
    page = client.get(edit_url(cast.engagement)).content.decode()
    assert '<select name="status"' not in page
    assert "The status follows the" in page
    client.post(edit_url(cast.engagement), {"name": "Riverside", "status": "approved"})
    cast.engagement.refresh_from_db()
    assert cast.engagement.status == Engagement.Status.PREPARING


def test_an_approved_plan_keeps_its_status_through_the_details_form(client, cast):
    PhaseFactory(engagement=cast.engagement, status="in_progress", position=1)
    PhaseFactory(engagement=cast.engagement, status="not_started", position=2)  # the last: not yet
    Engagement.objects.filter(pk=cast.engagement.pk).update(plan_approved_at=timezone.now())
    client.force_login(cast.facilitator)
    response = client.post(edit_url(cast.engagement), {"name": "Renamed", "status": "active"})
    assert response.status_code == 302
    cast.engagement.refresh_from_db()
    assert (cast.engagement.name, cast.engagement.status) == ("Renamed", "approved")


@pytest.mark.parametrize("role", ["core_team", "plan_team", "board", "superintendent"])
def test_other_roles_may_not_edit_the_engagement(client, cast, role):
    client.force_login(cast.member(role))
    assert client.get(edit_url(cast.engagement)).status_code == 403
    response = client.post(edit_url(cast.engagement), {"name": "Hijacked", "status": "closed"})
    assert response.status_code == 403
    assert "does not allow you to manage the engagement" in response.content.decode()
    cast.engagement.refresh_from_db()
    assert cast.engagement.name == "Strategic Plan 2027–2032"


def test_an_outsider_cannot_edit_an_engagement(client, cast):
    client.force_login(cast.outsider)
    response = client.post(edit_url(cast.engagement), {"name": "Hijacked", "status": "closed"})
    assert response.status_code == 404
    cast.engagement.refresh_from_db()
    assert cast.engagement.name == "Strategic Plan 2027–2032"


def test_bad_input_is_explained_next_to_the_field_and_kept(client, cast):
    EngagementFactory(organization=cast.engagement.organization, name="Taken name")
    client.force_login(cast.facilitator)
    response = client.post(edit_url(cast.engagement), {"name": "taken NAME", "closed": "on"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_name_error"' in page
    assert "already has an engagement with this name" in page
    assert 'value="taken NAME"' in page
    assert 'aria-describedby="id_closed_helptext" id="id_closed" checked>' in page
    cast.engagement.refresh_from_db()
    assert cast.engagement.status == Engagement.Status.PREPARING


def test_an_empty_name_is_refused_in_plain_words(client, cast):
    client.force_login(cast.facilitator)
    page = client.post(edit_url(cast.engagement), {"name": "  "}).content
    assert "Give the engagement a name." in page.decode()


def test_stakeholder_groups_are_listed_in_the_order_the_facilitator_set(client, cast):
    for position, name in enumerate(["Staff", "Parents", "Community", "Board"]):
        StakeholderGroupFactory(engagement=cast.engagement, name=name, position=position)
    client.force_login(cast.plan_team)
    page = client.get(detail_url(cast.engagement)).content.decode()
    found = [
        page.index(f'<th scope="row">{name}</th>')
        for name in ["Staff", "Parents", "Community", "Board"]
    ]
    assert found == sorted(found)
