"""The rules of a draft's review, through its services: publishing (dates, one review per draft,
one open review per plan), closing once (with its history line and e-mail, by hand or on the
closing day), and members' comments (only while open, on a real part of the draft, replies in one
thread, changed by their author for 15 minutes, withdrawn but never deleted)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagements.models import Membership
from planning import services
from planning.models import Comment, PlanEvent, Review
from planning.services import review as reviews
from tests.factories import CommentFactory, GoalFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def member(cast, role):
    return Membership.objects.get(user=cast.member(role), engagement=cast.engagement)


@pytest.fixture
def plan(cast):
    return services.plan_for(cast.engagement)


@pytest.fixture
def goal(plan):
    return GoalFactory(plan=plan, title="Every reader by grade 3")


@pytest.fixture
def version(cast, plan, goal):
    return services.version_save(plan=plan, label="For the community", author=cast.facilitator)


def publish(version, cast, opens=0, closes=14, **extra):
    today = timezone.localdate()
    options = {"public_link": False, "public_buy_in": False, **extra}
    return reviews.review_publish(
        version=version,
        opens_on=today + timedelta(days=opens),
        closes_on=today + timedelta(days=closes),
        by=cast.facilitator,
        **options,
    )


def messages_of(refusal) -> list[str]:
    return refusal.value.messages


# --- publishing -----------------------------------------------------------------------------------


def test_publishing_opens_the_review_and_writes_the_history(cast, version):
    review, token = publish(version, cast)
    assert token is None and not review.has_public_link
    assert review.state == Review.State.OPEN
    event = PlanEvent.objects.get(plan=version.plan)
    assert (event.from_state, event.to_state) == ("saved draft", "under review")
    assert event.action == "Published draft 1 for review"
    assert event.actor == cast.facilitator and "team only" in event.note


def test_a_public_link_is_returned_once_and_only_its_hash_is_kept(cast, version):
    review, token = publish(version, cast, public_link=True)
    assert token and token not in review.public_token_hash
    assert reviews.review_for_token(token) == review
    assert reviews.review_for_token(token + "x") is None


def test_a_review_opening_later_is_scheduled(cast, version):
    review, _ = publish(version, cast, opens=3, closes=10)
    assert review.state == Review.State.SCHEDULED


def test_it_refuses_a_closing_day_before_the_opening_day(cast, version):
    with pytest.raises(ValidationError) as refusal:
        publish(version, cast, opens=5, closes=4)
    assert refusal.value.message_dict == {
        "closes_on": ["The review must close on or after the day it opens."]
    }
    assert not Review.objects.exists()


def test_it_refuses_a_closing_day_that_has_passed(cast, version):
    with pytest.raises(ValidationError) as refusal:
        publish(version, cast, opens=-5, closes=-1)
    assert "That day has passed" in refusal.value.message_dict["closes_on"][0]


def test_a_draft_is_published_for_review_once(cast, version):
    review, _ = publish(version, cast)
    reviews.review_close(review=review, by=cast.facilitator)
    with pytest.raises(ValidationError) as refusal:
        publish(version, cast)
    assert messages_of(refusal) == ["Draft 1 has already been published for review."]
    assert Review.objects.count() == 1


def test_another_draft_waits_until_the_open_review_is_closed(cast, plan, version):
    review, _ = publish(version, cast)
    second = services.version_save(plan=plan, label="Second", author=cast.facilitator)
    with pytest.raises(ValidationError) as refusal:
        publish(second, cast)
    assert "Draft 1 is still under review until" in messages_of(refusal)[0]
    reviews.review_close(review=review, by=cast.facilitator)
    assert publish(second, cast)[0].version == second


def test_a_review_whose_closing_day_passed_does_not_block_the_next(cast, plan, version):
    review, _ = publish(version, cast)
    Review.objects.filter(pk=review.pk).update(
        opens_on=timezone.localdate() - timedelta(days=9),
        closes_on=timezone.localdate() - timedelta(days=1),
    )
    second = services.version_save(plan=plan, label="Second", author=cast.facilitator)
    assert publish(second, cast)[0].state == Review.State.OPEN


def test_the_closing_day_can_move_but_not_into_the_past(cast, version):
    review, _ = publish(version, cast)
    later = timezone.localdate() + timedelta(days=20)
    reviews.review_change_dates(review=review, closes_on=later, by=cast.facilitator)
    review.refresh_from_db()
    assert review.closes_on == later
    assert PlanEvent.objects.filter(action="Changed the closing day of the review").exists()
    with pytest.raises(ValidationError) as refusal:
        reviews.review_change_dates(
            review=review,
            closes_on=timezone.localdate() - timedelta(days=1),
            by=cast.facilitator,
        )
    assert "closes_on" in refusal.value.message_dict


# --- closing --------------------------------------------------------------------------------------


@pytest.mark.usefixtures("tasks_in_process")
def test_closing_happens_once_with_one_history_line_and_one_mail(
    cast, version, mailbox, django_capture_on_commit_callbacks
):
    review, _ = publish(version, cast)
    with django_capture_on_commit_callbacks(execute=True):
        assert reviews.review_close(review=review, by=cast.facilitator) is True
        assert reviews.review_close(review=review, by=cast.facilitator) is False
    review.refresh_from_db()
    assert review.closed_at is not None and review.closed_by == cast.facilitator
    assert review.state == Review.State.CLOSED
    closes = PlanEvent.objects.filter(to_state="review closed")
    assert [e.action for e in closes] == ["Closed the review of draft 1"]
    closed_mail = [m for m in mailbox.messages() if "has closed" in m.subject]
    # the facilitator and the core team hear of it, once each
    assert sorted(address for m in closed_mail for address in m.to) == sorted(
        [cast.facilitator.email, cast.core_team.email]
    )


def test_the_sweep_closes_reviews_whose_closing_day_has_passed(cast, plan):
    today = timezone.localdate()
    due = ReviewFactory(
        version__plan=plan,
        version__number=1,
        opens_on=today - timedelta(days=9),
        closes_on=today - timedelta(days=1),
    )
    running = ReviewFactory(version__plan=plan, version__number=2, closes_on=today)
    assert reviews.reviews_close_due(today) == 1
    assert reviews.reviews_close_due(today) == 0
    due.refresh_from_db()
    running.refresh_from_db()
    assert due.closed_at is not None and due.closed_by is None
    assert running.closed_at is None
    event = PlanEvent.objects.get(to_state="review closed")
    assert event.actor_name == "Aligned (on the set date)" and "has passed" in event.note


# --- comments -------------------------------------------------------------------------------------


@pytest.fixture
def review(cast, version):
    return publish(version, cast)[0]


def comment(review, who, body="Say how reading is measured.", **where):
    return reviews.comment_add(review=review, membership=who, body=body, **where)


def test_a_member_comments_on_an_element_with_its_words_kept(cast, review, goal):
    board = member(cast, "board")
    made = comment(review, board, element_kind="goal", element_id=str(goal.pk))
    assert (made.element_kind, made.element_id) == ("goal", str(goal.pk))
    assert made.element_label == "Every reader by grade 3"
    assert made.author == board and made.name == "Board member Person"
    assert made.category == "Board member"  # no stakeholder group: their role
    assert not made.is_public and made.state == Comment.State.OPEN


def test_a_comment_on_nothing_in_particular_is_on_the_whole_draft(cast, review):
    made = comment(review, member(cast, "plan_team"))
    assert (made.element_kind, made.element_id, made.element_label) == (
        "plan",
        "",
        "The whole draft",
    )


def test_it_refuses_a_part_that_is_not_in_the_draft(cast, review, plan):
    added_later = GoalFactory(plan=plan, title="Not in draft 1")
    with pytest.raises(ValidationError) as refusal:
        comment(
            review, member(cast, "plan_team"), element_kind="goal", element_id=str(added_later.pk)
        )
    assert refusal.value.message_dict == {"element": ["That part of the draft does not exist."]}
    with pytest.raises(ValidationError):
        comment(review, member(cast, "plan_team"), element_kind="wish", element_id="x")
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "body,says",
    [("   ", "Write your comment before sending it."), ("x" * 2001, "Keep it to 2000 characters")],
)
def test_it_refuses_an_empty_or_overlong_comment(cast, review, body, says):
    with pytest.raises(ValidationError) as refusal:
        comment(review, member(cast, "plan_team"), body=body)
    assert refusal.value.message_dict["body"][0].startswith(says)


def test_no_comment_before_the_review_opens(cast, review):
    Review.objects.filter(pk=review.pk).update(opens_on=timezone.localdate() + timedelta(days=2))
    review.refresh_from_db()
    with pytest.raises(ValidationError) as refusal:
        comment(review, member(cast, "plan_team"))
    assert messages_of(refusal)[0].startswith("This review opens on")


def test_no_comment_once_the_review_is_closed_or_past_its_day(cast, review):
    reviews.review_close(review=review, by=cast.facilitator)
    with pytest.raises(ValidationError) as refusal:
        comment(review, member(cast, "plan_team"))
    assert messages_of(refusal) == ["This review is closed: comments are no longer taken."]
    Review.objects.filter(pk=review.pk).update(
        closed_at=None,
        opens_on=timezone.localdate() - timedelta(days=8),
        closes_on=timezone.localdate() - timedelta(days=1),
    )
    review.refresh_from_db()
    with pytest.raises(ValidationError):
        comment(review, member(cast, "plan_team"))
    assert not Comment.objects.exists()


def test_a_reply_to_a_reply_joins_the_first_comments_thread(cast, review, goal):
    first = comment(review, member(cast, "board"), element_kind="goal", element_id=str(goal.pk))
    reply = comment(review, member(cast, "core_team"), body="We will.", parent=first)
    again = comment(review, member(cast, "board"), body="Thanks.", parent=reply)
    assert reply.parent == first and again.parent == first
    assert (again.element_kind, again.element_id) == ("goal", str(goal.pk))


def test_a_reply_stays_in_its_own_review(cast, review, plan):
    other = ReviewFactory(version__plan=plan, version__number=99)
    foreign = CommentFactory(review=other, author=member(cast, "board"))
    with pytest.raises(ValidationError) as refusal:
        comment(review, member(cast, "plan_team"), parent=foreign)
    assert messages_of(refusal) == ["That comment is not in this review."]


def test_the_author_changes_a_comment_within_fifteen_minutes(cast, review):
    author = member(cast, "plan_team")
    made = comment(review, author)
    reviews.comment_edit(comment=made, membership=author, body="  Better words.  ")
    made.refresh_from_db()
    assert made.body == "Better words." and made.edited_at is not None


def test_after_fifteen_minutes_a_comment_stays_as_it_is(cast, review):
    author = member(cast, "plan_team")
    made = comment(review, author)
    Comment.objects.filter(pk=made.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    made.refresh_from_db()
    assert not made.editable_by(author)
    with pytest.raises(ValidationError) as refusal:
        reviews.comment_edit(comment=made, membership=author, body="Too late")
    assert messages_of(refusal)[0].startswith("Comments can be changed for 15 minutes")
    made.refresh_from_db()
    assert made.body == "Say how reading is measured." and made.edited_at is None


def test_only_the_author_changes_or_withdraws_a_comment(cast, review):
    made = comment(review, member(cast, "plan_team"))
    other = member(cast, "facilitator")
    with pytest.raises(ValidationError) as refusal:
        reviews.comment_edit(comment=made, membership=other, body="Mine now")
    assert messages_of(refusal) == ["Only the person who wrote a comment can change it."]
    with pytest.raises(ValidationError):
        reviews.comment_withdraw(comment=made, membership=other)
    made.refresh_from_db()
    assert made.body == "Say how reading is measured." and not made.is_withdrawn


def test_a_withdrawn_comment_stays_in_its_thread(cast, review):
    author = member(cast, "plan_team")
    made = comment(review, author)
    reply = comment(review, member(cast, "core_team"), body="Could you say more?", parent=made)
    reviews.comment_withdraw(comment=made, membership=author)
    reviews.comment_withdraw(comment=made, membership=author)  # twice is harmless
    made.refresh_from_db()
    assert made.is_withdrawn and made.body == "Say how reading is measured."
    assert list(made.replies.all()) == [reply]
    assert Comment.objects.count() == 2
    with pytest.raises(ValidationError):
        reviews.comment_edit(comment=made, membership=author, body="Back again")


def test_a_comment_the_team_has_answered_cannot_be_withdrawn(cast, review):
    author = member(cast, "plan_team")
    made = comment(review, author)
    reviews.comment_triage(
        comment=made, by=cast.core_team, state="declined", resolution="The plan says so."
    )
    with pytest.raises(ValidationError) as refusal:
        reviews.comment_withdraw(comment=made, membership=author)
    assert messages_of(refusal)[0].startswith("The team has already answered this comment")
    made.refresh_from_db()
    assert not made.is_withdrawn
