"""The buy-in check of a draft under review: the rules of an answer (every goal on the five-point
scale, a member's answers replaced rather than doubled, the public only when the review allows
it, nothing once the review is closed); the results' anonymity (nothing under 5 respondents,
small groups hidden, and one more when a lone small group could be worked out from the total);
and the survey and results pages: who may answer, who may read, prefilled answers, small groups
absent from the page, escaping and a constant number of queries."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from engagements.models import Membership
from planning import services
from planning.models import BuyInAnswer, BuyInResponse
from planning.selectors.review import buy_in_results
from planning.services.review import buy_in_submit
from tests.factories import (
    BuyInAnswerFactory,
    BuyInResponseFactory,
    GoalFactory,
    PlanVersionFactory,
    ReviewFactory,
)

pytestmark = pytest.mark.django_db
ANSWERERS = ("core_team", "plan_team", "superintendent")
NOT_ANSWERERS = ("facilitator", "board")
ROLES = ANSWERERS + NOT_ANSWERERS
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def member(cast, role):
    return Membership.objects.get(user=cast.member(role), engagement=cast.engagement)


@pytest.fixture
def plan(cast):
    return services.plan_for(cast.engagement)


@pytest.fixture
def goals(plan):
    return [
        GoalFactory(plan=plan, title="Every reader by grade 3"),
        GoalFactory(plan=plan, title="Safe and welcoming schools"),
    ]


@pytest.fixture
def review(plan, goals):
    """Draft 1 of the cast's plan (with its two goals), open for review."""
    return ReviewFactory(version=PlanVersionFactory(plan=plan, number=1, label="For the community"))


def ids(goals) -> list[str]:
    return [str(goal.pk) for goal in goals]


def respond(review, goals, category, support=4, commits="yes", times=1):
    """`times` responses from one stakeholder group, each giving `support` to every goal."""
    for _ in range(times):
        response = BuyInResponseFactory(review=review, category=category, commits=commits)
        for goal_id in ids(goals):
            BuyInAnswerFactory(response=response, goal_id=goal_id, support=support)


def survey_url(cast, number=1):
    return reverse("planning:buy-in", args=[cast.engagement.pk, number])


def results_url(cast, number=1):
    return reverse("planning:buy-in-results", args=[cast.engagement.pk, number])


def answers(goals, *supports, commits="yes") -> dict:
    data = {f"goal-{goal.pk}": str(s) for goal, s in zip(goals, supports, strict=True)}
    return {**data, "commits": commits} if commits else data


def body_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# --- the rules of an answer (services) --------------------------------------------------------


def test_every_goal_needs_an_answer_on_the_scale(cast, review, goals):
    first, second = ids(goals)
    plan_team = member(cast, "plan_team")
    for support in (
        {first: 4},
        {first: 4, second: 0},
        {first: 6, second: 3},
        {first: "4", second: 3},
    ):
        with pytest.raises(ValidationError) as refusal:
            buy_in_submit(review=review, support=support, commits="yes", membership=plan_team)
        assert "support" in refusal.value.error_dict
    with pytest.raises(ValidationError) as refusal:
        buy_in_submit(
            review=review, support={first: 1, second: 5}, commits="maybe", membership=plan_team
        )
    assert "commits" in refusal.value.error_dict
    assert not BuyInResponse.objects.exists()
    buy_in_submit(review=review, support={first: 1, second: 5}, commits="no", membership=plan_team)
    assert sorted(BuyInAnswer.objects.values_list("support", flat=True)) == [1, 5]


def test_a_members_second_answer_replaces_the_first(cast, review, goals):
    first, second = ids(goals)
    plan_team = member(cast, "plan_team")
    buy_in_submit(review=review, support={first: 2, second: 2}, commits="no", membership=plan_team)
    buy_in_submit(review=review, support={first: 5, second: 4}, commits="yes", membership=plan_team)
    response = BuyInResponse.objects.get()
    assert response.commits == "yes" and response.membership == plan_team
    assert dict(response.answers.values_list("goal_id", "support")) == {first: 5, second: 4}


