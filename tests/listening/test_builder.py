"""The survey builder: creating a survey, adding, editing, reordering and deleting questions,
the PPRA warning, opening and closing, the public link, the preview."""

import pytest
from django.urls import reverse

from listening.models import PPRA_WARNING, Question, Survey
from listening.services import ppra_suspected
from tests.factories import QuestionFactory, RespondentFactory, SurveyFactory

pytestmark = pytest.mark.django_db


def builder(survey):
    return reverse("listening:survey", args=[survey.engagement_id, survey.pk])


def test_the_facilitator_creates_a_survey_and_adds_questions(client, cast):
    client.force_login(cast.facilitator)
    response = client.post(
        reverse("listening:survey-create", args=[cast.engagement.pk]),
        {"title": "Community survey", "introduction": "Ten minutes."},
    )
    survey = Survey.objects.get()
    assert response.url == builder(survey)
    assert survey.status == Survey.Status.DRAFT and survey.created_by == cast.facilitator
    add = reverse("listening:question-add", args=[cast.engagement.pk, survey.pk])
    client.post(add, {"kind": "choice", "text": "Pick one", "choices": "A\nB\n\nA"})
    client.post(add, {"kind": "scale", "text": "Rate us"})
    client.post(add, {"kind": "open", "text": "Tell us more", "required": "on"})
    questions = list(survey.questions.all())
    assert [q.text for q in questions] == ["Pick one", "Rate us", "Tell us more"]
    assert questions[0].choices == ["A", "B"]
    assert questions[2].required and [q.position for q in questions] == [0, 1, 2]


