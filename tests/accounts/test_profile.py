import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

PROFILE = reverse("accounts:profile")
pytestmark = pytest.mark.django_db


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_a_person_changes_their_name_and_email(client):
    user = UserFactory(full_name="Ana L", email="ana@example.org")
    client.force_login(user)
    response = client.post(
        PROFILE, {"full_name": "  Ana López ", "email": "Ana.Lopez@Example.org"}, follow=True
    )
    assert "Your profile is saved." in response.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.email) == ("Ana López", "ana.lopez@example.org")


def test_an_email_taken_by_another_account_is_refused_and_input_kept(client):
    UserFactory(email="taken@example.org")
    user = UserFactory(email="ana@example.org")
    client.force_login(user)
    response = client.post(PROFILE, {"full_name": "Ana Typed This", "email": "TAKEN@example.org"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Another account already uses this e-mail address." in page
    assert 'value="Ana Typed This"' in page
    assert 'aria-invalid="true"' in page
    user.refresh_from_db()
    assert user.email == "ana@example.org"


def test_a_person_changes_their_password(client):
    user = UserFactory()
    client.force_login(user)
    new = "another long passphrase 77"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert "Your password is changed." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(new)
    # Still signed in after the change.
    assert client.get(PROFILE).status_code == 200


def test_a_wrong_old_password_is_refused(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": "nope",
            "new_password1": "x long pass 123",
            "new_password2": "x long pass 123",
        },
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
