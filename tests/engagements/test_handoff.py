"""The hand-off: once the board has approved the plan, the facilitator makes a member of the
district the plan lead and stays as a read-only adviser or leaves; the plan lead may pass the
role on. Refusals, roles after the hand-off, the pages with their access, and the e-mail."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from engagements.access import Can
from engagements.models import Engagement, Membership
from engagements.services.handoff import engagement_hand_off
from monitoring.models import ActionUpdate
from tests.factories import MembershipFactory, UserFactory
from tests.monitoring.lived_steps import approve, step

pytestmark = pytest.mark.django_db


def member(cast, role):
    return Membership.objects.select_related("user").get(
        user=cast.member(role), engagement=cast.engagement
    )


def approved(cast):
    """The board's approval, as the approval workflow records it."""
    version = approve(cast.engagement)
    Engagement.objects.filter(pk=cast.engagement.pk).update(plan_approved_at=timezone.now())
    cast.engagement.refresh_from_db()
    return version


def hand_off(cast, lead_role="core_team", stay=True, by_role="facilitator"):
    return engagement_hand_off(
        engagement=cast.engagement,
        by=member(cast, by_role),
        lead=member(cast, lead_role),
        facilitators_stay=stay,
    )


def url(cast):
    return reverse("engagements:hand-off", args=[cast.engagement.pk])


# --- the service: refusals --------------------------------------------------------------------


def test_it_refuses_a_hand_off_before_the_board_approves(cast):
    with pytest.raises(ValidationError, match="once the board has approved the plan"):
        hand_off(cast)
    cast.engagement.refresh_from_db()
    assert cast.engagement.handed_off_at is None
    assert member(cast, "facilitator").roles == ["facilitator"]


def test_it_refuses_the_facilitator_as_plan_lead(cast):
    approved(cast)
    with pytest.raises(ValidationError, match="choose a member of the district"):
        hand_off(cast, lead_role="facilitator")


def test_it_refuses_a_member_of_another_engagement(cast):
    approved(cast)
    foreign = MembershipFactory(engagement=cast.foreign_engagement, roles=["core_team"])
    with pytest.raises(ValidationError, match="not a member of this engagement"):
        engagement_hand_off(
            engagement=cast.engagement,
            by=member(cast, "facilitator"),
            lead=foreign,
            facilitators_stay=True,
        )
    assert Membership.objects.get(pk=foreign.pk).roles == ["core_team"]


def test_it_refuses_the_same_plan_lead_twice(cast):
    approved(cast)
    hand_off(cast)
    with pytest.raises(ValidationError, match="already the plan lead"):
        hand_off(cast, by_role="core_team")


def test_an_adviser_cannot_hand_off_again(cast):
    approved(cast)
    hand_off(cast, stay=True)
    with pytest.raises(ValidationError, match="Only the facilitator or the plan lead"):
        hand_off(cast, lead_role="plan_team", by_role="facilitator")


# --- the service: roles after the hand-off -----------------------------------------------------


def test_the_lead_gains_the_role_and_a_facilitator_who_stays_becomes_an_adviser(cast):
    approved(cast)
    hand_off(cast, lead_role="core_team", stay=True)
    cast.engagement.refresh_from_db()
    assert member(cast, "core_team").roles == ["core_team", "plan_lead"]
    assert member(cast, "facilitator").roles == ["adviser"]
    assert cast.engagement.handed_off_at is not None
    assert cast.engagement.handed_off_by == cast.facilitator
    # Nobody else changes.
    assert member(cast, "board").roles == ["board"]


def test_every_facilitator_follows_the_choice(cast):
    approved(cast)
    second = MembershipFactory(engagement=cast.engagement, roles=["facilitator", "core_team"])
    hand_off(cast, lead_role="plan_team", stay=True)
    assert Membership.objects.get(pk=second.pk).roles == ["adviser"]


def test_a_facilitator_who_leaves_is_no_longer_a_member(cast):
    approved(cast)
    hand_off(cast, lead_role="superintendent", stay=False)
    assert not Membership.objects.filter(user=cast.facilitator, engagement=cast.engagement).exists()
    assert member(cast, "superintendent").roles == ["superintendent", "plan_lead"]


