"""Writes for the approval workflow: the facilitator freezes a saved draft as the final draft,
the superintendent recommends it (or sends it back), the board approves it or sends it back,
either by each member's vote (majority of the board) or by the clerk recording the decision
taken at a board meeting. Each step checks the state it starts from and is written to the
plan's history. Who may take a step is decided by the views through engagements.access.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format

from engagements.models import Membership, Role, StakeholderGroup
from engagements.services.engagements import engagement_plan_approved

from ..models import Approval, ApprovalRule, BoardVote, Plan, PlanVersion, Review
from . import notify
from .history import APPROVED, FINAL, RECOMMENDED, SENT_BACK, WORKING, event_log

STATE_WORDS = {
    Approval.State.FINAL: FINAL,
    Approval.State.RECOMMENDED: RECOMMENDED,
    Approval.State.APPROVED: APPROVED,
    Approval.State.SENT_BACK: SENT_BACK,
}


def plan_lock(plan_id) -> None:
    """Within a transaction: hold the plan's row until it ends, so that the steps that go out
    for comments (publishing) and into approval (freezing) take turns and each sees the other."""
    list(Plan.objects.select_for_update().filter(pk=plan_id).values_list("pk", flat=True))


def active_approval(plan: Plan) -> Approval | None:
    return (
        Approval.objects.filter(plan=plan, state__in=Approval.ACTIVE)
        .select_related("version")
        .first()
    )


def _moved(approval: Approval, expected: str) -> None:
    """Move an approval out of `expected`, or refuse if someone moved it first. Called inside a
    transaction: the row stays locked until the step is written, so two steps cannot both
    start from the same state."""
    current = (
        Approval.objects.select_for_update()
        .filter(pk=approval.pk)
        .values_list("state", flat=True)
        .first()
    )
    if current != expected:
        word = STATE_WORDS.get(current, "changed")
        raise ValidationError(
            f"Draft {approval.version.number} is {word} now, so this step no longer applies. "
            "Reload the page to see where it stands."
        )


_KEEP = object()


def approval_settings_update(
    *, plan: Plan, rule: str, clerk: Membership | None, by, board_size=_KEEP
) -> Plan:
    """How the board decides, who records its decision and how many seats the board has (None:
    the roster's board seats). A final draft not yet recommended follows the new rule; once it is
    with the board the rule and the board's size stay until the board decides (they make its
    majority), but the clerk can be replaced (a clerk who leaves must not leave the decision
    stuck)."""
    if board_size is _KEEP:
        board_size = plan.board_size
    if board_size is not None and not 1 <= board_size <= 99:
        raise ValidationError(
            {"board_size": "Give the number of seats on the whole board, from 1 to 99."}
        )
    if rule not in ApprovalRule.values:
        raise ValidationError({"approval_rule": "Choose how the board decides."})
    if clerk is not None and clerk.engagement_id != plan.engagement_id:
        raise ValidationError({"board_clerk": "The clerk must be a member of this engagement."})
    if rule == ApprovalRule.RECORDED and clerk is None:
        raise ValidationError(
            {"board_clerk": "Choose who records the board's decision (the board clerk)."}
        )
    current = active_approval(plan)
    deciding = current is not None and current.state == Approval.State.RECOMMENDED
    if deciding and rule != current.rule:
        raise ValidationError(
            {
                "approval_rule": f"The board is deciding on draft {current.version.number} now: "
                "change how it decides after its decision. The clerk can be replaced meanwhile."
            }
        )
    if deciding and board_size != plan.board_size:
        raise ValidationError(
            {
                "board_size": f"The board is deciding on draft {current.version.number} now: "
                "its majority stays as it is until its decision. Change the number of seats "
                "after it."
            }
        )
    with transaction.atomic():
        plan.approval_rule = rule
        plan.board_clerk = clerk
        plan.board_size = board_size
        plan.save(update_fields=["approval_rule", "board_clerk", "board_size", "updated_at"])
        if current is not None and current.state == Approval.State.FINAL:
            Approval.objects.filter(pk=current.pk, state=Approval.State.FINAL).update(rule=rule)
    return plan


def _nobody_decides(plan: Plan, rule: str) -> str:
    """Why nobody could take the board's decision under this rule, or "" when someone can."""
    if rule == ApprovalRule.RECORDED and plan.board_clerk_id is None:
        return (
            "The board decides at a meeting, but no board clerk is chosen to record its "
            "decision. Choose one in the approval settings first."
        )
    if rule != ApprovalRule.MAJORITY:
        return ""
    members = board_members(plan)
    if not members:
        return (
            "Each board member votes here, but nobody in this engagement is a board member. "
            "Add the board to the roster, or let a board clerk record the decision."
        )
    seats = board_seats(plan, members)
    if seats.filled < seats.needed:
        return (
            f"A majority of the board is {seats.needed} of its {seats.size} seats, but only "
            f"{_members(seats.filled)} in this engagement, so the board could not decide. "
            "Invite the other board members from the roster, or let a board clerk record the "
            "decision taken at a board meeting."
        )
    return ""


