"""A measure's status and its reason, from its latest reading (monitoring/status.py), with a
fixed "today"."""

from datetime import date
from decimal import Decimal as D

import pytest

from monitoring.status import Path, Status, add_months, amount, expected_on, judge, rollup

# Graduation rate: 70 % in June 2024, 90 % by June 2028 (four years, five points a year).
GRADUATION = Path(
    direction="up",
    frequency="quarterly",
    baseline=D("70"),
    baseline_date=date(2024, 6, 30),
    target=D("90"),
    target_date=date(2028, 6, 30),
    unit="%",
)
# Chronic absence: 20 % down to 10 % over the same years.
ABSENCE = Path(
    direction="down",
    frequency="monthly",
    baseline=D("20"),
    baseline_date=date(2024, 6, 30),
    target=D("10"),
    target_date=date(2028, 6, 30),
    unit="%",
)
# Class size: stay between 18 and 24 students.
CLASS_SIZE = Path(
    direction="band", frequency="yearly", band_low=D("18"), band_high=D("24"), unit="students"
)
HALFWAY = date(2026, 6, 30)  # two years in: 80 % expected (graduation), 15 % (absence)


def test_the_expected_value_lies_on_the_straight_line_from_baseline_to_target():
    assert expected_on(GRADUATION, HALFWAY).quantize(D("0.1")) == D("80.0")
    assert expected_on(GRADUATION, date(2020, 1, 1)) == D("70")
    assert expected_on(GRADUATION, date(2030, 1, 1)) == D("90")
    assert expected_on(ABSENCE, HALFWAY).quantize(D("0.1")) == D("15.0")


def test_yearly_targets_bend_the_path():
    # The district expects a slow start: 71 % by June 2025, then the straight way to 90 %.
    slow = Path(**{**GRADUATION.__dict__, "milestones": ((date(2025, 6, 30), D("71")),)})
    assert expected_on(slow, date(2025, 6, 30)) == D("71")
    assert expected_on(slow, date(2024, 12, 30)).quantize(D("0.1")) == D("70.5")
    # 79 % in June 2026 is behind the straight line (80 %) but ahead of the district's own path.
    assert judge(GRADUATION, (HALFWAY, D("79")), today=HALFWAY).status == Status.BEHIND
    assert judge(slow, (HALFWAY, D("79")), today=HALFWAY).status == Status.ON_TRACK


def test_a_yearly_target_outside_the_plan_years_is_ignored():
    odd = Path(**{**GRADUATION.__dict__, "milestones": ((date(2030, 6, 30), D("99")),)})
    assert expected_on(odd, HALFWAY) == expected_on(GRADUATION, HALFWAY)


@pytest.mark.parametrize(
    "value,status",
    [
        ("80", Status.ON_TRACK),  # all the expected progress
        ("95", Status.ON_TRACK),  # ahead of the path
        ("79.5", Status.ON_TRACK),  # 95 % of the ten points expected
        ("79.4", Status.BEHIND),  # just under 95 %
        ("78.5", Status.BEHIND),  # 85 %
        ("78.4", Status.OFF_TRACK),  # just under 85 %
        ("65", Status.OFF_TRACK),  # worse than the baseline
    ],
)
def test_higher_is_better(value, status):
    assert judge(GRADUATION, (HALFWAY, D(value)), today=HALFWAY).status == status


@pytest.mark.parametrize(
    "value,status",
    [
        ("15", Status.ON_TRACK),
        ("9", Status.ON_TRACK),
        ("15.25", Status.ON_TRACK),  # 95 % of the five points expected
        ("15.3", Status.BEHIND),
        ("15.75", Status.BEHIND),  # 85 %
        ("15.8", Status.OFF_TRACK),
        ("22", Status.OFF_TRACK),
    ],
)
def test_lower_is_better(value, status):
    assert judge(ABSENCE, (HALFWAY, D(value)), today=HALFWAY).status == status


@pytest.mark.parametrize(
    "value,status",
    [
        ("18", Status.ON_TRACK),
        ("24", Status.ON_TRACK),
        ("21", Status.ON_TRACK),
        ("24.3", Status.ON_TRACK),  # 5 % of the band's width above it
        ("24.6", Status.BEHIND),  # 10 %
        ("17.1", Status.BEHIND),  # 15 % below
        ("26", Status.OFF_TRACK),
        ("12", Status.OFF_TRACK),
    ],
)
def test_stay_within_a_band(value, status):
    assert judge(CLASS_SIZE, (HALFWAY, D(value)), today=HALFWAY).status == status


