"""Counts by stakeholder group as the public may see them: a group of fewer than five people is
never shown as a number, so nobody in a small group can be picked out from a published count.

In the base app so every app that publishes counts by group (the public progress page, a
public meeting's record, survey results, synthesis counts) can use the one rule. Two forms:
`hide_small_groups` gives no exact total once a group is hidden; `hide_small` keeps the exact
total and hides more groups until the hidden ones hold five people or more."""

from collections.abc import Callable, Mapping
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


def hide_small(groups: list, *, size: Callable[[object], int], minimum: int = MINIMUM) -> None:
    """The rule for tables that show an exact total (survey results, synthesis counts): hides
    (sets `shown` False on) every group of 1 to 4 people, as `size` counts them; then, while the
    hidden ones add up to fewer than five, also the smallest shown group, so that the total
    minus the shown groups never gives a small group's answers."""
    for group in groups:
        if 0 < size(group) < minimum:
            group.shown = False
    while True:
        hidden = sum(size(g) for g in groups if not g.shown)
        if hidden == 0 or hidden >= minimum:
            return
        candidates = [g for g in groups if g.shown and size(g) > 0]
        if not candidates:
            return
        min(candidates, key=size).shown = False
