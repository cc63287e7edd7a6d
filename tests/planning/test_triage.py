"""Triage of a draft's comments and feedback: the rules of a decision (accepted and declined need
words, a duplicate points at an original of the same review, replies and withdrawn comments are
not decided, reopening clears the answer); the inbox and the decision page for the facilitator
and the core team only; filters, counts per part, escaping, a constant number of queries, and a
`next` address that never leaves the site."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from engagements.models import Membership
from planning import services
from planning.services.review import comment_triage
from tests.factories import (
    CommentFactory,
    FeedbackFactory,
    GoalFactory,
    PlanVersionFactory,
    ReviewFactory,
    StrategyFactory,
    ValueFactory,
)

pytestmark = pytest.mark.django_db
TRIAGERS = ("facilitator", "core_team")
OTHERS = ("plan_team", "board", "superintendent")
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def member(cast, role):
    return Membership.objects.get(user=cast.member(role), engagement=cast.engagement)


@pytest.fixture
def plan(cast):
    return services.plan_for(cast.engagement)


@pytest.fixture
def goal(plan):
    return GoalFactory(plan=plan, title="Every reader by grade 3")


@pytest.fixture
def review(plan, goal):
    """Draft 1 of the cast's plan (with its goal), under review."""
    return ReviewFactory(version=PlanVersionFactory(plan=plan, number=1, label="For the community"))


def on_goal(goal) -> dict:
    return {"element_kind": "goal", "element_id": str(goal.pk), "element_label": goal.title}


def inbox_url(cast, number=1, query=""):
    url = reverse("planning:inbox", args=[cast.engagement.pk, number])
    return f"{url}?{query}" if query else url


def triage_url(cast, comment, number=1, query=""):
    url = reverse("planning:triage", args=[cast.engagement.pk, number, comment.pk])
    return f"{url}?{query}" if query else url


def body_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def item_ids(body: str) -> list[str]:
    return re.findall(r'<li class="triage-item[^"]*" id="comment-([0-9a-f-]+)"', body)


# --- the rules of a decision (services) -----------------------------------------------------------


def test_accepting_needs_words_on_what_changed_and_keeps_the_linked_part(cast, review, goal):
    comment = CommentFactory(review=review, author=member(cast, "board"))
    with pytest.raises(ValidationError) as refusal:
        comment_triage(comment=comment, by=cast.core_team, state="accepted", resolution="  ")
    assert "resolution" in refusal.value.error_dict
    comment_triage(
        comment=comment,
        by=cast.core_team,
        state="accepted",
        resolution="Added the state reading test.",
        change=("goal", str(goal.pk), goal.title),
    )
    comment.refresh_from_db()
    assert (comment.state, comment.resolution) == ("accepted", "Added the state reading test.")
    assert (comment.change_kind, comment.change_id, comment.change_label) == (
        "goal",
        str(goal.pk),
        "Every reader by grade 3",
    )
    assert comment.triaged_by == cast.core_team and comment.triaged_at is not None


def test_declining_needs_a_reply(cast, review):
    comment = FeedbackFactory(review=review)
    with pytest.raises(ValidationError) as refusal:
        comment_triage(comment=comment, by=cast.core_team, state="declined")
    assert "resolution" in refusal.value.error_dict
    comment_triage(comment=comment, by=cast.core_team, state="declined", resolution="Out of scope.")
    comment.refresh_from_db()
    assert comment.state == "declined" and comment.resolution == "Out of scope."


def test_a_duplicate_needs_another_comment_of_the_same_review(cast, review, plan):
    comment = FeedbackFactory(review=review)
    with pytest.raises(ValidationError) as refusal:
        comment_triage(comment=comment, by=cast.core_team, state="duplicate")
    assert "duplicate_of" in refusal.value.error_dict
    with pytest.raises(ValidationError):
        comment_triage(comment=comment, by=cast.core_team, state="duplicate", duplicate_of=comment)
    elsewhere = FeedbackFactory(review=ReviewFactory(version=PlanVersionFactory(plan=plan)))
    with pytest.raises(ValidationError):
        comment_triage(
            comment=comment, by=cast.core_team, state="duplicate", duplicate_of=elsewhere
        )
    comment.refresh_from_db()
    assert comment.state == "open" and comment.duplicate_of is None


