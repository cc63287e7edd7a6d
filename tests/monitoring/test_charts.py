"""Trend charts as SVG made on the server: a text alternative, the numbers as a table, every
text escaped, and sane drawings for 0, 1 and 36 readings, negative values and a band."""

import re
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

from monitoring.charts import ChartData, summary, svg, table_html
from monitoring.status import add_months

TITLE = "Taux d'absentéisme <b>chronique</b> & “retards”"


def _parse(markup: str):
    return ElementTree.fromstring(markup)  # noqa: S314 — our own markup: well-formed, or this raises


def _chart(**fields):
    return ChartData(key="chart-1", title=TITLE, unit="%", **fields)


PATH = ((date(2024, 1, 1), Decimal(20)), (date(2027, 1, 1), Decimal(10)))


def test_no_reading_draws_the_path_and_says_so_in_words():
    chart = _chart(path=PATH, target=PATH[-1])
    markup = svg(chart)
    root = _parse(markup)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-1-title chart-1-desc"
    assert "No readings yet." in summary(chart)
    assert 'class="chart__expected"' in markup
    assert 'class="chart__point"' not in markup
    assert "No readings yet." in table_html(chart)


def test_nothing_at_all_is_still_a_labelled_chart():
    root = _parse(svg(_chart()))
    assert root.find("{http://www.w3.org/2000/svg}title").text == TITLE


def test_one_reading_is_a_point_and_a_sentence():
    chart = _chart(readings=((date(2025, 3, 1), Decimal("17.5")),), path=PATH, target=PATH[-1])
    markup = svg(chart)
    _parse(markup)
    assert markup.count('class="chart__point"') == 1
    assert 'class="chart__line"' not in markup
    assert "One reading: 17.5 % on 1 March 2025." in summary(chart)


def test_thirty_six_monthly_readings_are_a_line_with_points_and_a_table_row_each():
    readings = tuple(
        (add_months(date(2024, 1, 15), i), Decimal(20) - Decimal(i) / 4) for i in range(36)
    )
    chart = _chart(readings=readings, path=PATH, target=PATH[-1])
    markup = svg(chart)
    _parse(markup)
    assert markup.count('class="chart__point"') == 36
    assert "36 readings from January 2024 to December 2026" in summary(chart)
    table = table_html(chart)
    _parse(table)
    assert table.count("<tr>") == 37  # the head and a row per reading
    assert "15 December 2026" in table.split("</thead>")[1][:200]  # newest first
    assert "Reading (%)" in table and "Expected" in table


def test_negative_values_get_a_zero_line_and_their_labels():
    chart = ChartData(
        key="c",
        title="Budget variance",
        unit="$",
        readings=((date(2025, 1, 1), Decimal(-1200)), (date(2025, 2, 1), Decimal(300))),
    )
    markup = svg(chart)
    _parse(markup)
    assert 'class="chart__zero"' in markup
    assert "-1,200" in summary(chart) or "−1,200" in summary(chart)
    ys = [float(v) for v in re.findall(r'cy="([-\d.]+)"', markup)]
    assert all(0 <= value <= 150 for value in ys)  # inside the drawing


def test_a_band_is_a_shaded_strip_and_said_in_words():
    chart = _chart(
        readings=((date(2025, 1, 1), Decimal(0)), (date(2025, 2, 1), Decimal(0))),
        band=(Decimal(95), Decimal(90)),
    )
    markup = svg(chart)
    _parse(markup)
    assert 'class="chart__band"' in markup
    assert 'x="4" y="12">%</text>' in markup  # the axis is labelled in the measure's unit
    assert ">102.6</text>" in markup and ">-7.6</text>" in markup  # 0 to 95, with a margin
    assert "To stay between 90 % and 95 %." in summary(chart)


def test_every_text_is_escaped():
    chart = ChartData(
        key='x"><script>',
        title=TITLE,
        unit="<i>élèves</i>",
        readings=((date(2025, 1, 1), Decimal(3)),),
    )
    for markup in (svg(chart), table_html(chart)):
        assert "<b>" not in markup and "<i>" not in markup and "<script>" not in markup
        _parse(markup)
    assert "Taux d&#x27;absentéisme &lt;b&gt;chronique&lt;/b&gt; &amp;" in svg(chart)
