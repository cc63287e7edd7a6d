import re

import pytest
from django.urls import reverse
from kombu.exceptions import OperationalError

from accounts import tasks
from tests.factories import PASSWORD, UserFactory

RESET = reverse("accounts:password-reset")
pytestmark = pytest.mark.django_db


def ask_for_reset(client, email, capture):
    with capture(execute=True):
        return client.post(RESET, {"email": email})


def test_a_reset_link_is_emailed_and_sets_a_new_password(
    client, mailbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="ana@example.org", full_name="Ana López")
    response = ask_for_reset(client, "ANA@example.org", django_capture_on_commit_callbacks)
    assert response.url == reverse("accounts:password-reset-done")

    [message] = mailbox.wait(1)
    assert message.to == ["ana@example.org"]
    assert message.subject == "Choose a new password for Aligned"
    assert "Hello Ana López" in message.body
    link = re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new_password = "a brand new passphrase 42"
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert done.url == reverse("accounts:password-reset-complete")
    user.refresh_from_db()
    assert user.check_password(new_password)
    assert not user.check_password(PASSWORD)


def test_a_used_link_says_plainly_that_it_no_longer_works(
    client, mailbox, django_capture_on_commit_callbacks
):
    UserFactory(email="ana@example.org")
    ask_for_reset(client, "ana@example.org", django_capture_on_commit_callbacks)
    link = re.search(r"http://testserver(\S+)", mailbox.wait(1)[0].body).group(1)
    set_form = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(
        set_form, {"new_password1": "first new pass 981", "new_password2": "first new pass 981"}
    )

    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client, mailbox, django_capture_on_commit_callbacks
):
    response = ask_for_reset(client, "nobody@example.org", django_capture_on_commit_callbacks)
    assert response.url == reverse("accounts:password-reset-done")
    assert mailbox.wait(1, timeout=2) == []


@pytest.mark.django_db(transaction=True)
def test_a_mail_queue_outage_is_reported_plainly(client, monkeypatch):
    # Outside a test transaction, as in production, the e-mail is queued during the request.
    UserFactory(email="ana@example.org")

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_email, "delay", broker_down)
    response = client.post(RESET, {"email": "ana@example.org"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "could not send the e-mail just now" in page
    assert 'value="ana@example.org"' in page


def test_reset_requests_from_one_address_are_limited(
    client, mailbox, django_capture_on_commit_callbacks
):
    UserFactory(email="ana@example.org")
    for _ in range(10):
        ask_for_reset(client, "ana@example.org", django_capture_on_commit_callbacks)
    response = ask_for_reset(client, "ana@example.org", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "Too many reset e-mails" in response.content.decode()
    assert len(mailbox.wait(11, timeout=3)) == 10
