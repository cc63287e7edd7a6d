"""The "Waiting for you" panel, first on the home page and on the engagement page: one task per
role's next step (the superintendent's recommendation, a board member's vote, the clerk's record,
a draft to comment on, a buy-in check to answer, comments to triage), each with its button and
the line that explains its words; an empty state; nothing from another engagement; and a number
of queries that does not grow with the engagements or the tasks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Membership, Role
from planning import services
from planning.models import ApprovalRule
from planning.selectors.waiting import tasks_for
from planning.services import approval as approvals
from planning.services.review import buy_in_submit, comment_add, review_publish
from tests.factories import (
    CommentFactory,
    EngagementFactory,
    FeedbackFactory,
    GoalFactory,
    MembershipFactory,
    PlanVersionFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
ROLES = ("facilitator", "core_team", "plan_team", "board", "superintendent")
HOME = reverse("engagements:home")
SCRIPT = "<script>alert(1)</script>"


def member(cast, role):
    return Membership.objects.get(user=cast.member(role), engagement=cast.engagement)


@pytest.fixture
def plan(cast):
    plan = services.plan_for(cast.engagement)
    GoalFactory(plan=plan, title="Every reader by grade 3 — lecture à voix haute")
    return plan


@pytest.fixture
def version(plan, cast):
    return services.version_save(plan=plan, label="Final for the board", author=cast.facilitator)


def detail(cast):
    return reverse("engagements:detail", args=[cast.engagement.pk])


def panel(client, user, url) -> str:
    """The panel's part of the page, checked to come first: before the engagement's sub-menu
    and its "Where we are" (engagement page) or the engagement cards (home page)."""
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('id="waiting-heading"')
    end = page.index("</section>", start)
    for later in ('class="subnav"', 'id="now-heading"', 'class="card-list"'):
        if later in page:
            assert start < page.index(later), later
    return page[start:end]


def both(client, cast, role) -> list[str]:
    user = cast.member(role)
    return [panel(client, user, HOME), panel(client, user, detail(cast))]


def test_nothing_waiting_shows_a_plain_empty_state(client, cast):
    for role in ROLES:
        for shown in both(client, cast, role):
            assert "Nothing is waiting for you right now" in shown


def test_the_superintendent_is_asked_to_recommend_the_final_draft(client, cast, plan, version):
    approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    recommend = reverse("planning:recommend", args=[cast.engagement.pk])
    for shown in both(client, cast, "superintendent"):
        assert f"Recommend the final draft (draft {version.number}) to the board" in shown
        assert f'href="{recommend}"' in shown
        assert "The final draft is the saved draft the facilitator froze" in shown
    for role in ("facilitator", "core_team", "plan_team", "board"):
        assert "Recommend the final draft" not in panel(client, cast.member(role), HOME)


def test_a_board_member_is_asked_to_vote_until_they_have(client, cast, plan, version):
    second = UserFactory(full_name="Beatriz Núñez")
    MembershipFactory(user=second, engagement=cast.engagement, roles=[Role.BOARD.value])
    approval = approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    approvals.plan_recommend(approval=approval, by=cast.superintendent, note="Ready.")
    vote = reverse("planning:vote", args=[cast.engagement.pk])
    for shown in both(client, cast, "board"):
        assert f"Vote on the plan the superintendent recommends (draft {version.number})" in shown
        assert f'href="{vote}"' in shown
        assert "A majority of the whole board approving makes it the plan" in shown
    for role in ("facilitator", "core_team", "plan_team", "superintendent"):
        assert "Vote on the plan" not in panel(client, cast.member(role), HOME)
    approvals.board_vote(
        approval=approval, membership=member(cast, "board"), choice="approve", note=""
    )
    assert "Vote on the plan" not in panel(client, cast.board, HOME)
    assert "Vote on the plan" in panel(client, second, HOME)


def test_the_board_clerk_is_asked_to_record_the_decision(client, cast, plan, version):
    approvals.approval_settings_update(
        plan=plan, rule=ApprovalRule.RECORDED, clerk=member(cast, "plan_team"), by=cast.facilitator
    )
    approval = approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    approvals.plan_recommend(approval=approval, by=cast.superintendent, note="Ready.")
    decision = reverse("planning:decision", args=[cast.engagement.pk])
    for shown in both(client, cast, "plan_team"):
        assert "Record the board’s decision" in shown
        assert f'href="{decision}"' in shown
    # Under this rule the board decides at its meeting: nobody votes here.
    assert "Vote on the plan" not in panel(client, cast.board, HOME)
    assert "Record the board’s decision" not in panel(client, cast.board, HOME)


def test_members_are_asked_to_comment_and_answer_the_buy_in_check(client, cast, plan, version):
    review, _ = review_publish(
        version=version,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=10),
        public_link=False,
        public_buy_in=False,
        by=cast.facilitator,
    )
    reading = reverse("planning:review", args=[cast.engagement.pk, version.number])
    buy_in = reverse("planning:buy-in", args=[cast.engagement.pk, version.number])
    for role in ("core_team", "plan_team", "superintendent"):
        shown = panel(client, cast.member(role), detail(cast))
        assert f"Read draft {version.number} and comment on it" in shown
        assert f'href="{reading}"' in shown
        assert f"Answer the buy-in check on draft {version.number}" in shown
        assert f'href="{buy_in}"' in shown
        assert "The buy-in check asks how strongly you support each goal" in shown
        assert f"Open until {review.closes_on:%A, %B} {review.closes_on.day}." in shown
    # The board and the facilitator comment, but the buy-in check is the team's.
    for role in ("board", "facilitator"):
        shown = panel(client, cast.member(role), detail(cast))
        assert "comment on it" in shown
        assert "Answer the buy-in check" not in shown
    comment_add(
        review=review,
        membership=member(cast, "plan_team"),
        body="Bien dit. Please add the reading target for multilingual learners " * 7,
    )
    goal_id = str(plan.goals.get().pk)
    buy_in_submit(
        review=review, support={goal_id: 5}, commits="yes", membership=member(cast, "plan_team")
    )
    shown = panel(client, cast.plan_team, detail(cast))
    assert "Read draft" not in shown and "Answer the buy-in check" not in shown
    assert "Nothing is waiting for you right now" in shown


def test_a_closed_review_asks_nothing_of_anyone(client, cast, plan):
    ReviewFactory(
        version=PlanVersionFactory(plan=plan, number=1),
        opens_on=timezone.localdate() - timedelta(days=9),
        closes_on=timezone.localdate() - timedelta(days=1),
    )
    for role in ROLES:
        assert "Nothing is waiting for you" in panel(client, cast.member(role), HOME)


def test_the_facilitator_and_core_team_are_asked_to_triage(client, cast, plan):
    review = ReviewFactory(version=PlanVersionFactory(plan=plan, number=2))
    CommentFactory(review=review, author=member(cast, "board"), body=SCRIPT)
    CommentFactory(review=review, author=member(cast, "plan_team"), state="accepted")
    FeedbackFactory(review=review)
    FeedbackFactory(review=review)
    inbox = reverse("planning:inbox", args=[cast.engagement.pk, 2])
    for role in ("facilitator", "core_team"):
        shown = panel(client, cast.member(role), detail(cast))
        assert "Answer 3 comments on draft 2" in shown
        assert f'href="{inbox}"' in shown
        assert "The working copy is the plan as the team edits it" in shown
        assert SCRIPT not in shown
    for role in ("plan_team", "board", "superintendent"):
        assert "Answer 3 comments" not in panel(client, cast.member(role), detail(cast))


def test_the_home_page_gathers_every_engagement_and_names_each(client, cast, plan, version):
    approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    other = EngagementFactory(name=f"Lakeview {SCRIPT}")
    MembershipFactory(user=cast.superintendent, engagement=other, roles=[Role.SUPERINTENDENT.value])
    ReviewFactory(version=PlanVersionFactory(plan=services.plan_for(other), number=1))
    shown = panel(client, cast.superintendent, HOME)
    assert "Recommend the final draft" in shown
    assert "Read draft 1 and comment on it" in shown
    assert cast.engagement.name in shown
    assert "Lakeview &lt;script&gt;" in shown and SCRIPT not in shown
    # The engagement page shows that engagement's tasks only.
    here = panel(client, cast.superintendent, detail(cast))
    assert "Recommend the final draft" in here
    assert "Read draft 1" not in here


def test_another_engagement_s_tasks_never_show(client, cast):
    foreign = services.plan_for(cast.foreign_engagement)
    ReviewFactory(version=PlanVersionFactory(plan=foreign, number=1))
    for role in ROLES:
        assert "Nothing is waiting for you" in panel(client, cast.member(role), HOME)
    assert "Read draft 1" in panel(client, cast.outsider, HOME)


def _busy_engagement(user, number):
    engagement = EngagementFactory(name=f"Engagement {number}")
    roles = [Role.SUPERINTENDENT.value, Role.CORE_TEAM.value, Role.BOARD.value]
    membership = MembershipFactory(user=user, engagement=engagement, roles=roles)
    plan = services.plan_for(engagement)
    GoalFactory(plan=plan)
    first = services.version_save(plan=plan, label="One", author=user)
    second = services.version_save(plan=plan, label="Two", author=user)
    approvals.plan_freeze(plan=plan, version=second, by=user)
    # Freezing closes open reviews; a review opened after it (only the factory can) gives this
    # member every kind of task at once.
    review = ReviewFactory(version=first)
    CommentFactory.create_batch(3, review=review, author=membership)
    FeedbackFactory.create_batch(2, review=review)
    return engagement


def test_the_tasks_cost_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    user = UserFactory()
    _busy_engagement(user, 1)
    memberships = list(Membership.objects.filter(user=user).select_related("engagement"))
    with django_assert_max_num_queries(6) as few:
        assert len(tasks_for(memberships)) == 3  # recommend, buy-in, triage
    for number in range(2, 6):
        _busy_engagement(user, number)
    memberships = list(Membership.objects.filter(user=user).select_related("engagement"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(tasks_for(memberships)) == 15


def test_the_pages_do_not_grow_with_the_tasks(client, django_assert_max_num_queries):
    user = UserFactory()
    first = _busy_engagement(user, 1)
    client.force_login(user)
    for url in (HOME, reverse("engagements:detail", args=[first.pk])):
        client.get(url)
        with django_assert_max_num_queries(40) as few:
            client.get(url)
        for number in range(2, 4):
            _busy_engagement(user, number * 10 + len(url))
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert "Waiting for you" in client.get(url).content.decode()