def test_the_public_answers_only_when_the_review_allows_it(cast, review, goals):
    support = dict.fromkeys(ids(goals), 3)
    with pytest.raises(ValidationError):
        buy_in_submit(review=review, support=support, commits="yes", category="Parents")
    assert not BuyInResponse.objects.exists()
    review.public_buy_in = True
    review.save()
    for _ in range(2):  # visitors are not known: each answer is a new response
        buy_in_submit(review=review, support=support, commits="unsure", category=" Parents ")
    assert list(BuyInResponse.objects.values_list("is_public", "category")) == [
        (True, "Parents"),
        (True, "Parents"),
    ]


@pytest.mark.parametrize("when", ["closed", "past", "not yet"])
def test_no_answers_outside_the_review(cast, review, goals, when):
    today = timezone.localdate()
    if when == "closed":
        review.closed_at = timezone.now()
    elif when == "past":
        review.opens_on, review.closes_on = today - timedelta(days=9), today - timedelta(days=1)
    else:
        review.opens_on, review.closes_on = today + timedelta(days=1), today + timedelta(days=9)
    review.save()
    with pytest.raises(ValidationError):
        buy_in_submit(
            review=review,
            support=dict.fromkeys(ids(goals), 4),
            commits="yes",
            membership=member(cast, "plan_team"),
        )
    assert not BuyInResponse.objects.exists()


# --- the results' anonymity (selector) --------------------------------------------------------


def test_nothing_is_shown_under_five_respondents(review, goals):
    respond(review, goals, "Parents", times=4)
    results = buy_in_results(review)
    assert results.respondents == 4 and results.shown is False
    respond(review, goals, "Parents")
    assert buy_in_results(review).shown is True


def test_a_group_under_five_is_hidden(review, goals):
    respond(review, goals, "Parents", support=5, times=6)
    respond(review, goals, "Students", support=1, times=4)
    respond(review, goals, "Staff", support=3, times=1)
    results = buy_in_results(review)
    for result in results.goals:
        assert [name for name, _ in result.groups] == ["Parents"]
        assert result.hidden_groups == 2  # Students (4) and Staff (1): 5 together
        assert result.overall.n == 11


def test_a_lone_small_group_is_hidden_with_another_so_it_cannot_be_worked_out(review, goals):
    respond(review, goals, "Parents", support=5, times=6)
    respond(review, goals, "Teachers", support=4, times=7)
    respond(review, goals, "Students", support=1, times=4)
    results = buy_in_results(review)
    for result in results.goals:
        # Total minus Parents minus Teachers would be the 4 students: the smallest shown group
        # (Parents) is hidden too, and what stays hidden is 10 answers.
        assert [name for name, _ in result.groups] == ["Teachers"]
        assert result.hidden_groups == 2
        assert result.overall.n == 17


def test_one_small_group_beside_one_large_hides_both(review, goals):
    respond(review, goals, "Parents", times=9)
    respond(review, goals, "Students", support=1, times=2)
    results = buy_in_results(review)
    assert results.shown is True
    assert all(result.groups == [] and result.hidden_groups == 2 for result in results.goals)


def test_a_group_of_exactly_five_is_shown(review, goals):
    respond(review, goals, "Parents", support=5, times=5)
    respond(review, goals, "Students", support=2, times=5)
    results = buy_in_results(review)
    for result in results.goals:
        assert [(name, tally.n) for name, tally in result.groups] == [
            ("Parents", 5),
            ("Students", 5),
        ]
        assert result.hidden_groups == 0


def test_the_totals_per_goal_and_the_commitment(review, goals):
    respond(review, goals, "Parents", support=5, times=3)
    respond(review, goals, "Parents", support=3, commits="unsure", times=1)
    respond(review, goals, "Parents", support=1, commits="no", times=1)
    results = buy_in_results(review)
    overall = results.goals[0].overall
    assert overall.counts == [1, 0, 1, 0, 3]
    assert overall.mean == pytest.approx(3.8) and overall.supporting == 60
    assert [count for _, count in results.commitment] == [3, 1, 1]


# --- who may answer and read ------------------------------------------------------------------


@pytest.mark.parametrize("role", ANSWERERS)
def test_team_members_answer_the_survey(client, cast, review, goals, role):
    client.force_login(cast.member(role))
    page = body_of(client.get(survey_url(cast)))
    assert "Every reader by grade 3" in page and "Strongly support" in page
    response = client.post(survey_url(cast), answers(goals, 5, 4))
    assert response.status_code == 302 and response.url == results_url(cast)
    saved = BuyInResponse.objects.get()
    assert saved.membership == member(cast, role)
    assert "your answers are saved" in body_of(client.get(response.url))


