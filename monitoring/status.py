"""A measure's status from its latest reading, and why, in plain words. Pure: no database, no
clock (the caller passes `today`), so every rule is unit-tested in tests/monitoring/test_status.py.

The rule (README, "Living the plan: measures"):
- no reading: *no data yet*; no target to judge against: *no target set*;
- the measure's reporting period (monthly, quarterly, twice a year, yearly) has passed since the
  latest reading: *update overdue*, shown instead of an older status;
- higher or lower is better: the expected value on the reading's date lies on the path from the
  baseline to the target, straight lines through the yearly targets when there are any. Progress
  is measured from the baseline: on track at `on_track` (95 %) of the expected progress or more,
  behind from `behind` (85 %), off track below. Where no progress is expected yet, a reading no
  worse than the baseline is on track, and a worse one counts its shortfall against the whole way
  from baseline to target;
- stay within a band: inside the band is on track; outside it, the distance is counted against
  the band's width with the same thresholds (5 % of the width out: still on track; up to 15 %:
  behind; further: off track).
"""

import calendar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Status(StrEnum):
    ON_TRACK = "on_track"
    BEHIND = "behind"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"
    OVERDUE = "overdue"
    NO_TARGET = "no_target"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Status.ON_TRACK: "On track",
    Status.BEHIND: "Behind",
    Status.OFF_TRACK: "Off track",
    Status.NO_DATA: "No data yet",
    Status.OVERDUE: "Update overdue",
    Status.NO_TARGET: "No target set",
}

PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "twice_a_year": 6, "yearly": 12}
FREQUENCY_WORDS = {
    "monthly": "every month",
    "quarterly": "every quarter",
    "twice_a_year": "twice a year",
    "yearly": "every year",
}


@dataclass(frozen=True)
class Path:
    """What a measure is judged against. `milestones` are (date, value) yearly targets."""

    direction: str  # "up", "down" or "band"
    frequency: str
    baseline: Decimal | None = None
    baseline_date: date | None = None
    target: Decimal | None = None
    target_date: date | None = None
    band_low: Decimal | None = None
    band_high: Decimal | None = None
    unit: str = ""
    milestones: tuple[tuple[date, Decimal], ...] = field(default=())


@dataclass(frozen=True)
class Judgement:
    status: Status
    why: str
    expected: Decimal | None = None
    due_by: date | None = None  # when a new reading is due

    @property
    def label(self) -> str:
        return self.status.label


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def amount(value: Decimal | None, unit: str = "") -> str:
    """72.50 → "72.5", 1200 → "1,200"; with its unit ("72 %", "12 days")."""
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}".strip() if unit else text


MONTHS = tuple(calendar.month_name)  # calendar's own list formats a date at each look-up


def month_year(day: date) -> str:
    return f"{MONTHS[day.month]} {day.year}"


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def expected_on(path: Path, day: date) -> Decimal | None:
    """The value expected on `day`: straight lines from the baseline through the yearly targets
    to the target; the baseline before it starts, the target after it ends."""
    if None in (path.baseline, path.baseline_date, path.target, path.target_date):
        return None
    inside = [(d, v) for d, v in path.milestones if path.baseline_date < d < path.target_date]
    points = [(path.baseline_date, path.baseline), *sorted(inside), (path.target_date, path.target)]
    if day <= points[0][0]:
        return points[0][1]
    for (start, begin), (end, finish) in zip(points, points[1:], strict=False):
        if day <= end:
            span = (end - start).days
            share = Decimal((day - start).days) / Decimal(span) if span else Decimal(1)
            return begin + (finish - begin) * share
    return points[-1][1]


def _grade(ratio: Decimal, on_track: float, behind: float) -> Status:
    if ratio >= Decimal(str(on_track)):
        return Status.ON_TRACK
    if ratio >= Decimal(str(behind)):
        return Status.BEHIND
    return Status.OFF_TRACK


def judge(
    path: Path,
    latest: tuple[date, Decimal] | None,
    *,
    today: date,
    on_track: float = 0.95,
    behind: float = 0.85,
) -> Judgement:
    """The status of a measure whose latest reading is `latest` (date, value), on `today`."""
    unit = path.unit
    if latest is None:
        return Judgement(
            Status.NO_DATA,
            f"No reading yet. This measure is reported "
            f"{FREQUENCY_WORDS.get(path.frequency, 'every year')}.",
        )
    taken_on, value = latest
    due_by = add_months(taken_on, PERIOD_MONTHS.get(path.frequency, 12))
    if today > due_by:
        return Judgement(
            Status.OVERDUE,
            f"Latest reading {amount(value, unit)} on {long_date(taken_on)}. This measure is "
            f"reported {FREQUENCY_WORDS.get(path.frequency, 'every year')}, so a new reading "
            f"was due by {long_date(due_by)}.",
            due_by=due_by,
        )
    if path.direction == "band":
        return _judge_band(path, value, due_by, on_track, behind)
    expected = expected_on(path, taken_on)
    if expected is None:
        return Judgement(
            Status.NO_TARGET,
            f"{amount(value, unit)} now. Without a baseline and a target with their dates "
            "there is nothing to judge progress against.",
            due_by=due_by,
        )
    sign = 1 if path.direction == "up" else -1
    progress = (value - path.baseline) * sign
    wanted = (expected - path.baseline) * sign
    whole = abs(path.target - path.baseline) or Decimal(1)
    ratio = progress / wanted if wanted > 0 else 1 + min(progress, Decimal(0)) / whole
    status = _grade(ratio, on_track, behind)
    expected = expected.quantize(Decimal("0.1"))  # as people say it: 83.3 %, not 83.333 %
    why = (
        f"{amount(value, unit)} now; {amount(expected, unit)} expected by "
        f"{month_year(taken_on)}; target {amount(path.target, unit)} by "
        f"{month_year(path.target_date)}."
    )
    return Judgement(status, why, expected=expected, due_by=due_by)


def _judge_band(
    path: Path, value: Decimal, due_by: date, on_track: float, behind: float
) -> Judgement:
    unit = path.unit
    if path.band_low is None or path.band_high is None:
        return Judgement(
            Status.NO_TARGET,
            f"{amount(value, unit)} now. The band to stay within has no lowest and highest "
            "value yet.",
            due_by=due_by,
        )
    low, high = sorted((path.band_low, path.band_high))
    band = f"between {amount(low, unit)} and {amount(high, unit)}"
    if low <= value <= high:
        return Judgement(
            Status.ON_TRACK, f"{amount(value, unit)} now; to stay {band}.", due_by=due_by
        )
    distance = low - value if value < low else value - high
    width = high - low
    ratio = 1 - distance / width if width else Decimal(0)
    side = "below" if value < low else "above"
    return Judgement(
        _grade(ratio, on_track, behind),
        f"{amount(value, unit)} now, {amount(distance, unit)} {side} the band; to stay {band}.",
        due_by=due_by,
    )


# Worst first. An overdue update ranks above "behind": nobody knows how far behind it is.
WORST_FIRST = (
    Status.OFF_TRACK,
    Status.OVERDUE,
    Status.BEHIND,
    Status.ON_TRACK,
    Status.NO_DATA,
    Status.NO_TARGET,
)


def rollup(statuses) -> Status | None:
    """A strategy's or a goal's status from its elements' statuses: the worst of them (worst
    first: off track, update overdue, behind, on track); "no data yet" and "no target set" count
    only when nothing else is known. None for no elements."""
    found = {Status(status) for status in statuses}
    return next((status for status in WORST_FIRST if status in found), None)
