"""Review and approval pages: who may open and use each one (every role, outsiders, the clerk),
each step through its page from its state and the clear message when it does not apply, user
text escaped, and queries that do not grow with the plan's past."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from engagements.models import Engagement, Membership
from planning import services
from planning.models import Approval, ApprovalRule, BoardVote, PlanEvent
from planning.services import approval as approvals
from tests.factories import (
    MembershipFactory,
    PlanVersionFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
ROLES = ("facilitator", "core_team", "plan_team", "board", "superintendent")
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
VIEWS = ("approval", "approval-settings", "freeze", "recommend", "vote", "decision", "history")


@pytest.fixture
def plan(cast):
    return services.plan_for(cast.engagement)


@pytest.fixture
def version(plan, cast):
    return services.version_save(plan=plan, label="Final for the board", author=cast.facilitator)


def url(name, cast):
    return reverse(f"planning:{name}", args=[cast.engagement.pk])


def member(cast, role):
    return Membership.objects.get(user=cast.member(role), engagement=cast.engagement)


def page(response, status=200) -> str:
    assert response.status_code == status, response.status_code
    return response.content.decode()


def followed(response) -> str:
    """The approval page a refused or finished step was sent back to, with its message."""
    assert response.redirect_chain[-1][0] == reverse(
        "planning:approval", args=[response.wsgi_request.resolver_match.kwargs["engagement_id"]]
    )
    return page(response)


def frozen(plan, version, cast, **extra):
    return approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator, **extra)


def recommended(plan, version, cast):
    approval = frozen(plan, version, cast)
    return approvals.plan_recommend(approval=approval, by=cast.superintendent, note="Ready.")


def recorded_rule(plan, cast, clerk_role="board"):
    approvals.approval_settings_update(
        plan=plan, rule=ApprovalRule.RECORDED, clerk=member(cast, clerk_role), by=cast.facilitator
    )


# --- who may open each page ---------------------------------------------------------------------


ALLOWED = {
    "approval": set(ROLES),
    "history": set(ROLES),
    "approval-settings": {"facilitator"},
    "freeze": {"facilitator"},
    "recommend": {"superintendent"},
    "vote": {"board"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ALLOWED))
def test_each_page_is_open_to_its_roles_only(client, cast, plan, version, name, role):
    approval = frozen(plan, version, cast)
    if name == "vote":
        approvals.plan_recommend(approval=approval, by=cast.superintendent, note="Ready.")
    client.force_login(cast.member(role))
    response = client.get(url(name, cast))
    assert response.status_code == (200 if role in ALLOWED[name] else 403)
    if name not in ("approval", "history"):
        assert client.post(url(name, cast), {}).status_code in (
            (400, 302) if role in ALLOWED[name] else (403,)
        )


@pytest.mark.parametrize("role", ROLES)
def test_only_the_board_clerk_records_the_decision(client, cast, plan, version, role):
    recorded_rule(plan, cast, clerk_role="plan_team")
    recommended(plan, version, cast)
    client.force_login(cast.member(role))
    expected = 200 if role == "plan_team" else 403
    assert client.get(url("decision", cast)).status_code == expected
    today = timezone.localdate().isoformat()
    data = {"approved": "yes", "meeting_date": today, "minutes_reference": "Item 4"}
    assert client.post(url("decision", cast), data).status_code == (302 if expected == 200 else 403)
    approval = Approval.objects.get()
    assert approval.state == ("approved" if role == "plan_team" else "recommended")


def test_nobody_records_a_decision_when_no_clerk_is_chosen(client, cast, plan, version):
    for role in ROLES:
        client.force_login(cast.member(role))
        assert client.get(url("decision", cast)).status_code == 403


@pytest.mark.parametrize("name", VIEWS)
def test_outsiders_get_a_404_and_visitors_sign_in(client, cast, plan, version, name):
    response = client.get(url(name, cast))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:sign-in"))
    client.force_login(cast.outsider)
    assert client.get(url(name, cast)).status_code == 404
    assert client.post(url(name, cast), {}).status_code in (404, 405)
    assert not Approval.objects.exists()


@pytest.mark.parametrize("name", ("approval", "history"))
def test_the_overview_and_history_are_only_read(client, cast, plan, name):
    client.force_login(cast.facilitator)
    assert client.post(url(name, cast)).status_code == 405


# --- the approval page --------------------------------------------------------------------------


def test_the_approval_page_says_nothing_is_in_approval_yet(client, cast, plan, version):
    client.force_login(cast.facilitator)
    body = page(client.get(url("approval", cast)))
    assert "No draft is approved yet." in body and "No draft is in approval now." in body
    assert "Freeze a final draft" in body and "Approval settings" in body
    client.force_login(cast.plan_team)
    body = page(client.get(url("approval", cast)))
    assert "The facilitator freezes the final draft when the team is ready." in body
    assert "Freeze a final draft" not in body and "Approval settings" not in body


def test_the_approval_page_names_the_superintendent_and_offers_the_step(
    client, cast, plan, version
):
    frozen(plan, version, cast)
    client.force_login(cast.superintendent)
    body = page(client.get(url("approval", cast)))
    assert "Final draft: with the superintendent" in body
    assert "the superintendent (Superintendent Person) reads it" in body
    assert "Recommend or send back" in body
    client.force_login(cast.board)
    assert "Recommend or send back" not in page(client.get(url("approval", cast)))


def test_the_approval_page_shows_the_tally_and_my_vote(client, cast, plan, version):
    for _ in range(4):
        MembershipFactory(engagement=cast.engagement, roles=["board"])
    approval = recommended(plan, version, cast)
    others = Membership.objects.filter(engagement=cast.engagement, roles=["board"]).exclude(
        user=cast.board
    )
    approvals.board_vote(approval=approval, membership=others[0], choice="approve", note="")
    approvals.board_vote(approval=approval, membership=others[1], choice="approve", note="")
    client.force_login(cast.board)
    body = page(client.get(url("approval", cast)))
    assert "Recommended: with the board" in body
    assert "2 of 5 approve; 3 needed." in body
    assert "You have not voted yet." in body
    approvals.board_vote(
        approval=approval, membership=member(cast, "board"), choice="reject", note="Too long."
    )
    body = page(client.get(url("approval", cast)))
    assert "2 of 5 approve; 3 needed (1 to send it back)." in body
    assert "Your vote: <strong>Send back</strong>" in body and "Change your vote" in body


def test_the_approval_page_names_the_clerk_under_the_recorded_rule(client, cast, plan, version):
    recorded_rule(plan, cast)
    recommended(plan, version, cast)
    client.force_login(cast.facilitator)
    body = page(client.get(url("approval", cast)))
    assert "the board clerk, Board member Person, records its decision" in body
    assert "Record the board's decision" not in body
    client.force_login(cast.board)
    assert "Record the board's decision" in page(client.get(url("approval", cast)))


def test_the_approved_plan_shows_how_it_was_decided(client, cast, plan, version):
    recorded_rule(plan, cast)
    approval = recommended(plan, version, cast)
    approvals.board_decision_record(
        approval=approval,
        by=cast.board,
        approved=True,
        meeting_date=timezone.localdate(),
        minutes_reference="Regular meeting, item 9.1",
    )
    client.force_login(cast.plan_team)
    body = page(client.get(url("approval", cast)))
    assert "Draft 1: Final for the board" in body and "Read the approved plan" in body
    assert "minutes: Regular meeting, item 9.1" in body
    assert "No draft is in approval now." in body


def test_the_approved_plan_shows_the_votes(client, cast, plan, version):
    approval = recommended(plan, version, cast)
    approvals.board_vote(
        approval=approval, membership=member(cast, "board"), choice="approve", note=""
    )
    client.force_login(cast.board)
    body = page(client.get(url("approval", cast)))
    assert "by the board's vote: 1 approve." in body


def test_the_approval_page_lists_reviews_and_earlier_rounds(client, cast, plan, version):
    ReviewFactory(version=version)
    approval = frozen(plan, version, cast)
    approvals.plan_send_back(approval=approval, by=cast.superintendent, reasons="Add targets.")
    client.force_login(cast.core_team)
    body = page(client.get(url("approval", cast)))
    assert "Earlier rounds" in body and "Sent back" in body and "Add targets." in body
    assert reverse("planning:review", args=[cast.engagement.pk, 1]) in body
    assert reverse("planning:inbox", args=[cast.engagement.pk, 1]) in body
    assert reverse("planning:buy-in-results", args=[cast.engagement.pk, 1]) in body
    client.force_login(cast.board)
    assert reverse("planning:inbox", args=[cast.engagement.pk, 1]) not in page(
        client.get(url("approval", cast))
    )


def test_the_approval_page_costs_the_same_queries_however_long_the_past(
    client, cast, plan, django_assert_max_num_queries
):
    def round_trip(n):
        version = PlanVersionFactory(plan=plan, number=n)
        ReviewFactory(version=version, closed_at=timezone.now())
        approval = frozen(plan, version, cast)
        approvals.plan_recommend(approval=approval, by=cast.superintendent, note="Yes")
        return approval

    approvals.plan_send_back(
        approval=frozen(plan, PlanVersionFactory(plan=plan, number=1), cast),
        by=cast.superintendent,
        reasons="No",
    )
    client.force_login(cast.board)
    with django_assert_max_num_queries(12) as few:
        page(client.get(url("approval", cast)))
    baseline = len(few.captured_queries)
    for n in range(2, 8):
        approval = round_trip(n)
        approvals.board_vote(
            approval=approval, membership=member(cast, "board"), choice="approve", note=""
        )
    round_trip(8)
    for _ in range(10):
        MembershipFactory(engagement=cast.engagement, roles=["board"])
    with django_assert_max_num_queries(baseline + 1):  # + the votes, once there are any
        body = page(client.get(url("approval", cast)))
    assert "Draft 7" in body and "Draft 8" in body


# --- settings -----------------------------------------------------------------------------------


def test_the_facilitator_chooses_the_recorded_rule_and_a_clerk(client, cast, plan):
    client.force_login(cast.facilitator)
    body = page(client.get(url("approval-settings", cast)))
    assert "Board members vote here" in body and "The board decides at a meeting" in body
    refused = page(client.post(url("approval-settings", cast), {"approval_rule": "recorded"}), 400)
    assert "Choose who records the board&#x27;s decision (the board clerk)." in refused
    clerk = member(cast, "superintendent")
    response = client.post(
        url("approval-settings", cast), {"approval_rule": "recorded", "board_clerk": clerk.pk}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.approval_rule, plan.board_clerk) == ("recorded", clerk)


def test_the_clerk_is_chosen_among_this_engagements_members(client, cast, plan):
    foreign = Membership.objects.get(user=cast.outsider)
    client.force_login(cast.facilitator)
    body = page(
        client.post(
            url("approval-settings", cast), {"approval_rule": "recorded", "board_clerk": foreign.pk}
        ),
        400,
    )
    assert "Select a valid choice" in body
    assert "Olive Outsider" not in body


def test_the_rule_cannot_change_while_the_board_decides(client, cast, plan, version):
    recommended(plan, version, cast)
    client.force_login(cast.facilitator)
    body = page(client.get(url("approval-settings", cast)))
    assert "The board is deciding on draft 1 now" in body
    clerk = member(cast, "board")
    body = page(
        client.post(
            url("approval-settings", cast), {"approval_rule": "recorded", "board_clerk": clerk.pk}
        ),
        400,
    )
    assert "change how it decides after its decision" in body
    plan.refresh_from_db()
    assert plan.approval_rule == "majority"


# --- freezing -----------------------------------------------------------------------------------


def test_the_facilitator_freezes_the_latest_draft_by_default(client, cast, plan, version):
    later = services.version_save(plan=plan, label="Later", author=cast.facilitator)
    ReviewFactory(version=later)
    client.force_login(cast.facilitator)
    body = page(client.get(url("freeze", cast)))
    assert f'<option value="{later.pk}" selected>Draft 2: Later</option>' in body
    assert "Freezing closes the review of draft 2, which is still open" in body
    response = client.post(
        url("freeze", cast), {"version": later.pk, "note": "All set."}, follow=True
    )
    assert "Draft 2 is the final draft." in followed(response)
    approval = Approval.objects.get()
    assert (approval.version, approval.state, approval.frozen_by) == (
        later,
        "final",
        cast.facilitator,
    )
    later.review.refresh_from_db()
    assert later.review.closed_at is not None
    assert PlanEvent.objects.filter(to_state="final draft", note="All set.").exists()


def test_freezing_with_no_saved_draft_says_to_save_one(client, cast, plan):
    client.force_login(cast.facilitator)
    body = page(client.get(url("freeze", cast)))
    assert (
        "No saved draft yet" in body
        and reverse("planning:drafts", args=[cast.engagement.pk]) in body
    )
    assert "No saved draft yet" in page(client.post(url("freeze", cast), {}), 400)


def test_a_second_freeze_is_refused_with_a_clear_message(client, cast, plan, version):
    other = services.version_save(plan=plan, label="Other", author=cast.facilitator)
    frozen(plan, version, cast)
    client.force_login(cast.facilitator)
    assert "Draft 1 is already in approval" in page(client.get(url("freeze", cast)))
    body = page(client.post(url("freeze", cast), {"version": other.pk}), 400)
    assert "Draft 1 is already final draft: it must be approved or sent back" in body
    assert Approval.objects.count() == 1


def test_freezing_the_approved_draft_again_is_refused(client, cast, plan, version):
    approval = recommended(plan, version, cast)
    approvals.board_vote(
        approval=approval, membership=member(cast, "board"), choice="approve", note=""
    )
    client.force_login(cast.facilitator)
    body = page(client.post(url("freeze", cast), {"version": version.pk}), 400)
    assert "Draft 1 is already the approved plan." in body


def test_freezing_under_the_recorded_rule_needs_a_clerk(client, cast, plan, version):
    plan.approval_rule = ApprovalRule.RECORDED
    plan.save()
    client.force_login(cast.facilitator)
    body = page(client.post(url("freeze", cast), {"version": version.pk}), 400)
    assert "no board clerk is chosen to record its decision" in body
    assert not Approval.objects.exists()


def test_a_draft_of_another_engagement_cannot_be_frozen(client, cast, plan, version):
    foreign = PlanVersionFactory(plan=services.plan_for(cast.foreign_engagement))
    client.force_login(cast.facilitator)
    body = page(client.post(url("freeze", cast), {"version": foreign.pk}), 400)
    assert "Select a valid choice" in body
    assert not Approval.objects.exists()


# --- recommending -------------------------------------------------------------------------------


def test_recommending_without_a_final_draft_says_why(client, cast, plan, version):
    client.force_login(cast.superintendent)
    response = client.get(url("recommend", cast), follow=True)
    assert "No final draft is waiting for a recommendation" in followed(response)
    recommended(plan, version, cast)
    response = client.post(url("recommend", cast), {"step": "recommend", "note": "x"}, follow=True)
    assert "Draft 1 is already recommended: it is with the board now." in followed(response)


def test_the_superintendent_recommends_with_a_note(client, cast, plan, version):
    frozen(plan, version, cast)
    client.force_login(cast.superintendent)
    body = page(client.get(url("recommend", cast)))
    assert reverse("planning:draft", args=[cast.engagement.pk, 1]) in body
    refused = page(client.post(url("recommend", cast), {"step": "recommend", "note": " "}), 400)
    assert "Write the recommendation the board will read." in refused
    response = client.post(
        url("recommend", cast), {"step": "recommend", "note": "I recommend it."}, follow=True
    )
    assert "Draft 1 is recommended to the board." in followed(response)
    approval = Approval.objects.get()
    assert (approval.state, approval.recommendation) == ("recommended", "I recommend it.")


def test_the_superintendent_sends_it_back_with_reasons(client, cast, plan, version):
    frozen(plan, version, cast)
    client.force_login(cast.superintendent)
    refused = page(client.post(url("recommend", cast), {"step": "send_back", "reasons": ""}), 400)
    assert "Say why it goes back" in refused
    response = client.post(
        url("recommend", cast), {"step": "send_back", "reasons": "Add a budget."}, follow=True
    )
    assert "Draft 1 is sent back to the team." in followed(response)
    assert Approval.objects.get().state == "sent_back"


def test_a_recommendation_without_a_step_is_a_bad_request(client, cast, plan, version):
    frozen(plan, version, cast)
    client.force_login(cast.superintendent)
    assert client.post(url("recommend", cast), {"note": "Yes"}).status_code == 400
    assert Approval.objects.get().state == "final"


# --- voting -------------------------------------------------------------------------------------


def test_voting_before_the_recommendation_says_why(client, cast, plan, version):
    client.force_login(cast.board)
    response = client.get(url("vote", cast), follow=True)
    assert "No draft is waiting for the board&#x27;s decision." in followed(response)
    frozen(plan, version, cast)
    response = client.post(url("vote", cast), {"choice": "approve"}, follow=True)
    assert "waiting for the superintendent&#x27;s recommendation" in followed(response)
    assert not BoardVote.objects.exists()


def test_voting_under_the_recorded_rule_says_the_clerk_records_it(client, cast, plan, version):
    recorded_rule(plan, cast)
    recommended(plan, version, cast)
    client.force_login(cast.board)
    response = client.post(url("vote", cast), {"choice": "approve"}, follow=True)
    assert "This board decides at a meeting" in followed(response)
    assert not BoardVote.objects.exists()


def test_a_board_member_votes_and_changes_their_vote(client, cast, plan, version):
    for _ in range(2):
        MembershipFactory(engagement=cast.engagement, roles=["board"])
    recommended(plan, version, cast)
    client.force_login(cast.board)
    body = page(client.get(url("vote", cast)))
    assert "0 of 3 approve; 2 needed." in body and "Cast my vote" in body
    refused = page(client.post(url("vote", cast), {"choice": "reject", "note": ""}), 400)
    assert "Say why you would send it back." in refused
    response = client.post(url("vote", cast), {"choice": "reject", "note": "Not yet."}, follow=True)
    assert "Your vote is recorded. You can change it until the board decides." in followed(response)
    body = page(client.get(url("vote", cast)))
    assert "Your vote now: <strong>Send back</strong>" in body and "Change my vote" in body
    assert "Not yet.</textarea>" in body
    client.post(url("vote", cast), {"choice": "approve"})
    assert list(BoardVote.objects.values_list("choice", flat=True)) == ["approve"]
    assert Approval.objects.get().state == "recommended"


def test_the_vote_that_makes_the_majority_approves_the_plan(client, cast, plan, version):
    approval = recommended(plan, version, cast)
    second = MembershipFactory(engagement=cast.engagement, roles=["board"])
    approvals.board_vote(approval=approval, membership=second, choice="approve", note="")
    client.force_login(cast.board)
    response = client.post(url("vote", cast), {"choice": "approve"}, follow=True)
    assert "With it a majority of the board approved draft 1: it is the plan now." in followed(
        response
    )
    assert Approval.objects.get().state == "approved"
    cast.engagement.refresh_from_db()
    assert cast.engagement.status == Engagement.Status.APPROVED


# --- the clerk's decision -----------------------------------------------------------------------


def decide(client, cast, **data):
    return client.post(url("decision", cast), data)


def test_the_clerk_records_an_approval(client, cast, plan, version):
    recorded_rule(plan, cast)
    recommended(plan, version, cast)
    client.force_login(cast.board)
    assert "Record the decision" in page(client.get(url("decision", cast)))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    body = page(decide(client, cast, approved="yes", meeting_date=tomorrow), 400)
    assert "Record a decision once the meeting has taken place." in body
    assert "Give the minutes reference" in body
    assert "Give the meeting&#x27;s date, e.g." in page(
        decide(client, cast, approved="yes", meeting_date="soon"), 400
    )
    today = timezone.localdate()
    response = client.post(
        url("decision", cast),
        {"approved": "yes", "meeting_date": today.isoformat(), "minutes_reference": "Item 9.1"},
        follow=True,
    )
    assert "Recorded: draft 1 is approved: it is the plan now." in followed(response)
    approval = Approval.objects.get()
    assert (approval.state, approval.meeting_date, approval.minutes_reference) == (
        "approved",
        today,
        "Item 9.1",
    )
    assert approval.decided_by == cast.board


def test_the_clerk_records_a_send_back_with_reasons(client, cast, plan, version):
    recorded_rule(plan, cast)
    recommended(plan, version, cast)
    client.force_login(cast.board)
    today = timezone.localdate().isoformat()
    data = {"approved": "no", "meeting_date": today, "minutes_reference": "Item 3"}
    assert "Give the board&#x27;s reasons" in page(decide(client, cast, **data), 400)
    assert decide(client, cast, **data, reasons="Cut it to four goals.").status_code == 302
    approval = Approval.objects.get()
    assert (approval.state, approval.reasons) == ("sent_back", "Cut it to four goals.")


def test_the_clerk_is_told_when_there_is_nothing_to_record(client, cast, plan, version):
    recorded_rule(plan, cast)
    client.force_login(cast.board)
    response = client.get(url("decision", cast), follow=True)
    assert "No draft is waiting for the board&#x27;s decision." in followed(response)
    frozen(plan, version, cast)
    response = client.get(url("decision", cast), follow=True)
    assert "waiting for the superintendent&#x27;s recommendation" in followed(response)


def test_a_clerk_under_the_majority_rule_has_no_decision_to_record(client, cast, plan, version):
    approvals.approval_settings_update(
        plan=plan, rule=ApprovalRule.MAJORITY, clerk=member(cast, "board"), by=cast.facilitator
    )
    recommended(plan, version, cast)
    client.force_login(cast.board)
    response = client.post(url("decision", cast), {"approved": "yes"}, follow=True)
    assert "Each board member votes on draft 1 here" in followed(response)


# --- history, banners and escaping --------------------------------------------------------------


def test_the_history_lists_every_step_newest_first(client, cast, plan, version):
    approval = frozen(plan, version, cast, note="After the community review.")
    approvals.plan_recommend(approval=approval, by=cast.superintendent, note="Line one\nLine two")
    client.force_login(cast.board)
    body = page(client.get(url("history", cast)))
    assert "Newest first." in body
    assert body.index("Recommended draft 1 to the board") < body.index("Froze draft 1")
    assert "Superintendent Person" in body and "Facilitator Person" in body
    assert 'final draft <span aria-hidden="true">→</span>' in body
    assert "<p>Line one<br>Line two</p>" in body
    assert "<time datetime=" in body
    assert reverse("planning:draft", args=[cast.engagement.pk, 1]) in body


def test_an_empty_history_says_when_it_starts(client, cast, plan):
    client.force_login(cast.plan_team)
    assert "The history starts when a saved draft is published" in page(
        client.get(url("history", cast))
    )


def test_the_history_costs_the_same_queries_whatever_its_length(
    client, cast, plan, version, django_assert_max_num_queries
):
    frozen(plan, version, cast)
    client.force_login(cast.facilitator)
    with django_assert_max_num_queries(4) as short:  # session, user, membership, history
        page(client.get(url("history", cast)))
    for n in range(2, 12):
        approval = Approval.objects.get(state__in=Approval.ACTIVE)
        approvals.plan_send_back(approval=approval, by=cast.superintendent, reasons=f"No {n}")
        frozen(plan, PlanVersionFactory(plan=plan, number=n), cast)
    with django_assert_max_num_queries(len(short.captured_queries)):
        body = page(client.get(url("history", cast)))
    assert body.count("Sent draft") == 10 and body.count("Froze draft") == 11


def test_user_text_is_escaped_everywhere(client, cast, plan):
    cast.superintendent.full_name = SCRIPT
    cast.superintendent.save()
    version = services.version_save(plan=plan, label=SCRIPT, author=cast.facilitator)
    recorded_rule(plan, cast)
    approval = frozen(plan, version, cast, note=SCRIPT)
    approvals.plan_recommend(approval=approval, by=cast.superintendent, note=SCRIPT)
    client.force_login(cast.board)
    for name in ("approval", "history", "decision"):
        body = page(client.get(url(name, cast)))
        assert SCRIPT not in body and ESCAPED in body, name
    approvals.board_decision_record(
        approval=approval,
        by=cast.board,
        approved=False,
        meeting_date=timezone.localdate(),
        minutes_reference=SCRIPT,
        reasons=SCRIPT,
    )
    for name in ("approval", "history"):
        body = page(client.get(url(name, cast)))
        assert SCRIPT not in body and ESCAPED in body, name


def test_the_plan_page_shows_the_approved_plan_and_the_draft_in_approval(
    client, cast, plan, version
):
    client.force_login(cast.core_team)
    plan_url = reverse("planning:plan", args=[cast.engagement.pk])
    assert "No draft is approved yet." in page(client.get(plan_url))
    approval = recommended(plan, version, cast)
    body = page(client.get(plan_url))
    assert "Draft 1 is with the board for approval." in body
    assert "Changes to this working copy do not change draft 1" in body
    approvals.board_vote(
        approval=approval, membership=member(cast, "board"), choice="approve", note=""
    )
    second = services.version_save(plan=plan, label="Next", author=cast.facilitator)
    frozen(plan, second, cast)
    body = page(client.get(plan_url))
    today = timezone.localdate()
    assert "The approved plan: draft 1, approved on <time datetime=" in body
    assert f"{today:%b} {today.day}, {today.year}" in body
    assert (
        "Read the approved plan" in body
        and reverse("planning:history", args=[cast.engagement.pk]) in body
    )
    assert "Draft 2 is with the superintendent for approval." in body
    assert "Changes to this working copy do not change the approved plan" in body


def test_a_drafts_page_says_where_it_stands_in_approval(client, cast, plan, version):
    client.force_login(cast.board)
    draft_url = reverse("planning:draft", args=[cast.engagement.pk, 1])
    approval = frozen(plan, version, cast)
    assert "The final draft</strong>, frozen on" in page(client.get(draft_url))
    approvals.plan_recommend(approval=approval, by=cast.superintendent, note="Yes")
    assert "Recommended to the board</strong> by Superintendent Person" in page(
        client.get(draft_url)
    )
    approvals.board_vote(
        approval=approval, membership=member(cast, "board"), choice="approve", note=""
    )
    assert "Approved by the board on" in page(client.get(draft_url))


def test_the_engagement_page_links_to_review_and_approval(client, cast):
    client.force_login(cast.plan_team)
    body = page(client.get(reverse("engagements:detail", args=[cast.engagement.pk])))
    assert f'href="{url("approval", cast)}">Review and approval</a>' in body


def test_a_new_board_member_counts_in_the_tally(client, cast, plan, version):
    recommended(plan, version, cast)
    MembershipFactory(engagement=cast.engagement, roles=["board"], user=UserFactory())
    client.force_login(cast.board)
    assert "0 of 2 approve; 2 needed." in page(client.get(url("vote", cast)))