def test_a_duplicate_of_a_duplicate_points_at_the_original(cast, review):
    original, second, third = (FeedbackFactory(review=review) for _ in range(3))
    comment_triage(comment=second, by=cast.core_team, state="duplicate", duplicate_of=original)
    comment_triage(comment=third, by=cast.core_team, state="duplicate", duplicate_of=second)
    third.refresh_from_db()
    assert third.duplicate_of == original


def test_comments_that_repeat_one_marked_duplicate_follow_it_to_the_original(cast, review):
    original, repeated, repeat = (FeedbackFactory(review=review) for _ in range(3))
    comment_triage(comment=repeat, by=cast.core_team, state="duplicate", duplicate_of=repeated)
    comment_triage(comment=repeated, by=cast.core_team, state="duplicate", duplicate_of=original)
    repeat.refresh_from_db()
    assert repeat.duplicate_of == original


def test_a_reply_cannot_be_the_original_of_a_duplicate(cast, review):
    top = CommentFactory(review=review, author=member(cast, "board"))
    reply = CommentFactory(review=review, author=member(cast, "plan_team"), parent=top)
    comment = FeedbackFactory(review=review)
    with pytest.raises(ValidationError) as refusal:
        comment_triage(comment=comment, by=cast.core_team, state="duplicate", duplicate_of=reply)
    assert "duplicate_of" in refusal.value.error_dict


def test_replies_and_withdrawn_comments_are_not_decided(cast, review):
    top = CommentFactory(review=review, author=member(cast, "board"))
    reply = CommentFactory(review=review, author=member(cast, "plan_team"), parent=top)
    withdrawn = CommentFactory(
        review=review, author=member(cast, "plan_team"), withdrawn_at=timezone.now()
    )
    for comment in (reply, withdrawn):
        with pytest.raises(ValidationError):
            comment_triage(comment=comment, by=cast.core_team, state="declined", resolution="No.")
        comment.refresh_from_db()
        assert comment.state == "open" and comment.resolution == ""


def test_reopening_clears_the_earlier_answer(cast, review, goal):
    original = FeedbackFactory(review=review)
    comment = FeedbackFactory(review=review)
    comment_triage(
        comment=comment,
        by=cast.core_team,
        state="accepted",
        resolution="Reworded.",
        change=("goal", str(goal.pk), goal.title),
    )
    comment_triage(comment=comment, by=cast.core_team, state="open")
    comment.refresh_from_db()
    assert (comment.state, comment.resolution, comment.change_kind, comment.change_id) == (
        "open",
        "",
        "",
        "",
    )
    assert comment.triaged_by is None and comment.triaged_at is None
    comment_triage(comment=comment, by=cast.core_team, state="duplicate", duplicate_of=original)
    comment_triage(comment=comment, by=cast.core_team, state="open")
    comment.refresh_from_db()
    assert comment.duplicate_of is None


# --- who may see and decide -----------------------------------------------------------------------


@pytest.mark.parametrize("role", TRIAGERS)
def test_the_facilitator_and_the_core_team_see_the_inbox_and_decide(client, cast, review, role):
    comment = FeedbackFactory(review=review, body="Please add arts.")
    client.force_login(cast.member(role))
    assert "Please add arts." in body_of(client.get(inbox_url(cast)))
    assert "Please add arts." in body_of(client.get(triage_url(cast, comment)))
    response = client.post(
        triage_url(cast, comment), {"state": "declined", "resolution": "Arts are in goal 2."}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == "declined" and comment.triaged_by == cast.member(role)


@pytest.mark.parametrize("role", OTHERS)
def test_other_members_may_not_triage(client, cast, review, role):
    comment = FeedbackFactory(review=review)
    client.force_login(cast.member(role))
    assert client.get(inbox_url(cast)).status_code == 403
    assert client.get(triage_url(cast, comment)).status_code == 403
    post = client.post(triage_url(cast, comment), {"state": "declined", "resolution": "No."})
    assert post.status_code == 403
    comment.refresh_from_db()
    assert comment.state == "open"


def test_outsiders_get_a_404_and_visitors_are_sent_to_sign_in(client, cast, review):
    comment = FeedbackFactory(review=review)
    addresses = [inbox_url(cast), triage_url(cast, comment)]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))
    client.force_login(cast.outsider)
    assert [client.get(address).status_code for address in addresses] == [404, 404]
    post = client.post(triage_url(cast, comment), {"state": "declined", "resolution": "No."})
    assert post.status_code == 404
    comment.refresh_from_db()
    assert comment.state == "open"


