"""The profile's "E-mail me when…" settings: one checkbox per optional e-mail, ticked when wanted,
saved as the e-mails turned off; the e-mails that ask someone to act are listed as always sent."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.notifications import OPTIONAL, REQUIRED, wants
from tests.factories import UserFactory

PROFILE = reverse("accounts:profile")
pytestmark = pytest.mark.django_db


def save(client, user, *wanted):
    data = {"full_name": user.full_name, "email": user.email}
    data.update({f"wants_{key}": "on" for key in wanted})
    return client.post(PROFILE, data, follow=True)


def test_every_optional_email_is_ticked_for_a_new_account(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(PROFILE).content.decode()
    assert "E-mail me when…" in page
    for key, label in OPTIONAL.items():
        assert f'name="wants_{key}" id="id_wants_{key}" checked' in page
        assert f'<label for="id_wants_{key}">{label}</label>' in page


def test_the_required_emails_are_listed_as_always_sent(client):
    client.force_login(UserFactory())
    page = client.get(PROFILE).content.decode()
    assert "Always sent, to the people who must act:" in page
    for label in REQUIRED.values():
        assert label.lower().replace("'", "&#x27;") in page
        assert "wants_recommendation_needed" not in page


def test_unticking_turns_an_email_off_and_ticking_turns_it_back_on(client):
    user = UserFactory()
    client.force_login(user)
    response = save(
        client, user, "review_published", "plan_approved", "update_reminders", "board_report"
    )
    assert "Your profile is saved." in response.content.decode()
    user.refresh_from_db()
    assert user.email_opt_outs == ["review_closed", "plan_sent_back"]
    assert not wants(user, "review_closed") and wants(user, "plan_approved")
    page = client.get(PROFILE).content.decode()
    assert 'name="wants_review_closed" id="id_wants_review_closed">' in page
    assert 'name="wants_plan_approved" id="id_wants_plan_approved" checked' in page

    save(client, user, *OPTIONAL)
    user.refresh_from_db()
    assert user.email_opt_outs == []


def test_required_emails_cannot_be_turned_off(client):
    user = UserFactory()
    client.force_login(user)
    save(client, user)  # nothing ticked
    user.refresh_from_db()
    assert set(user.email_opt_outs) == set(OPTIONAL)
    assert all(wants(user, key) for key in REQUIRED)
    with pytest.raises(ValueError, match="recommendation_needed"):
        services.user_update_profile(
            user=user,
            full_name="X",
            email=user.email,
            email_opt_outs=["recommendation_needed"],
        )


def test_a_refused_profile_keeps_the_boxes_as_they_were_ticked(client):
    UserFactory(email="taken@example.org")
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        PROFILE,
        {"full_name": "Ana", "email": "taken@example.org", "wants_review_closed": "on"},
    )
    page = response.content.decode()
    assert "Another account already uses this e-mail address." in page
    assert 'name="wants_review_closed" id="id_wants_review_closed" checked' in page
    assert 'name="wants_plan_approved" id="id_wants_plan_approved">' in page
    user.refresh_from_db()
    assert user.email_opt_outs == []


def test_changing_only_the_name_leaves_the_settings_alone():
    user = UserFactory(email_opt_outs=["plan_approved"])
    services.user_update_profile(user=user, full_name="New Name", email=user.email)
    user.refresh_from_db()
    assert (user.full_name, user.email_opt_outs) == ("New Name", ["plan_approved"])
