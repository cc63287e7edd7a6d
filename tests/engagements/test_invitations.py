"""Invitations end to end: the facilitator invites, the e-mailed link opens the join page, and an
expired, used, withdrawn or replaced link says so plainly."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import dateformat, timezone
from kombu.exceptions import OperationalError

from accounts import tasks
from accounts.models import User
from engagements.models import Invitation, Membership
from engagements.views import invitations as views
from tests.factories import (
    PASSWORD,
    InvitationFactory,
    MembershipFactory,
    StakeholderGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "river stones 2027 plan"


def list_url(engagement):
    return reverse("engagements:invitations", args=[engagement.pk])


def new_url(engagement):
    return reverse("engagements:invitation-new", args=[engagement.pk])


def resend_url(invitation):
    return reverse("engagements:invitation-resend", args=[invitation.engagement_id, invitation.pk])


def withdraw_url(invitation):
    return reverse(
        "engagements:invitation-withdraw", args=[invitation.engagement_id, invitation.pk]
    )


def accept_url(token):
    return reverse("engagements:invitation-accept", args=[token])


def day(moment):
    return dateformat.format(timezone.localtime(moment), "j F")


def invite(client, capture, engagement, **data):
    payload = {"full_name": "Ana López", "email": "ana@example.org", "roles": ["plan_team"]}
    with capture(execute=True):
        return client.post(new_url(engagement), {**payload, **data})


def link_in(message):
    return re.search(r"http://testserver(/invitations/[\w-]+/)", message.body).group(1)


def new_account(client, path, **data):
    payload = {"full_name": "Ana López", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(path, {**payload, **data})


# --- the e-mailed link, end to end ---------------------------------------------------------------


def test_the_emailed_link_lets_the_invited_person_make_an_account_and_join(
    client, cast, mailbox, django_capture_on_commit_callbacks
):
    parents = StakeholderGroupFactory(engagement=cast.engagement, name="Parents")
    client.force_login(cast.facilitator)
    response = invite(
        client,
        django_capture_on_commit_callbacks,
        cast.engagement,
        email="Ana@Example.org",
        roles=["plan_team", "core_team"],
        stakeholder_group=parents.pk,
    )
    assert response.url == list_url(cast.engagement)
    assert (
        "The invitation is on its way to ana@example.org."
        in client.get(response.url).content.decode()
    )

    [message] = mailbox.wait(1)
    invitation = Invitation.objects.get()
    assert message.to == ["ana@example.org"]
    assert message.subject == "You're invited to Riverside Unified School District's strategic plan"
    assert "Hello Ana López" in message.body
    assert f"{cast.facilitator.full_name} has invited you" in message.body
    assert "Strategic Plan 2027–2032" in message.body
    assert "Your roles: Core team, Plan team" in message.body
    assert "You will represent: Parents" in message.body
    assert day(invitation.expires_at) in message.body
    assert "Did not expect this e-mail?" in message.body
    link = link_in(message)
    assert link.strip("/").split("/")[-1] not in invitation.token_hash  # only the hash is kept

    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    text = page.content.decode()
    for fact in ["Riverside Unified School District", "Strategic Plan 2027–2032", "Parents"]:
        assert fact in text
    assert "Core team, Plan team" in text
    assert cast.facilitator.full_name in text
    assert 'value="Ana López"' in text  # the name is filled in

    old_session = client.session.session_key
    joined = new_account(client, link)
    assert joined.url == reverse("engagements:detail", args=[cast.engagement.pk])
    assert client.cookies[settings.SESSION_COOKIE_NAME].value != old_session
    user = User.objects.get(email="ana@example.org")
    assert user.full_name == "Ana López"
    assert int(client.session["_auth_user_id"]) == user.pk
    membership = Membership.objects.get(user=user)
    assert membership.roles == ["core_team", "plan_team"]
    assert membership.stakeholder_group == parents
    overview = client.get(joined.url).content.decode()
    assert "Welcome to Strategic Plan 2027–2032!" in overview

    again = client.get(link)
    assert again.status_code == 410
    assert "This invitation has already been used" in again.content.decode()


def test_the_new_account_form_explains_mistakes_and_keeps_the_name(client, cast):
    InvitationFactory(engagement=cast.engagement, token="tok", email="ana@example.org")
    response = new_account(
        client, accept_url("tok"), full_name="Ana Q", password1="short", password2="other"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "didn’t match" in page
    assert 'value="Ana Q"' in page
    weak = new_account(client, accept_url("tok"), password1="password", password2="password")
    assert "too common" in weak.content.decode()
    assert not User.objects.filter(email="ana@example.org").exists()
    assert "_auth_user_id" not in client.session


def test_someone_with_an_account_is_asked_to_sign_in_and_comes_back_to_join(client, cast):
    user = UserFactory(email="ana@example.org")
    InvitationFactory(engagement=cast.engagement, token="tok", email="ANA@example.org")
    page = client.get(accept_url("tok")).content.decode()
    sign_in = reverse("accounts:sign-in") + "?next=" + accept_url("tok")
    assert "Sign in to accept" in page
    assert f'href="{sign_in}"' in page
    assert "Choose a password" not in page
    assert client.post(accept_url("tok")).status_code == 200  # nothing happens
    assert not Membership.objects.filter(user=user).exists()

    signed_in = client.post(
        sign_in, {"username": "ana@example.org", "password": PASSWORD, "next": accept_url("tok")}
    )
    assert signed_in.url == accept_url("tok")
    assert "Join as" in client.get(accept_url("tok")).content.decode()
    client.post(accept_url("tok"))
    assert Membership.objects.get(user=user).roles == ["plan_team"]


def test_a_signed_in_person_joins_with_one_button(client, cast):
    user = UserFactory(email="ana@example.org")
    InvitationFactory(engagement=cast.engagement, token="tok", email="ana@example.org")
    client.force_login(user)
    page = client.get(accept_url("tok")).content.decode()
    assert "Join as" in page
    assert "you are signed in as" not in page
    response = client.post(accept_url("tok"))
    assert response.url == reverse("engagements:detail", args=[cast.engagement.pk])
    assert Membership.objects.filter(user=user, engagement=cast.engagement).exists()


def test_a_different_signed_in_account_is_told_plainly_and_cannot_join(client, cast):
    InvitationFactory(engagement=cast.engagement, token="tok", email="ana@example.org")
    client.force_login(cast.outsider)
    page = client.get(accept_url("tok")).content.decode()
    assert (
        f"This invitation was sent to ana@example.org, and you are signed in as "
        f"{cast.outsider.email}."
    ) in page
    assert "Join as" not in page
    assert reverse("accounts:sign-out") in page
    client.post(accept_url("tok"))
    assert not Membership.objects.filter(user=cast.outsider, engagement=cast.engagement).exists()


def test_signing_out_from_the_join_page_comes_back_to_it(client, cast):
    InvitationFactory(engagement=cast.engagement, token="tok")
    client.force_login(cast.outsider)
    response = client.post(reverse("accounts:sign-out"), {"next": accept_url("tok")})
    assert response.url == accept_url("tok")
    assert "Create your account" in client.get(response.url).content.decode()


# --- links that no longer work -------------------------------------------------------------------


def test_an_unknown_link_is_not_found(client, cast):
    response = client.get(accept_url("no-such-token"))
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()
    assert client.post(accept_url("no-such-token")).status_code == 404


def test_an_expired_link_says_whom_to_ask_for_a_new_one(client, cast):
    InvitationFactory(
        engagement=cast.engagement,
        token="tok",
        invited_by=cast.facilitator,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    response = client.get(accept_url("tok"))
    assert response.status_code == 410
    page = response.content.decode()
    assert "This invitation has expired" in page
    assert f"Ask {cast.facilitator.full_name} to send a new one." in page
    assert new_account(client, accept_url("tok")).status_code == 410
    assert not User.objects.filter(email__startswith="invitee").exists()


def test_a_withdrawn_link_says_so(client, cast):
    invitation = InvitationFactory(engagement=cast.engagement, token="tok")
    client.force_login(cast.outsider)
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    response = client.post(accept_url("tok"))
    assert response.status_code == 410
    assert "This invitation was withdrawn" in response.content.decode()
    assert not Membership.objects.filter(user=cast.outsider, engagement=cast.engagement).exists()


def test_a_used_link_says_so_with_a_way_to_sign_in(client, cast):
    InvitationFactory(engagement=cast.engagement, token="tok", accepted_at=timezone.now())
    response = client.get(accept_url("tok"))
    assert response.status_code == 410
    page = response.content.decode()
    assert "This invitation has already been used" in page
    assert f'href="{reverse("accounts:sign-in")}"' in page


def test_a_double_submitted_join_makes_one_membership(client, cast):
    invitation = InvitationFactory(engagement=cast.engagement, token="tok")
    user = UserFactory(email=invitation.email)
    client.force_login(user)
    assert client.post(accept_url("tok")).status_code == 302
    second = client.post(accept_url("tok"))
    assert second.status_code == 410
    assert Membership.objects.filter(user=user).count() == 1


def test_a_re_sent_invitation_kills_the_old_link_and_the_new_one_works(
    client, cast, mailbox, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(
        engagement=cast.engagement,
        token="old",
        email="ana@example.org",
        invited_by=cast.facilitator,
        send_count=1,
    )
    client.force_login(cast.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(resend_url(invitation))
    assert response.url == list_url(cast.engagement)
    invitation.refresh_from_db()
    assert invitation.send_count == 2
    [message] = mailbox.wait(1)
    assert message.to == ["ana@example.org"]

    client.logout()
    assert client.get(accept_url("old")).status_code == 404
    link = link_in(message)
    assert client.get(link).status_code == 200
    assert new_account(client, link).status_code == 302
    assert Membership.objects.filter(user__email="ana@example.org").exists()


def test_join_attempts_from_one_address_are_limited(client, cast):
    InvitationFactory(engagement=cast.engagement, token="tok")
    for _ in range(20):
        assert client.post(accept_url("tok"), {}).status_code == 200
    response = new_account(client, accept_url("tok"))
    assert response.status_code == 429
    assert "Too many tries from this network" in response.content.decode()
    assert not Membership.objects.filter(engagement=cast.engagement, user__full_name="Ana López")


def test_joining_still_works_when_the_rate_limit_cache_is_down(client, cast, monkeypatch):
    def cache_down(*args, **kwargs):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379.")

    monkeypatch.setattr(views, "get_usage", cache_down)
    InvitationFactory(engagement=cast.engagement, token="tok", email="ana@example.org")
    assert new_account(client, accept_url("tok")).status_code == 302
    assert Membership.objects.filter(user__email="ana@example.org").exists()


# --- the facilitator's pages ---------------------------------------------------------------------


def test_the_list_shows_each_invitation_in_plain_words(client, cast):
    group = StakeholderGroupFactory(engagement=cast.engagement, name="Students")
    now = timezone.now()
    waiting = InvitationFactory(
        engagement=cast.engagement,
        full_name="Wendy Waiting",
        roles=["board"],
        stakeholder_group=group,
        send_count=2,
        sent_at=now,
    )
    InvitationFactory(engagement=cast.engagement, full_name="Ed Expired", expires_at=now)
    InvitationFactory(engagement=cast.engagement, full_name="Wil Withdrawn", revoked_at=now)
    InvitationFactory(engagement=cast.engagement, full_name="Al Accepted", accepted_at=now)
    InvitationFactory(engagement=cast.foreign_engagement, full_name="Fay Foreign")
    client.force_login(cast.facilitator)
    page = client.get(list_url(cast.engagement)).content.decode()
    assert "Wendy Waiting" in page and waiting.email in page
    assert "Board member" in page and "Students" in page
    assert f"Waiting for an answer, expires {day(waiting.expires_at)}" in page
    assert f"2 times, last {day(now)}" in page
    assert f"Expired {day(now)}" in page
    assert f"Withdrawn {day(now)}" in page
    assert f"Accepted {day(now)}" in page
    assert "Fay Foreign" not in page
    assert page.count(">Re-send<") == 2  # the waiting and the expired one
    assert 'All <span class="invitation-filters__count">4</span>' in page
    assert 'Withdrawn <span class="invitation-filters__count">1</span>' in page

    only_waiting = client.get(list_url(cast.engagement), {"state": "pending"}).content.decode()
    assert "Wendy Waiting" in only_waiting
    assert "Ed Expired" not in only_waiting and "Al Accepted" not in only_waiting


def test_the_list_explains_what_to_do_when_empty(client, cast):
    client.force_login(cast.facilitator)
    page = client.get(list_url(cast.engagement)).content.decode()
    assert "No invitations yet" in page
    assert new_url(cast.engagement) in page


def test_a_duplicate_invitation_is_refused_next_to_the_field_with_input_kept(client, cast):
    InvitationFactory(engagement=cast.engagement, email="ana@example.org")
    client.force_login(cast.facilitator)
    response = client.post(
        new_url(cast.engagement),
        {"full_name": "Ana López", "email": "ANA@example.org", "roles": ["board"]},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "ana@example.org is already invited and waiting for an answer: re-send it instead." in page
    )
    assert 'value="Ana López"' in page
    assert re.search(r'<input[^>]*value="board"[^>]*checked', page)
    assert Invitation.objects.count() == 1


def test_the_form_wants_a_role_and_only_this_engagements_groups(client, cast):
    StakeholderGroupFactory(engagement=cast.engagement, name="Staff")
    foreign = StakeholderGroupFactory(engagement=cast.foreign_engagement, name="Donors")
    client.force_login(cast.facilitator)
    form = client.get(new_url(cast.engagement)).content.decode()
    assert "Staff" in form and "Donors" not in form
    response = client.post(
        new_url(cast.engagement),
        {"full_name": "Ana", "email": "ana@example.org", "stakeholder_group": foreign.pk},
    )
    page = response.content.decode()
    assert "Choose at least one role." in page
    assert "Select a valid choice" in page
    assert not Invitation.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_mail_queue_outage_is_reported_plainly(client, monkeypatch):
    facilitator = UserFactory()
    membership = MembershipFactory(user=facilitator, roles=["facilitator"])

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_email, "delay", broker_down)
    client.force_login(facilitator)
    response = client.post(
        new_url(membership.engagement),
        {"full_name": "Ana", "email": "ana@example.org", "roles": ["board"]},
        follow=True,
    )
    page = response.content.decode()
    assert "The invitation is saved." in page
    assert "could not be sent just now" in page
    assert Invitation.objects.filter(email="ana@example.org").exists()


def test_withdrawing_asks_first_then_kills_the_link(client, cast):
    invitation = InvitationFactory(engagement=cast.engagement, token="tok", full_name="Ana")
    client.force_login(cast.facilitator)
    confirm = client.get(withdraw_url(invitation))
    assert confirm.status_code == 200
    assert "Withdraw the invitation for Ana?" in confirm.content.decode()
    assert Invitation.objects.get().revoked_at is None

    response = client.post(withdraw_url(invitation))
    assert response.url == list_url(cast.engagement)
    assert "is withdrawn" in client.get(response.url).content.decode()
    assert client.get(accept_url("tok")).status_code == 410


def test_a_used_invitation_cannot_be_re_sent_and_says_why(client, cast):
    invitation = InvitationFactory(engagement=cast.engagement, accepted_at=timezone.now())
    client.force_login(cast.facilitator)
    response = client.post(resend_url(invitation), follow=True)
    assert "This invitation has already been used." in response.content.decode()


# --- who may do what -----------------------------------------------------------------------------


def test_the_facilitator_may_invite_re_send_and_withdraw(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.facilitator)
    assert client.get(new_url(cast.engagement)).status_code == 200
    assert invite(client, django_capture_on_commit_callbacks, cast.engagement).status_code == 302
    invitation = Invitation.objects.get()
    assert client.post(resend_url(invitation)).status_code == 302
    assert client.post(withdraw_url(invitation)).status_code == 302
    invitation.refresh_from_db()
    assert (invitation.send_count, invitation.state) == (2, "revoked")


def test_the_core_team_sees_the_list_read_only(client, cast):
    invitation = InvitationFactory(engagement=cast.engagement, full_name="Ana")
    client.force_login(cast.core_team)
    page = client.get(list_url(cast.engagement)).content.decode()
    assert "Ana" in page
    assert "Re-send" not in page and "Invite someone" not in page
    assert withdraw_url(invitation) not in page and resend_url(invitation) not in page
    assert client.get(new_url(cast.engagement)).status_code == 403
    assert client.post(new_url(cast.engagement), {"email": "x@example.org"}).status_code == 403
    assert client.post(resend_url(invitation)).status_code == 403
    assert client.get(withdraw_url(invitation)).status_code == 403
    assert client.post(withdraw_url(invitation)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.state == "pending" and invitation.send_count == 0


@pytest.mark.parametrize("role", ["plan_team", "board", "superintendent"])
def test_other_roles_may_not_see_or_change_invitations(client, cast, role):
    invitation = InvitationFactory(engagement=cast.engagement)
    client.force_login(cast.member(role))
    assert client.get(list_url(cast.engagement)).status_code == 403
    assert client.get(new_url(cast.engagement)).status_code == 403
    assert client.post(resend_url(invitation)).status_code == 403
    assert client.post(withdraw_url(invitation)).status_code == 403


def test_an_outsider_gets_not_found(client, cast):
    invitation = InvitationFactory(engagement=cast.engagement)
    client.force_login(cast.outsider)
    assert client.get(list_url(cast.engagement)).status_code == 404
    assert client.get(new_url(cast.engagement)).status_code == 404
    assert client.post(resend_url(invitation)).status_code == 404
    assert client.get(withdraw_url(invitation)).status_code == 404


def test_an_invitation_of_another_engagement_is_not_found_through_mine(client, cast):
    foreign = InvitationFactory(engagement=cast.foreign_engagement)
    client.force_login(cast.facilitator)
    mine = cast.engagement.pk
    for name, method in [("invitation-resend", "post"), ("invitation-withdraw", "get")]:
        url = reverse(f"engagements:{name}", args=[mine, foreign.pk])
        assert getattr(client, method)(url).status_code == 404
    assert (
        client.post(reverse("engagements:invitation-withdraw", args=[mine, foreign.pk])).status_code
        == 404
    )
    foreign.refresh_from_db()
    assert foreign.state == "pending"


@pytest.mark.parametrize("role", ["facilitator", "core_team", "plan_team"])
def test_the_overview_links_to_invitations_for_those_who_may_see_them(client, cast, role):
    client.force_login(cast.member(role))
    page = client.get(reverse("engagements:detail", args=[cast.engagement.pk])).content.decode()
    assert (list_url(cast.engagement) in page) == (role != "plan_team")


def test_the_list_keeps_a_constant_number_of_queries(client, cast, django_assert_max_num_queries):
    groups = StakeholderGroupFactory.create_batch(3, engagement=cast.engagement)
    client.force_login(cast.facilitator)

    def add(count):
        for index in range(count):
            InvitationFactory(
                engagement=cast.engagement,
                stakeholder_group=groups[index % 3],
                accepted_at=timezone.now() if index % 2 else None,
                accepted_by=cast.board if index % 2 else None,
            )

    add(10)
    with django_assert_max_num_queries(8) as small:
        client.get(list_url(cast.engagement))
    add(90)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(list_url(cast.engagement))
    assert response.content.decode().count('<th scope="row">') == 100