def test_a_choice_question_needs_two_choices_and_keeps_what_was_typed(client, cast):
    survey = SurveyFactory(engagement=cast.engagement, status="draft")
    client.force_login(cast.core_team)
    add = reverse("listening:question-add", args=[cast.engagement.pk, survey.pk])
    response = client.post(add, {"kind": "choice", "text": "Only one?", "choices": "Yes"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give at least two choices" in html and "Only one?" in html
    assert 'aria-describedby="id_choices_error' in html or "id_choices_error" in html
    assert not survey.questions.exists()


def test_a_bad_date_range_is_refused_by_the_field(client, cast):
    client.force_login(cast.facilitator)
    response = client.post(
        reverse("listening:survey-create", args=[cast.engagement.pk]),
        {"title": "Dates", "opens_on": "2027-03-10", "closes_on": "2027-03-01"},
    )
    assert response.status_code == 200
    assert "closing date comes before" in response.content.decode()
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    "text",
    [
        "How often do you attend church or another place of worship?",
        "What is your household income?",
        "Have you ever felt depressed at school?",
        "Who did you vote for?",
    ],
)
def test_words_of_a_protected_topic_raise_the_ppra_warning(client, cast, text):
    survey = SurveyFactory(engagement=cast.engagement, status="draft")
    client.force_login(cast.facilitator)
    add = reverse("listening:question-add", args=[cast.engagement.pk, survey.pk])
    client.post(add, {"kind": "open", "text": text})
    question = survey.questions.get()
    assert question.touches_ppra and question.ppra_topics == []
    assert (
        f"<strong>Warning:</strong> {PPRA_WARNING}" in client.get(builder(survey)).content.decode()
    )


def test_a_ticked_topic_raises_the_warning_whatever_the_words(client, cast):
    survey = SurveyFactory(engagement=cast.engagement, status="draft")
    client.force_login(cast.facilitator)
    add = reverse("listening:question-add", args=[cast.engagement.pk, survey.pk])
    client.post(
        add, {"kind": "scale", "text": "My family is fair to me", "ppra_topics": "family_appraisal"}
    )
    question = survey.questions.get()
    assert question.touches_ppra and question.ppra_topics == ["family_appraisal"]
    html = client.get(builder(survey)).content.decode()
    assert "This question touches a protected topic under the federal PPRA" in html


def test_ordinary_questions_carry_no_warning(client, cast):
    assert not ppra_suspected("Which after-school programs should we keep?")
    survey = SurveyFactory(engagement=cast.engagement, status="draft")
    QuestionFactory(survey=survey, text="Which programs matter?")
    client.force_login(cast.facilitator)
    assert (
        f"<strong>Warning:</strong> {PPRA_WARNING}"
        not in client.get(builder(survey)).content.decode()
    )


def test_questions_move_up_and_down_by_button(client, cast):
    survey = SurveyFactory(engagement=cast.engagement, status="draft")
    first, second, third = (QuestionFactory(survey=survey, text=t) for t in "ABC")
    client.force_login(cast.facilitator)
    move = reverse("listening:question-move", args=[cast.engagement.pk, survey.pk, third.pk])
    client.post(move, {"to": "up"})
    assert [q.text for q in survey.questions.all()] == ["A", "C", "B"]
    response = client.post(move, {"to": "up"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and 'id="questions"' in html and "autofocus" in html
    assert [q.text for q in survey.questions.all()] == ["C", "A", "B"]
    client.post(move, {"to": "up"})  # already first: nothing moves
    assert [q.text for q in survey.questions.all()] == ["C", "A", "B"]


def test_editing_and_deleting_a_question_asks_first(client, cast):
    survey = SurveyFactory(engagement=cast.engagement, status="draft")
    question = QuestionFactory(survey=survey, text="Old")
    client.force_login(cast.facilitator)
    args = [cast.engagement.pk, survey.pk, question.pk]
    client.post(reverse("listening:question-edit", args=args), {"kind": "open", "text": "New"})
    question.refresh_from_db()
    assert question.text == "New" and question.kind == "open" and question.choices == []
    delete = reverse("listening:question-delete", args=args)
    confirm = client.get(delete)
    assert "Delete this question?" in confirm.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()
    client.post(delete)
    assert not Question.objects.filter(pk=question.pk).exists()


def test_questions_are_locked_once_people_have_answered(client, cast):
    survey = SurveyFactory(engagement=cast.engagement)
    question = QuestionFactory(survey=survey)
    RespondentFactory(survey=survey)
    client.force_login(cast.facilitator)
    args = [cast.engagement.pk, survey.pk, question.pk]
    response = client.post(
        reverse("listening:question-edit", args=args), {"kind": "open", "text": "X"}
    )
    assert "cannot change" in response.content.decode()
    question.refresh_from_db()
    assert question.text != "X"


def test_opening_needs_a_question_then_closing_records_when(client, cast):
    survey = SurveyFactory(engagement=cast.engagement, status="draft")
    client.force_login(cast.facilitator)
    status = reverse("listening:survey-status", args=[cast.engagement.pk, survey.pk])
    client.post(status, {"action": "open"})
    survey.refresh_from_db()
    assert survey.status == "draft"
    QuestionFactory(survey=survey)
    client.post(status, {"action": "open"})
    survey.refresh_from_db()
    assert survey.status == "open"
    client.post(status, {"action": "close"})
    survey.refresh_from_db()
    assert survey.status == "closed" and survey.closed_at is not None


def test_the_public_link_is_made_shown_and_turned_off(client, cast):
    survey = SurveyFactory(engagement=cast.engagement)
    client.force_login(cast.facilitator)
    status = reverse("listening:survey-status", args=[cast.engagement.pk, survey.pk])
    client.post(status, {"action": "public-link"})
    survey.refresh_from_db()
    assert survey.public_token
    assert f"/survey/{survey.public_token}/" in client.get(builder(survey)).content.decode()
    client.post(status, {"action": "public-link-off"})
    survey.refresh_from_db()
    assert survey.public_token is None


def test_the_preview_shows_the_questions_and_sends_nothing(client, cast):
    survey = SurveyFactory(engagement=cast.engagement, status="draft")
    QuestionFactory(survey=survey, text="Visible in preview?")
    client.force_login(cast.core_team)
    page = client.get(reverse("listening:preview", args=[cast.engagement.pk, survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Visible in preview?" in html
    assert "Preview:" in html and 'type="submit"' not in html.split("Send my answers")[0][-80:]


def test_the_warning_shows_as_the_author_types_or_ticks(client, cast):
    survey = SurveyFactory(engagement=cast.engagement, status="draft")
    client.force_login(cast.core_team)
    check = reverse("listening:ppra-check", args=[cast.engagement.pk, survey.pk])
    htmx = {"HX-Request": "true"}
    typed = client.post(check, {"text": "What is your family income?"}, headers=htmx)
    assert PPRA_WARNING in typed.content.decode() and "<html" not in typed.content.decode()
    plain = client.post(check, {"text": "Which clubs do you like?"}, headers=htmx)
    assert PPRA_WARNING not in plain.content.decode()
    ticked = client.post(check, {"text": "Anything", "ppra_topics": ["religion"]}, headers=htmx)
    assert PPRA_WARNING in ticked.content.decode()
    client.force_login(cast.plan_team)
    assert client.post(check, {"text": "x"}).status_code == 403
