"""Counts by stakeholder group as the public may see them: a group of fewer than five people is
never shown as a number, so nobody in a small group can be picked out from a published count.

In the base app so every app that publishes counts by group (the public progress page, a
public meeting's record) can use the one rule."""

from collections.abc import Mapping
from dataclasses import dataclass

MINIMUM = 5
HIDDEN = f"fewer than {MINIMUM}"


@dataclass(frozen=True)
class GroupCount:
    group: str
    count: int | None  # None: fewer than MINIMUM people, never shown

    @property
    def text(self) -> str:
        return HIDDEN if self.count is None else f"{self.count:,}"


@dataclass(frozen=True)
class GroupCounts:
    rows: tuple[GroupCount, ...]
    total_text: str

    @property
    def any(self) -> bool:
        return bool(self.rows)


def hide_small_groups(counts: Mapping[str, int], *, minimum: int = MINIMUM) -> GroupCounts:
    """Counts of people by group, with every group under `minimum` shown as "fewer than 5".

    Groups with nobody are left out. The total is exact only when no group is hidden (else
    subtracting the shown groups from it would give the hidden one back): with hidden groups it
    says "more than" the shown ones together, and when every group is hidden it gives no number
    at all."""
    rows = tuple(
        GroupCount(group, count if count >= minimum else None)
        for group, count in sorted(counts.items(), key=lambda pair: pair[0].casefold())
        if count > 0
    )
    shown = sum(row.count for row in rows if row.count is not None)
    hidden = sum(1 for row in rows if row.count is None)
    if not rows:
        total = "none"
    elif not hidden:
        total = f"{shown:,}"
    elif shown:
        total = f"more than {shown:,}"
    else:
        total = f"{HIDDEN} in each group"
    return GroupCounts(rows=rows, total_text=total)
