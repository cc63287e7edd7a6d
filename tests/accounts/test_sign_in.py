import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

SIGN_IN = reverse("accounts:sign-in")
pytestmark = pytest.mark.django_db


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


def test_after_ten_failures_an_account_is_refused_even_with_the_right_password(client):
    user = UserFactory()
    for attempt in range(10):
        # From different addresses, so only the per-account counter can stop it.
        sign_in(client, user.email, "guess", REMOTE_ADDR=f"10.0.0.{attempt + 1}")
    response = sign_in(client, user.email, REMOTE_ADDR="10.0.1.1")
    assert response.status_code == 200
    assert "Too many sign-in attempts failed" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_nine_failures_still_allow_the_right_password(client):
    user = UserFactory()
    for _ in range(9):
        sign_in(client, user.email, "guess")
    assert sign_in(client, user.email).status_code == 302


def test_after_ten_failures_from_one_address_other_accounts_are_refused_from_it(client):
    victims = UserFactory.create_batch(10)
    for victim in victims:
        sign_in(client, victim.email, "guess", REMOTE_ADDR="192.0.2.7")
    bystander = UserFactory()
    refused = sign_in(client, bystander.email, REMOTE_ADDR="192.0.2.7")
    assert "Too many sign-in attempts failed" in refused.content.decode()
    # The same person signs in fine from another network.
    assert sign_in(client, bystander.email, REMOTE_ADDR="198.51.100.1").status_code == 302


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
