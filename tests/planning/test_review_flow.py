"""The whole road from a saved draft to the approved plan, through the services: publish for
review, comment, public feedback, triage, buy-in, freeze, recommend, the board's majority. Each
step is written to the plan's history and tells the right people by e-mail."""

from datetime import timedelta

import pytest
from django.utils import timezone

from engagements.models import Engagement, Membership
from planning import services
from planning.models import Approval, Comment, PlanEvent
from planning.selectors.review import buy_in_results, inbox_counts
from planning.services import approval as approvals
from planning.services import review as reviews
from tests.factories import GoalFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]


def member(cast, role):
    return Membership.objects.get(user=cast.member(role), engagement=cast.engagement)


def test_a_draft_goes_from_review_to_approval(cast, mailbox, django_capture_on_commit_callbacks):
    plan = services.plan_for(cast.engagement)
    goal = GoalFactory(plan=plan, title="Every reader by grade 3")
    version = services.version_save(plan=plan, label="For the community", author=cast.facilitator)
    today = timezone.localdate()

    with django_capture_on_commit_callbacks(execute=True):
        review, token = reviews.review_publish(
            version=version,
            opens_on=today,
            closes_on=today + timedelta(days=14),
            public_link=True,
            public_buy_in=False,
            by=cast.facilitator,
        )
    assert token and reviews.review_for_token(token) == review
    assert len(mailbox.messages()) == 5  # every member of the engagement

    board = member(cast, "board")
    comment = reviews.comment_add(
        review=review,
        membership=board,
        body="Say how reading is measured.",
        element_kind="goal",
        element_id=str(goal.pk),
    )
    feedback = reviews.feedback_add(
        review=review, body="Yes to this!", category="Parents", element_kind="plan"
    )
    reviews.comment_triage(
        comment=comment,
        by=cast.core_team,
        state=Comment.State.ACCEPTED,
        resolution="Added the state reading test.",
    )
    reviews.comment_triage(
        comment=feedback, by=cast.core_team, state="declined", resolution="Thanks; kept."
    )
    counts = {c.target.key: dict(c.counts) for c in inbox_counts(review)}
    assert counts == {f"goal:{goal.pk}": {"accepted": 1}, "plan": {"declined": 1}}

    for _ in range(5):
        reviews.buy_in_submit(
            review=review,
            membership=MembershipFactory(engagement=cast.engagement, roles=["plan_team"]),
            support={str(goal.pk): 5},
            commits="yes",
        )
    assert buy_in_results(review).goals[0].overall.mean == 5

    with django_capture_on_commit_callbacks(execute=True):
        approval = approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator)
    review.refresh_from_db()
    assert review.closed_at is not None
    second = MembershipFactory(
        engagement=cast.engagement, roles=["board"], user=UserFactory(full_name="Bo Ard")
    )
    with django_capture_on_commit_callbacks(execute=True):
        approvals.plan_recommend(approval=approval, by=cast.superintendent, note="Ready.")
    approvals.board_vote(approval=approval, membership=board, choice="approve", note="")
    approval.refresh_from_db()
    assert approval.state == Approval.State.RECOMMENDED  # 1 of 2 is not a majority
    with django_capture_on_commit_callbacks(execute=True):
        approvals.board_vote(approval=approval, membership=second, choice="approve", note="")
    approval.refresh_from_db()
    assert approval.state == Approval.State.APPROVED
    cast.engagement.refresh_from_db()
    assert cast.engagement.status == Engagement.Status.APPROVED
    assert list(PlanEvent.objects.filter(plan=plan).values_list("to_state", flat=True)) == [
        "under review",
        "review closed",
        "final draft",
        "recommended",
        "recommended",
        "recommended",
        "approved",
    ]
    subjects = [m.subject for m in mailbox.messages()]
    assert any("your recommendation" in s for s in subjects)
    assert sum("board's decision" in s for s in subjects) == 2
    assert any("the plan is approved" in s for s in subjects)