def _members(count: int) -> str:
    return "1 board member is" if count == 1 else f"{count} board members are"


def plan_freeze(*, plan: Plan, version: PlanVersion, by, note: str = "") -> Approval:
    """Freeze a saved draft as the final draft. Any review still open closes."""
    from .review import review_close

    if version.plan_id != plan.pk:
        raise ValidationError("That draft belongs to another plan.")
    # One step: a refusal (another draft frozen at the same moment) leaves the reviews open.
    with transaction.atomic():
        plan_lock(plan.pk)  # a review published meanwhile waits, then sees the final draft
        current = active_approval(plan)
        if current is not None:
            raise ValidationError(
                f"Draft {current.version.number} is already {STATE_WORDS[current.state]}: "
                "it must be approved or sent back before another draft is frozen."
            )
        if Approval.objects.filter(version=version, state=Approval.State.APPROVED).exists():
            raise ValidationError(f"Draft {version.number} is already the approved plan.")
        problem = _nobody_decides(plan, plan.approval_rule)
        if problem:
            raise ValidationError(problem)
        for review in Review.objects.filter(
            version__plan=plan, closed_at__isnull=True
        ).select_related("version__plan"):
            review_close(review=review, by=by)
        try:
            with transaction.atomic():
                approval = Approval.objects.create(
                    plan=plan, version=version, rule=plan.approval_rule, frozen_by=by
                )
        except IntegrityError as clash:
            raise ValidationError("Another draft was frozen at the same moment.") from clash
        event_log(
            plan=plan,
            version=version,
            actor=by,
            action=f"Froze draft {version.number} as the final draft",
            from_state=WORKING,
            to_state=FINAL,
            note=(note or "").strip(),
        )
    notify.event("recommendation_needed", approval.pk)
    return approval


def plan_recommend(*, approval: Approval, by, note: str) -> Approval:
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Write the recommendation the board will read."})
    with transaction.atomic():
        _moved(approval, Approval.State.FINAL)
        approval.refresh_from_db(fields=["rule"])  # the settings may have changed it meanwhile
        problem = _nobody_decides(approval.plan, approval.rule)
        if problem:
            raise ValidationError(problem)
        approval.state = Approval.State.RECOMMENDED
        approval.recommended_by = by
        approval.recommended_at = timezone.now()
        approval.recommendation = note
        approval.save(update_fields=["state", "recommended_by", "recommended_at", "recommendation"])
        event_log(
            plan=approval.plan,
            version=approval.version,
            actor=by,
            action=f"Recommended draft {approval.version.number} to the board",
            from_state=FINAL,
            to_state=RECOMMENDED,
            note=note,
        )
    notify.event("decision_needed", approval.pk)
    return approval


BOARD_VOTE = "The board (majority vote)"