@pytest.mark.parametrize("role", NOT_ANSWERERS)
def test_the_facilitator_and_the_board_do_not_answer(client, cast, review, goals, role):
    client.force_login(cast.member(role))
    assert client.get(survey_url(cast)).status_code == 403
    assert client.post(survey_url(cast), answers(goals, 5, 4)).status_code == 403
    assert not BuyInResponse.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_results(client, cast, review, role):
    client.force_login(cast.member(role))
    body = body_of(client.get(results_url(cast)))
    assert "Results appear once 5 people have answered" in body
    answer_link = f'href="{survey_url(cast)}"'
    assert (answer_link in body) is (role in ANSWERERS)


def test_outsiders_get_a_404_and_visitors_are_sent_to_sign_in(client, cast, review, goals):
    for address in (survey_url(cast), results_url(cast)):
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))
    client.force_login(cast.outsider)
    assert client.get(survey_url(cast)).status_code == 404
    assert client.get(results_url(cast)).status_code == 404
    assert client.post(survey_url(cast), answers(goals, 5, 4)).status_code == 404
    assert not BuyInResponse.objects.exists()


def test_a_draft_without_a_review_has_no_buy_in_check(client, cast, plan):
    PlanVersionFactory(plan=plan, number=1)
    client.force_login(cast.plan_team)
    assert client.get(survey_url(cast)).status_code == 404
    assert client.get(results_url(cast)).status_code == 404
    client.force_login(cast.core_team)
    assert client.get(results_url(cast, number=4)).status_code == 404


def test_another_engagements_buy_in_is_never_reached(client, cast, review):
    foreign_plan = services.plan_for(cast.foreign_engagement)
    GoalFactory(plan=foreign_plan, title="Lakeview goal")
    ReviewFactory(version=PlanVersionFactory(plan=foreign_plan, number=2))
    client.force_login(cast.core_team)
    assert client.get(survey_url(cast, number=2)).status_code == 404
    assert client.get(results_url(cast, number=2)).status_code == 404
    assert "Lakeview" not in body_of(client.get(survey_url(cast)))


# --- the survey page ---------------------------------------------------------------------------


def test_the_survey_explains_that_only_totals_are_shown(client, cast, review):
    client.force_login(cast.plan_team)
    body = body_of(client.get(survey_url(cast)))
    assert "only show totals" in body and "fewer than 5 answers" in body
    assert body.count("<fieldset") == 3  # one per goal, and the commitment
    assert "<legend>Every reader by grade 3</legend>" in body
    assert "<legend>Do you commit to the next steps?</legend>" in body


def test_the_survey_is_prefilled_and_saving_again_replaces_the_answers(client, cast, review, goals):
    client.force_login(cast.plan_team)
    client.post(survey_url(cast), answers(goals, 2, 3, commits="unsure"))
    body = body_of(client.get(survey_url(cast)))
    assert "You answered before" in body
    assert re.search(rf'name="goal-{goals[0].pk}" value="2"[^>]*checked', body)
    assert re.search(rf'name="goal-{goals[1].pk}" value="3"[^>]*checked', body)
    assert re.search(r'name="commits" value="unsure"[^>]*checked', body)
    client.post(survey_url(cast), answers(goals, 5, 5))
    response = BuyInResponse.objects.get()
    assert response.commits == "yes"
    assert sorted(response.answers.values_list("support", flat=True)) == [5, 5]