def test_thresholds_come_from_the_caller():
    reading = (HALFWAY, D("79"))  # 90 % of the expected progress
    assert judge(GRADUATION, reading, today=HALFWAY).status == Status.BEHIND
    assert judge(GRADUATION, reading, today=HALFWAY, on_track=0.9).status == Status.ON_TRACK
    assert judge(GRADUATION, reading, today=HALFWAY, behind=0.95).status == Status.OFF_TRACK


def test_before_any_progress_is_expected_holding_the_baseline_is_on_track():
    start = date(2024, 6, 30)
    assert judge(GRADUATION, (start, D("70")), today=start).status == Status.ON_TRACK
    # One point down of the twenty to climb: 95 % — still on track; four points down: off.
    assert judge(GRADUATION, (start, D("69")), today=start).status == Status.ON_TRACK
    assert judge(GRADUATION, (start, D("68")), today=start).status == Status.BEHIND
    assert judge(GRADUATION, (start, D("66")), today=start).status == Status.OFF_TRACK


def test_without_a_reading_there_is_no_data_yet():
    judgement = judge(GRADUATION, None, today=HALFWAY)
    assert judgement.status == Status.NO_DATA
    assert judgement.label == "No data yet"
    assert judgement.why == "No reading yet. This measure is reported every quarter."


def test_an_old_reading_is_shown_as_an_overdue_update_instead_of_its_status():
    reading = (date(2026, 1, 15), D("90"))  # far ahead of the path, but in January
    assert judge(GRADUATION, reading, today=date(2026, 4, 15)).status == Status.ON_TRACK
    late = judge(GRADUATION, reading, today=date(2026, 4, 16))
    assert late.status == Status.OVERDUE
    assert late.why == (
        "Latest reading 90 % on 15 January 2026. This measure is reported every quarter, "
        "so a new reading was due by 15 April 2026."
    )


@pytest.mark.parametrize(
    "frequency,last_day_on_time",
    [
        ("monthly", date(2026, 2, 28)),  # 31 January + a month: the end of February
        ("quarterly", date(2026, 4, 30)),
        ("twice_a_year", date(2026, 7, 31)),
        ("yearly", date(2027, 1, 31)),
    ],
)
def test_each_reporting_frequency_has_its_period(frequency, last_day_on_time):
    path = Path(**{**GRADUATION.__dict__, "frequency": frequency})
    reading = (date(2026, 1, 31), D("90"))
    assert judge(path, reading, today=last_day_on_time).status == Status.ON_TRACK
    after = date.fromordinal(last_day_on_time.toordinal() + 1)
    assert judge(path, reading, today=after).status == Status.OVERDUE


def test_the_reason_gives_the_reading_the_expected_value_and_the_target_in_words():
    judgement = judge(GRADUATION, (date(2027, 3, 1), D("72")), today=date(2027, 3, 2))
    assert judgement.status == Status.OFF_TRACK
    assert judgement.why == "72 % now; 83.3 % expected by March 2027; target 90 % by June 2028."


def test_a_band_reason_says_how_far_out_the_reading_is():
    judgement = judge(CLASS_SIZE, (HALFWAY, D("26")), today=HALFWAY)
    assert judgement.why == (
        "26 students now, 2 students above the band; to stay between 18 students and 24 students."
    )


def test_a_measure_without_a_target_says_so():
    bare = Path(direction="up", frequency="yearly", baseline=D("3"), unit="schools")
    judgement = judge(bare, (HALFWAY, D("4")), today=HALFWAY)
    assert judgement.status == Status.NO_TARGET
    assert judgement.why.startswith("4 schools now.")
    band = Path(direction="band", frequency="yearly", band_low=D("1"))
    assert judge(band, (HALFWAY, D("4")), today=HALFWAY).status == Status.NO_TARGET


def test_amounts_are_written_as_people_write_them():
    assert amount(D("72.50"), "%") == "72.5 %"
    assert amount(D("1200.00"), "students") == "1,200 students"
    assert amount(D("0.00")) == "0"
    assert amount(None) == "—"
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)


@pytest.mark.parametrize(
    "statuses,rolled_up",
    [
        (["on_track", "behind", "on_track"], Status.BEHIND),
        (["on_track", "off_track", "overdue"], Status.OFF_TRACK),
        (["behind", "overdue"], Status.OVERDUE),
        (["on_track", "no_data"], Status.ON_TRACK),
        (["no_data", "no_target"], Status.NO_DATA),
        ([], None),
    ],
)
def test_a_goal_or_strategy_takes_the_worst_status_of_its_elements(statuses, rolled_up):
    assert rollup(statuses) == rolled_up
