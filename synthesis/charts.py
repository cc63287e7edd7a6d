"""The themes' bar chart as SVG made on the server (as monitoring/charts.py draws trends): one
horizontal bar per theme, its length the number of comments tagged with it. No JavaScript; every
text escaped; `role="img"` with a title and a description, and the page shows the same numbers as
a table beside it."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL = 230  # room for the theme's name
BAR_HEIGHT, GAP, TOP = 20, 8, 8
NAME_CHARS = 34


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def bar_chart(counts) -> SafeString:
    if not counts:
        return mark_safe("")
    top = max((c.total for c in counts), default=0) or 1
    room = WIDTH - LABEL - 60
    height = TOP * 2 + len(counts) * (BAR_HEIGHT + GAP)
    words = "; ".join(
        f"{c.theme.name}: {c.total} comment{'s' if c.total != 1 else ''}" for c in counts
    )
    parts = [
        f'<svg class="theme-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        'aria-labelledby="theme-chart-title theme-chart-desc" '
        'preserveAspectRatio="xMinYMin meet">',
        '<title id="theme-chart-title">Comments tagged with each theme</title>',
        f'<desc id="theme-chart-desc">{escape(words)}</desc>',
    ]
    for index, count in enumerate(counts):
        y = TOP + index * (BAR_HEIGHT + GAP)
        length = round(room * count.total / top)
        middle = y + BAR_HEIGHT / 2 + 4
        parts.append(
            f'<text x="{LABEL - 8}" y="{middle}" text-anchor="end" font-size="13" '
            f'fill="#1f2933">{escape(_short(count.theme.name))}</text>'
        )
        parts.append(
            f'<rect x="{LABEL}" y="{y}" width="{max(length, 1)}" height="{BAR_HEIGHT}" '
            'fill="#1d3a6e"></rect>'
        )
        parts.append(
            f'<text x="{LABEL + max(length, 1) + 6}" y="{middle}" font-size="13" '
            f'fill="#1f2933">{count.total:,}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
