"""Trend charts of a measure as SVG made on the server: no JavaScript, the same markup in a page
and (later) a PDF. Pure: the caller passes the readings and the path; every text is escaped.

A chart draws the readings as a line with a point each, the expected path from the baseline to
the target (through the yearly targets) as a dashed line, the target as a marked point, a band to
stay within as a shaded strip, and labels its axes in the measure's unit. It carries its own text
alternative (`role="img"`, a `<title>` and a `<desc>` it is labelled by) and `table_html` gives
its numbers as a table."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .status import MONTHS, amount, long_date, month_year

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 52, 12, 22, 30  # room for the axis labels and the unit
# Drawn with attributes, not a stylesheet: the same SVG reads the same in a PDF.
STYLES = {
    "band": 'fill="#e6f4ea" stroke="#1e5b2c" stroke-width="0.5"',
    "axis": 'fill="none" stroke="#4a5361"',
    "zero": 'stroke="#4a5361" stroke-dasharray="1 2"',
    "expected": 'fill="none" stroke="#4a5361" stroke-width="1.5" stroke-dasharray="5 4"',
    "target": 'fill="#a4161a"',
    "line": 'fill="none" stroke="#1d3a6e" stroke-width="2"',
    "point": 'fill="#1d3a6e"',
    "empty": 'fill="#4a5361" font-size="12"',
    "label": 'fill="#4a5361" font-size="10"',
}


def _paint(name: str) -> str:
    return f'class="chart__{name}" {STYLES[name]}'


@dataclass(frozen=True)
class ChartData:
    """What a trend chart shows. `readings` are (date, value), oldest first; `path` the expected
    path as (date, value) points from the baseline to the target; `band` (low, high)."""

    key: str  # unique on the page: ids of the title and description
    title: str
    unit: str = ""
    readings: tuple[tuple[date, Decimal], ...] = ()
    path: tuple[tuple[date, Decimal], ...] = ()
    target: tuple[date, Decimal] | None = None
    band: tuple[Decimal, Decimal] | None = None


def summary(chart: ChartData) -> str:
    """The chart in words: what a screen reader says and what a printout can print beside it."""
    unit = chart.unit
    parts = []
    if not chart.readings:
        parts.append("No readings yet.")
    else:
        first, last = chart.readings[0], chart.readings[-1]
        values = [v for _, v in chart.readings]
        if len(chart.readings) == 1:
            parts.append(f"One reading: {amount(last[1], unit)} on {long_date(last[0])}.")
        else:
            parts.append(
                f"{len(chart.readings)} readings from {month_year(first[0])} to "
                f"{month_year(last[0])}, from {amount(first[1], unit)} to "
                f"{amount(last[1], unit)} (lowest {amount(min(values), unit)}, highest "
                f"{amount(max(values), unit)})."
            )
    if chart.band:
        low, high = sorted(chart.band)
        parts.append(f"To stay between {amount(low, unit)} and {amount(high, unit)}.")
    if chart.path:
        (start, begin), (end, finish) = chart.path[0], chart.path[-1]
        parts.append(
            f"Dashed line: the expected path from {amount(begin, unit)} in {month_year(start)} "
            f"to {amount(finish, unit)} by {month_year(end)}."
        )
    elif chart.target:
        parts.append(f"Target {amount(chart.target[1], unit)} by {month_year(chart.target[0])}.")
    return " ".join(parts)


def _bounds(chart: ChartData):
    days = [d for d, _ in chart.readings] + [d for d, _ in chart.path]
    values = [v for _, v in chart.readings] + [v for _, v in chart.path]
    if chart.target:
        days.append(chart.target[0])
        values.append(chart.target[1])
    if chart.band:
        values += list(chart.band)
    if not days:
        return None
    low, high = float(min(values)), float(max(values))
    if low == high:  # one value: give the line some room
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    else:
        pad = (high - low) * 0.08
        low, high = low - pad, high + pad
    first, last = min(days), max(days)
    return first, max((last - first).days, 1), low, high


def svg(chart: ChartData) -> SafeString:
    """The chart as an inline SVG element, labelled by its title and summary."""
    key = escape(chart.key)
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{key}-title">{escape(chart.title)}</title>'
        f'<desc id="{key}-desc">{escape(summary(chart))}</desc>'
    )
    bounds = _bounds(chart)
    if bounds is None:
        text = f'<text x="160" y="80" text-anchor="middle" {_paint("empty")}>No readings yet</text>'
        return mark_safe(head + text + "</svg>")  # noqa: S308 — every text above is escaped
    first, span, low, high = bounds
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + inner_w * (day - first).days / span

    def y(value) -> float:
        return TOP + inner_h * (1 - (float(value) - low) / (high - low))

    unit = chart.unit
    out = [head]
    if chart.band:
        band_low, band_high = sorted(chart.band)
        top, bottom = y(band_high), y(band_low)
        out.append(
            f'<rect {_paint("band")} x="{LEFT}" y="{top:.1f}" width="{inner_w}" '
            f'height="{max(bottom - top, 1):.1f}"/>'
        )
    # axes, with the lowest and highest values and the first and last dates as labels
    base = TOP + inner_h
    out.append(
        f'<path {_paint("axis")} d="M{LEFT} {TOP}V{base}H{WIDTH - RIGHT}"/>'
        f'<text {_paint("label")} x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">'
        f"{_number(round(high, 1))}</text>"
        f'<text {_paint("label")} x="{LEFT - 4}" y="{base}" text-anchor="end">'
        f"{_number(round(low, 1))}</text>"
        f'<text {_paint("label")} x="{LEFT}" y="{HEIGHT - 8}">'
        f"{MONTHS[first.month][:3]} {first.year}</text>"
    )
    last = date.fromordinal(first.toordinal() + span)
    out.append(
        f'<text {_paint("label")} x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end">'
        f"{MONTHS[last.month][:3]} {last.year}</text>"
    )
    if unit:  # the values' unit, once, above the axis: long units would not fit each label
        out.append(f'<text {_paint("label")} x="4" y="12">{escape(unit)}</text>')
    if low < 0 < high:  # zero line, so negative values read as such
        out.append(f'<path {_paint("zero")} d="M{LEFT} {y(0):.1f}H{WIDTH - RIGHT}"/>')
    if len(chart.path) > 1:
        points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in chart.path)
        out.append(f'<polyline {_paint("expected")} points="{points}"/>')
    if chart.target:
        tx, ty = x(chart.target[0]), y(chart.target[1])
        out.append(
            f'<path {_paint("target")} d="M{tx - 5:.1f} {ty:.1f}L{tx:.1f} {ty - 5:.1f}'
            f'L{tx + 5:.1f} {ty:.1f}L{tx:.1f} {ty + 5:.1f}Z"/>'
        )
    if chart.readings:
        points = [(x(d), y(v)) for d, v in chart.readings]
        if len(points) > 1:
            line = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            out.append(f'<polyline {_paint("line")} points="{line}"/>')
        out += [
            f'<circle {_paint("point")} cx="{px:.1f}" cy="{py:.1f}" r="2.5"/>' for px, py in points
        ]
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 — every text above is escaped


def _expected_line(path: tuple):
    """A function giving the value on the dashed line on a day (the status rule's path,
    status.expected_on), in floats: a table calls it once per reading."""
    if len(path) < 2:
        return lambda day: None
    points = [(day.toordinal(), float(value)) for day, value in path]

    def expected(day: date) -> float:
        at = day.toordinal()
        if at <= points[0][0]:
            return points[0][1]
        for (start, begin), (end, finish) in zip(points, points[1:], strict=False):
            if at <= end:
                share = (at - start) / (end - start) if end != start else 1.0
                return begin + (finish - begin) * share
        return points[-1][1]

    return expected


def _number(value) -> str:
    """A table's number as people write it: 72.5, 1,200, -3 (no escaping needed)."""
    if value is None:
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def table_html(chart: ChartData) -> SafeString:
    """The chart's numbers as a table: each reading with the value expected on its date (on the
    dashed line). Fast enough for hundreds of charts a page: numbers and dates need no escaping."""
    unit = escape(chart.unit)
    head = f'<th scope="col">Reading{" (" + unit + ")" if unit else ""}</th>'
    rows = []
    expected_on = _expected_line(chart.path)
    for day, value in reversed(chart.readings):  # newest first, as people look for it
        expected = expected_on(day)
        rows.append(
            f'<tr><th scope="row">{day.day} {MONTHS[day.month]} {day.year}</th>'
            f"<td>{_number(value)}</td>"
            f"<td>{_number(None if expected is None else round(expected, 1))}</td></tr>"
        )
    if not rows:
        rows.append('<tr><td colspan="3">No readings yet.</td></tr>')
    return mark_safe(  # noqa: S308 — every text above is escaped
        f'<table class="chart-table"><caption>{escape(chart.title)}</caption>'
        f'<thead><tr><th scope="col">Date</th>{head}<th scope="col">Expected</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
