"""The approval workflow's services: every step from the state it starts from, and refused from
every other state with its message; the board's majority for boards of 1, 2, 4 and 5; the clerk's
recorded decision; the settings; an approved plan that never changes; the history of each step."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from engagements.models import Engagement, Membership
from planning import services
from planning.models import Approval, ApprovalRule, BoardVote, PlanEvent, PlanVersion
from planning.selectors.approval import approval_status
from planning.services import approval as approvals
from tests.factories import (
    ApprovalFactory,
    GoalFactory,
    MembershipFactory,
    PhaseFactory,
    ReviewFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
STATES = ("final", "recommended", "approved", "sent_back")


@pytest.fixture
def plan(cast):
    return services.plan_for(cast.engagement)


@pytest.fixture
def version(plan, cast):
    GoalFactory(plan=plan, title="Every reader by grade 3")
    return services.version_save(plan=plan, label="Final", author=cast.facilitator)


def member(cast, role):
    return Membership.objects.get(user=cast.member(role), engagement=cast.engagement)


def freeze(plan, version, cast, note=""):
    return approvals.plan_freeze(plan=plan, version=version, by=cast.facilitator, note=note)


def recommend(approval, cast, note="I recommend it."):
    return approvals.plan_recommend(approval=approval, by=cast.superintendent, note=note)


def vote(approval, membership, choice="approve", note=""):
    return approvals.board_vote(approval=approval, membership=membership, choice=choice, note=note)


def record(approval, cast, approved=True, **extra):
    data = {
        "meeting_date": timezone.localdate(),
        "minutes_reference": "Regular meeting, item 9.1",
        "reasons": "",
        **extra,
    }
    return approvals.board_decision_record(
        approval=approval, by=cast.board, approved=approved, **data
    )


def use_recorded_rule(plan, cast):
    approvals.approval_settings_update(
        plan=plan, rule=ApprovalRule.RECORDED, clerk=member(cast, "board"), by=cast.facilitator
    )


def in_state(state, plan, version, rule=ApprovalRule.MAJORITY):
    """An approval of `version` in `state`, made directly (the services are tested one by one)."""
    return ApprovalFactory(plan=plan, version=version, state=state, rule=rule)


def message(refusal: pytest.ExceptionInfo) -> str:
    return " ".join(refusal.value.messages)


def last_event() -> PlanEvent:
    return PlanEvent.objects.order_by("-at").first()


# --- freezing -----------------------------------------------------------------------------------


def test_the_facilitator_freezes_a_saved_draft(cast, plan, version):
    review = ReviewFactory(version=version)
    approval = freeze(plan, version, cast, note="After the community review.")
    assert (approval.state, approval.rule, approval.frozen_by) == (
        "final",
        "majority",
        cast.facilitator,
    )
    review.refresh_from_db()
    assert review.closed_at is not None
    event = last_event()
    assert (event.actor, event.actor_name, event.from_state, event.to_state, event.note) == (
        cast.facilitator,
        "Facilitator Person",
        "working draft",
        "final draft",
        "After the community review.",
    )
    assert event.action == "Froze draft 1 as the final draft" and event.version == version


@pytest.mark.parametrize("state", ["final", "recommended"])
def test_freezing_is_refused_while_another_draft_is_in_approval(cast, plan, version, state):
    in_state(state, plan, version)
    other = services.version_save(plan=plan, label="Other", author=cast.facilitator)
    with pytest.raises(ValidationError) as refusal:
        freeze(plan, other, cast)
    words = {"final": "final draft", "recommended": "recommended"}[state]
    assert message(refusal) == (
        f"Draft 1 is already {words}: it must be approved or sent back before another draft is "
        "frozen."
    )


@pytest.mark.parametrize("state", ["approved", "sent_back"])
def test_freezing_is_allowed_once_the_last_round_ended(cast, plan, version, state):
    in_state(state, plan, version)
    other = services.version_save(plan=plan, label="Other", author=cast.facilitator)
    assert freeze(plan, other, cast).state == "final"


def test_a_sent_back_draft_may_be_frozen_again(cast, plan, version):
    in_state("sent_back", plan, version)
    assert freeze(plan, version, cast).version == version


def test_the_approved_draft_is_not_frozen_again(cast, plan, version):
    in_state("approved", plan, version)
    with pytest.raises(ValidationError) as refusal:
        freeze(plan, version, cast)
    assert message(refusal) == "Draft 1 is already the approved plan."


def test_freezing_under_the_recorded_rule_needs_a_clerk(cast, plan, version):
    plan.approval_rule = ApprovalRule.RECORDED
    plan.save()
    ReviewFactory(version=version)
    with pytest.raises(ValidationError) as refusal:
        freeze(plan, version, cast)
    assert "no board clerk is chosen to record its decision" in message(refusal)
    assert version.review.closed_at is None  # nothing happened
    assert not PlanEvent.objects.exists()


def test_freezing_under_the_majority_rule_needs_a_board(cast, plan, version):
    Membership.objects.filter(user=cast.board).update(roles=["plan_team"])
    with pytest.raises(ValidationError) as refusal:
        freeze(plan, version, cast)
    assert "nobody in this engagement is a board member" in message(refusal)


def test_a_draft_of_another_plan_is_not_frozen(cast, plan):
    foreign = services.version_save(
        plan=services.plan_for(cast.foreign_engagement), label="Theirs", author=cast.outsider
    )
    with pytest.raises(ValidationError) as refusal:
        freeze(plan, foreign, cast)
    assert message(refusal) == "That draft belongs to another plan."


# --- recommending and sending back -------------------------------------------------------------


def test_the_superintendent_recommends_the_final_draft(cast, plan, version):
    approval = recommend(freeze(plan, version, cast), cast, note="  Ready for the board. ")
    approval.refresh_from_db()
    assert (approval.state, approval.recommended_by, approval.recommendation) == (
        "recommended",
        cast.superintendent,
        "Ready for the board.",
    )
    assert approval.recommended_at is not None
    event = last_event()
    assert (event.actor, event.from_state, event.to_state, event.note) == (
        cast.superintendent,
        "final draft",
        "recommended",
        "Ready for the board.",
    )


def test_a_recommendation_needs_a_note(cast, plan, version):
    approval = freeze(plan, version, cast)
    with pytest.raises(ValidationError) as refusal:
        recommend(approval, cast, note="   ")
    assert refusal.value.message_dict == {"note": ["Write the recommendation the board will read."]}


@pytest.mark.parametrize("state", ["recommended", "approved", "sent_back"])
def test_recommending_is_refused_from_any_other_state(cast, plan, version, state):
    approval = in_state(state, plan, version)
    words = {"recommended": "recommended", "approved": "approved", "sent_back": "sent back"}
    with pytest.raises(ValidationError) as refusal:
        recommend(approval, cast)
    assert message(refusal) == (
        f"Draft 1 is {words[state]} now, so this step no longer applies. Reload the page to see "
        "where it stands."
    )
    assert Approval.objects.get().state == state


def test_recommending_is_refused_when_nobody_could_decide(cast, plan, version):
    approval = freeze(plan, version, cast)
    Membership.objects.filter(user=cast.board).update(roles=["plan_team"])
    with pytest.raises(ValidationError) as refusal:
        recommend(approval, cast)
    assert "nobody in this engagement is a board member" in message(refusal)
    assert Approval.objects.get().state == "final"


def test_a_step_taken_on_a_stale_page_is_refused(cast, plan, version):
    approval = freeze(plan, version, cast)
    stale = Approval.objects.get(pk=approval.pk)
    approvals.plan_send_back(approval=approval, by=cast.superintendent, reasons="Not yet.")
    with pytest.raises(ValidationError) as refusal:
        recommend(stale, cast)
    assert message(refusal).startswith("Draft 1 is sent back now, so this step no longer applies.")


def test_the_superintendent_sends_the_final_draft_back(cast, plan, version):
    approval = freeze(plan, version, cast)
    approvals.plan_send_back(approval=approval, by=cast.superintendent, reasons="Add targets.")
    approval.refresh_from_db()
    assert (approval.state, approval.decided_by, approval.reasons) == (
        "sent_back",
        cast.superintendent,
        "Add targets.",
    )
    event = last_event()
    assert (event.actor, event.from_state, event.to_state, event.note) == (
        cast.superintendent,
        "final draft",
        "sent back",
        "Add targets.",
    )


def test_sending_back_needs_reasons(cast, plan, version):
    approval = freeze(plan, version, cast)
    with pytest.raises(ValidationError) as refusal:
        approvals.plan_send_back(approval=approval, by=cast.superintendent, reasons=" ")
    assert list(refusal.value.message_dict) == ["reasons"]


@pytest.mark.parametrize("state", ["recommended", "approved", "sent_back"])
def test_the_superintendent_sends_back_only_a_final_draft(cast, plan, version, state):
    approval = in_state(state, plan, version)
    with pytest.raises(ValidationError) as refusal:
        approvals.plan_send_back(approval=approval, by=cast.superintendent, reasons="No.")
    assert "so this step no longer applies" in message(refusal)
    assert Approval.objects.get().state == state


# --- the board's majority -----------------------------------------------------------------------


def board_of(cast, size: int) -> list[Membership]:
    board = [member(cast, "board")]
    for n in range(size - 1):
        board.append(
            MembershipFactory(
                engagement=cast.engagement,
                roles=["board"],
                user=UserFactory(full_name=f"Board {n + 2}"),
            )
        )
    return board


@pytest.mark.parametrize("size,needed", [(1, 1), (2, 2), (4, 3), (5, 3)])
def test_a_majority_of_the_whole_board_approves(cast, plan, version, size, needed):
    assert approvals.votes_needed(size) == needed
    board = board_of(cast, size)
    approval = recommend(freeze(plan, version, cast), cast)
    for voter in board[: needed - 1]:
        vote(approval, voter)
        approval.refresh_from_db()
        assert approval.state == "recommended"
    vote(approval, board[needed - 1])
    approval.refresh_from_db()
    assert approval.state == "approved" and approval.decided_by is None
    event = last_event()
    assert (event.actor, event.actor_name, event.from_state, event.to_state, event.note) == (
        None,
        "The board (majority vote)",
        "recommended",
        "approved",
        f"{needed} of {size} board members voted to approve.",
    )


@pytest.mark.parametrize("size,noes_to_send_back", [(1, 1), (2, 1), (4, 2), (5, 3)])
def test_it_goes_back_once_a_majority_is_out_of_reach(cast, plan, version, size, noes_to_send_back):
    board = board_of(cast, size)
    approval = recommend(freeze(plan, version, cast), cast)
    for n, voter in enumerate(board[:noes_to_send_back], start=1):
        vote(approval, voter, "reject", f"Reason {n}")
        approval.refresh_from_db()
        expected = "sent_back" if n == noes_to_send_back else "recommended"
        assert approval.state == expected
    assert approval.reasons.startswith(
        f"{noes_to_send_back} of {size} board members voted to send it back."
    )
    assert f"{board[0].user.get_full_name()}: Reason 1" in approval.reasons
    assert last_event().to_state == "sent back"


def test_a_board_member_changes_their_vote_until_the_board_decides(cast, plan, version):
    board = board_of(cast, 5)
    approval = recommend(freeze(plan, version, cast), cast)
    vote(approval, board[0], "reject", "Too many goals.")
    vote(approval, board[1], "reject", "Agreed.")
    vote(approval, board[0], "approve")  # changed their mind
    assert BoardVote.objects.filter(approval=approval).count() == 2
    assert BoardVote.objects.get(membership=board[0]).choice == "approve"
    vote(approval, board[2])
    approval.refresh_from_db()
    assert approval.state == "recommended"  # 2 approve, 1 reject: 3 needed
    vote(approval, board[3])
    approval.refresh_from_db()
    assert approval.state == "approved"
    with pytest.raises(ValidationError) as refusal:
        vote(approval, board[1], "approve")
    assert message(refusal) == "Draft 1 is approved, not waiting for the board's vote."


def test_only_the_current_boards_votes_count(cast, plan, version):
    board = board_of(cast, 3)
    approval = recommend(freeze(plan, version, cast), cast)
    vote(approval, board[0])
    Membership.objects.filter(pk=board[0].pk).update(roles=["plan_team"])  # left the board
    vote(approval, board[1])
    approval.refresh_from_db()
    assert approval.state == "recommended"  # 1 of 2 counts; 2 needed
    vote(approval, board[2])
    approval.refresh_from_db()
    assert approval.state == "approved"


def test_a_send_back_vote_needs_a_reason(cast, plan, version):
    approval = recommend(freeze(plan, version, cast), cast)
    with pytest.raises(ValidationError) as refusal:
        vote(approval, member(cast, "board"), "reject", "  ")
    assert refusal.value.message_dict == {"note": ["Say why you would send it back."]}
    with pytest.raises(ValidationError) as refusal:
        vote(approval, member(cast, "board"), "abstain")
    assert list(refusal.value.message_dict) == ["choice"]


@pytest.mark.parametrize("role", ["facilitator", "core_team", "plan_team", "superintendent"])
def test_only_board_members_vote(cast, plan, version, role):
    approval = recommend(freeze(plan, version, cast), cast)
    with pytest.raises(ValidationError) as refusal:
        vote(approval, member(cast, role))
    assert message(refusal) == "Only the members of the board vote on the plan."
    assert not BoardVote.objects.exists()


def test_a_board_member_of_another_engagement_does_not_vote(cast, plan, version):
    approval = recommend(freeze(plan, version, cast), cast)
    stranger = MembershipFactory(engagement=cast.foreign_engagement, roles=["board"])
    with pytest.raises(ValidationError):
        vote(approval, stranger)


@pytest.mark.parametrize("state", ["final", "approved", "sent_back"])
def test_votes_are_refused_in_any_other_state(cast, plan, version, state):
    approval = in_state(state, plan, version)
    words = {"final": "final draft", "approved": "approved", "sent_back": "sent back"}[state]
    with pytest.raises(ValidationError) as refusal:
        vote(approval, member(cast, "board"))
    assert message(refusal) == f"Draft 1 is {words}, not waiting for the board's vote."


def test_votes_are_refused_under_the_recorded_rule(cast, plan, version):
    approval = in_state("recommended", plan, version, rule=ApprovalRule.RECORDED)
    with pytest.raises(ValidationError) as refusal:
        vote(approval, member(cast, "board"))
    assert message(refusal) == (
        "This board decides at a meeting: the clerk records its decision here."
    )


def test_each_vote_is_in_the_history(cast, plan, version):
    board_of(cast, 3)
    approval = recommend(freeze(plan, version, cast), cast)
    vote(approval, member(cast, "board"), "reject", "Too long.")
    event = last_event()
    assert (event.actor, event.action, event.from_state, event.to_state, event.note) == (
        cast.board,
        "Voted: send back",
        "recommended",
        "recommended",
        "Too long.",
    )


# --- the clerk's recorded decision --------------------------------------------------------------


def test_the_clerk_records_the_boards_approval(cast, plan, version):
    use_recorded_rule(plan, cast)
    approval = recommend(freeze(plan, version, cast), cast)
    day = timezone.localdate() - timedelta(days=2)
    record(approval, cast, meeting_date=day, minutes_reference="Item 9.1")
    approval.refresh_from_db()
    assert (approval.state, approval.meeting_date, approval.minutes_reference) == (
        "approved",
        day,
        "Item 9.1",
    )
    assert approval.decided_by == cast.board
    event = last_event()
    assert (event.actor, event.from_state, event.to_state) == (
        cast.board,
        "recommended",
        "approved",
    )
    assert event.note == f"Board meeting of {day:%b} {day.day}, {day.year}; minutes: Item 9.1."


def test_the_clerk_records_a_send_back_with_the_boards_reasons(cast, plan, version):
    use_recorded_rule(plan, cast)
    approval = recommend(freeze(plan, version, cast), cast)
    with pytest.raises(ValidationError) as refusal:
        record(approval, cast, approved=False)
    assert refusal.value.message_dict == {
        "reasons": ["Give the board's reasons for sending it back."]
    }
    record(approval, cast, approved=False, reasons="Fewer goals.")
    approval.refresh_from_db()
    assert (approval.state, approval.reasons) == ("sent_back", "Fewer goals.")
    event = last_event()
    assert (event.actor, event.from_state, event.to_state, event.note) == (
        cast.board,
        "recommended",
        "sent back",
        "Fewer goals.",
    )


def test_a_decision_needs_a_past_meeting_and_its_minutes(cast, plan, version):
    use_recorded_rule(plan, cast)
    approval = recommend(freeze(plan, version, cast), cast)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refusal:
        record(approval, cast, meeting_date=tomorrow, minutes_reference=" ")
    assert refusal.value.message_dict == {
        "meeting_date": ["Record a decision once the meeting has taken place."],
        "minutes_reference": ["Give the minutes reference, e.g. “Item 7.2, minutes of…”."],
    }
    with pytest.raises(ValidationError) as refusal:
        record(approval, cast, meeting_date=None)
    assert refusal.value.message_dict == {"meeting_date": ["Give the date of the board meeting."]}
    assert Approval.objects.get().state == "recommended"


def test_a_decision_is_not_recorded_under_the_majority_rule(cast, plan, version):
    approval = recommend(freeze(plan, version, cast), cast)
    with pytest.raises(ValidationError) as refusal:
        record(approval, cast)
    assert message(refusal) == "Each board member votes on this draft here."


@pytest.mark.parametrize("state", ["final", "approved", "sent_back"])
def test_a_decision_is_recorded_only_for_a_recommended_draft(cast, plan, version, state):
    approval = in_state(state, plan, version, rule=ApprovalRule.RECORDED)
    with pytest.raises(ValidationError) as refusal:
        record(approval, cast)
    assert "so this step no longer applies" in message(refusal)
    assert Approval.objects.get().state == state


# --- settings -----------------------------------------------------------------------------------


def test_the_recorded_rule_needs_a_clerk_of_this_engagement(cast, plan):
    with pytest.raises(ValidationError) as refusal:
        approvals.approval_settings_update(
            plan=plan, rule=ApprovalRule.RECORDED, clerk=None, by=cast.facilitator
        )
    assert list(refusal.value.message_dict) == ["board_clerk"]
    foreign = Membership.objects.get(user=cast.outsider)
    with pytest.raises(ValidationError) as refusal:
        approvals.approval_settings_update(
            plan=plan, rule=ApprovalRule.RECORDED, clerk=foreign, by=cast.facilitator
        )
    assert refusal.value.message_dict == {
        "board_clerk": ["The clerk must be a member of this engagement."]
    }
    with pytest.raises(ValidationError):
        approvals.approval_settings_update(plan=plan, rule="vibes", clerk=None, by=None)


def test_the_rule_cannot_change_while_the_board_decides(cast, plan, version):
    recommend(freeze(plan, version, cast), cast)
    with pytest.raises(ValidationError) as refusal:
        use_recorded_rule(plan, cast)
    assert "The board is deciding on draft 1 now" in message(refusal)
    plan.refresh_from_db()
    assert plan.approval_rule == "majority"


def test_the_clerk_can_be_replaced_while_the_board_decides(cast, plan, version):
    use_recorded_rule(plan, cast)
    recommend(freeze(plan, version, cast), cast)
    approvals.approval_settings_update(
        plan=plan, rule=ApprovalRule.RECORDED, clerk=member(cast, "core_team"), by=None
    )
    plan.refresh_from_db()
    assert plan.board_clerk == member(cast, "core_team")


def test_a_final_draft_follows_a_change_of_rule(cast, plan, version):
    approval = freeze(plan, version, cast)
    use_recorded_rule(plan, cast)
    approval.refresh_from_db()
    assert approval.rule == "recorded"
    approval = recommend(approval, cast)
    record(approval, cast)
    assert Approval.objects.get().state == "approved"


# --- an approved plan never changes -------------------------------------------------------------


@pytest.fixture
def approved(cast, plan, version):
    approval = recommend(freeze(plan, version, cast), cast)
    vote(approval, member(cast, "board"))
    approval.refresh_from_db()
    return approval


def test_an_approved_approval_cannot_be_saved_or_deleted(approved):
    approved.reasons = "Rewritten"
    with pytest.raises(ValidationError, match="An approved plan cannot be changed"):
        approved.save()
    with pytest.raises(ValidationError, match="An approved plan cannot be deleted"):
        approved.delete()
    assert Approval.objects.get().reasons == ""


def test_the_approved_draft_cannot_change(approved, version):
    version.label = "Sneaky"
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        version.delete()
    assert PlanVersion.objects.get().label == "Final"


@pytest.mark.parametrize(
    "step",
    [
        lambda a, cast: recommend(a, cast),
        lambda a, cast: approvals.plan_send_back(approval=a, by=cast.superintendent, reasons="x"),
        lambda a, cast: vote(a, member(cast, "board"), "reject", "x"),
    ],
)
def test_no_step_applies_to_an_approved_plan(cast, approved, step):
    with pytest.raises(ValidationError):
        step(approved, cast)
    approved.refresh_from_db()
    assert approved.state == "approved"


def test_changes_after_approval_need_a_new_draft_and_a_new_approval(cast, plan, version, approved):
    snapshot = dict(version.data)
    GoalFactory(plan=plan, title="Every student a plan after graduation")
    plan.mission = "Changed after approval"
    plan.save()
    version.refresh_from_db()
    assert version.data == snapshot
    assert "Changed after approval" not in str(version.data)
    assert approval_status(plan).approved.version == version

    second = services.version_save(plan=plan, label="Revision", author=cast.facilitator)
    approval = freeze(plan, second, cast)
    assert approval_status(plan).approved.version == version  # still the plan meanwhile
    recommend(approval, cast)
    vote(approval, member(cast, "board"))
    status = approval_status(plan)
    assert status.approved.version == second and status.active is None
    assert Approval.objects.filter(state="approved").count() == 2


@pytest.mark.parametrize(
    "before,after",
    [("preparing", "approved"), ("active", "living"), ("living", "living"), ("closed", "closed")],
)
def test_approval_sets_the_engagement_status(cast, plan, version, before, after):
    # "active": a phase in progress and the last one waiting; the approval moves the timeline to
    # its last phase (going live). "living" before: every phase done. No timeline: approved.
    if before in ("active", "living"):
        PhaseFactory(
            engagement=cast.engagement,
            status="in_progress" if before == "active" else "done",
            position=1,
        )
    if before == "active":
        PhaseFactory(engagement=cast.engagement, status="not_started", position=2)
    if before == "closed":
        Engagement.objects.filter(pk=cast.engagement.pk).update(closed_at=timezone.now())
    assert cast.engagement.status == ("active" if before == "living" else before)
    approval = recommend(freeze(plan, version, cast), cast)
    vote(approval, member(cast, "board"))
    cast.engagement.refresh_from_db()
    assert cast.engagement.status == after
    assert cast.engagement.plan_approved_at == Approval.objects.get().decided_at


def test_the_history_tells_the_whole_story(cast, plan, version):
    use_recorded_rule(plan, cast)
    approval = freeze(plan, version, cast, note="Frozen.")
    approvals.plan_send_back(approval=approval, by=cast.superintendent, reasons="Add targets.")
    second = services.version_save(plan=plan, label="Second", author=cast.facilitator)
    approval = recommend(freeze(plan, second, cast), cast, note="Now ready.")
    record(approval, cast, minutes_reference="Item 4")
    rows = list(
        PlanEvent.objects.order_by("at").values_list(
            "actor_name", "version__number", "from_state", "to_state"
        )
    )
    assert rows == [
        ("Facilitator Person", 1, "working draft", "final draft"),
        ("Superintendent Person", 1, "final draft", "sent back"),
        ("Facilitator Person", 2, "working draft", "final draft"),
        ("Superintendent Person", 2, "final draft", "recommended"),
        ("Board member Person", 2, "recommended", "approved"),
    ]
