"""The environmental scan's rules without pages: numbers as people type them, the sentence in
words, a pack's order, and the chart's text alternative."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evidence import charts, selectors, services
from evidence.models import DataPackItem
from tests.factories import (
    DataPackFactory,
    DataPackItemFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeetingFactory,
)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("81.5", "81.50"),
        ("81.5%", "81.50"),
        ("1,204", "1204.00"),
        ("12,5", "12.50"),
        ("-3", "-3.00"),
        (" 7 ", "7.00"),
        ("1,204.5", "1204.50"),
        ("1.204,5", "1204.50"),
        ("-1.204.500,25", "-1204500.25"),
        ("1,204,500.25", "1204500.25"),
        ("1 204,5", "1204.50"),
        ("999999999999.99", "999999999999.99"),
        ("-999999999999.994", "-999999999999.99"),
    ],
)
def test_numbers_are_read_as_people_type_them(typed, number):
    assert services.parse_number(typed) == Decimal(number)


@pytest.mark.parametrize(
    "typed",
    ["", "eighty", "1e20", "NaN", "Infinity", "--1", "1,2,3", "1,2.5", "1.204.5,0", "12,5.1"],
)
def test_what_is_no_number_is_none(typed):
    assert services.parse_number(typed) is None


@pytest.mark.parametrize("typed", ["999999999999.999", "1000000000000", "-999999999999.995"])
def test_a_number_that_rounds_past_the_limit_is_refused(typed):
    assert services.parse_number(typed) is None
    assert services.number_problem(typed) == (
        f"“{typed}” is too large: write a number under 1,000,000,000,000."
    )


def test_unclear_commas_and_points_are_named():
    assert services.number_problem("1,2,3") == (
        "“1,2,3” is not a number: its commas and points are unclear. Write it as 1204.5 or 1.204,5."
    )
    assert services.number_problem("eighty") == "“eighty” is not a number."
    assert services.number_problem("81.5") == ""


@pytest.mark.parametrize(
    ("typed", "year"), [("2025", 2025), ("1899", None), ("25", None), ("２０２５", None)]
)
def test_years(typed, year):
    assert services.parse_year(typed) == year


def series(*points, breakdown=""):
    return charts.Series(breakdown, tuple((y, Decimal(v)) for y, v in points))


def test_the_sentence_says_rose_fell_or_stayed_and_which_way_is_better():
    rose = charts.summary(
        "Graduation rate", "%", "Higher is better", [series((2021, "81"), (2025, "86"))]
    )
    assert rose == "Graduation rate rose from 81% in 2021 to 86% in 2025; higher is better."
    fell = charts.summary(
        "Chronic absenteeism",
        "%",
        "Lower is better",
        [series((2022, "16.4"), (2025, "14.2")), series((2025, "20"), breakdown="Lincoln")],
    )
    assert fell == (
        "Chronic absenteeism fell from 16.4% in 2022 to 14.2% in 2025; lower is better. "
        "The chart also shows 1 group or school."
    )
    same = charts.summary("Trust", "", "Higher is better", [series((2024, "3.5"), (2025, "3.5"))])
    assert same == "Trust stayed at 3.5 from 2024 to 2025; higher is better."
    one = charts.summary("Budget", "dollars", "Higher is better", [series((2025, "1204000"))])
    assert one == "Budget was 1,204,000 dollars in 2025; higher is better."
    empty = charts.summary("Trust", "", "Lower is better", [])
    assert empty == "Trust: no values yet; lower is better."


def test_the_sentence_falls_back_to_the_first_group_without_all_students():
    only_group = [series((2024, "60"), (2025, "64"), breakdown="English learners")]
    text = charts.summary("Reading", "%", "Higher is better", only_group)
    assert text.startswith("Reading rose for English learners from 60% in 2024 to 64% in 2025")


def test_the_svg_is_labelled_and_escapes_its_words():
    svg = charts.svg(
        key="k",
        title="<b>Rate</b>",
        description="<i>words</i>",
        unit="%",
        series=[series((2024, "1"), (2025, "2")), series((2025, "3"), breakdown="<s>x</s>")],
    )
    assert 'role="img"' in svg and 'aria-labelledby="k-title k-desc"' in svg
    assert "<b>" not in svg and "<i>" not in svg and "<s>" not in svg
    assert "&lt;s&gt;x&lt;/s&gt;" in svg
    assert 'stroke-dasharray="6 3"' in svg  # the second line is told apart by its dashes
    empty = charts.svg(key="e", title="T", description="D", unit="", series=[])
    assert "No values yet" in empty


@pytest.mark.django_db
def test_lines_are_all_students_first_then_groups_by_name():
    indicator = IndicatorFactory()
    IndicatorValueFactory(indicator=indicator, year=2025, breakdown="Zeta school")
    IndicatorValueFactory(indicator=indicator, year=2025, breakdown="")
    IndicatorValueFactory(indicator=indicator, year=2024, breakdown="alpha school")
    lines = selectors.series_of(indicator)
    assert [line.label for line in lines] == ["All students", "alpha school", "Zeta school"]
    assert selectors.latest_all_students(indicator) == (2025, Decimal("81.00"))


@pytest.mark.django_db
def test_moving_an_item_past_either_end_does_nothing():
    pack = DataPackFactory()
    first, second, third = (DataPackItemFactory(pack=pack) for _ in range(3))
    assert services.pack_item_move(item=first, direction="up") is False
    assert services.pack_item_move(item=third, direction="down") is False
    assert services.pack_item_move(item=third, direction="up") is True
    order = list(DataPackItem.objects.filter(pack=pack).values_list("pk", flat=True))
    assert order == [first.pk, third.pk, second.pk]


@pytest.mark.django_db
def test_a_pack_takes_only_its_engagements_meetings_and_indicators():
    pack = DataPackFactory()
    with pytest.raises(ValidationError):
        services.pack_item_add(pack=pack, indicator=IndicatorFactory())
    with pytest.raises(ValidationError):
        services.pack_update(pack=pack, title="Pack", meeting=MeetingFactory())


@pytest.mark.django_db
def test_an_indicator_of_another_engagement_is_not_changed_through_this_one():
    indicator = IndicatorFactory()
    other = IndicatorFactory().engagement
    with pytest.raises(ValidationError):
        services.indicator_save(engagement=other, indicator=indicator, name="Renamed")
