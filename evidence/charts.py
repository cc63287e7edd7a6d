"""An indicator's values as a server-side SVG line chart (one line per student group or school)
with its numbers as a table and a sentence in words. Pure: the caller passes the values; every
text is escaped. A sibling of monitoring/charts.py (which draws readings by date against a
target, and sits above this app): here the axis is the year and lines are told apart by their
dash pattern, point shape and a label at their end, never by colour alone."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import ALL_STUDENTS

WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 48, 110, 16, 28  # room for the axis labels and the lines' names
# (stroke, dash pattern) for each line in turn; the point shapes below differ too.
LINES = [
    ("#1d3a6e", ""),
    ("#a4161a", "6 3"),
    ("#1e5b2c", "2 3"),
    ("#6a3d9a", "8 3 2 3"),
    ("#7a4b00", "1 2"),
    ("#4a5361", "10 4"),
]


@dataclass(frozen=True)
class Series:
    """One line: a breakdown's values by year, oldest first ("" is all students)."""

    breakdown: str
    points: tuple[tuple[int, Decimal], ...]

    @property
    def label(self) -> str:
        return self.breakdown or ALL_STUDENTS


def number(value: Decimal) -> str:
    """81.00 → 81, 81.50 → 81.5, 1204 → 1,204."""
    text = f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def amount(value: Decimal, unit: str) -> str:
    if not unit:
        return number(value)
    if unit == "%":
        return f"{number(value)}%"
    return f"{number(value)} {unit}"


def summary(name: str, unit: str, direction_label: str, series: list[Series]) -> str:
    """One sentence on the main line (all students, else the first group): e.g. "Graduation
    rate rose from 81% in 2021 to 86% in 2025; higher is better."."""
    main = next((s for s in series if not s.breakdown), series[0] if series else None)
    better = direction_label[:1].lower() + direction_label[1:]
    if main is None or not main.points:
        return f"{name}: no values yet; {better}."
    who = "" if not main.breakdown else f" for {main.breakdown}"
    (first_year, first), (last_year, last) = main.points[0], main.points[-1]
    start, end = f"{amount(first, unit)} in {first_year}", f"{amount(last, unit)} in {last_year}"
    if len(main.points) == 1:
        text = f"{name} was {amount(last, unit)}{who} in {last_year}"
    elif last != first:
        text = f"{name} {'rose' if last > first else 'fell'}{who} from {start} to {end}"
    else:
        text = f"{name} stayed at {amount(last, unit)}{who} from {first_year} to {last_year}"
    others = len(series) - 1
    plural = "s" if others != 1 else ""
    extra = f" The chart also shows {others} group{plural} or school{plural}." if others else ""
    return f"{text}; {better}.{extra}"


def table(series: list[Series]) -> dict:
    """The chart's numbers: a column per line, a row per year (None where there is no value)."""
    years = sorted({year for s in series for year, _ in s.points})
    by_line = [dict(s.points) for s in series]
    return {
        "columns": [s.label for s in series],
        "rows": [(year, [values.get(year) for values in by_line]) for year in years],
    }


def _nice_bounds(low: float, high: float) -> tuple[float, float]:
    """Round numbers around the values for the axis (68.7–87.3 becomes 65–90), never below zero
    when no value is."""
    never_negative = low >= 0
    if low == high:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    span = high - low
    magnitude = 10 ** math.floor(math.log10(span))
    step = next(m * magnitude for m in (0.2, 0.5, 1, 2, 5, 10) if span / (m * magnitude) <= 5)
    nice_low = round(math.floor(round(low / step, 9)) * step, 9)
    nice_high = round(math.ceil(round(high / step, 9)) * step, 9)
    if never_negative and nice_low < 0:
        nice_low = 0.0
    return nice_low, nice_high


def _marker(index: int, x: float, y: float, colour: str) -> str:
    shape = index % 3
    if shape == 0:
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'
    if shape == 1:
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    return f'<path d="M{x:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 3:.1f}H{x - 4:.1f}Z" fill="{colour}"/>'


def svg(*, key: str, title: str, description: str, unit: str, series: list[Series]) -> SafeString:
    """The chart as an inline SVG element, labelled by its title and the sentence in words."""
    key = escape(key)
    head = (
        f'<svg class="chart chart--indicator" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(description)}</desc>'
    )
    points = [p for s in series for p in s.points]
    if not points:
        text = (
            f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT / 2:.0f}" text-anchor="middle" '
            'fill="#4a5361" font-size="12">No values yet</text>'
        )
        return mark_safe(head + text + "</svg>")  # noqa: S308 — every text above is escaped
    years = [year for year, _ in points]
    values = [float(value) for _, value in points]
    first, last = min(years), max(years)
    low, high = min(values), max(values)
    low, high = _nice_bounds(low, high)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = max(last - first, 1)

    def x(year: int) -> float:
        if first == last:
            return LEFT + inner_w / 2
        return LEFT + inner_w * (year - first) / span

    def y(value) -> float:
        return TOP + inner_h * (1 - (float(value) - low) / (high - low))

    base = TOP + inner_h
    label = 'fill="#4a5361" font-size="10"'
    out = [
        head,
        f'<path fill="none" stroke="#4a5361" d="M{LEFT} {TOP}V{base}H{LEFT + inner_w}"/>',
        f'<text {label} x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">'
        f"{escape(amount(Decimal(str(round(high, 2))), unit))}</text>",
        f'<text {label} x="{LEFT - 4}" y="{base}" text-anchor="end">'
        f"{escape(amount(Decimal(str(round(low, 2))), unit))}</text>",
    ]
    for year in sorted(set(years)):
        out.append(
            f'<text {label} x="{x(year):.1f}" y="{HEIGHT - 10}" text-anchor="middle">{year}</text>'
        )
    ends = []
    for index, line in enumerate(series):
        if not line.points:
            continue
        colour, dash = LINES[index % len(LINES)]
        path = "".join(
            f"{'M' if i == 0 else 'L'}{x(year):.1f} {y(value):.1f}"
            for i, (year, value) in enumerate(line.points)
        )
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<path fill="none" stroke="{colour}" stroke-width="2"{dashed} d="{path}"/>')
        out.extend(_marker(index, x(year), y(value), colour) for year, value in line.points)
        end_year, end_value = line.points[-1]
        ends.append([y(end_value), line.label, colour])
    # The lines' names at their right end, nudged apart so they never overlap.
    ends.sort()
    for i in range(1, len(ends)):
        ends[i][0] = max(ends[i][0], ends[i - 1][0] + 11)
    for position, name, colour in ends:
        short = name if len(name) <= 18 else name[:17] + "…"
        out.append(
            f'<text x="{LEFT + inner_w + 6}" y="{position + 3:.1f}" fill="{colour}" '
            f'font-size="10">{escape(short)}</text>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 — every text above is escaped
