"""The board report's small trend lines, drawn as images for print.

The first version drew each as an inline SVG: WeasyPrint parses and draws SVG in Python, and the
360 trend lines of a 12-goal plan cost 0.7 s of the report's 4 s. The same drawing made by Pillow
(in C) as a PNG at print resolution costs WeasyPrint about 0.1 s for all 360, and Pillow itself
under 0.3 ms each. The image carries the chart in words as its alternative text (a figure with
/Alt in the tagged PDF, read after the measure's title, status and values).
"""

import base64
import io
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from PIL import Image, ImageDraw

from monitoring.charts import ChartData

# The drawing's own units (as the SVG's viewBox was), printed 30 mm x 8 mm (board.css .br-spark).
WIDTH, HEIGHT, PAD = 120, 32, 4
# Pixels a unit in the PNG: 2 gives 240 x 64 px, about 200 dpi at 30 mm. Drawn at twice that
# and halved, so lines are smooth (ImageDraw draws without antialiasing).
SCALE, SUPER = 2, 2
LINE, PATH, TARGET, BAND, PAPER = "#1d3a6e", "#4a5361", "#a4161a", "#e6f4ea", "#ffffff"
DASH, GAP = 3.0, 2.0


def _palette() -> Image.Image:
    """The inks above on white, each at five strengths (the smoothed edges), the band's pale
    green, and two blends of the line with the dashed path where they cross: mapping the smoothed
    image onto these makes a PNG of about 1.5 KB instead of 5 KB (a 12-goal plan's report has
    360). No colour near white but white itself: Pillow maps to the palette approximately, and
    a pale tint would take white's place."""
    paper = (255, 255, 255)
    inks = [tuple(int(h[i : i + 2], 16) for i in (1, 3, 5)) for h in (LINE, PATH, TARGET)]
    colours = [paper, tuple(int(BAND[i : i + 2], 16) for i in (1, 3, 5))]
    for ink in inks:
        colours += [tuple(round(255 + (v - 255) * k) for v in ink) for k in (0.2, 0.4, 0.6, 0.8, 1)]
    colours += [
        tuple(round(a + (b - a) * k) for a, b in zip(inks[0], inks[1], strict=True))
        for k in (1 / 3, 2 / 3)
    ]
    flat = [v for colour in colours for v in colour]
    palette = Image.new("P", (1, 1))
    palette.putpalette(flat + [0] * (768 - len(flat)))
    return palette


PALETTE = _palette()


def _dashed(draw: ImageDraw.ImageDraw, points: list[tuple[float, float]], width: int) -> None:
    """A dashed line through `points` (pixels), dashes DASH units long with GAP between."""
    unit = SCALE * SUPER
    on, off = DASH * unit, GAP * unit
    left, drawing = on, True  # what remains of the current dash (or gap)
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
        done = 0.0
        while done < length:
            step = min(left, length - done)
            if drawing:
                a, b = done / length, (done + step) / length
                draw.line(
                    [(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a)]
                    + [(x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)],
                    fill=PATH,
                    width=width,
                )
            done += step
            left -= step
            if left <= 0:
                drawing = not drawing
                left = on if drawing else off


def png(chart: ChartData) -> bytes:
    """The trend line as PNG bytes: the readings as one line ending in a point, the expected
    path dashed, the target a diamond, a band a shaded strip. Empty when there are no readings."""
    days: list[date] = [d for d, _ in chart.readings] + [d for d, _ in chart.path]
    values = [float(v) for _, v in chart.readings] + [float(v) for _, v in chart.path]
    if chart.target:
        days.append(chart.target[0])
        values.append(float(chart.target[1]))
    if chart.band:
        values += [float(v) for v in chart.band]
    if not chart.readings:
        return b""
    first, span = min(days).toordinal(), max((max(days) - min(days)).days, 1)
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    unit = SCALE * SUPER

    def x(day: date) -> float:
        return unit * (PAD + (WIDTH - 2 * PAD) * (day.toordinal() - first) / span)

    def y(value) -> float:
        share = (float(value) - low) / (high - low)
        return unit * (PAD + (HEIGHT - 2 * PAD) * (1 - share))

    image = Image.new("RGB", (WIDTH * unit, HEIGHT * unit), PAPER)
    draw = ImageDraw.Draw(image)
    if chart.band:
        top, bottom = y(max(chart.band)), y(min(chart.band))
        draw.rectangle([(0, top), (WIDTH * unit, max(bottom, top + unit))], fill=BAND)
    if len(chart.path) > 1:
        _dashed(draw, [(x(d), y(v)) for d, v in chart.path], width=unit)
    if chart.target:
        tx, ty, r = x(chart.target[0]), y(chart.target[1]), 3 * unit
        draw.polygon([(tx - r, ty), (tx, ty - r), (tx + r, ty), (tx, ty + r)], fill=TARGET)
    line = [(x(d), y(v)) for d, v in chart.readings]
    if len(line) > 1:
        draw.line(line, fill=LINE, width=round(1.5 * unit))
    lx, ly, r = *line[-1], 2 * unit
    draw.ellipse([(lx - r, ly - r), (lx + r, ly + r)], fill=LINE)
    image = image.reduce(SUPER)  # each pixel the mean of SUPER x SUPER: smooth edges
    image = image.quantize(palette=PALETTE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def sparkline(chart: ChartData, words: str) -> SafeString:
    """The trend line as an <img> with the chart in words as its alternative text ("" when
    there is nothing to draw). The measure's title is printed beside it, so the text does not
    repeat it; the words are on one line (a line break in an attribute would send the whole
    report to the slower HTML5 parser: fast_html)."""
    data = png(chart)
    if not data:
        return mark_safe("")
    source = "data:image/png;base64," + base64.b64encode(data).decode()
    return mark_safe(  # noqa: S308 — the only text, the alternative text, is escaped
        f'<img class="br-spark" src="{source}" alt="Trend line: {escape(" ".join(words.split()))}">'
    )