def test_a_comment_of_another_engagement_is_a_404_even_under_the_same_draft_number(
    client, cast, review
):
    foreign_plan = services.plan_for(cast.foreign_engagement)
    foreign = FeedbackFactory(
        review=ReviewFactory(version=PlanVersionFactory(plan=foreign_plan, number=1)),
        body="Lakeview secret",
    )
    client.force_login(cast.facilitator)
    assert client.get(triage_url(cast, foreign)).status_code == 404
    post = client.post(triage_url(cast, foreign), {"state": "declined", "resolution": "No."})
    assert post.status_code == 404
    assert "Lakeview secret" not in body_of(client.get(inbox_url(cast)))


def test_a_comment_of_another_draft_of_the_same_plan_is_a_404(client, cast, review, plan):
    later = FeedbackFactory(review=ReviewFactory(version=PlanVersionFactory(plan=plan, number=2)))
    client.force_login(cast.facilitator)
    assert client.get(triage_url(cast, later, number=1)).status_code == 404
    assert client.get(triage_url(cast, later, number=2)).status_code == 200


def test_a_reply_has_no_decision_page(client, cast, review):
    top = CommentFactory(review=review, author=member(cast, "board"))
    reply = CommentFactory(review=review, author=member(cast, "plan_team"), parent=top)
    client.force_login(cast.facilitator)
    assert client.get(triage_url(cast, reply)).status_code == 404


def test_a_draft_that_was_never_reviewed_has_no_inbox(client, cast, plan):
    PlanVersionFactory(plan=plan, number=1)
    client.force_login(cast.facilitator)
    assert client.get(inbox_url(cast)).status_code == 404
    assert client.get(inbox_url(cast, number=7)).status_code == 404


# --- the inbox ------------------------------------------------------------------------------------


def test_an_empty_inbox_says_where_comments_come_from(client, cast, review):
    client.force_login(cast.facilitator)
    body = body_of(client.get(inbox_url(cast)))
    assert "No comments or feedback yet" in body
    assert reverse("planning:review", args=[cast.engagement.pk, 1]) in body


def test_each_item_says_who_from_where_on_what_and_its_state(client, cast, review, goal):
    board = member(cast, "board")
    comment = CommentFactory(
        review=review, author=board, body="Measure it yearly.", **on_goal(goal)
    )
    CommentFactory(review=review, author=member(cast, "plan_team"), parent=comment, body="Agreed")
    FeedbackFactory(review=review, name="", email="pat@example.org", category="Students")
    FeedbackFactory(
        review=review,
        name="Ana",
        state="declined",
        resolution="We keep the wording.",
        triaged_by=cast.core_team,
        triaged_at=timezone.now(),
    )
    client.force_login(cast.facilitator)
    body = body_of(client.get(inbox_url(cast)))
    assert "Board member Person" in body and "Team member" in body
    assert "Goal: Every reader by grade 3" in body
    assert "1 reply in its thread" in body
    assert "A visitor" in body and "pat@example.org" in body and "Students" in body
    assert "Declined" in body and "We keep the wording." in body and "Core team Person" in body
    assert len(item_ids(body)) == 3  # replies are part of their thread, not items


def test_a_withdrawn_comment_is_marked_with_its_words_hidden_and_nothing_to_decide(
    client, cast, review
):
    CommentFactory(
        review=review,
        author=member(cast, "board"),
        body="I take it back",
        withdrawn_at=timezone.now(),
    )
    client.force_login(cast.facilitator)
    body = body_of(client.get(inbox_url(cast)))
    assert "Withdrawn by its writer" in body
    assert "I take it back" not in body
    assert ">Decide<" not in body


def test_a_withdrawn_comment_cannot_be_decided_through_its_page(client, cast, review):
    comment = CommentFactory(
        review=review, author=member(cast, "board"), withdrawn_at=timezone.now()
    )
    client.force_login(cast.facilitator)
    page = body_of(client.get(triage_url(cast, comment)))
    assert "nothing to decide" in page and "Save the decision" not in page
    response = client.post(triage_url(cast, comment), {"state": "declined", "resolution": "No."})
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.state == "open"


