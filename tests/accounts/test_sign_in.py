import logging

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

SIGN_IN = reverse("accounts:sign-in")
pytestmark = pytest.mark.django_db


@pytest.fixture
def django_app_client():
    return Client


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": email, "password": password}, **extra)


def test_a_member_signs_in_and_lands_on_their_engagements(client, cast):
    response = sign_in(client, cast.plan_team.email, follow=True)
    assert response.redirect_chain[-1][0] == reverse("engagements:home")
    assert cast.engagement.name in response.content.decode()


def test_the_email_address_is_matched_without_regard_to_case(client):
    user = UserFactory(email="ana.lopez@example.org")
    response = sign_in(client, "Ana.Lopez@Example.ORG")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_gets_a_plain_message_and_keeps_the_email(client):
    UserFactory(email="ana@example.org")
    response = sign_in(client, "ana@example.org", "not it")
    page = response.content.decode()
    assert response.status_code == 200
    assert "do not match an account" in page
    assert 'value="ana@example.org"' in page
    assert "_auth_user_id" not in client.session


def test_the_session_key_changes_at_sign_in(client):
    user = UserFactory()
    client.get(SIGN_IN)
    session = client.session
    session["visited"] = True
    session.save()
    before = session.session_key
    sign_in(client, user.email)
    assert client.session.session_key != before
    assert client.session["_auth_user_id"] == str(user.pk)


THROTTLED = "Too many sign-in attempts failed"
SCHOOL = "203.0.113.10"  # one school network: every device in the room has this address


def test_ten_failures_for_an_account_refuse_it_from_that_address_even_the_right_password(client):
    user = UserFactory()
    for _ in range(10):
        sign_in(client, user.email, "guess", REMOTE_ADDR=SCHOOL)
    response = sign_in(client, user.email, REMOTE_ADDR=SCHOOL)
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_nine_failures_still_allow_the_right_password(client):
    user = UserFactory()
    for _ in range(9):
        sign_in(client, user.email, "guess")
    assert sign_in(client, user.email).status_code == 302


def test_ten_wrong_passwords_for_one_account_do_not_block_another_at_the_same_address(client):
    victim = UserFactory()
    bystander = UserFactory(email="zoe.ibanez@example.org", full_name="Zoë Ibáñez")
    for _ in range(10):
        sign_in(client, victim.email, "guess", REMOTE_ADDR=SCHOOL)
    assert sign_in(client, bystander.email, REMOTE_ADDR=SCHOOL).status_code == 302


def test_a_prankster_does_not_lock_a_member_out_of_their_own_device(client, django_app_client):
    """The member signed in on this laptop before; a classmate then guesses their password
    from a phone on the same school network. The laptop still signs in with the right one."""
    member = UserFactory(email="ana.lopez@example.org")
    laptop = django_app_client()
    assert sign_in(laptop, member.email, REMOTE_ADDR=SCHOOL).status_code == 302
    laptop.post(reverse("accounts:sign-out"))
    phone = django_app_client()
    for _ in range(25):
        sign_in(phone, member.email, "guess", REMOTE_ADDR=SCHOOL)
    assert THROTTLED in sign_in(phone, member.email, REMOTE_ADDR=SCHOOL).content.decode()
    assert sign_in(laptop, member.email, REMOTE_ADDR=SCHOOL).status_code == 302
    # From another network (home, mobile data) the right password works on any device too.
    assert sign_in(django_app_client(), member.email, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_a_trusted_device_is_limited_too(client, django_app_client):
    member = UserFactory()
    assert sign_in(client, member.email).status_code == 302
    client.post(reverse("accounts:sign-out"))
    for _ in range(10):
        sign_in(client, member.email, "guess")
    assert THROTTLED in sign_in(client, member.email).content.decode()


def test_a_forged_device_cookie_earns_no_trust(client):
    member = UserFactory()
    for _ in range(10):
        sign_in(client, member.email, "guess")
    client.cookies["aligned_device"] = "forged:value"
    assert THROTTLED in sign_in(client, member.email).content.decode()


def test_a_spray_over_many_accounts_from_one_address_is_stopped(client):
    accounts = UserFactory.create_batch(12)
    for account in accounts:
        for _ in range(9):  # under each account's own limit
            sign_in(client, account.email, "guess", REMOTE_ADDR=SCHOOL)
    # 108 failures from the address: past its ceiling of 100, new devices there are refused.
    newcomer = UserFactory()
    refused = sign_in(client, newcomer.email, REMOTE_ADDR=SCHOOL)
    assert THROTTLED in refused.content.decode()
    assert sign_in(client, newcomer.email, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_a_guess_spread_over_many_addresses_is_stopped_at_the_account(client):
    user = UserFactory()
    for attempt in range(100):
        sign_in(client, user.email, "guess", REMOTE_ADDR=f"10.0.{attempt // 9}.{attempt % 9 + 1}")
    response = sign_in(client, user.email, REMOTE_ADDR="10.9.9.9")
    assert THROTTLED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_goes_on_when_the_cache_is_down(client, monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr("engagements.throttle.get_usage", unreachable)
    user = UserFactory()
    with caplog.at_level(logging.ERROR, logger="engagements.throttle"):
        assert sign_in(client, user.email, "guess").status_code == 200
        assert sign_in(client, user.email).status_code == 302
    assert "unavailable" in caplog.text


def test_a_successful_sign_in_is_not_counted_as_a_failure(client):
    user = UserFactory()
    for _ in range(12):
        assert sign_in(client, user.email).status_code == 302
        client.logout()


def test_an_inactive_account_cannot_sign_in(client):
    user = UserFactory(is_active=False)
    response = sign_in(client, user.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_out_ends_the_session(client, cast):
    client.force_login(cast.plan_team)
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert client.get(reverse("engagements:home")).status_code == 302


def test_sign_out_by_a_plain_link_is_refused(client, cast):
    client.force_login(cast.plan_team)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    assert client.get(reverse("engagements:home")).status_code == 200


def test_a_signed_in_person_visiting_sign_in_goes_home(client, cast):
    client.force_login(cast.plan_team)
    response = client.get(SIGN_IN)
    assert response.status_code == 302
    assert response.url == reverse("engagements:home")


def test_sign_in_returns_to_the_page_asked_for(client, cast):
    detail = reverse("engagements:detail", args=[cast.engagement.pk])
    response = client.get(detail)
    assert response.status_code == 302
    assert response.url == f"{SIGN_IN}?next={detail}"
    response = client.post(
        response.url, {"username": cast.board.email, "password": PASSWORD, "next": detail}
    )
    assert response.url == detail
