"""Edges found in review: nothing matches a name to an answer, counts are of people, the CSV
opens in a spreadsheet, public pages say whose survey it is, long invitations are refused."""

import pytest
from django.urls import reverse
from django.utils import timezone

from listening.models import Answer, Comment, Respondent
from listening.selectors import results_for
from tests.factories import InvitedRespondentFactory, RespondentFactory

pytestmark = pytest.mark.django_db


def url(world, name):
    return reverse(name, args=[world.engagement.pk, world.survey.pk])


def test_written_answers_are_not_listed_in_the_order_they_came(world):
    """The facilitator sees who answered; written answers in the order they came would put the
    last invited person's words last. They are listed by their random ids instead."""
    for n in range(12):
        person = RespondentFactory(survey=world.survey, stakeholder_group=world.parents)
        answer = Answer.objects.create(respondent=person, question=world.written)
        Comment.objects.create(
            engagement=world.engagement, answer=answer, text=f"Answer {n}", stakeholder_group=None
        )
    listed = [text for text, _ in results_for(world.survey).questions[2].open_answers]
    by_id = list(Comment.objects.order_by("id").values_list("text", flat=True))
    assert listed == by_id and sorted(listed) == sorted(f"Answer {n}" for n in range(12))


def test_the_respondents_page_says_who_answered_but_not_when(client, world):
    InvitedRespondentFactory(survey=world.survey, name="Ana Ruiz", submitted_at=timezone.now())
    client.force_login(world.cast.facilitator)
    page = client.get(url(world, "listening:respondents")).content.decode()
    assert "Ana Ruiz" in page and ">Yes<" in page
    assert timezone.localdate().strftime("%B") not in page  # no answering day


def test_the_overview_counts_people_who_answered_not_their_answers(client, world):
    for _ in range(2):
        person = RespondentFactory(survey=world.survey)
        for question in (world.choice, world.scale, world.written):
            Answer.objects.create(respondent=person, question=question, choice="Arts")
    client.force_login(world.cast.plan_team)
    page = client.get(reverse("listening:overview", args=[world.engagement.pk])).content.decode()
    assert '<td class="num">2</td>' in page  # two people, not their six answers
    assert '<td class="num">6</td>' not in page


def test_the_results_csv_starts_with_a_byte_order_mark_for_spreadsheets(client, world):
    client.force_login(world.cast.plan_team)
    response = client.get(url(world, "listening:results-csv"))
    assert response.content.startswith("\ufeff".encode())


def test_public_pages_name_the_organization(client, world):
    name = world.engagement.organization.name
    page = client.get(reverse("listening:public", args=[world.survey.public_token]))
    assert f"· {name}</title>" in page.content.decode()
    thanks = client.get(reverse("listening:public-thanks", args=[world.survey.public_token]))
    assert name in thanks.content.decode()


def test_an_address_or_name_too_long_to_keep_is_refused_by_its_line(client, world):
    client.force_login(world.cast.facilitator)
    long_address = "a" * 250 + "@example.org"
    response = client.post(
        url(world, "listening:invite"),
        {"people": f"Ana, ana@example.org\nBo, {long_address}\n{'N' * 151}, n@example.org"},
    )
    page = response.content.decode()
    assert "Line 2: the address is longer than 254 characters." in page
    assert "Line 3: keep the name to 150 characters." in page
    assert not Respondent.objects.exists()  # nothing sent while a line is wrong