def test_the_counts_per_part_put_the_most_open_first_and_count_every_state(
    client, cast, review, goal
):
    board = member(cast, "board")
    CommentFactory(review=review, author=board, state="accepted", resolution="Done.")
    CommentFactory(review=review, author=board, withdrawn_at=timezone.now())
    for _ in range(2):
        FeedbackFactory(review=review, **on_goal(goal))
    FeedbackFactory(review=review, state="declined", resolution="No.", **on_goal(goal))
    client.force_login(cast.facilitator)
    body = body_of(client.get(inbox_url(cast)))
    table = re.search(r'<div class="table-wrap triage-counts".*?</table>', body, re.S).group(0)
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", table, re.S)
    cells = [re.findall(r'<td class="num">(?:<strong>)?(\d+)', row) for row in rows]
    assert "Goal: Every reader by grade 3" in rows[0] and "The whole draft" in rows[1]
    # open, accepted, declined, duplicate, withdrawn, total
    assert cells == [["2", "0", "1", "0", "0", "3"], ["0", "1", "0", "0", "1", "2"]]
    part_link = "?part=goal%3A" + str(goal.pk)
    assert part_link in rows[0]


def test_the_filters_narrow_the_list_by_part_group_state_and_source(client, cast, review, goal):
    board = member(cast, "board")
    on_plan = CommentFactory(review=review, author=board, category="Board")
    on_the_goal = FeedbackFactory(review=review, category="Parents", **on_goal(goal))
    declined = FeedbackFactory(review=review, category="Students", state="declined")
    withdrawn = CommentFactory(review=review, author=board, withdrawn_at=timezone.now())
    client.force_login(cast.core_team)

    def shown(query):
        return set(item_ids(body_of(client.get(inbox_url(cast, query=query)))))

    assert shown("") == {str(c.pk) for c in (on_plan, on_the_goal, declined, withdrawn)}
    assert shown(f"part=goal:{goal.pk}") == {str(on_the_goal.pk)}
    assert shown("part=plan") == {str(on_plan.pk), str(declined.pk), str(withdrawn.pk)}
    assert shown("category=Parents") == {str(on_the_goal.pk)}
    assert shown("state=declined") == {str(declined.pk)}
    assert shown("state=withdrawn") == {str(withdrawn.pk)}
    assert shown("state=open") == {str(on_plan.pk), str(on_the_goal.pk)}
    assert shown("source=team") == {str(on_plan.pk), str(withdrawn.pk)}
    assert shown("source=public&state=open") == {str(on_the_goal.pk)}


def test_a_filter_matching_nothing_says_so_and_a_bad_one_is_named(client, cast, review):
    FeedbackFactory(review=review, category="Parents")
    client.force_login(cast.core_team)
    body = body_of(client.get(inbox_url(cast, query="state=duplicate")))
    assert "Nothing matches these filters" in body and not item_ids(body)
    body = body_of(client.get(inbox_url(cast, query="state=bogus")))
    assert "Select a valid choice" in body
    assert len(item_ids(body)) == 1  # the bad filter is left out, not applied


def test_the_filter_form_works_without_javascript(client, cast, review):
    FeedbackFactory(review=review, category="Parents")
    client.force_login(cast.core_team)
    body = body_of(client.get(inbox_url(cast)))
    form = re.search(r'<form method="get"[^>]*>', body).group(0)
    assert f'action="{inbox_url(cast)}"' in form
    for name in ("part", "category", "state", "source"):
        assert f'name="{name}"' in body
    assert '<option value="Parents">Parents</option>' in body
    assert '<option value="withdrawn">Withdrawn</option>' in body


def test_user_text_is_escaped_in_the_inbox_and_on_the_decision_page(client, cast, plan):
    goal = GoalFactory(plan=plan, title=SCRIPT)
    review = ReviewFactory(version=PlanVersionFactory(plan=plan, number=1))
    feedback = FeedbackFactory(
        review=review,
        name=SCRIPT,
        category=SCRIPT,
        body=SCRIPT,
        state="declined",
        resolution=SCRIPT,
        **on_goal(goal),
    )
    client.force_login(cast.facilitator)
    for address in (inbox_url(cast), triage_url(cast, feedback)):
        body = body_of(client.get(address))
        assert SCRIPT not in body, address
        assert ESCAPED in body, address


