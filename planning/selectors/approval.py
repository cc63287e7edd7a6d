"""Reads for review and approval: where the plan stands (the approved version, the draft in
approval, the board's tally), for the approval page, the plan page's banner and a draft's page,
and the plan's history. Each costs a fixed number of queries whatever the plan's past."""

from dataclasses import dataclass, field

from engagements.models import Membership, Role

from ..models import Approval, ApprovalRule, BoardVote, Plan, PlanEvent, PlanVersion, Review
from ..services.approval import Seats, board_seats, votes_needed

SHOWN = (Approval.State.APPROVED, *Approval.ACTIVE)


def _approvals(plan: Plan):
    return Approval.objects.filter(plan=plan).select_related("version").defer("version__data")


@dataclass
class Status:
    """The approved plan (the latest approval) and the draft in approval now, if any."""

    approved: Approval | None
    active: Approval | None


def _status(approvals: list[Approval]) -> Status:
    approved = [a for a in approvals if a.state == Approval.State.APPROVED]
    return Status(
        approved=max(approved, key=lambda a: a.decided_at, default=None),
        active=next((a for a in approvals if a.state in Approval.ACTIVE), None),
    )


def approval_status(plan: Plan) -> Status:
    """One query."""
    return _status(list(_approvals(plan).filter(state__in=SHOWN)))


def version_approval(version: PlanVersion) -> Approval | None:
    """Where a saved draft stands in approval: approved if it ever was, else its latest round
    (final, recommended or sent back), or None if it never was frozen. One query."""
    approvals = list(
        Approval.objects.filter(version=version).select_related("recommended_by", "decided_by")
    )
    approved = [a for a in approvals if a.state == Approval.State.APPROVED]
    if approved:
        return approved[0]
    return max(approvals, key=lambda a: a.frozen_at, default=None)


@dataclass
class Tally:
    """The board's votes on one approval. While the board decides, only the votes of the members
    on the board now count (as in services.approval.board_vote) and `size` is the board's size;
    for a decided approval every vote cast counts and the size is not known (None)."""

    size: int | None
    approve: int = 0
    reject: int = 0
    votes: list[BoardVote] = field(default_factory=list)
    filled: int | None = None  # board members in the engagement, while the board decides

    @property
    def needed(self) -> int | None:
        return None if self.size is None else votes_needed(self.size)


@dataclass
class Overview:
    """Everything the approval page shows."""

    approved: Approval | None
    approved_tally: Tally | None  # when the board approved it by vote
    active: Approval | None
    tally: Tally | None  # the board's votes on the draft in approval
    my_vote: BoardVote | None
    earlier: list[Approval]  # other rounds that ended, newest first
    board: list[Membership]
    seats: Seats  # the board's seats, whose majority decides by vote
    superintendents: list[Membership]
    clerk: Membership | None
    reviews: list[Review]


def _tally(votes: list[BoardVote], board: set | None, seats: Seats | None = None) -> Tally:
    counted = [v for v in votes if board is None or v.membership_id in board]
    return Tally(
        size=None if seats is None else seats.size,
        filled=None if board is None else len(board),
        approve=sum(v.choice == BoardVote.Choice.APPROVE for v in counted),
        reject=sum(v.choice == BoardVote.Choice.REJECT for v in counted),
        votes=counted,
    )


def approval_overview(plan: Plan, membership: Membership) -> Overview:
    """The approval page's data in five queries (six once there are votes): approvals, the
    members, the roster's board seats (unless the board's size is set), the reviews and the
    board's votes."""
    approvals = list(_approvals(plan).select_related("recommended_by", "decided_by"))
    members = list(
        Membership.objects.filter(engagement_id=plan.engagement_id)
        .select_related("user")
        .order_by("user__full_name")
    )
    board = [m for m in members if Role.BOARD in m.roles]
    seats = board_seats(plan, board)
    status = _status(approvals)
    by_vote = [
        a
        for a in (status.approved, status.active)
        if a is not None and a.rule == ApprovalRule.MAJORITY
    ]
    votes = list(BoardVote.objects.filter(approval__in=by_vote)) if by_vote else []
    tally = approved_tally = my_vote = None
    if status.active in by_vote:
        active_votes = [v for v in votes if v.approval_id == status.active.pk]
        tally = _tally(active_votes, {m.pk for m in board}, seats)
        my_vote = next((v for v in active_votes if v.membership_id == membership.pk), None)
    if status.approved in by_vote:
        approved_tally = _tally([v for v in votes if v.approval_id == status.approved.pk], None)
    ended = [a for a in approvals if a.state not in Approval.ACTIVE and a != status.approved]
    return Overview(
        approved=status.approved,
        approved_tally=approved_tally,
        active=status.active,
        tally=tally,
        my_vote=my_vote,
        earlier=sorted(ended, key=lambda a: a.decided_at or a.frozen_at, reverse=True),
        board=board,
        seats=seats,
        superintendents=[m for m in members if Role.SUPERINTENDENT in m.roles],
        clerk=next((m for m in members if m.pk == plan.board_clerk_id), None),
        reviews=list(
            Review.objects.filter(version__plan=plan)
            .select_related("version")
            .defer("version__data")
            .order_by("-published_at")
        ),
    )


def plan_history(engagement) -> list[PlanEvent]:
    """The plan's history, newest first, with each step's draft: one query."""
    return list(
        PlanEvent.objects.filter(plan__engagement=engagement)
        .select_related("version")
        .defer("version__data")
        .order_by("-at")
    )
