"""Riverside's listening in the demo (listening/demo.py), built by load_demo."""

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from engagements.models import Engagement
from listening.demo import RESPONDENTS, SURVEY_TITLE
from listening.models import Comment, ListeningSession, Question, Respondent, Survey
from listening.selectors import MIN_GROUP, NOT_SHOWN, results_for

pytestmark = pytest.mark.django_db


def riverside() -> Engagement:
    return Engagement.objects.get(name="Strategic Plan 2027–2032")


def snapshot() -> str:
    models = [m for m in apps.get_models() if m._meta.app_label == "listening"]
    objects = [obj for model in models for obj in model.objects.order_by("pk")]
    return serializers.serialize("json", objects)


def test_the_demo_survey_is_closed_with_120_respondents_over_the_groups():
    call_command("load_demo")
    survey = Survey.objects.get(engagement=riverside(), title=SURVEY_TITLE)
    assert survey.status == Survey.Status.CLOSED and survey.closed_at
    kinds = list(survey.questions.values_list("kind", flat=True))
    assert 7 <= len(kinds) <= 9
    assert kinds.count(Question.Kind.OPEN) == 2
    assert Question.Kind.CHOICE in kinds and Question.Kind.SCALE in kinds
    respondents = survey.respondents.filter(submitted_at__isnull=False)
    assert respondents.count() == 120
    results = results_for(survey)
    counts = {g.name: g.respondents for g in results.groups}
    assert counts == RESPONDENTS
    hidden = [g.name for g in results.groups if not g.shown]
    assert hidden and all(counts[name] < MIN_GROUP for name in hidden)
    assert results.overall_shown
    # Every closed question was answered by everyone; open answers by most, in varied words.
    open_answers = Comment.objects.filter(answer__question__survey=survey)
    assert 60 <= open_answers.count() <= 120
    texts = list(open_answers.values_list("text", flat=True))
    assert len(set(texts)) == len(texts)
    assert any("á" in t or "ñ" in t or "í" in t for t in texts)
    assert any("https://" in t for t in texts)


def test_contact_details_only_for_the_invited():
    call_command("load_demo")
    survey = Survey.objects.get(title=SURVEY_TITLE)
    invited = survey.respondents.exclude(invitation_token_hash=None)
    assert 3 <= invited.count() <= 10
    assert all(r.name and r.email.endswith("@example.org") for r in invited)
    public = survey.respondents.filter(invitation_token_hash=None)
    assert not public.exclude(name="", email="").exists()
    assert not Respondent.objects.exclude(survey=survey).exists()


def test_two_listening_sessions_with_comments_from_groups():
    call_command("load_demo")
    sessions = ListeningSession.objects.filter(engagement=riverside())
    assert set(sessions.values_list("title", flat=True)) == {
        "Town hall at Riverside High",
        "Eastside Elementary families",
    }
    for session in sessions:
        comments = session.comments.all()
        assert 15 <= comments.count() <= 25
        assert not comments.filter(stakeholder_group=None).exists()
        assert session.held_on


def test_running_the_demo_twice_changes_nothing():
    call_command("load_demo")
    before = snapshot()
    call_command("load_demo")
    assert snapshot() == before
    # A comment someone deleted stays deleted.
    Comment.objects.filter(session__title="Town hall at Riverside High").first().delete()
    count = Comment.objects.count()
    call_command("load_demo")
    assert Comment.objects.count() == count


def test_the_listening_pages_open_for_dana_with_small_groups_held_back(client):
    call_command("load_demo")
    engagement = riverside()
    survey = Survey.objects.get(title=SURVEY_TITLE)
    client.force_login(User.objects.get(email="facilitator@riverside.example"))
    page = client.get(reverse("listening:overview", args=[engagement.pk])).content.decode()
    assert SURVEY_TITLE in page and "Town hall at Riverside High" in page
    url = reverse("listening:results", args=[engagement.pk, survey.pk])
    page = client.get(url).content.decode()
    assert NOT_SHOWN in page and "Parents" in page
    session = ListeningSession.objects.get(title="Town hall at Riverside High")
    url = reverse("listening:session", args=[engagement.pk, session.pk])
    assert "crossing guard" in client.get(url).content.decode()
    url = reverse("listening:respondents", args=[engagement.pk, survey.pk])
    assert "example.org" in client.get(url).content.decode()