def _send_back(approval: Approval, *, by, reasons: str, expected: str, **decision) -> Approval:
    with transaction.atomic():
        _moved(approval, expected)
        approval.state = Approval.State.SENT_BACK
        approval.decided_at = timezone.now()
        approval.decided_by = by
        approval.reasons = reasons
        for name, value in decision.items():
            setattr(approval, name, value)
        approval.save(update_fields=["state", "decided_at", "decided_by", "reasons", *decision])
        event_log(
            plan=approval.plan,
            version=approval.version,
            actor=by,
            action=f"Sent draft {approval.version.number} back to the team",
            actor_name=None if by else BOARD_VOTE,
            from_state=STATE_WORDS[expected],
            to_state=SENT_BACK,
            note=reasons,
        )
    notify.event("plan_sent_back", approval.pk)
    return approval


def plan_send_back(*, approval: Approval, by, reasons: str) -> Approval:
    """The superintendent sends a final draft back to the team instead of recommending it."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Say why it goes back, so the team knows what to fix."})
    return _send_back(approval, by=by, reasons=reasons, expected=Approval.State.FINAL)


def _approve(approval: Approval, *, by, note: str, **decision) -> Approval:
    with transaction.atomic():
        _moved(approval, Approval.State.RECOMMENDED)
        approval.state = Approval.State.APPROVED
        approval.decided_at = timezone.now()
        approval.decided_by = by
        for name, value in decision.items():
            setattr(approval, name, value)
        approval.save(update_fields=["state", "decided_at", "decided_by", *decision])
        engagement_plan_approved(
            engagement_id=approval.plan.engagement_id,
            at=approval.decided_at,
            by=approval.decided_by,
        )
        event_log(
            plan=approval.plan,
            version=approval.version,
            actor=by,
            action=f"The board approved draft {approval.version.number}",
            actor_name=None if by else BOARD_VOTE,
            from_state=RECOMMENDED,
            to_state=APPROVED,
            note=note,
        )
    notify.event("plan_approved", approval.pk)
    return approval


def board_members(plan: Plan) -> list[Membership]:
    return [
        m
        for m in Membership.objects.filter(engagement_id=plan.engagement_id).select_related("user")
        if Role.BOARD in m.roles
    ]


def votes_needed(board_size: int) -> int:
    """A majority of the whole board: more than half of its seats."""
    return board_size // 2 + 1


@dataclass(frozen=True)
class Seats:
    """The board's seats, whose majority decides: the size the facilitator set, else the
    roster's board seats (the stakeholder groups with "board" in their name), else the board
    members there are; never fewer than the board members there are."""

    size: int
    filled: int  # board members in the engagement
    source: str  # "settings", "roster" or "members" (nobody said how big the board is)

    @property
    def needed(self) -> int:
        return votes_needed(self.size) if self.size else 0

    @property
    def empty(self) -> int:
        return self.size - self.filled

    @property
    def warning(self) -> str:
        """Plain words while seats are empty or the board's size is unknown, else ""."""
        if self.source == "members":
            return (
                "The board’s size is not set: the board members in this engagement "
                f"({self.filled}) are counted as the whole board. Give the number of seats on "
                "the board in the approval settings, so that a majority of the whole board "
                "decides."
            )
        if self.empty <= 0:
            return ""
        verb = "is" if self.filled == 1 else "are"
        start = f"{self.filled} of the board’s {self.size} seats {verb} filled: a majority is "
        if self.filled < self.needed:
            return (
                f"{start}{self.needed} votes, so the board cannot decide here until at least "
                f"{self.needed} board members have joined. Invite the other board members from "
                "the roster."
            )
        return (
            f"{start}still {self.needed} votes of the whole board, and an empty seat does not "
            "approve. Invite the other board members from the roster."
        )


def board_seats(plan: Plan, members: list[Membership] | None = None) -> Seats:
    """One query for the roster's board seats when the board's size is not set (and one for the
    board members unless given)."""
    if members is None:
        members = board_members(plan)
    filled = len(members)
    if plan.board_size:
        return Seats(size=max(plan.board_size, filled), filled=filled, source="settings")
    roster = (
        StakeholderGroup.objects.filter(
            engagement_id=plan.engagement_id, name__icontains="board"
        ).aggregate(seats=Sum("quota"))["seats"]
        or 0
    )
    if roster:
        return Seats(size=max(roster, filled), filled=filled, source="roster")
    return Seats(size=filled, filled=filled, source="members")


