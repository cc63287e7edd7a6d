"""Counts per theme: in all, by stakeholder group (a group of fewer than five people on the theme
shown as "fewer than 5", and no number left from which one could be worked out), by source;
the chart and its table; the CSV, safe to open in a spreadsheet; constant queries."""

import csv
import io
import re

import pytest
from django.urls import reverse

from listening.models import Comment
from synthesis.selectors import FEWER, counts_for
from synthesis.services import tag
from tests.factories import (
    AnswerFactory,
    QuestionFactory,
    RespondentFactory,
    SurveyFactory,
    VoiceThemeFactory,
)

pytestmark = pytest.mark.django_db


def _theme_with(world, name="Safety", **per_group):
    theme = VoiceThemeFactory(engagement=world.engagement, name=name)
    comments = []
    for attribute, n in per_group.items():
        group = None if attribute == "nobody" else getattr(world, attribute)
        comments += [world.said(text=f"{name} {attribute} {i}", group=group) for i in range(n)]
    tag(theme=theme, comments=comments)
    return theme


def _answer(respondent, question, text):
    """A respondent's written answer to a question, as the comment it becomes."""
    answer = AnswerFactory(respondent=respondent, question=question, choice="")
    return Comment.objects.create(
        engagement=respondent.survey.engagement,
        answer=answer,
        text=text,
        stakeholder_group=respondent.stakeholder_group,
    )


def _cells(count):
    return {cell.name: cell.text for cell in count.groups}


def test_four_is_hidden_and_five_is_shown(world):
    _theme_with(world, parents=5, staff=4, students=6)
    (count,) = counts_for(world.engagement)
    assert count.total == 15
    # Staff's 4 is hidden; 15 - 5 - 6 would give it back, so the smallest shown group goes too.
    assert _cells(count) == {
        "Parents": FEWER,
        "Staff": FEWER,
        "Students": "6",
        "No group given": "0",
    }


def test_no_subtraction_leak_when_the_hidden_groups_reach_five(world):
    _theme_with(world, parents=9, staff=3, students=2, nobody=7)
    (count,) = counts_for(world.engagement)
    cells = _cells(count)
    assert cells == {"Parents": "9", "Staff": FEWER, "Students": FEWER, "No group given": "7"}
    shown = sum(int(v) for v in cells.values() if v != FEWER)
    assert count.total - shown >= 5  # what subtraction gives is five or more, never one group


def test_a_theme_of_fewer_than_five_comments_shows_no_group(client, world):
    _theme_with(world, name="Buses", parents=3)
    (count,) = counts_for(world.engagement)
    assert count.total == 3 and not count.groups_shown
    client.force_login(world.cast.board)
    text = client.get(reverse("synthesis:theme", args=[world.engagement.pk, count.theme.pk])).text
    assert "Fewer than 5 people spoke to this theme, so its comments are not counted" in text
    overview = client.get(reverse("synthesis:overview", args=[world.engagement.pk])).text
    row = re.search(r"Buses</a></th>(.*?)</tr>", overview, re.S).group(1)
    assert row.count('<span class="muted">—</span>') == 4  # three groups and “no group given”


def test_one_person_s_many_answers_count_as_one_person(client, world):
    """A student who wrote five answers on the theme is one person: their group is a small group,
    not "Students 5". (Five students answered the survey, so its results show them.)"""
    for n in range(4):
        world.wrote(text=f"Something else {n}", group=world.students)  # not on the theme
    respondent = RespondentFactory(survey=world.survey, stakeholder_group=world.students)
    answers = []
    for n in range(5):
        question = QuestionFactory(survey=world.survey, kind="open", text=f"Question {n}?")
        answers.append(_answer(respondent, question, f"Más clases de arte, por favor ({n})"))
    theme = _theme_with(world, name="Arts", parents=6, staff=7)
    tag(theme=theme, comments=answers)
    (count,) = counts_for(world.engagement)
    assert count.total == 18 and count.voices == 14
    # The student is hidden; 1 person is not enough to hide behind, so parents (6) go too.
    assert _cells(count) == {
        "Parents": FEWER,
        "Staff": "7",
        "Students": FEWER,
        "No group given": "0",
    }
    client.force_login(world.cast.board)
    text = client.get(reverse("synthesis:theme", args=[world.engagement.pk, theme.pk])).text
    assert "someone who answered a survey counts once" in text
    assert '<th scope="row">Students</th><td class="num">5</td>' not in text


def test_a_survey_s_held_back_group_is_counted_under_group_not_shown(client, world):
    """The survey's results hold back staff (3) and then students (5, so that its total minus
    parents never gives staff's 3). Their answers on the theme are in the total and under
    "Group not shown", never under their group's name: students' column holds only what they
    said at a town hall."""
    theme = VoiceThemeFactory(engagement=world.engagement, name="Safety")
    written = [world.wrote(text=f"Parent {n}", group=world.parents) for n in range(6)]
    written += [world.wrote(text=f"Staff {n}", group=world.staff) for n in range(3)]
    written += [world.wrote(text=f"Student {n}", group=world.students) for n in range(5)]
    said = [world.said(text=f"Élève {n}", group=world.students) for n in range(6)]
    tag(theme=theme, comments=written + said)
    (count,) = counts_for(world.engagement)
    assert count.total == 20 and count.held == 8
    assert _cells(count) == {
        "Parents": "6",
        "Staff": "0",
        "Students": "6",
        "No group given": "0",
    }
    client.force_login(world.cast.board)
    text = client.get(reverse("synthesis:theme", args=[world.engagement.pk, theme.pk])).text
    assert (
        '<th scope="row">Group not shown (held back by a survey)</th><td class="num">8</td>' in text
    )
    csv_text = client.get(reverse("synthesis:counts-csv", args=[world.engagement.pk])).text
    header, row = list(csv.reader(io.StringIO(csv_text)))[:2]
    assert row[header.index("Group not shown (held back by a survey)")] == "8"
    assert row[header.index("Students")] == "6"


