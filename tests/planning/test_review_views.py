"""A draft's review for members: the facilitator publishes and manages it; every member reads it
and comments on any part, in place with htmx or with plain forms; authors change their words for
15 minutes and withdraw them (shown as withdrawn, never deleted); board members read only what is
published; user text is escaped; the page costs the same queries whatever its size."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from engagements.models import Membership
from planning import services
from planning.models import Comment, PlanEvent, Review
from planning.services import review as reviews
from tests.factories import (
    ActionStepFactory,
    ApprovalFactory,
    CommentFactory,
    GoalFactory,
    MeasureFactory,
    PlanVersionFactory,
    ReviewFactory,
    StrategyFactory,
    ValueFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
ROLES = ("facilitator", "core_team", "plan_team", "board", "superintendent")
SCRIPT = "<script>alert(1)</script>"


def url(name, cast, *args):
    return reverse(f"planning:{name}", args=[cast.engagement.pk, *args])


def member(cast, role):
    return Membership.objects.get(user=cast.member(role), engagement=cast.engagement)


def body_of(response, status=200) -> str:
    assert response.status_code == status, response.status_code
    return response.content.decode()


def news(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def plan(cast):
    plan = services.plan_for(cast.engagement)
    plan.mission = "Every student ready for what comes next."
    plan.vision = "A district where every learner thrives."
    plan.save()
    return plan


@pytest.fixture
def goal(plan):
    goal = GoalFactory(plan=plan, title="Every reader by grade 3")
    StrategyFactory(goal=goal, title="Tutoring after school")
    MeasureFactory(goal=goal, indicator="Grade 3 reading proficiency")
    ValueFactory(plan=plan, title="Kindness")
    return goal


@pytest.fixture
def version(cast, plan, goal):
    return services.version_save(plan=plan, label="For the community", author=cast.facilitator)


@pytest.fixture
def review(version):
    return ReviewFactory(version=version)


def add(client, cast, data, htmx=False):
    return client.post(url("comment-add", cast, 1), data, headers=HTMX if htmx else {})


def key(goal) -> str:
    return f"goal:{goal.pk}"


# --- who may do what ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_reads_the_review_and_may_comment(client, cast, review, goal, role):
    client.force_login(cast.member(role))
    page = body_of(client.get(url("review", cast, 1)))
    assert "Draft 1: For the community" in page and "Every reader by grade 3" in page
    assert "Open for comments" in page and "Comment on this" in page
    assert ("Manage the review" in page) is (role == "facilitator")
    assert ("Comments and feedback to answer" in page) is (role in ("facilitator", "core_team"))
    assert ("Answer the buy-in check" in page) is (
        role in ("core_team", "plan_team", "superintendent")
    )
    response = add(client, cast, {"element": key(goal), "body": f"From {role}"})
    assert response.status_code == 302
    assert Comment.objects.get(body=f"From {role}").author == member(cast, role)


@pytest.mark.parametrize("role", ROLES[1:])
def test_only_the_facilitator_publishes_and_manages(client, cast, version, role):
    client.force_login(cast.member(role))
    assert client.get(url("publish", cast, 1)).status_code == 403
    today = timezone.localdate()
    response = client.post(url("publish", cast, 1), {"opens_on": today, "closes_on": today})
    assert response.status_code == 403
    assert not Review.objects.exists()
    ReviewFactory(version=version)
    assert client.get(url("review-manage", cast, 1)).status_code == 403
    assert client.post(url("review-manage", cast, 1), {"action": "close"}).status_code == 403
    assert Review.objects.get().closed_at is None


def test_outsiders_get_a_404_and_visitors_are_sent_to_sign_in(client, cast, review):
    made = CommentFactory(review=review, author=member(cast, "plan_team"))
    addresses = [
        url("review", cast, 1),
        url("publish", cast, 1),
        url("review-manage", cast, 1),
        url("comment-edit", cast, 1, made.pk),
        url("comment-withdraw", cast, 1, made.pk),
    ]
    sign_in = reverse("accounts:sign-in")
    for address in addresses:
        assert client.get(address).url.startswith(sign_in)
    client.force_login(cast.outsider)
    assert [client.get(address).status_code for address in addresses] == [404] * 5
    assert add(client, cast, {"body": "Sneaky"}).status_code == 404
    assert client.post(url("comment-withdraw", cast, 1, made.pk)).status_code == 404
    assert Comment.objects.count() == 1 and not Comment.objects.get().is_withdrawn


def test_another_engagements_comment_or_another_drafts_is_a_404(client, cast, plan, review):
    foreign = CommentFactory(
        review__version=PlanVersionFactory(plan=services.plan_for(cast.foreign_engagement)),
    )
    other_draft = services.version_save(plan=plan, label="Second", author=cast.facilitator)
    mine_elsewhere = CommentFactory(
        review=ReviewFactory(version=other_draft, closed_at=timezone.now()),
        author=member(cast, "plan_team"),
    )
    client.force_login(cast.plan_team)
    for comment in (foreign, mine_elsewhere):
        assert client.get(url("comment-edit", cast, 1, comment.pk)).status_code == 404
        assert client.post(url("comment-withdraw", cast, 1, comment.pk)).status_code == 404
    response = add(client, cast, {"body": "Reply", "parent": foreign.pk})
    assert response.status_code == 404
    assert add(client, cast, {"body": "Reply", "parent": "not-an-id"}).status_code == 404
    assert Comment.objects.count() == 2


def test_a_draft_not_published_has_no_review_page(client, cast, version):
    client.force_login(cast.facilitator)
    assert client.get(url("review", cast, 1)).status_code == 404
    assert client.get(url("review", cast, 9)).status_code == 404
    response = client.get(url("review-manage", cast, 1))
    assert response.status_code == 302 and response.url == url("publish", cast, 1)


def test_the_board_reads_only_published_drafts(client, cast, plan, version):
    services.version_save(plan=plan, label="Second", author=cast.facilitator)
    client.force_login(cast.board)
    assert client.get(url("draft", cast, 1)).status_code == 403
    assert client.get(url("review", cast, 1)).status_code == 403
    assert client.get(f"{url('compare', cast)}?a=1&b=2").status_code == 403
    assert "No draft has been published yet." in body_of(client.get(url("drafts", cast)))
    ReviewFactory(version=version)
    listing = body_of(client.get(url("drafts", cast)))
    assert "Draft 1: For the community" in listing and "Draft 2: Second" not in listing
    assert "Under review" in listing and "Publish for review" not in listing
    assert client.get(url("draft", cast, 1)).status_code == 200
    assert client.get(url("review", cast, 1)).status_code == 200
    assert client.get(url("draft", cast, 2)).status_code == 403
    assert client.get(f"{url('compare', cast)}?a=1&b=2").status_code == 403
    ApprovalFactory(version=services.plan_for(cast.engagement).versions.get(number=2))
    listing = body_of(client.get(url("drafts", cast)))
    assert "Draft 2: Second" in listing and ">Published<" in listing
    assert "Compare with draft 1" in body_of(client.get(url("draft", cast, 2)))
    assert client.get(f"{url('compare', cast)}?a=1&b=2").status_code == 200


def test_the_board_is_sent_from_the_working_copy_to_the_approval_page(client, cast, plan):
    client.force_login(cast.board)
    response = client.get(url("plan", cast))
    assert response.status_code == 302 and response.url == url("approval", cast)
    for name in ("health", "export-json", "export-csv", "import"):
        assert client.get(url(name, cast)).status_code == 403, name


def test_others_see_every_draft_with_its_badge_and_the_facilitator_a_publish_link(
    client, cast, plan, version
):
    services.version_save(plan=plan, label="Second", author=cast.facilitator)
    ReviewFactory(version=version)
    client.force_login(cast.facilitator)
    listing = body_of(client.get(url("drafts", cast)))
    assert "Draft 2: Second" in listing and "Draft 1: For the community" in listing
    assert listing.count("Under review") == 1
    assert f'href="{url("publish", cast, 2)}"' in listing
    assert f'href="{url("publish", cast, 1)}"' not in listing
    assert f'href="{url("review", cast, 1)}"' in listing
    client.force_login(cast.plan_team)
    listing = body_of(client.get(url("drafts", cast)))
    assert "Draft 2: Second" in listing and "Publish for review" not in listing


# --- publishing ---------------------------------------------------------------------------------


def test_the_publish_form_proposes_two_weeks_from_today(client, cast, version):
    client.force_login(cast.facilitator)
    page = body_of(client.get(url("publish", cast, 1)))
    today = timezone.localdate()
    assert f'value="{today:%Y-%m-%d}"' in page
    assert f'value="{today + timedelta(days=14):%Y-%m-%d}"' in page
    assert "Make a public feedback link" in page
    assert "Public visitors may answer the buy-in check" in page


def test_publishing_with_a_link_shows_the_link_once(client, cast, version, mailbox):
    client.force_login(cast.facilitator)
    today = timezone.localdate()
    data = {"opens_on": today, "closes_on": today + timedelta(days=10), "public_link": "on"}
    response = client.post(url("publish", cast, 1), data)
    assert response.status_code == 302 and response.url == url("review-manage", cast, 1)
    review = Review.objects.get()
    assert review.has_public_link and not review.public_buy_in
    page = body_of(client.get(url("review-manage", cast, 1)))
    link = re.search(r'id="public-link" value="([^"]+)"', page).group(1)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert reviews.review_for_token(token) == review
    assert "It is shown this once" in page
    again = body_of(client.get(url("review-manage", cast, 1)))
    assert token not in again and 'id="public-link"' not in again
    assert "A public link is on" in again


def test_publish_errors_come_back_next_to_the_field_with_the_input_kept(client, cast, version):
    client.force_login(cast.facilitator)
    today = timezone.localdate()
    data = {"opens_on": today + timedelta(days=5), "closes_on": today + timedelta(days=2)}
    page = body_of(client.post(url("publish", cast, 1), data), 400)
    assert "The review must close on or after the day it opens." in page
    assert f'value="{today + timedelta(days=5):%Y-%m-%d}"' in page
    assert re.search(r'<input type="date" name="closes_on"[^>]*aria-invalid="true"', page)
    assert not Review.objects.exists()


def test_a_second_open_review_is_refused_in_words(client, cast, plan, review):
    services.version_save(plan=plan, label="Second", author=cast.facilitator)
    client.force_login(cast.facilitator)
    today = timezone.localdate()
    data = {"opens_on": today, "closes_on": today + timedelta(days=3)}
    page = body_of(client.post(url("publish", cast, 2), data), 400)
    assert "Draft 1 is still under review until" in page
    assert Review.objects.count() == 1


def test_publishing_a_draft_twice_goes_to_its_manage_page(client, cast, review):
    client.force_login(cast.facilitator)
    response = client.get(url("publish", cast, 1))
    assert response.url == url("review-manage", cast, 1)
    assert news(response) == ["Draft 1 is already published for review."]


# --- managing -----------------------------------------------------------------------------------


def test_the_closing_day_changes_and_errors_stay_in_place(client, cast, review):
    client.force_login(cast.facilitator)
    later = timezone.localdate() + timedelta(days=30)
    response = client.post(
        url("review-manage", cast, 1), {"action": "closes_on", "closes_on": later}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.closes_on == later
    past = timezone.localdate() - timedelta(days=3)
    page = body_of(
        client.post(url("review-manage", cast, 1), {"action": "closes_on", "closes_on": past}),
        400,
    )
    assert "The review must close on or after the day it opens." in page
    assert f'value="{past:%Y-%m-%d}"' in page


def test_closing_now_asks_first_then_closes(client, cast, review):
    client.force_login(cast.facilitator)
    confirm = body_of(client.get(url("review-manage", cast, 1) + "?action=close"))
    assert "Close the review of draft 1 now?" in confirm and "cannot be undone" in confirm
    review.refresh_from_db()
    assert review.closed_at is None
    # the confirmation form posts back to the same address, action in its query
    response = client.post(url("review-manage", cast, 1) + "?action=close")
    assert news(response) == ["The review of draft 1 is closed."]
    review.refresh_from_db()
    assert review.closed_at is not None and review.closed_by == cast.facilitator
    page = body_of(client.get(url("review-manage", cast, 1)))
    assert "Close the review now" not in page and "Closed" in page
    reading = body_of(client.get(url("review", cast, 1)))
    assert "comments are no longer taken" in reading and "Comment on this" not in reading


def test_a_new_public_link_replaces_the_old_one_after_confirming(client, cast, version):
    review, old = reviews.review_publish(
        version=version,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + timedelta(days=3),
        public_link=True,
        public_buy_in=False,
        by=cast.facilitator,
    )
    client.force_login(cast.facilitator)
    confirm = body_of(client.get(url("review-manage", cast, 1) + "?action=new-link"))
    assert "Make a new public link?" in confirm and "stops working" in confirm
    response = client.post(url("review-manage", cast, 1), {"action": "new-link"})
    assert news(response) == ["A new public link is made: copy it below."]
    assert reviews.review_for_token(old) is None
    page = body_of(client.get(url("review-manage", cast, 1)))
    token = re.search(r'id="public-link" value="[^"]+/review/([^/"]+)/?"', page).group(1)
    assert reviews.review_for_token(token).pk == review.pk
    client.post(url("review-manage", cast, 1) + "?action=revoke-link")
    assert reviews.review_for_token(token) is None
    assert "No public link is on" in body_of(client.get(url("review-manage", cast, 1)))
    assert PlanEvent.objects.filter(action="Turned off the public link").exists()


def test_an_unknown_action_is_refused_in_words(client, cast, review):
    client.force_login(cast.facilitator)
    response = client.post(url("review-manage", cast, 1), {"action": "explode"})
    assert news(response) == ["Choose what to do with the review."]


# --- the reading view ---------------------------------------------------------------------------


def test_the_page_shows_each_thread_under_its_part(client, cast, review, goal):
    board, core = member(cast, "board"), member(cast, "core_team")
    first = reviews.comment_add(
        review=review,
        membership=board,
        body="Say how.",
        element_kind="goal",
        element_id=str(goal.pk),
    )
    reviews.comment_add(review=review, membership=core, body="We will add it.", parent=first)
    reviews.comment_add(review=review, membership=core, body="Good overall.")
    client.force_login(cast.plan_team)
    page = body_of(client.get(url("review", cast, 1)))
    start = page.index(f'<div class="thread" id="comments-goal-{goal.pk}">')
    thread = page[start : page.index("Comment on this", start)]
    assert "Say how." in thread and "We will add it." in thread
    assert thread.index("Say how.") < thread.index('class="thread__replies"')
    assert thread.index('class="thread__replies"') < thread.index("We will add it.")
    assert "<strong>Board member Person</strong> · Board member ·" in thread
    whole = page[page.index('id="comments-plan"') :]
    assert "Good overall." in whole
    for part in ("statement-mission", "statement-vision", "strategy-", "measure-", "value-"):
        assert f'id="comments-{part}' in page, part


def test_the_review_and_draft_pages_name_owners_not_their_e_mail_addresses(client, cast, plan):
    owner = member(cast, "core_team")
    owner.user.full_name = "Ana López"
    owner.user.save()
    goal = GoalFactory(plan=plan, title="Every reader by grade 3", owner=owner)
    strategy = StrategyFactory(goal=goal, title="Tutoring after school")
    ActionStepFactory(strategy=strategy, description="Hire twelve tutors", owner=owner)
    services.version_save(plan=plan, label="For the community", author=cast.facilitator)
    ReviewFactory(version=plan.versions.get())
    client.force_login(cast.plan_team)
    for page in (url("review", cast, 1), url("draft", cast, 1)):
        body = body_of(client.get(page))
        assert "Ana López" in body, page
        assert owner.user.email not in body, page


def test_the_triage_outcome_shows_under_the_comment(client, cast, review):
    core = member(cast, "core_team")
    accepted = reviews.comment_add(review=review, membership=core, body="Add art.")
    declined = reviews.comment_add(review=review, membership=core, body="Drop math.")
    reviews.comment_triage(
        comment=accepted, by=cast.core_team, state="accepted", resolution="Art is in goal 2."
    )
    reviews.comment_triage(
        comment=declined, by=cast.core_team, state="declined", resolution="Math stays."
    )
    duplicate = reviews.comment_add(review=review, membership=core, body="Art please.")
    reviews.comment_triage(
        comment=duplicate, by=cast.core_team, state="duplicate", duplicate_of=accepted
    )
    client.force_login(cast.board)
    page = body_of(client.get(url("review", cast, 1)))
    assert "<strong>Accepted:</strong> Art is in goal 2." in page
    assert "<strong>Declined:</strong> Math stays." in page
    assert f'<strong>Duplicate</strong> of <a href="#comment-{accepted.pk}">' in page


def test_a_withdrawn_comment_shows_as_withdrawn_with_its_words_hidden(client, cast, review):
    author = member(cast, "plan_team")
    made = reviews.comment_add(review=review, membership=author, body="Private second thoughts")
    reviews.comment_add(
        review=review, membership=member(cast, "core_team"), body="Why?", parent=made
    )
    reviews.comment_withdraw(comment=made, membership=author)
    client.force_login(cast.facilitator)
    page = body_of(client.get(url("review", cast, 1)))
    assert "Withdrawn by its author." in page and "Private second thoughts" not in page
    assert "Why?" in page  # the thread stays


def test_user_text_is_escaped(client, cast, plan):
    GoalFactory(plan=plan, title=f"Goal {SCRIPT}")
    services.version_save(plan=plan, label=f"Label {SCRIPT}", author=cast.facilitator)
    review = ReviewFactory(version=plan.versions.get())
    reviews.comment_add(review=review, membership=member(cast, "board"), body=f"Hi {SCRIPT}")
    client.force_login(cast.plan_team)
    page = body_of(client.get(url("review", cast, 1)))
    assert SCRIPT not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3
    client.force_login(cast.board)
    partial = body_of(add(client, cast, {"body": SCRIPT}, htmx=True))
    assert SCRIPT not in partial and "&lt;script&gt;" in partial


def test_the_author_sees_change_and_withdraw_links_within_the_window(client, cast, review):
    author = member(cast, "plan_team")
    made = reviews.comment_add(review=review, membership=author, body="Mine")
    edit_link = url("comment-edit", cast, 1, made.pk)
    withdraw_link = url("comment-withdraw", cast, 1, made.pk)
    client.force_login(cast.plan_team)
    page = body_of(client.get(url("review", cast, 1)))
    assert edit_link in page and withdraw_link in page
    client.force_login(cast.core_team)
    page = body_of(client.get(url("review", cast, 1)))
    assert edit_link not in page and withdraw_link not in page
    Comment.objects.filter(pk=made.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    client.force_login(cast.plan_team)
    page = body_of(client.get(url("review", cast, 1)))
    assert edit_link not in page and withdraw_link in page


def test_before_it_opens_the_page_says_when_and_takes_no_comments(client, cast, version):
    today = timezone.localdate()
    ReviewFactory(
        version=version, opens_on=today + timedelta(days=2), closes_on=today + timedelta(9)
    )
    client.force_login(cast.plan_team)
    page = body_of(client.get(url("review", cast, 1)))
    assert "Not open yet." in page and "Comment on this" not in page
    response = add(client, cast, {"body": "Early"})
    assert response.status_code == 400
    assert "This review opens on" in response.content.decode()
    assert not Comment.objects.exists()


def test_the_page_costs_the_same_queries_whatever_its_size(
    client, cast, plan, django_assert_max_num_queries
):
    def draft(number, goals, comments):
        for _ in range(goals):
            goal = GoalFactory(plan=plan)
            MeasureFactory(goal=goal)
            StrategyFactory(goal=goal)
        version = services.version_save(plan=plan, label=f"D{number}", author=cast.facilitator)
        review = ReviewFactory(version=version, closed_at=timezone.now() if number == 1 else None)
        board, core = member(cast, "board"), member(cast, "core_team")
        for target_goal in list(plan.goals.all())[:comments]:
            first = CommentFactory(
                review=review, author=board, element_kind="goal", element_id=str(target_goal.pk)
            )
            CommentFactory(review=review, author=core, parent=first)
            CommentFactory(review=review, author=board, element_kind="plan")

    draft(1, 1, 1)
    draft(2, 9, 10)
    client.force_login(cast.plan_team)
    # the session, the user, the membership, the draft, its review, the comments and replies
    with django_assert_max_num_queries(7) as small:
        assert client.get(url("review", cast, 1)).status_code == 200
    with django_assert_max_num_queries(len(small)) as large:
        page = body_of(client.get(url("review", cast, 2)))
    assert page.count('class="comment"') == 30
    assert len(large) == len(small)


# --- commenting -----------------------------------------------------------------------------------


def test_an_htmx_comment_answers_with_its_thread_only(client, cast, review, goal):
    client.force_login(cast.board)
    response = add(client, cast, {"element": key(goal), "body": "Measure it."}, htmx=True)
    partial = body_of(response)
    assert "<html" not in partial and f'id="comments-goal-{goal.pk}"' in partial
    assert "Measure it." in partial and "Your comment is added." in partial
    assert 'hx-swap-oob="innerHTML:#review-status"' in partial
    assert response["HX-Retarget"] == f"#comments-goal-{goal.pk}"
    assert "HX-Request" in response["Vary"]
    made = Comment.objects.get()
    assert (made.element_kind, made.element_id, made.author) == (
        "goal",
        str(goal.pk),
        member(cast, "board"),
    )


def test_a_plain_comment_goes_back_to_it_on_the_page(client, cast, review, goal):
    client.force_login(cast.superintendent)
    response = add(client, cast, {"element": key(goal), "body": "Good goal."})
    made = Comment.objects.get()
    assert response.status_code == 302
    assert response.url == f"{url('review', cast, 1)}#comment-{made.pk}"
    assert news(response) == ["Your comment is added."]


def test_a_reply_joins_its_thread_in_place(client, cast, review, goal):
    first = CommentFactory(
        review=review, author=member(cast, "board"), element_kind="goal", element_id=str(goal.pk)
    )
    client.force_login(cast.core_team)
    partial = body_of(add(client, cast, {"parent": first.pk, "body": "Agreed."}, htmx=True))
    assert "Your reply is added." in partial and "Agreed." in partial
    reply = Comment.objects.get(body="Agreed.")
    assert reply.parent == first and reply.element_id == str(goal.pk)


def test_an_htmx_comment_with_errors_comes_back_in_place_with_its_words(client, cast, review, goal):
    client.force_login(cast.plan_team)
    long = "word " * 401
    response = add(client, cast, {"element": key(goal), "body": long}, htmx=True)
    partial = body_of(response)
    assert response["HX-Retarget"] == f"#comments-goal-{goal.pk}"
    assert "Keep it to 2000 characters" in partial
    assert long.strip() in partial and 'aria-invalid="true"' in partial
    assert '<details class="thread__form" open>' in partial
    response = add(client, cast, {"element": key(goal), "body": "  "}, htmx=True)
    assert "Write your comment before sending it." in body_of(response)
    assert not Comment.objects.exists()


def test_a_comment_of_only_invisible_characters_is_refused_and_odd_characters_dropped(
    client, cast, review, goal
):
    client.force_login(cast.plan_team)
    response = add(client, cast, {"element": key(goal), "body": "\u200b \u200b\ufeff"}, htmx=True)
    assert "Write your comment before sending it." in body_of(response)
    assert not Comment.objects.exists()
    typed = "\u202eToo fast\x1b[31m for\x07 us.\r\nGive families a year."
    add(client, cast, {"element": key(goal), "body": typed}, htmx=True)
    assert Comment.objects.get().body == "Too fast[31m for us.\nGive families a year."


def test_a_reply_with_errors_opens_its_own_reply_form(client, cast, review):
    first = CommentFactory(review=review, author=member(cast, "board"))
    client.force_login(cast.plan_team)
    partial = body_of(add(client, cast, {"parent": first.pk, "body": ""}, htmx=True))
    assert '<details class="thread__form thread__form--reply" open>' in partial
    assert '<details class="thread__form" open>' not in partial
    assert f'id="reply-{first.pk}"' in partial


def test_a_plain_comment_with_errors_shows_the_page_again_with_its_words(
    client, cast, review, goal
):
    client.force_login(cast.plan_team)
    response = add(client, cast, {"element": key(goal), "body": "x" * 2001})
    page = body_of(response, 400)
    assert "<html" in page and "Keep it to 2000 characters (this has 2001)." in page
    assert "x" * 2001 in page


def test_a_comment_on_a_part_not_in_the_draft_is_refused(client, cast, review, plan):
    later = GoalFactory(plan=plan, title="Added after the draft")
    client.force_login(cast.plan_team)
    page = body_of(add(client, cast, {"element": f"goal:{later.pk}", "body": "Hm"}), 400)
    assert "That part of the draft does not exist." in page
    assert not Comment.objects.exists()


# --- changing and withdrawing -------------------------------------------------------------------


@pytest.fixture
def mine(cast, review):
    return reviews.comment_add(review=review, membership=member(cast, "plan_team"), body="First")


def test_the_author_changes_a_comment(client, cast, mine):
    client.force_login(cast.plan_team)
    page = body_of(client.get(url("comment-edit", cast, 1, mine.pk)))
    assert "First</textarea>" in page
    response = client.post(url("comment-edit", cast, 1, mine.pk), {"body": "Second thoughts"})
    assert response.url == f"{url('review', cast, 1)}#comment-{mine.pk}"
    mine.refresh_from_db()
    assert mine.body == "Second thoughts" and mine.edited_at is not None
    assert "edited" in body_of(client.get(url("review", cast, 1)))


def test_a_change_with_errors_comes_back_with_the_words(client, cast, mine):
    client.force_login(cast.plan_team)
    page = body_of(client.post(url("comment-edit", cast, 1, mine.pk), {"body": " "}), 400)
    assert "Write your comment before sending it." in page
    mine.refresh_from_db()
    assert mine.body == "First"


@pytest.mark.parametrize("role", ("facilitator", "core_team", "board"))
def test_nobody_else_changes_or_withdraws_it(client, cast, mine, role):
    client.force_login(cast.member(role))
    assert client.get(url("comment-edit", cast, 1, mine.pk)).status_code == 403
    assert client.post(url("comment-edit", cast, 1, mine.pk), {"body": "X"}).status_code == 403
    assert client.get(url("comment-withdraw", cast, 1, mine.pk)).status_code == 403
    assert client.post(url("comment-withdraw", cast, 1, mine.pk)).status_code == 403
    mine.refresh_from_db()
    assert mine.body == "First" and not mine.is_withdrawn


def test_after_fifteen_minutes_a_change_is_refused_with_a_message(client, cast, mine):
    Comment.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    client.force_login(cast.plan_team)
    for response in (
        client.get(url("comment-edit", cast, 1, mine.pk)),
        client.post(url("comment-edit", cast, 1, mine.pk), {"body": "Late"}),
    ):
        assert response.status_code == 302
        assert news(response)[-1] == (
            "Comments can be changed for 15 minutes after they are written. "
            "Add a reply to say more."
        )
    mine.refresh_from_db()
    assert mine.body == "First"


def test_withdrawing_asks_first_and_keeps_the_comment(client, cast, mine):
    client.force_login(cast.plan_team)
    confirm = body_of(client.get(url("comment-withdraw", cast, 1, mine.pk)))
    assert "Withdraw your comment?" in confirm
    response = client.post(url("comment-withdraw", cast, 1, mine.pk))
    assert response.url == f"{url('review', cast, 1)}#comment-{mine.pk}"
    assert news(response) == ["Your comment is withdrawn."]
    mine.refresh_from_db()
    assert mine.is_withdrawn and Comment.objects.filter(pk=mine.pk).exists()
    again = client.post(url("comment-withdraw", cast, 1, mine.pk))
    assert news(again)[-1] == "You have already withdrawn this comment."


def test_an_answered_comment_cannot_be_withdrawn(client, cast, mine):
    reviews.comment_triage(comment=mine, by=cast.core_team, state="accepted", resolution="Done.")
    client.force_login(cast.plan_team)
    response = client.post(url("comment-withdraw", cast, 1, mine.pk))
    assert news(response)[0].startswith("The team has already answered this comment")
    mine.refresh_from_db()
    assert not mine.is_withdrawn