def test_the_plan_lead_passes_the_role_on_and_keeps_their_district_role(cast):
    approved(cast)
    hand_off(cast, lead_role="core_team", stay=True)
    hand_off(cast, lead_role="plan_team", by_role="core_team")
    assert member(cast, "core_team").roles == ["core_team"]
    assert member(cast, "plan_team").roles == ["plan_team", "plan_lead"]
    assert member(cast, "facilitator").roles == ["adviser"]
    cast.engagement.refresh_from_db()
    assert cast.engagement.handed_off_by == cast.core_team


# --- the e-mail ---------------------------------------------------------------------------------


def test_the_new_plan_lead_is_emailed_by_name(cast, mailbox, django_capture_on_commit_callbacks):
    approved(cast)
    lead = member(cast, "plan_team")
    lead.user.full_name = "Amélie Nguyễn-O'Brien"
    lead.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        hand_off(cast, lead_role="plan_team")
    (sent,) = mailbox.wait(1)
    assert sent.to == [lead.user.email]
    assert sent.subject == 'You are now the plan lead of "Strategic Plan 2027–2032"'
    assert sent.body.startswith("Hello Amélie Nguyễn-O'Brien,")
    assert "Facilitator Person has made you the plan lead" in sent.body
    assert "may change a measure's target or baseline, giving the reason each time" in sent.body
    assert f"/engagements/{cast.engagement.pk}/" in sent.body


# --- the page -----------------------------------------------------------------------------------


def test_before_approval_the_page_says_plainly_it_is_too_early(client, cast):
    client.force_login(cast.facilitator)
    response = client.get(url(cast))
    assert response.status_code == 200
    assert "once the board has approved the plan" in response.text
    assert 'name="lead"' not in response.text
    detail = client.get(reverse("engagements:detail", args=[cast.engagement.pk]))
    assert "Hand off to the district" not in detail.text


def test_a_post_before_approval_changes_nothing(client, cast):
    client.force_login(cast.facilitator)
    lead = member(cast, "core_team")
    data = {"lead": lead.pk, "facilitators": "stay", "confirmed": "yes"}
    response = client.post(url(cast), data)
    assert response.status_code == 200
    assert "once the board has approved the plan" in response.text
    assert member(cast, "core_team").roles == ["core_team"]


def test_the_page_lists_members_of_the_district_only(client, cast):
    approved(cast)
    client.force_login(cast.facilitator)
    detail = client.get(reverse("engagements:detail", args=[cast.engagement.pk]))
    assert url(cast) in detail.text and "Hand off to the district" in detail.text
    response = client.get(url(cast))
    assert response.status_code == 200
    for role in ("core_team", "plan_team", "board", "superintendent"):
        assert f'value="{member(cast, role).pk}"' in response.text
    assert f'value="{member(cast, "facilitator").pk}"' not in response.text


def test_the_first_step_asks_to_confirm_and_says_what_changes(client, cast):
    approved(cast)
    client.force_login(cast.facilitator)
    lead = member(cast, "core_team")
    response = client.post(url(cast), {"lead": lead.pk, "facilitators": "stay"})
    assert response.status_code == 200
    text = response.text
    assert "Make Core team Person the plan lead?" in text
    assert "you will no longer be able to change the roster, the phases" in text
    assert "Core team Person will run the update cycle" in text
    assert "change targets with a reason" in text
    assert member(cast, "core_team").roles == ["core_team"]  # nothing yet


def test_missing_choices_are_named_beside_their_fields(client, cast):
    approved(cast)
    client.force_login(cast.facilitator)
    response = client.post(url(cast), {})
    assert "Choose who becomes the plan lead." in response.text
    assert "Choose whether you stay as an adviser or leave." in response.text


def test_choosing_a_member_who_may_not_lead_is_explained(client, cast):
    approved(cast)
    client.force_login(cast.facilitator)
    me = member(cast, "facilitator")
    response = client.post(url(cast), {"lead": me.pk, "facilitators": "stay"})
    assert response.status_code == 200
    assert "choose a member of the district" in response.text


