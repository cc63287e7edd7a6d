"""Invitation services: who can be invited, single-use tokens, re-send, withdraw and accept."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from engagements.models import Invitation, Membership
from engagements.selectors.invitations import invitation_by_token, invitation_counts_for
from engagements.services import invitations as services
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    StakeholderGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def sha(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create(cast, **fields):
    values = {
        "engagement": cast.engagement,
        "invited_by": cast.facilitator,
        "email": "ana@example.org",
        "full_name": "Ana López",
        "roles": ["plan_team"],
        **fields,
    }
    return services.invitation_create(**values)


# --- who can be invited ---------------------------------------------------------------------------


def test_a_member_of_the_team_is_already_on_it_whatever_the_case_of_the_address(cast):
    problem = services.invitation_problem(
        engagement=cast.engagement, email=cast.board.email.upper()
    )
    assert problem == "already on the team"


def test_a_waiting_invitation_is_refused_with_a_hint_to_re_send_it(cast):
    InvitationFactory(engagement=cast.engagement, email="ana@example.org")
    problem = services.invitation_problem(engagement=cast.engagement, email=" ANA@Example.org ")
    assert problem == "already invited and waiting for an answer: re-send it instead"


@pytest.mark.parametrize(
    "fields",
    [
        {"expires_at": timezone.now() - timedelta(minutes=1)},
        {"revoked_at": timezone.now()},
    ],
    ids=["expired", "withdrawn"],
)
def test_an_expired_or_withdrawn_invitation_does_not_stand_in_the_way(cast, fields):
    InvitationFactory(engagement=cast.engagement, email="ana@example.org", **fields)
    assert services.invitation_problem(engagement=cast.engagement, email="ana@example.org") is None


def test_membership_or_invitations_elsewhere_do_not_count(cast):
    InvitationFactory(engagement=cast.foreign_engagement, email="ana@example.org")
    assert services.invitation_problem(engagement=cast.engagement, email="ana@example.org") is None
    assert (
        services.invitation_problem(engagement=cast.engagement, email=cast.outsider.email) is None
    )


# --- creating ------------------------------------------------------------------------------------


def test_creating_stores_a_hash_of_a_fresh_token_and_a_14_day_expiry(cast):
    group = StakeholderGroupFactory(engagement=cast.engagement)
    before = timezone.now()
    invitation = create(
        cast,
        email="  Ana@Example.ORG",
        full_name=" Ana López ",
        roles=["plan_team", "core_team"],
        stakeholder_group=group,
    )
    assert invitation.email == "ana@example.org"
    assert invitation.full_name == "Ana López"
    assert invitation.roles == ["core_team", "plan_team"]
    assert invitation.stakeholder_group == group
    assert invitation.invited_by == cast.facilitator
    assert invitation.state == Invitation.State.PENDING
    assert invitation.send_count == 1
    assert invitation.sent_at >= before
    assert (
        before + timedelta(days=14) <= invitation.expires_at <= timezone.now() + timedelta(days=14)
    )
    assert len(invitation.token_hash) == 64


def test_the_validity_comes_from_the_settings(cast, settings):
    settings.INVITATION_VALID_DAYS = 3
    invitation = create(cast)
    assert invitation.expires_at < timezone.now() + timedelta(days=3, minutes=1)


def test_creating_refuses_someone_already_invited_or_on_the_team(cast):
    create(cast)
    with pytest.raises(ValidationError) as refused:
        create(cast, email="ANA@example.org")
    assert refused.value.message_dict == {
        "email": [
            "ana@example.org is already invited and waiting for an answer: re-send it instead."
        ]
    }
    with pytest.raises(ValidationError, match="already on the team"):
        create(cast, email=cast.plan_team.email)
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    "fields",
    [{"roles": []}, {"roles": ["king"]}, {"full_name": "  "}, {"email": "not an address"}],
    ids=["no role", "unknown role", "no name", "bad address"],
)
def test_creating_refuses_wrong_values(cast, fields):
    with pytest.raises(ValidationError):
        create(cast, **fields)
    assert not Invitation.objects.exists()


def test_creating_refuses_a_group_of_another_engagement(cast):
    foreign_group = StakeholderGroupFactory(engagement=cast.foreign_engagement)
    with pytest.raises(ValidationError, match="another engagement"):
        create(cast, stakeholder_group=foreign_group)


def test_creating_works_inside_an_outer_transaction_and_sends_only_after_commit(
    cast, mailbox, django_capture_on_commit_callbacks
):
    """As the CSV import does: many invitations in one transaction, refusals caught."""
    refused = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for email in ["a@example.org", "b@example.org", "A@example.org"]:
            try:
                create(cast, email=email)
            except ValidationError as error:
                refused.append(error.messages)
        assert mailbox.messages() == []  # nothing goes out before the commit
    assert refused == [["a@example.org is " + services.ALREADY_INVITED + "."]]
    assert len(callbacks) == 2
    assert sorted(m.to[0] for m in mailbox.wait(2)) == ["a@example.org", "b@example.org"]
    assert Invitation.objects.count() == 2


# --- finding by token ----------------------------------------------------------------------------


def test_a_token_finds_its_invitation_and_nothing_else(cast):
    invitation = InvitationFactory(engagement=cast.engagement, token="the-token")
    assert invitation_by_token("the-token") == invitation
    assert invitation_by_token("the-token-") is None
    assert invitation_by_token("") is None
    assert invitation.token_hash == sha("the-token")


# --- re-sending and withdrawing ------------------------------------------------------------------


def test_re_sending_issues_a_new_token_and_expiry(cast):
    invitation = InvitationFactory(
        engagement=cast.engagement,
        token="old",
        send_count=1,
        expires_at=timezone.now() - timedelta(days=1),
    )
    resent = services.invitation_resend(invitation=invitation, by=cast.facilitator)
    assert resent.state == Invitation.State.PENDING
    assert resent.send_count == 2
    assert resent.expires_at > timezone.now() + timedelta(days=13)
    assert invitation_by_token("old") is None
    assert resent.token_hash != sha("old")


@pytest.mark.parametrize("field", ["accepted_at", "revoked_at"])
def test_a_used_or_withdrawn_invitation_cannot_be_re_sent_or_withdrawn(cast, field):
    invitation = InvitationFactory(engagement=cast.engagement, token="t", **{field: timezone.now()})
    with pytest.raises(ValidationError):
        services.invitation_resend(invitation=invitation, by=cast.facilitator)
    with pytest.raises(ValidationError):
        services.invitation_revoke(invitation=invitation, by=cast.facilitator)
    assert invitation_by_token("t").token_hash == sha("t")


def test_re_sending_refuses_once_the_person_joined_another_way(cast):
    invitation = InvitationFactory(engagement=cast.engagement, email=cast.board.email)
    with pytest.raises(ValidationError, match="already on the team"):
        services.invitation_resend(invitation=invitation, by=cast.facilitator)


def test_re_sending_an_old_invitation_points_to_the_newer_one(cast):
    old = InvitationFactory(
        engagement=cast.engagement,
        email="ana@example.org",
        expires_at=timezone.now() - timedelta(days=1),
    )
    InvitationFactory(engagement=cast.engagement, email="ana@example.org")
    with pytest.raises(ValidationError, match="A newer invitation to ana@example.org is waiting"):
        services.invitation_resend(invitation=old, by=cast.facilitator)


def test_withdrawing_makes_the_link_unusable(cast):
    invitation = InvitationFactory(engagement=cast.engagement)
    services.invitation_revoke(invitation=invitation, by=cast.facilitator)
    assert invitation.state == Invitation.State.REVOKED
    with pytest.raises(ValidationError, match="withdrawn"):
        services.invitation_accept(invitation=invitation, user=UserFactory(email=invitation.email))


def test_counts_per_state_come_in_one_query(cast, django_assert_num_queries):
    now = timezone.now()
    InvitationFactory.create_batch(2, engagement=cast.engagement)
    InvitationFactory(engagement=cast.engagement, accepted_at=now)
    InvitationFactory(engagement=cast.engagement, revoked_at=now)
    InvitationFactory(engagement=cast.engagement, expires_at=now - timedelta(seconds=1))
    InvitationFactory(engagement=cast.foreign_engagement)
    with django_assert_num_queries(1):
        counts = invitation_counts_for(cast.engagement)
    assert counts == {"all": 5, "pending": 2, "accepted": 1, "revoked": 1, "expired": 1}


# --- accepting -----------------------------------------------------------------------------------


def test_only_the_invited_address_can_accept_so_a_forwarded_link_grants_nothing(cast):
    invitation = InvitationFactory(
        engagement=cast.engagement, email="new.person@example.org", roles=["facilitator"]
    )
    with pytest.raises(ValidationError, match="sent to new.person@example.org"):
        services.invitation_accept(invitation=invitation, user=cast.plan_team)
    assert cast.plan_team.memberships.get().roles == ["plan_team"]
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_accepting_makes_the_membership_with_the_invited_roles_and_group(cast):
    group = StakeholderGroupFactory(engagement=cast.engagement)
    invitation = InvitationFactory(
        engagement=cast.engagement, roles=["plan_team"], stakeholder_group=group
    )
    user = UserFactory(email=invitation.email)
    membership = services.invitation_accept(invitation=invitation, user=user)
    assert (membership.user, membership.engagement) == (user, cast.engagement)
    assert membership.roles == ["plan_team"]
    assert membership.stakeholder_group == group
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.state == Invitation.State.ACCEPTED


def test_accepting_as_a_member_adds_the_roles_and_keeps_the_group(cast):
    own_group, invited_group = StakeholderGroupFactory.create_batch(2, engagement=cast.engagement)
    user = UserFactory()
    MembershipFactory(
        user=user, engagement=cast.engagement, roles=["plan_team"], stakeholder_group=own_group
    )
    invitation = InvitationFactory(
        engagement=cast.engagement,
        email=user.email,
        roles=["core_team", "plan_team"],
        stakeholder_group=invited_group,
    )
    membership = services.invitation_accept(invitation=invitation, user=user)
    assert membership.roles == ["core_team", "plan_team"]
    assert membership.stakeholder_group == own_group
    assert Membership.objects.filter(user=user, engagement=cast.engagement).count() == 1


def test_accepting_as_a_member_without_a_group_takes_the_invited_one(cast):
    group = StakeholderGroupFactory(engagement=cast.engagement)
    invitation = InvitationFactory(
        engagement=cast.engagement,
        email=cast.core_team.email,
        roles=["board"],
        stakeholder_group=group,
    )
    membership = services.invitation_accept(invitation=invitation, user=cast.core_team)
    assert membership.roles == ["core_team", "board"]
    assert membership.stakeholder_group == group


def test_an_invitation_is_used_once_even_when_submitted_twice(cast):
    invitation = InvitationFactory(engagement=cast.engagement)
    # Two requests each loaded the invitation while it was still waiting.
    first, second = (
        Invitation.objects.get(pk=invitation.pk),
        Invitation.objects.get(pk=invitation.pk),
    )
    user = UserFactory(email=invitation.email)
    services.invitation_accept(invitation=first, user=user)
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(invitation=second, user=user)
    assert Membership.objects.filter(engagement=cast.engagement).count() == 5 + 1


def test_an_expired_invitation_cannot_be_accepted(cast):
    invitation = InvitationFactory(
        engagement=cast.engagement, expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(invitation=invitation, user=UserFactory(email=invitation.email))
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert Membership.objects.filter(engagement=cast.engagement).count() == 5


def test_a_new_account_is_made_for_the_invited_address_and_joins(cast):
    invitation = InvitationFactory(engagement=cast.engagement, email="ana@example.org")
    membership = services.invitation_accept_new_account(
        invitation=invitation, full_name=" Ana López ", password="a long pass phrase 42"
    )
    user = membership.user
    assert (user.email, user.full_name) == ("ana@example.org", "Ana López")
    assert user.check_password("a long pass phrase 42")


def test_no_account_is_left_behind_when_the_invitation_cannot_be_used(cast):
    invitation = InvitationFactory(
        engagement=cast.engagement, email="ana@example.org", revoked_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        services.invitation_accept_new_account(
            invitation=invitation, full_name="Ana", password="a long pass phrase 42"
        )
    assert not Membership.objects.filter(user__email="ana@example.org").exists()
    assert not User.objects.filter(email="ana@example.org").exists()