def test_the_inbox_costs_the_same_queries_for_thirty_items_as_for_three(
    client, cast, review, goal, django_assert_max_num_queries
):
    board = member(cast, "board")

    def grow(count):
        for n in range(count):
            comment = CommentFactory(review=review, author=board, **on_goal(goal))
            CommentFactory(review=review, author=board, parent=comment)
            FeedbackFactory(review=review, category=f"Group {n}")
            comment_triage(comment=comment, by=cast.core_team, state="declined", resolution="No")

    grow(1)
    client.force_login(cast.facilitator)
    with django_assert_max_num_queries(10) as small:
        assert len(item_ids(body_of(client.get(inbox_url(cast))))) == 2
    grow(14)
    with django_assert_max_num_queries(10) as large:
        assert len(item_ids(body_of(client.get(inbox_url(cast))))) == 30
    assert len(large.captured_queries) == len(small.captured_queries)


# --- deciding -------------------------------------------------------------------------------------


def test_the_decision_page_lists_the_working_copy_and_the_other_comments(
    client, cast, review, plan, goal
):
    StrategyFactory(goal=goal, title="Reading tutors")
    ValueFactory(plan=plan, title="Equity")
    comment = FeedbackFactory(review=review)
    other = FeedbackFactory(review=review, body="Same point about arts")
    reply = CommentFactory(
        review=review,
        author=member(cast, "plan_team"),
        parent=CommentFactory(review=review, author=member(cast, "board")),
        body="A reply, never an original",
    )
    client.force_login(cast.facilitator)
    body = body_of(client.get(triage_url(cast, comment)))
    assert f'value="goal:{goal.pk}"' in body and "Strategy: Reading tutors" in body
    assert "Value: Equity" in body
    assert f'value="{other.pk}"' in body and "Same point about arts" in body
    assert f'value="{comment.pk}"' not in body and f'value="{reply.pk}"' not in body