def test_confirming_hands_off_and_the_engagement_page_says_so(
    client, cast, mailbox, django_capture_on_commit_callbacks
):
    approved(cast)
    client.force_login(cast.facilitator)
    lead = member(cast, "core_team")
    data = {"lead": lead.pk, "facilitators": "stay", "confirmed": "yes"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(cast), data)
    detail_url = reverse("engagements:detail", args=[cast.engagement.pk])
    assert response.status_code == 302 and response.url == detail_url
    page = client.get(detail_url).text
    today = timezone.localdate().strftime("%-d %B %Y")
    assert f"Run by the district since {today}; plan lead: Core team Person." in page
    assert "You take part as Adviser (read-only)." in page
    assert "Hand off to the district" not in page
    dashboard = client.get(reverse("engagements:dashboard")).text
    assert cast.engagement.name in dashboard
    assert f"Handed off to the district on {today}" in dashboard
    assert mailbox.wait(1)[0].to == [lead.user.email]


def test_a_facilitator_who_leaves_no_longer_sees_the_engagement(client, cast):
    approved(cast)
    client.force_login(cast.facilitator)
    lead = member(cast, "plan_team")
    data = {"lead": lead.pk, "facilitators": "leave", "confirmed": "yes"}
    response = client.post(url(cast), data)
    assert response.status_code == 302 and response.url == reverse("engagements:home")
    detail = client.get(reverse("engagements:detail", args=[cast.engagement.pk]))
    assert detail.status_code == 404
    assert cast.engagement.name not in client.get(reverse("engagements:dashboard")).text


def test_the_plan_lead_passes_the_role_on_from_the_same_page(client, cast):
    approved(cast)
    hand_off(cast, lead_role="core_team")
    client.force_login(cast.core_team)
    page = client.get(url(cast)).text
    assert "Pass on the role of plan lead" in page
    assert 'name="facilitators"' not in page
    lead = member(cast, "board")
    confirm = client.post(url(cast), {"lead": lead.pk}).text
    assert "You will no longer be the plan lead; you keep your other roles (Core team)." in confirm
    response = client.post(url(cast), {"lead": lead.pk, "confirmed": "yes"})
    assert response.status_code == 302
    assert member(cast, "board").roles == ["board", "plan_lead"]
    assert member(cast, "core_team").roles == ["core_team"]


# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["core_team", "plan_team", "board", "superintendent"])
def test_members_who_do_not_lead_get_403(client, cast, role):
    approved(cast)
    client.force_login(cast.member(role))
    assert client.get(url(cast)).status_code == 403
    lead = member(cast, "plan_team" if role != "plan_team" else "core_team")
    data = {"lead": lead.pk, "facilitators": "stay", "confirmed": "yes"}
    assert client.post(url(cast), data).status_code == 403


def test_outsiders_get_404(client, cast):
    approved(cast)
    client.force_login(cast.outsider)
    assert client.get(url(cast)).status_code == 404
    data = {"lead": member(cast, "core_team").pk, "facilitators": "stay", "confirmed": "yes"}
    assert client.post(url(cast), data).status_code == 404
    assert member(cast, "core_team").roles == ["core_team"]


def test_a_lead_from_another_organization_or_unknown_is_not_found(client, cast):
    approved(cast)
    client.force_login(cast.facilitator)
    foreign = MembershipFactory(
        user=UserFactory(), engagement=cast.foreign_engagement, roles=["core_team"]
    )
    for lead_id in (foreign.pk, uuid.uuid4()):
        data = {"lead": lead_id, "facilitators": "stay", "confirmed": "yes"}
        assert client.post(url(cast), data).status_code == 404
    cast.engagement.refresh_from_db()
    assert cast.engagement.handed_off_at is None


