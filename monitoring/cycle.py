"""The update cycle's calendar: which period a day falls in, when its updates are due and when the
grace ends, and when a reminder may go out. Pure: no database, no clock (the caller passes
`today`), so every rule is unit-tested in tests/monitoring/test_cycle.py.

The rule (README, "The update cycle"):
- a period is a calendar month (monthly), a calendar quarter (quarterly), or, per term, the days
  from the day after one listed term end to the next term end;
- updates are due on day `due_day` of the period (the 10th of the month; the 10th of the
  quarter's first month; the 10th day after a term ended), clamped to a short month's last day;
- reminders start after the grace period (`grace_days` after the due date) and go on until the
  owner has reported or the period ends, at most twice a week (four days apart at least);
- before the first listed term end and after the last one there is no period (None).
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

# Four days between reminders: never more than two in any seven days.
REMINDER_GAP = timedelta(days=4)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    due: date
    grace_end: date  # the last day of grace; reminders may start the day after

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def is_due(self, today: date) -> bool:
        """Whether updates are due by now (from the due day on)."""
        return today >= self.due

    def is_late(self, today: date) -> bool:
        """Past the grace period: reminders may go, and what is not reported is overdue."""
        return self.grace_end < today <= self.end

    @property
    def reminders_from(self) -> date:
        return self.grace_end + timedelta(days=1)

    @property
    def label(self) -> str:
        if self.start.day == 1 and self.end == _month_end(self.start):
            return self.start.strftime("%B %Y")
        if self.start.day == 1 and self.end == _month_end(_add_months(self.start, 2)):
            return f"{self.start.strftime('%B')} to {self.end.strftime('%B %Y')}"
        return f"{_day(self.start)} to {_day(self.end)}"


def _day(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def _on_day(first: date, due_day: int) -> date:
    """Day `due_day` of `first`'s month, or the month's last day when it is shorter."""
    return first.replace(day=min(due_day, calendar.monthrange(first.year, first.month)[1]))


def period_for(
    today: date,
    *,
    cadence: str = "monthly",
    due_day: int = 10,
    grace_days: int = 3,
    term_ends: list[date] | tuple[date, ...] = (),
) -> Period | None:
    """The period `today` falls in, with its due date and the end of its grace."""
    if cadence == "term":
        ends = sorted(set(term_ends))
        following = [end for end in ends if end >= today]
        earlier = [end for end in ends if end < today]
        if not following or not earlier:
            return None
        start, end = earlier[-1] + timedelta(days=1), following[0]
        due = min(start + timedelta(days=due_day - 1), end)
    else:
        months = 3 if cadence == "quarterly" else 1
        first_month = (today.month - 1) // months * months + 1
        start = date(today.year, first_month, 1)
        end = _month_end(_add_months(start, months - 1))
        due = _on_day(start, due_day)
    grace_end = min(due + timedelta(days=grace_days), end)
    return Period(start=start, end=end, due=due, grace_end=grace_end)


def previous_period(period: Period, **cycle) -> Period | None:
    """The period before `period` (None per term before the first listed one)."""
    return period_for(period.start - timedelta(days=1), **cycle)


def reminder_allowed(period: Period, today: date, last_reminder: date | None) -> bool:
    """Whether an owner who has not reported may get a reminder today: after the grace period,
    within the period, and four days or more after the last one."""
    if not period.is_late(today):
        return False
    return last_reminder is None or today - last_reminder >= REMINDER_GAP