def test_accepting_without_words_comes_back_with_the_error_and_the_input_kept(
    client, cast, review, goal
):
    comment = FeedbackFactory(review=review)
    client.force_login(cast.facilitator)
    response = client.post(
        triage_url(cast, comment), {"state": "accepted", "change": f"goal:{goal.pk}"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say what was changed in the plan." in body
    assert re.search(r'value="accepted"[^>]*checked', body)
    assert re.search(rf'<option value="goal:{goal.pk}" selected>', body)
    comment.refresh_from_db()
    assert comment.state == "open"


def test_a_duplicate_without_its_original_is_refused_next_to_the_field(client, cast, review):
    comment = FeedbackFactory(review=review)
    client.force_login(cast.facilitator)
    response = client.post(triage_url(cast, comment), {"state": "duplicate"})
    assert response.status_code == 400
    assert "Choose the comment this one repeats." in response.content.decode()


def test_accepting_links_the_part_changed_and_the_inbox_shows_it(client, cast, review, goal):
    comment = FeedbackFactory(review=review)
    client.force_login(cast.facilitator)
    response = client.post(
        triage_url(cast, comment),
        {"state": "accepted", "resolution": "Added a reading target.", "change": f"goal:{goal.pk}"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.change_kind, comment.change_id, comment.change_label) == (
        "goal",
        str(goal.pk),
        goal.title,
    )
    body = body_of(client.get(inbox_url(cast)))
    plan_url = reverse("planning:plan", args=[cast.engagement.pk])
    assert f'href="{plan_url}#goal-{goal.pk}"' in body and "Added a reading target." in body


def test_a_link_to_a_part_since_deleted_is_kept_when_saving_again(client, cast, review, goal):
    comment = FeedbackFactory(review=review)
    comment_triage(
        comment=comment,
        by=cast.core_team,
        state="accepted",
        resolution="Merged it.",
        change=("goal", str(goal.pk), goal.title),
    )
    gone = goal.pk
    goal.delete()
    client.force_login(cast.facilitator)
    page = body_of(client.get(triage_url(cast, comment)))
    assert "Every reader by grade 3 (no longer in the working copy)" in page
    response = client.post(
        triage_url(cast, comment),
        {"state": "accepted", "resolution": "Merged it into goal 2.", "change": f"goal:{gone}"},
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.change_label == "Every reader by grade 3"


def test_a_part_of_another_plan_or_an_unknown_choice_is_refused(client, cast, review):
    foreign_goal = GoalFactory(plan=services.plan_for(cast.foreign_engagement))
    comment = FeedbackFactory(review=review)
    client.force_login(cast.facilitator)
    response = client.post(
        triage_url(cast, comment),
        {"state": "accepted", "resolution": "Done.", "change": f"goal:{foreign_goal.pk}"},
    )
    assert response.status_code == 400
    elsewhere = FeedbackFactory()
    response = client.post(
        triage_url(cast, comment), {"state": "duplicate", "duplicate_of": str(elsewhere.pk)}
    )
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.state == "open"


def test_marking_a_duplicate_through_the_page(client, cast, review):
    original = FeedbackFactory(review=review, body="Add arts.")
    comment = FeedbackFactory(review=review)
    client.force_login(cast.facilitator)
    response = client.post(
        triage_url(cast, comment), {"state": "duplicate", "duplicate_of": str(original.pk)}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == "duplicate" and comment.duplicate_of == original
    body = body_of(client.get(inbox_url(cast)))
    assert f'href="#comment-{original.pk}"' in body


def test_after_deciding_it_goes_back_to_the_inbox_with_its_filters(client, cast, review):
    comment = FeedbackFactory(review=review)
    client.force_login(cast.facilitator)
    back = inbox_url(cast, query="state=open&category=Parents")
    page = body_of(client.get(triage_url(cast, comment, query=f"next={back.replace('&', '%26')}")))
    assert 'name="next" value="' + back.replace("&", "&amp;") + '"' in page
    response = client.post(
        triage_url(cast, comment), {"state": "declined", "resolution": "No.", "next": back}
    )
    assert response.status_code == 302
    assert response.url == f"{back}#comment-{comment.pk}"


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example/phish", "//evil.example/", "javascript:alert(1)"]
)
def test_a_next_address_off_the_site_is_ignored(client, cast, review, unsafe):
    comment = FeedbackFactory(review=review)
    client.force_login(cast.facilitator)
    page = body_of(client.get(triage_url(cast, comment), {"next": unsafe}))
    assert "evil.example" not in page and "javascript:" not in page
    response = client.post(
        triage_url(cast, comment), {"state": "declined", "resolution": "No.", "next": unsafe}
    )
    assert response.status_code == 302
    assert response.url == f"{inbox_url(cast)}#comment-{comment.pk}"


def test_each_item_links_to_its_decision_with_the_inbox_address_to_come_back_to(
    client, cast, review
):
    comment = FeedbackFactory(review=review)
    client.force_login(cast.facilitator)
    body = body_of(client.get(inbox_url(cast, query="state=open")))
    expected = triage_url(cast, comment) + "?next=" + inbox_url(cast).replace("/", "%2F")
    assert expected + "%3Fstate%3Dopen" in body


# --- deciding in place (htmx) ---------------------------------------------------------------------


def test_htmx_opens_the_form_in_place(client, cast, review):
    comment = FeedbackFactory(review=review)
    client.force_login(cast.facilitator)
    response = client.get(triage_url(cast, comment), headers={"HX-Request": "true"})
    body = body_of(response)
    assert "<html" not in body and "<form" in body
    assert f'hx-post="{triage_url(cast, comment)}"' in body
    assert response["HX-Retarget"] == f"#decide-{comment.pk}"
    assert "HX-Request" in response["Vary"]


def test_htmx_decision_answers_with_the_item_and_fresh_counts(client, cast, review):
    comment = FeedbackFactory(review=review)
    client.force_login(cast.facilitator)
    response = client.post(
        triage_url(cast, comment),
        {"state": "declined", "resolution": "We keep it.", "next": inbox_url(cast)},
        headers={"HX-Request": "true"},
    )
    body = body_of(response)
    assert "<html" not in body
    assert item_ids(body) == [str(comment.pk)] and "We keep it." in body
    assert 'id="triage-counts" hx-swap-oob="true"' in body
    assert "Marked declined" in body


def test_htmx_decision_with_an_error_comes_back_in_the_form_place(client, cast, review):
    comment = FeedbackFactory(review=review)
    client.force_login(cast.facilitator)
    response = client.post(
        triage_url(cast, comment), {"state": "declined"}, headers={"HX-Request": "true"}
    )
    body = body_of(response)  # 200, so htmx swaps it in
    assert "Write a short reply" in body and "<form" in body
    assert response["HX-Retarget"] == f"#decide-{comment.pk}"