def facilitator_actions(cast, version_number):
    """The facilitator's pages, each with the method that changes something."""
    e = cast.engagement.pk
    phase = cast.engagement.phases.first()
    fac = member(cast, "facilitator")
    yield "get", reverse("engagements:edit", args=[e])
    yield "get", reverse("engagements:settings", args=[e])
    yield "post", reverse("engagements:phase-move", args=[e])
    if phase is not None:
        yield "get", reverse("engagements:phase-edit", args=[e, phase.pk])
    yield "get", reverse("engagements:roster", args=[e])
    yield "get", reverse("engagements:member-edit", args=[e, member(cast, "board").pk])
    yield "post", reverse("engagements:member-remove", args=[e, fac.pk])
    yield "get", reverse("engagements:invitations", args=[e])
    yield "get", reverse("engagements:invitation-new", args=[e])
    yield "get", reverse("engagements:meeting-new", args=[e])
    yield "get", reverse("retreats:retreat-new", args=[e])
    yield "post", reverse("planning:element-add", args=[e, "goal"])
    yield "post", reverse("planning:publish", args=[e, version_number])
    yield "post", reverse("planning:freeze", args=[e])
    yield "get", url(cast)


def test_an_adviser_may_do_nothing_the_facilitator_did(client, cast):
    version = approved(cast)
    actions = list(facilitator_actions(cast, version.number))
    client.force_login(cast.facilitator)
    # Before the hand-off these pages are the facilitator's (not 403/404).
    for method, address in actions:
        status = getattr(client, method)(address).status_code
        assert status not in (403, 404), (method, address, status)
    hand_off(cast, stay=True)
    for method, address in actions:
        status = getattr(client, method)(address).status_code
        assert status == 403, (method, address, status)
    # The adviser still reads.
    assert client.get(reverse("engagements:detail", args=[cast.engagement.pk])).status_code == 200
    assert client.get(reverse("planning:plan", args=[cast.engagement.pk])).status_code == 200


def test_the_plan_lead_reports_on_any_step_and_may_change_targets(client, cast):
    s = step(cast.engagement)  # owned by nobody in particular
    approved(cast)
    hand_off(cast, lead_role="plan_team")
    from engagements.access import access_engagement

    request = type("R", (), {"user": cast.plan_team})()
    access = access_engagement(request, cast.engagement.pk)
    assert access.can(Can.UPDATE_ANY_PROGRESS) and access.can(Can.CHANGE_TARGETS)
    client.force_login(cast.plan_team)
    address = reverse("monitoring:action-step", args=[cast.engagement.pk, s.pk])
    response = client.post(address, {"status": "on_track", "percent": "40"})
    assert response.status_code == 302
    assert ActionUpdate.objects.filter(action_step_id=s.pk).count() == 1


# --- role labels ---------------------------------------------------------------------------------


def test_the_new_roles_are_named_on_the_roster_and_the_home_page(client, cast):
    approved(cast)
    hand_off(cast, lead_role="core_team", stay=True)
    client.force_login(cast.core_team)
    roster = client.get(reverse("engagements:roster", args=[cast.engagement.pk])).text
    assert "Core team, Plan lead" in roster
    assert "Adviser (read-only)" in roster
    client.force_login(cast.facilitator)
    home = client.get(reverse("engagements:home")).text
    assert "Adviser (read-only)" in home


def test_the_roster_and_invitation_forms_do_not_offer_the_hand_offs_roles(client, cast):
    client.force_login(cast.facilitator)
    for name in ("engagements:invitation-new",):
        page = client.get(reverse(name, args=[cast.engagement.pk])).text
        assert "Plan team" in page
        assert "Plan lead" not in page and "Adviser" not in page
    edit = reverse("engagements:member-edit", args=[cast.engagement.pk, member(cast, "board").pk])
    page = client.get(edit).text
    assert "Superintendent" in page and "Plan lead" not in page


def test_editing_a_plan_leads_roster_entry_keeps_the_role(cast):
    from engagements.services.roster import membership_update

    approved(cast)
    hand_off(cast, lead_role="core_team", stay=True)
    MembershipFactory(engagement=cast.engagement, roles=["facilitator"])  # a new facilitator
    lead = member(cast, "core_team")
    membership_update(membership=lead, roles=["core_team", "board"], stakeholder_group=None)
    assert member(cast, "core_team").roles == ["core_team", "board", "plan_lead"]


def test_a_roster_import_cannot_make_a_plan_lead(cast):
    from engagements.services.roster import ROLE_WORDS

    assert "plan lead" not in ROLE_WORDS and "plan_lead" not in ROLE_WORDS
    assert "adviser" not in ROLE_WORDS