def _survey_of(world, title, **per_group):
    """Another survey whose respondents each wrote one answer: their comments."""
    survey = SurveyFactory(engagement=world.engagement, title=title)
    question = QuestionFactory(survey=survey, kind="open", text="What should change?")
    written = []
    for attribute, n in per_group.items():
        group = getattr(world, attribute)
        for i in range(n):
            respondent = RespondentFactory(survey=survey, stakeholder_group=group)
            written.append(_answer(respondent, question, f"{title} {attribute} {i}"))
    return written


def test_held_back_answers_are_no_cover_for_a_small_group(world):
    """The held-back answers' number can be known (the Surveys column counts them, the theme's
    comments are listed), so they never count towards the five people a small group hides
    among: staff's 3 cannot be worked out as total - parents - held."""
    theme = _theme_with(world, name="Buses", parents=10, staff=3)
    tag(theme=theme, comments=_survey_of(world, "Quick poll", parents=2))  # 2: held back
    (count,) = counts_for(world.engagement)
    assert count.total == 15 and count.held == 2
    assert _cells(count) == {
        "Parents": FEWER,
        "Staff": FEWER,
        "Students": "0",
        "No group given": "0",
    }


def test_a_small_group_with_held_back_answers_beside_it_shows_no_group(client, world):
    """Staff's 3 at a town hall and 2 held-back survey answers: five people spoke, but only 3
    of them in a group's column, so no group is shown (else "Staff: fewer than 5" beside
    zeros would give staff's 3 away)."""
    theme = _theme_with(world, name="Lunch", staff=3)
    tag(theme=theme, comments=_survey_of(world, "Quick poll", students=2))
    (count,) = counts_for(world.engagement)
    assert count.total == 5 and count.held == 2 and not count.groups_shown
    client.force_login(world.cast.board)
    text = client.get(reverse("synthesis:theme", args=[world.engagement.pk, theme.pk])).text
    assert "Fewer than 5 people whose group can be shown spoke to this theme" in text
    assert "2 of its comments are survey answers from a group" in text


def test_counts_by_source(world):
    theme = VoiceThemeFactory(engagement=world.engagement, name="Arts")
    tag(
        theme=theme,
        comments=[world.said(), world.said(), world.said(session=world.lets_talk), world.wrote()],
    )
    (count,) = counts_for(world.engagement)
    by_source = {cell.key: cell.count for cell in count.sources}
    assert by_source == {
        "town_hall": 2,
        "summit": 0,
        "listening_tour": 0,
        "lets_talk": 1,
        "survey": 1,
    }
    assert count.source_words == "town halls, “Let’s Talk” messages, survey"


def test_the_overview_draws_the_chart_with_its_table(client, world):
    _theme_with(world, name="Safer <walks>", parents=5)
    client.force_login(world.cast.plan_team)
    text = client.get(reverse("synthesis:overview", args=[world.engagement.pk])).text
    assert (
        'role="img"' in text
        and '<desc id="theme-chart-desc">Safer &lt;walks&gt;: 5 comments' in text
    )
    assert "<walks>" not in text
    assert '<td class="num">5</td>' in text


def test_the_csv_is_safe_to_open_in_a_spreadsheet(client, world):
    _theme_with(world, name='=HYPERLINK("http://x")', parents=5, staff=2)
    client.force_login(world.cast.board)
    response = client.get(reverse("synthesis:counts-csv", args=[world.engagement.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Theme", "Description", "Comments"]
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[1][2] == "7"
    assert rows[1][3:7] == [FEWER, FEWER, "0", "0"]  # parents held back with staff's 2


def test_the_overview_queries_stay_constant(client, world, django_assert_max_num_queries):
    client.force_login(world.cast.facilitator)
    _theme_with(world, name="One", parents=2)
    with django_assert_max_num_queries(30) as small:
        client.get(reverse("synthesis:overview", args=[world.engagement.pk]))
    baseline = len(small.captured_queries)
    for n in range(10):
        _theme_with(world, name=f"Theme {n}", parents=20, staff=15, students=15)
    with django_assert_max_num_queries(baseline):
        client.get(reverse("synthesis:overview", args=[world.engagement.pk]))


def test_a_themes_page_queries_stay_constant(client, world, django_assert_max_num_queries):
    from synthesis.services import quote_add

    client.force_login(world.cast.facilitator)
    theme = _theme_with(world, name="Walks", parents=3)
    url = reverse("synthesis:theme", args=[world.engagement.pk, theme.pk])
    with django_assert_max_num_queries(40) as small:
        client.get(url)
    baseline = len(small.captured_queries)
    comments = [world.said(text=f"More {n}", group=world.staff) for n in range(250)]
    comments += [world.wrote(text=f"Written {n}", group=world.students) for n in range(250)]
    tag(theme=theme, comments=comments)
    for comment in comments[:5]:
        quote_add(theme=theme, comment=comment)
    with django_assert_max_num_queries(baseline):
        response = client.get(url)
    assert "(the first 50 of 503)" in response.text
