"""Results by stakeholder group: a group under five respondents is not shown and cannot be worked
out from the rest; open answers as text; the CSV is safe in a spreadsheet; constant queries."""

import csv
import io

import pytest
from django.urls import reverse

from listening.models import Answer, Comment
from listening.selectors import NOT_SHOWN, results_for
from tests.factories import RespondentFactory

pytestmark = pytest.mark.django_db


def answered(world, group, n, *, choice="Arts", scale=3, text=None):
    for _ in range(n):
        person = RespondentFactory(survey=world.survey, stakeholder_group=group)
        Answer.objects.create(respondent=person, question=world.choice, choice=choice)
        Answer.objects.create(respondent=person, question=world.scale, scale=scale)
        if text:
            answer = Answer.objects.create(respondent=person, question=world.written)
            Comment.objects.create(
                engagement=world.engagement, answer=answer, text=text, stakeholder_group=group
            )


def url(world, name="listening:results"):
    return reverse(name, args=[world.engagement.pk, world.survey.pk])


def groups(results):
    return {g.name: g for g in results.groups}


def test_a_group_of_four_is_not_shown_and_a_group_of_five_is(world):
    answered(world, world.parents, 5)
    answered(world, world.staff, 4, choice="Safety")
    answered(world, world.students, 3)
    results = results_for(world.survey)
    shown = groups(results)
    assert shown["Parents"].shown
    assert shown["Parents"].respondents == 5
    assert not shown["Staff"].shown and not shown["Students"].shown
    arts = results.questions[0].rows[0]
    assert arts.by_group == [5, None, None]


def test_one_small_group_cannot_be_subtracted_from_everyone(world):
    """Everyone (15) minus Parents (5) minus Students (6) would give Staff's 4: so the next
    smallest group is held back too."""
    answered(world, world.parents, 5)
    answered(world, world.staff, 4, choice="Safety")
    answered(world, world.students, 6)
    results = results_for(world.survey)
    shown_groups = [g for g in results.groups if g.shown]
    hidden = sum(g.respondents for g in results.groups if not g.shown)
    assert hidden >= 5
    assert [g.name for g in shown_groups] == ["Students"]
    arts = results.questions[0].rows[0]
    safety = results.questions[0].rows[1]
    assert arts.overall == 11 and safety.overall == 4
    # What a reader may compute: Everyone minus the shown groups mixes Staff with Parents.
    shown_safety = sum(n for n in safety.by_group if n is not None)
    assert safety.overall - shown_safety == 4 and hidden == 9


def test_the_results_page_says_not_shown_in_words(client, world):
    answered(world, world.parents, 5)
    answered(world, world.staff, 4)
    answered(world, world.students, 6)
    client.force_login(world.cast.plan_team)
    html = client.get(url(world)).content.decode()
    assert NOT_SHOWN in html
    assert "Status:</strong> Open for answers" in html
    assert "<svg" in html and "<table>" in html


def test_fewer_than_five_in_all_shows_nothing(client, world):
    answered(world, world.parents, 4, text="Secret")
    results = results_for(world.survey)
    assert not results.overall_shown
    client.force_login(world.cast.facilitator)
    html = client.get(url(world)).content.decode()
    assert NOT_SHOWN in html and "Secret" not in html
    assert "Download CSV" not in html


def test_open_answers_are_listed_as_text_with_a_group_only_when_it_is_shown(client, world):
    answered(world, world.parents, 5, text="More art")
    answered(world, world.staff, 2, text="Smaller classes")
    answered(world, world.students, 3)
    result = results_for(world.survey).questions[2]
    assert ("More art", "Parents") in result.open_answers
    assert ("Smaller classes", "") in result.open_answers


def test_the_csv_holds_the_table_and_escapes_formulas(client, world):
    world.choice.choices = ["=HYPERLINK(1)", "Safety"]
    world.choice.save()
    world.parents.name = "+Parents"
    world.parents.save()
    answered(world, world.parents, 5, choice="=HYPERLINK(1)", text="@SUM(A1)")
    answered(world, world.students, 1)
    client.force_login(world.cast.board)
    response = client.get(url(world, "listening:results-csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Question", "Answer", "Everyone", "'+Parents"]
    assert rows[2][:4] == ["Which matters most?", "'=HYPERLINK(1)", "5", NOT_SHOWN]
    assert any(row[:2] == ["What should change?", "'@SUM(A1)"] for row in rows)


def test_results_take_the_same_queries_for_many_responses(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.cast.core_team)
    answered(world, world.parents, 5, text="a")
    with django_assert_max_num_queries(12) as few:
        assert client.get(url(world)).status_code == 200
    answered(world, world.parents, 60, text="b")
    answered(world, world.staff, 40, choice="Safety", text="c")
    answered(world, world.students, 30, text="d")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(world)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url(world, "listening:results-csv")).status_code == 200
