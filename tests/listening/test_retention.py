"""Respondents' names and e-mail addresses are cleared LISTENING_CONTACT_RETENTION_DAYS after
their survey closes (a Celery beat task); their group and answers stay."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from listening.models import Answer, ListeningSettings, Respondent
from listening.services import survey_close
from listening.tasks import clear_respondent_contacts
from tests.factories import InvitedRespondentFactory, SurveyFactory

pytestmark = pytest.mark.django_db

START = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def test_the_task_runs_daily_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["clear-respondent-contacts"]
    assert entry["task"] == "listening.clear_respondent_contacts"
    assert entry["schedule"] == 24 * 60 * 60
    assert settings.LISTENING_CONTACT_RETENTION_DAYS == 90


def test_contacts_are_cleared_the_day_after_the_retention_time(world, settings):
    settings.LISTENING_CONTACT_RETENTION_DAYS = 30
    person = InvitedRespondentFactory(
        survey=world.survey, name="Ana", email="ana@example.org", stakeholder_group=world.staff
    )
    Answer.objects.create(respondent=person, question=world.choice, choice="Arts")
    other = SurveyFactory(engagement=world.engagement)  # still open: untouched
    kept = InvitedRespondentFactory(survey=other, name="Bo", email="bo@example.org")
    with time_machine.travel(START, tick=False):
        survey_close(survey=world.survey)
    with time_machine.travel(START + timedelta(days=29), tick=False):
        assert clear_respondent_contacts() == 0
    person.refresh_from_db()
    assert person.name == "Ana"
    with time_machine.travel(START + timedelta(days=30, hours=1), tick=False):
        assert clear_respondent_contacts() == 1
        assert clear_respondent_contacts() == 0  # nothing left to clear
    person.refresh_from_db()
    kept.refresh_from_db()
    assert person.name == "" and person.email == ""
    assert person.stakeholder_group == world.staff
    assert person.answers.get().choice == "Arts"
    assert kept.email == "bo@example.org"
    world.survey.refresh_from_db()
    assert world.survey.contacts_cleared_at is not None


def test_a_survey_past_its_closing_day_counts_as_closed(world, settings):
    settings.LISTENING_CONTACT_RETENTION_DAYS = 10
    with time_machine.travel(START, tick=False):
        world.survey.closes_on = START.date()
        world.survey.save()
        InvitedRespondentFactory(survey=world.survey, email="late@example.org")
    with time_machine.travel(START + timedelta(days=10), tick=False):
        assert clear_respondent_contacts() == 0
    with time_machine.travel(START + timedelta(days=12), tick=False):
        assert clear_respondent_contacts() == 1
    assert not Respondent.objects.exclude(email="").exists()


def test_an_engagement_may_keep_contacts_for_less_time(client, world, cast):
    client.force_login(cast.facilitator)
    retention = reverse("listening:retention", args=[world.engagement.pk])
    refused = client.post(retention, {"contact_retention_days": "0"})
    assert refused.status_code == 400 and "At least 1 day." in refused.content.decode()
    client.post(retention, {"contact_retention_days": "7"})
    assert ListeningSettings.objects.get(engagement=world.engagement).contact_retention_days == 7
    page = client.get(reverse("listening:overview", args=[world.engagement.pk]))
    assert "deleted 7 days after a survey closes" in page.content.decode()

    person = InvitedRespondentFactory(survey=world.survey, email="soon@example.org")
    foreign_survey = SurveyFactory(engagement=cast.foreign_engagement)
    foreign = InvitedRespondentFactory(survey=foreign_survey, email="later@example.org")
    with time_machine.travel(START, tick=False):
        survey_close(survey=world.survey)
        survey_close(survey=foreign_survey)
    with time_machine.travel(START + timedelta(days=8), tick=False):
        assert clear_respondent_contacts() == 1
    person.refresh_from_db()
    foreign.refresh_from_db()
    assert person.email == "" and foreign.email == "later@example.org"

    client.post(retention, {"contact_retention_days": ""})  # back to the site's 90 days
    with time_machine.travel(START + timedelta(days=91), tick=False):
        assert clear_respondent_contacts() == 1
