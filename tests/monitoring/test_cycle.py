"""The update cycle's calendar (monitoring/cycle.py): periods over month ends, leap years,
quarter and term boundaries, the due day, the grace and the twice-a-week reminder rule."""

from datetime import date

import pytest

from monitoring.cycle import period_for, previous_period, reminder_allowed

TERMS = [date(2026, 8, 14), date(2026, 12, 18), date(2027, 3, 26), date(2027, 6, 11)]


def test_a_month_runs_from_its_first_to_its_last_day_with_updates_due_on_the_tenth():
    period = period_for(date(2027, 1, 31))
    assert (period.start, period.end, period.due, period.grace_end) == (
        date(2027, 1, 1),
        date(2027, 1, 31),
        date(2027, 1, 10),
        date(2027, 1, 13),
    )
    assert period.label == "January 2027"


def test_a_due_day_past_a_short_month_falls_on_its_last_day_leap_years_included():
    assert period_for(date(2027, 2, 1), due_day=31).due == date(2027, 2, 28)
    assert period_for(date(2028, 2, 29), due_day=31).due == date(2028, 2, 29)
    assert period_for(date(2028, 2, 29)).end == date(2028, 2, 29)
    assert period_for(date(2027, 4, 30), due_day=31).due == date(2027, 4, 30)


def test_the_day_after_a_month_end_starts_the_next_period():
    december = period_for(date(2026, 12, 31))
    january = period_for(date(2027, 1, 1))
    assert december.end == date(2026, 12, 31)
    assert january.start == date(2027, 1, 1)
    assert previous_period(january) == december


@pytest.mark.parametrize(
    ("today", "start", "end"),
    [
        (date(2027, 1, 1), date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 3, 31), date(2027, 1, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2027, 4, 1), date(2027, 6, 30)),
        (date(2027, 12, 31), date(2027, 10, 1), date(2027, 12, 31)),
    ],
)
def test_quarters_follow_the_calendar(today, start, end):
    period = period_for(today, cadence="quarterly", due_day=15)
    assert (period.start, period.end, period.due) == (start, end, start.replace(day=15))


def test_a_quarter_is_labelled_by_its_months():
    assert period_for(date(2027, 5, 5), cadence="quarterly").label == "April to June 2027"


def test_a_term_runs_from_the_day_after_the_last_term_end_to_the_next_one():
    period = period_for(date(2026, 12, 18), cadence="term", term_ends=TERMS, due_day=10)
    assert (period.start, period.end) == (date(2026, 8, 15), date(2026, 12, 18))
    assert period.due == date(2026, 8, 24)
    following = period_for(date(2026, 12, 19), cadence="term", term_ends=TERMS)
    assert following.start == date(2026, 12, 19)
    assert following.end == date(2027, 3, 26)
    assert following.label == "19 December 2026 to 26 March 2027"


def test_outside_the_listed_terms_there_is_no_period():
    assert period_for(date(2026, 8, 14), cadence="term", term_ends=TERMS) is None
    assert period_for(date(2027, 6, 12), cadence="term", term_ends=TERMS) is None
    assert period_for(date(2027, 1, 5), cadence="term", term_ends=[]) is None


def test_reminders_wait_for_the_grace_to_end_and_stop_with_the_period():
    period = period_for(date(2027, 1, 1), due_day=10, grace_days=3)
    assert not period.is_due(date(2027, 1, 9))
    assert period.is_due(date(2027, 1, 10))
    assert not reminder_allowed(period, date(2027, 1, 13), None)
    assert reminder_allowed(period, date(2027, 1, 14), None)
    assert reminder_allowed(period, date(2027, 1, 31), None)
    assert not reminder_allowed(period, date(2027, 2, 1), None)


def test_reminders_come_at_most_twice_a_week():
    period = period_for(date(2027, 1, 1), due_day=1, grace_days=0)
    sent = []
    for day in range(2, 32):
        today = date(2027, 1, day)
        if reminder_allowed(period, today, sent[-1] if sent else None):
            sent.append(today)
    assert [d.day for d in sent] == [2, 6, 10, 14, 18, 22, 26, 30]
    for first in range(2, 26):
        assert sum(1 for d in sent if first <= d.day < first + 7) <= 2
