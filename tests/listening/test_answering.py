"""Answering without an account: the public link (with the public feedback's spam and rate
defences), personal invitations that answer once, closed and draft surveys."""

import re

import pytest
from django.urls import reverse

from listening.models import Answer, Comment, Respondent, Survey
from listening.services import respondents_invite

from .conftest import answer_data

pytestmark = pytest.mark.django_db


def public_url(world):
    return reverse("listening:public", args=[world.survey.public_token])


def test_anyone_with_the_public_link_answers_and_picks_a_group(client, world):
    page = client.get(public_url(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Which matters most?" in html and "Parents" in html and "Students" in html
    assert page["X-Robots-Tag"] == "noindex, nofollow"

    data = answer_data(world, group=world.parents, text="More art teachers")
    response = client.post(public_url(world), data)
    assert response.status_code == 302
    assert response.url == reverse("listening:public-thanks", args=["open-sesame"])
    respondent = Respondent.objects.get()
    assert respondent.stakeholder_group == world.parents
    assert respondent.name == "" and respondent.email == ""
    assert Answer.objects.get(question=world.choice).choice == "Arts"
    assert Answer.objects.get(question=world.scale).scale == 4
    voice = Comment.objects.get()
    assert voice.text == "More art teachers"
    assert voice.answer.question == world.written
    assert voice.stakeholder_group == world.parents and voice.session is None


def test_none_of_these_leaves_the_group_empty(client, world):
    client.post(public_url(world), answer_data(world))
    assert Respondent.objects.get().stakeholder_group is None


def test_a_group_of_another_engagement_is_refused_with_everything_kept(client, world):
    data = answer_data(world, text="Keep me")
    data["group"] = "not-a-group"
    response = client.post(public_url(world), data)
    assert response.status_code == 400
    assert "Choose a group from the list." in response.content.decode()
    assert "Keep me" in response.content.decode()
    assert not Respondent.objects.exists()


def test_a_required_question_says_so_before_sending(client, world):
    html = client.get(public_url(world)).content.decode()
    assert "(required)" not in html and "Questions marked" not in html
    world.choice.required = True
    world.choice.save()
    html = client.get(public_url(world)).content.decode()
    assert f"<legend>{world.choice.text} (required)</legend>" in html
    assert "Questions marked “(required)” need an answer." in html
    # The privacy reminder comes before the questions, not under the Send button.
    assert html.index("anything private about students") < html.index("<legend>")


def test_a_required_question_left_empty_is_named_by_the_field(client, world):
    world.choice.required = True
    world.choice.save()
    response = client.post(public_url(world), answer_data(world, choice=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please answer this question." in html
    assert f'id="id_q_{world.choice.pk}_error"' in html
    assert not Respondent.objects.exists()


def test_the_honeypot_is_thanked_and_nothing_is_stored(client, world):
    response = client.post(public_url(world), answer_data(world, website="http://spam"))
    assert response.status_code == 302
    assert not Respondent.objects.exists()


def test_a_form_sent_back_too_fast_is_refused(client, world):
    response = client.post(public_url(world), answer_data(world, stamp_age=0, text="Mine"))
    assert response.status_code == 400
    assert "faster than a person" in response.content.decode()
    assert "Mine" in response.content.decode()
    assert not Respondent.objects.exists()


def test_the_rate_limit_per_address_refuses_with_a_plain_message(client, world, settings):
    settings.PUBLIC_FEEDBACK_RATES = "2/10m"
    for _ in range(2):
        assert client.post(public_url(world), answer_data(world)).status_code == 302
    response = client.post(public_url(world), answer_data(world, text="Third"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "try again in about" in html and "Third" in html
    assert Respondent.objects.count() == 2


def test_a_closed_survey_says_so_clearly(client, world):
    Survey.objects.filter(pk=world.survey.pk).update(status=Survey.Status.CLOSED)
    page = client.get(public_url(world))
    assert page.status_code == 200
    assert "This survey is not taking answers now" in page.content.decode()
    response = client.post(public_url(world), answer_data(world))
    assert "not taking answers" in response.content.decode()
    assert not Respondent.objects.exists()


def test_a_survey_past_its_closing_day_takes_no_answers(client, world):
    from datetime import timedelta

    from django.utils import timezone

    world.survey.closes_on = timezone.localdate() - timedelta(days=1)
    world.survey.save()
    client.post(public_url(world), answer_data(world))
    assert not Respondent.objects.exists()


def test_a_draft_or_unknown_link_is_not_found(client, world):
    assert client.get(reverse("listening:public", args=["nope"])).status_code == 404
    Survey.objects.filter(pk=world.survey.pk).update(status=Survey.Status.DRAFT)
    assert client.get(public_url(world)).status_code == 404


def _invite(world, mailbox, capture, email="ana@example.org"):
    before = len(mailbox.messages())
    with capture(execute=True):
        respondents_invite(survey=world.survey, people=[("Ana Ruiz", email)], base_url="http://t")
    message = mailbox.wait(before + 1)[-1]
    link = re.search(r"http://t(/survey/invited/[^\s]+/)", message.body).group(1)
    return message, link


def test_an_invitation_is_emailed_with_a_personal_link_that_answers_once(
    client, world, mailbox, django_capture_on_commit_callbacks
):
    message, link = _invite(world, mailbox, django_capture_on_commit_callbacks)
    assert message.to == ["ana@example.org"]
    assert "What matters to you?" in message.body
    respondent = Respondent.objects.get()
    assert respondent.invitation_token_hash and respondent.invitation_token_hash not in link

    response = client.post(link, answer_data(world, group=world.staff, text="Hi"))
    assert response.status_code == 302
    respondent.refresh_from_db()
    assert respondent.submitted_at and respondent.stakeholder_group == world.staff
    assert respondent.name == "Ana Ruiz"

    again = client.get(link)
    assert "already been used" in again.content.decode()
    second = client.post(link, answer_data(world, group=world.staff, text="Again"))
    assert "already been used" in second.content.decode()
    assert Answer.objects.filter(respondent=respondent, question=world.choice).count() == 1
    assert Comment.objects.count() == 1


def test_invitations_are_not_rate_limited_by_address(
    client, world, mailbox, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_FEEDBACK_RATES = "1/10m"
    links = []
    for n in range(3):
        invite = _invite(world, mailbox, django_capture_on_commit_callbacks, f"p{n}@example.org")
        links.append(invite[1])
    for link in links:
        assert client.post(link, answer_data(world)).status_code == 302
    assert Respondent.objects.filter(submitted_at__isnull=False).count() == 3


def test_an_unknown_invitation_link_is_not_found(client, world):
    assert client.get(reverse("listening:invited", args=["x" * 40])).status_code == 404


def test_the_answering_page_fits_a_phone_without_site_navigation(client, world):
    html = client.get(public_url(world)).content.decode()
    assert 'name="viewport"' in html
    assert "Sign out" not in html and "My engagements" not in html


def test_an_open_answer_full_of_links_is_refused_as_spam(client, world):
    text = " ".join(f"http://spam{n}.example" for n in range(4))
    response = client.post(public_url(world), answer_data(world, text=text))
    assert response.status_code == 400
    assert "no more than 3 links" in response.content.decode()
    assert not Respondent.objects.exists()


def test_the_facilitator_sends_an_invitation_again_and_the_old_link_stops(
    client, world, mailbox, django_capture_on_commit_callbacks
):
    _, old = _invite(world, mailbox, django_capture_on_commit_callbacks)
    respondent = Respondent.objects.get()
    client.force_login(world.cast.facilitator)
    again = reverse(
        "listening:invitation-resend",
        args=[world.engagement.pk, world.survey.pk, respondent.pk],
    )
    assert (
        "Send again"
        in client.get(
            reverse("listening:respondents", args=[world.engagement.pk, world.survey.pk])
        ).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(again)
    # Both invitations, in whatever order the worker's files sort (their times can be equal).
    links = {re.search(r"(/survey/invited/[^\s]+/)", m.body).group(1) for m in mailbox.wait(2)}
    assert old in links and len(links) == 2  # the second invitation carries a new link
    (new,) = links - {old}
    assert client.get(old).status_code == 404
    assert client.post(new, answer_data(world)).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(again)  # answered: nothing more is sent
    assert len(mailbox.wait(3, timeout=1)) == 2


@pytest.mark.django_db(transaction=True)
def test_invitations_are_saved_when_the_mail_queue_is_down(client, world, monkeypatch):
    from kombu.exceptions import OperationalError

    from accounts import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_email, "delay", broker_down)
    client.force_login(world.cast.facilitator)
    response = client.post(
        reverse("listening:invite", args=[world.engagement.pk, world.survey.pk]),
        {"people": "Ana Ruiz, ana@example.org"},
        follow=True,
    )
    page = response.content.decode()
    assert "e-mail queue is not answering" in page
    assert 'Send again<span class="visually-hidden"> to ana@example.org' in page
    assert Respondent.objects.filter(email="ana@example.org", submitted_at=None).exists()
