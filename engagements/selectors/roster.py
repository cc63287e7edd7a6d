"""The roster: who sits on the plan team, against each stakeholder group's seats and the balance
of seed 002's three blocks (a third staff, a third management, a third parents and community)."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from ..models import Engagement, Invitation, Membership, StakeholderGroup
from .invitations import pending_q

Block = StakeholderGroup.Block
# How far a block's share of the seated members may stray from a third before we warn.
BALANCE_TOLERANCE = 0.10


@dataclass
class GroupLine:
    group: StakeholderGroup
    filled: int
    invited: int

    @property
    def open_seats(self) -> int:
        return max(self.group.quota - self.filled, 0)

    @property
    def over(self) -> int:
        return max(self.filled - self.group.quota, 0)

    @property
    def percent(self) -> int:
        return min(round(100 * self.filled / self.group.quota), 100) if self.group.quota else 0

    @property
    def summary(self) -> str:
        name, seats = self.group.name, self.group.quota
        if self.over:
            return f"{name}: {self.filled} seated for {seats} seats ({self.over} over)"
        if self.filled == seats:
            return f"{name}: all {seats} seats filled"
        return f"{name}: {self.filled} of {seats} seats filled"


@dataclass
class BlockLine:
    block: str
    label: str
    seats: int
    filled: int
    share: float  # of all seated members in a group
    target_share: float  # of all seats

    @property
    def percent(self) -> int:
        return round(100 * self.share)

    @property
    def balanced(self) -> bool:
        return abs(self.share - 1 / 3) <= BALANCE_TOLERANCE


@dataclass
class Roster:
    groups: list[GroupLine]
    blocks: list[BlockLine]
    members: list[Membership]
    seats: int
    seated: int
    ungrouped: int
    pending_invitations: int
    warnings: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.warnings and self.seats > 0


def roster_for(engagement: Engagement) -> Roster:
    """Seats, balance, warnings and the member list in four queries, whatever the team's size."""
    now = timezone.now()
    pending = pending_q(now, prefix="invitations__")
    groups = list(
        engagement.stakeholder_groups.annotate(
            filled=Count("memberships", distinct=True),
            invited=Count("invitations", filter=pending, distinct=True),
        ).order_by("position", "name")
    )
    members = list(
        engagement.memberships.select_related("user", "stakeholder_group").order_by(
            "stakeholder_group__position", "user__full_name", "user__email"
        )
    )
    pending_invitations = Invitation.objects.filter(pending_q(now), engagement=engagement).count()
    lines = [GroupLine(group=g, filled=g.filled, invited=g.invited) for g in groups]
    seated = sum(line.filled for line in lines)
    seats = sum(line.group.quota for line in lines)
    blocks = []
    for value, label in Block.choices:
        in_block = [line for line in lines if line.group.block == value]
        filled = sum(line.filled for line in in_block)
        block_seats = sum(line.group.quota for line in in_block)
        blocks.append(
            BlockLine(
                block=value,
                label=label,
                seats=block_seats,
                filled=filled,
                share=filled / seated if seated else 0.0,
                target_share=block_seats / seats if seats else 0.0,
            )
        )
    ungrouped = sum(
        1 for m in members if m.stakeholder_group_id is None and not m.has_role("facilitator")
    )
    warnings = [line.summary for line in lines if line.filled != line.group.quota]
    if seated:
        warnings += [
            f"{block.label} hold {block.percent}% of the seated members; "
            f"aim for about a third (33%)."
            for block in blocks
            if not block.balanced
        ]
    if ungrouped:
        warnings.append(
            f"{ungrouped} team member{'s' if ungrouped != 1 else ''} "
            f"{'represent' if ungrouped != 1 else 'represents'} no stakeholder group."
        )
    return Roster(
        groups=lines,
        blocks=blocks,
        members=members,
        seats=seats,
        seated=seated,
        ungrouped=ungrouped,
        pending_invitations=pending_invitations,
        warnings=warnings,
    )