def test_a_missing_answer_comes_back_with_the_error_and_the_rest_kept(client, cast, review, goals):
    client.force_login(cast.plan_team)
    data = {f"goal-{goals[0].pk}": "4"}  # the second goal and the commitment left out
    response = client.post(survey_url(cast), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose how strongly you support it." in body
    assert "Say whether you commit to the next steps." in body
    assert re.search(rf'name="goal-{goals[0].pk}" value="4"[^>]*checked', body)
    assert not BuyInResponse.objects.exists()


def test_an_answer_off_the_scale_is_refused(client, cast, review, goals):
    client.force_login(cast.plan_team)
    response = client.post(survey_url(cast), answers(goals, 7, 4))
    assert response.status_code == 400
    assert not BuyInResponse.objects.exists()


def test_a_closed_review_says_so_and_takes_no_answers(client, cast, review, goals):
    review.closed_at = timezone.now()
    review.save()
    client.force_login(cast.plan_team)
    body = body_of(client.get(survey_url(cast)))
    assert "The buy-in check is closed" in body and "buyin-form" not in body
    response = client.post(survey_url(cast), answers(goals, 5, 4))
    assert response.status_code == 400
    assert not BuyInResponse.objects.exists()


def test_a_review_not_open_yet_says_when_it_opens(client, cast, review):
    review.opens_on = timezone.localdate() + timedelta(days=3)
    review.closes_on = timezone.localdate() + timedelta(days=10)
    review.save()
    client.force_login(cast.plan_team)
    body = body_of(client.get(survey_url(cast)))
    assert "Not open yet" in body and "buyin-form" not in body


def test_a_draft_without_goals_has_nothing_to_ask(client, cast, plan):
    ReviewFactory(version=PlanVersionFactory(plan=plan, number=1))
    client.force_login(cast.plan_team)
    assert "Nothing to ask about" in body_of(client.get(survey_url(cast)))


# --- the results page ----------------------------------------------------------------------------


def test_the_results_show_nothing_but_the_count_until_five_have_answered(
    client, cast, review, goals
):
    respond(review, goals, "Parents", support=1, times=4)
    client.force_login(cast.board)
    body = body_of(client.get(results_url(cast)))
    assert "4 people have answered" in body and "4 of the 5 needed so far" in body
    assert "Every reader by grade 3" not in body and "Parents" not in body
    assert "Strongly oppose" not in body


def test_the_results_show_each_goal_and_hide_small_groups(client, cast, review, goals):
    respond(review, goals, "Parents", support=5, times=6)
    respond(review, goals, "Teachers", support=4, commits="unsure", times=7)
    respond(review, goals, "Students", support=1, commits="no", times=4)
    client.force_login(cast.board)
    body = body_of(client.get(results_url(cast)))
    assert "17 people have answered" in body
    assert "Goal: Every reader by grade 3" in body and "Goal: Safe and welcoming schools" in body
    assert "76% support it" in body  # 13 of 17
    assert "average 3.6 of 5" in body  # (30 + 28 + 4) / 17
    assert re.search(
        r"Strongly support</th>\s*<td class=\"num\">6</td>\s*<td class=\"num\">35%", body
    )
    assert ">Teachers</th>" in body
    assert ">Parents</th>" not in body and ">Students</th>" not in body
    assert body.count("2 groups hidden (fewer than 5 answers") == 2
    assert re.search(r"Not sure yet</th>\s*<td class=\"num\">7</td>\s*<td class=\"num\">41%", body)


def test_group_names_and_goals_are_escaped(client, cast, plan):
    goal = GoalFactory(plan=plan, title=SCRIPT, description=SCRIPT)
    review = ReviewFactory(version=PlanVersionFactory(plan=plan, number=1))
    respond(review, [goal], SCRIPT, times=5)
    client.force_login(cast.plan_team)
    for address in (survey_url(cast), results_url(cast)):
        body = body_of(client.get(address))
        assert SCRIPT not in body, address
        assert ESCAPED in body, address


def test_the_results_cost_the_same_queries_for_forty_answers_as_for_five(
    client, cast, review, goals, django_assert_max_num_queries
):
    respond(review, goals, "Parents", times=5)
    client.force_login(cast.board)  # the board also checks that the draft is published
    with django_assert_max_num_queries(10) as small:
        assert "5 people have answered" in body_of(client.get(results_url(cast)))
    for group in ("Teachers", "Students", "Staff", "Community", "Leaders", "Union", "Alumni"):
        respond(review, goals, group, times=5)
    with django_assert_max_num_queries(10) as large:
        assert "40 people have answered" in body_of(client.get(results_url(cast)))
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_survey_costs_the_same_queries_whatever_the_answers(
    client, cast, review, goals, django_assert_max_num_queries
):
    client.force_login(cast.plan_team)
    client.post(survey_url(cast), answers(goals, 4, 4))
    with django_assert_max_num_queries(10) as small:
        body_of(client.get(survey_url(cast)))
    respond(review, goals, "Parents", times=30)
    with django_assert_max_num_queries(10) as large:
        body_of(client.get(survey_url(cast)))
    assert len(large.captured_queries) == len(small.captured_queries)