def board_vote(*, approval: Approval, membership: Membership, choice: str, note: str) -> Approval:
    """A board member's vote on the recommended draft. A majority of the whole board approving
    approves it; once a majority can no longer be reached, it goes back with the reasons given.
    A member may change their vote until the board has decided. Only the votes of the members
    who are on the board now count."""
    note = (note or "").strip()
    if approval.rule != ApprovalRule.MAJORITY:
        raise ValidationError(
            "This board decides at a meeting: the clerk records its decision here."
        )
    if approval.state != Approval.State.RECOMMENDED:
        raise ValidationError(
            f"Draft {approval.version.number} is {STATE_WORDS[approval.state]}, "
            "not waiting for the board's vote."
        )
    if (
        membership.engagement_id != approval.plan.engagement_id
        or Role.BOARD not in membership.roles
    ):
        raise ValidationError("Only the members of the board vote on the plan.")
    if choice not in BoardVote.Choice.values:
        raise ValidationError({"choice": "Choose approve or send back."})
    if choice == BoardVote.Choice.REJECT and not note:
        raise ValidationError({"note": "Say why you would send it back."})
    with transaction.atomic():
        # One vote counted at a time (_moved locks the row), so two last votes cannot both miss
        # the majority.
        _moved(approval, Approval.State.RECOMMENDED)
        BoardVote.objects.update_or_create(
            approval=approval,
            membership=membership,
            defaults={"choice": choice, "note": note},
        )
        event_log(
            plan=approval.plan,
            version=approval.version,
            actor=membership.user,
            action=f"Voted: {BoardVote.Choice(choice).label.lower()}",
            from_state=RECOMMENDED,
            to_state=RECOMMENDED,
            note=note,
        )
        members = board_members(approval.plan)
        board = {m.pk for m in members}
        seats = board_seats(approval.plan, members)
        size, needed = seats.size, seats.needed
        votes = [
            v for v in approval.votes.select_related("membership__user") if v.membership_id in board
        ]
        ayes = sum(v.choice == BoardVote.Choice.APPROVE for v in votes)
        noes = [v for v in votes if v.choice == BoardVote.Choice.REJECT]
        if ayes >= needed:
            return _approve(
                approval,
                by=None,
                note=f"{ayes} of {size} board members voted to approve.",
            )
        if len(noes) > size - needed:
            reasons = "\n".join(f"{v.membership.user.get_full_name()}: {v.note}" for v in noes)
            return _send_back(
                approval,
                by=None,
                reasons=f"{len(noes)} of {size} board members voted to send it back.\n{reasons}",
                expected=Approval.State.RECOMMENDED,
            )
    return approval


def board_decision_record(
    *,
    approval: Approval,
    by,
    approved: bool,
    meeting_date: date | None,
    minutes_reference: str,
    reasons: str = "",
) -> Approval:
    """The board clerk records the decision the board took at a meeting."""
    minutes_reference = (minutes_reference or "").strip()
    reasons = (reasons or "").strip()
    errors = {}
    if meeting_date is None:
        errors["meeting_date"] = "Give the date of the board meeting."
    elif meeting_date > timezone.localdate():
        errors["meeting_date"] = "Record a decision once the meeting has taken place."
    if not minutes_reference:
        errors["minutes_reference"] = "Give the minutes reference, e.g. “Item 7.2, minutes of…”."
    if not approved and not reasons:
        errors["reasons"] = "Give the board's reasons for sending it back."
    if errors:
        raise ValidationError(errors)
    if approval.rule != ApprovalRule.RECORDED:
        raise ValidationError("Each board member votes on this draft here.")
    decision = {"meeting_date": meeting_date, "minutes_reference": minutes_reference}
    if approved:
        return _approve(
            approval,
            by=by,
            note=f"Board meeting of {date_format(meeting_date, 'M j, Y')}; "
            f"minutes: {minutes_reference}.",
            **decision,
        )
    return _send_back(
        approval, by=by, reasons=reasons, expected=Approval.State.RECOMMENDED, **decision
    )
