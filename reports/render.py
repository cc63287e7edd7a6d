"""Report content → HTML (Django templates in reports/templates/reports/pdf/) → PDF (WeasyPrint).

The one-page plan gets the largest type that fits one page, found by a search over the type sizes
that starts from a guess and halves its bracket (the whole layout is in em, so space shrinks with
the type): first as a grid of goal cards, then, when no size fits the grid, with the goals flowing
in columns. A plan that fits nowhere is printed at the smallest size, flowing on to a second page,
never clipped, and the warning names what continues there. A page whose content runs past its
edges (which WeasyPrint does not cut off by itself: it just leaves it outside the page) never
counts as fitting.

WeasyPrint loads nothing from outside: the only resource a report has is its logo, inlined as a
data: URL, and the fetcher refuses every other scheme. Fonts are the system's (DejaVu, with any
Noto fonts installed as fallbacks), found once per worker process.

Every PDF is tagged for screen readers (tagging.py): a template must give <html lang>, a <title>,
headings in order without skipped levels, <th scope> in tables and alt text on images.
"""

import base64
import hashlib
import logging
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from planning.diff import STATEMENTS
from planning.models import Plan, Value

from . import fast_html, tagging
from .models import OnePageShows, Orientation, Paper, ReportJob

log = logging.getLogger(__name__)
# Every PDF written in this process is a tagged PDF (PDF/UA-1) with its page margins and the DRAFT
# mark as artifacts, whichever renderer writes it: see tagging.py.
tagging.install()

TEMPLATES = {
    ReportJob.Kind.ONE_PAGE: "reports/pdf/one_page.html",
    ReportJob.Kind.SUPPORT: "reports/pdf/support.html",
    ReportJob.Kind.RETREAT_RECORD: "reports/pdf/retreat_record.html",
    ReportJob.Kind.BOARD: "reports/pdf/board.html",
}
# Bump when the rendering code changes in a way the templates do not show, so cached PDFs go.
RENDERER_VERSION = "4"  # 3: tagged PDFs (tagging.py); 4: the board report's trend lines as PNG
# Body type sizes of the one-page plan in pt, largest first: a short plan gets large type, a long
# one the largest that fits, down to the smallest still readable in print. 10 pt is the design.
SIZE_STEP = 0.5
ONE_PAGE_SIZES = tuple(13 - SIZE_STEP * n for n in range(13))  # 13, 12.5 ... 7
DESIGNED_SIZE = 10.0
SMALLEST_LABEL = 7.0
# Columns of goal cards by the most goals in one group, so four goals make a row of four, not
# three and one.
LANDSCAPE_COLUMNS = {1: 1, 2: 2, 3: 3, 4: 4, 5: 3, 6: 3, 7: 4, 8: 4}
PORTRAIT_COLUMNS = {1: 1, 2: 2, 3: 3, 4: 2, 5: 3, 6: 3}
# Content counts as cut off when it runs this far (CSS px) past the page's printable area.
EDGE_TOLERANCE = 1.0
PAGE_SIZES = {
    Paper.LETTER: "letter",
    Paper.A4: "A4",
}
LOGO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
PDF_FOLDER = Path(__file__).resolve().parent / "templates" / "reports" / "pdf"


@cache
def font_config() -> FontConfiguration:
    """One per process: finding the system's fonts is the slow part of a first render."""
    return FontConfiguration()


@cache
def template_fingerprint() -> str:
    """A hash of the PDF templates and their stylesheets: a changed layout renders afresh."""
    digest = hashlib.sha256(RENDERER_VERSION.encode())
    for path in sorted(PDF_FOLDER.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols={"data"}, timeout=1)


def _logo(layout: dict) -> str:
    """The logo inlined as a data: URL, or "" (none set, or its file is gone)."""
    name = layout.get("logo") or ""
    kind = LOGO_TYPES.get(name.rsplit(".", 1)[-1].lower()) if name else None
    if not kind:
        return ""
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except OSError:
        log.warning("The logo %s of a report is missing; rendering without it.", name)
        return ""
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def line_height(size: float) -> float:
    """Small type reads better with tighter lines (less to jump), large type with more air."""
    return 1.36 if size >= 11 else 1.3 if size >= 9 else 1.22


def html_context(content: dict) -> dict:
    """What the layout takes from the content and its settings: paper, columns, what to show."""
    layout = content.get("layout", {})
    portrait = content["kind"] != ReportJob.Kind.ONE_PAGE or (
        layout.get("orientation") != Orientation.LANDSCAPE
    )
    most = max((len(group["goals"]) for group in content.get("groups", [])), default=1)
    columns = PORTRAIT_COLUMNS.get(most, 3) if portrait else LANDSCAPE_COLUMNS.get(most, 4)
    shows = layout.get("one_page_shows") or OnePageShows.STRATEGIES
    return {
        "c": content,
        "columns": columns,
        "show_strategies": shows != OnePageShows.MEASURES,
        "show_measures": shows != OnePageShows.STRATEGIES,
        "page_size": PAGE_SIZES.get(layout.get("paper"), "letter"),
        "orientation": "portrait" if portrait else "landscape",
    }


def html_for(
    content: dict, *, size: float = DESIGNED_SIZE, logo: str | None = None, flow: bool = False
) -> str:
    context = html_context(content)
    # Labels and the footer are smaller than the body, but never below 7 pt.
    small = max(round(size * 0.85, 2), SMALLEST_LABEL)
    context.update(size=size, small=small, line_height=line_height(size), flow=flow)
    context["logo"] = _logo(content.get("layout", {})) if logo is None else logo
    return render_to_string(TEMPLATES[content["kind"]], context)


def pdf_document(html: str):
    return fast_html.html_document(html, fetcher()).render(font_config=font_config())


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    warning: str = ""
    size: float = DESIGNED_SIZE  # the one-page plan's body type, pt
    flow: bool = False


def _overflowing(document) -> list[str]:
    """What the layout put after the first page: the named parts (data-part) found there."""
    named: list[str] = []
    for page in document.pages[1:]:
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            part = element.get("data-part") if element is not None else None
            if part and part not in named:
                named.append(part)
    return named


def _overflow_warning(parts: list[str], pages: int) -> str:
    shown = ", ".join(parts[:6]) + (f" and {len(parts) - 6} more" if len(parts) > 6 else "")
    return (
        f"The one-page plan does not fit on one page, even with the smallest readable text: "
        f"it runs to {pages} pages. Continuing after the first page: {shown or 'the end of it'}. "
        f"Shorten these, or keep the details for the support document, then make it again."
    )


CUT_OFF_WARNING = (
    "Part of the one-page plan runs past the edge of the page and cannot be printed whole: "
    "a statement or title is far too long. Shorten it, then make the plan again."
)


def _printed_boxes(box, *, fixed: bool = False):
    """The boxes that print something (text, images), outside fixed decorations (the DRAFT mark)."""
    fixed = fixed or box.style["position"] == "fixed"
    children = getattr(box, "children", None)
    if children is None or type(box).__name__ in ("TextBox", "InlineReplacedBox"):
        if not fixed:
            yield box
        return
    for child in children:
        yield from _printed_boxes(child, fixed=fixed)


def cut_off(document) -> bool:
    """Whether anything runs past a page's printable area (WeasyPrint leaves it off the paper)."""
    for page in document.pages:
        area = page._page_box
        bottom = area.content_box_y() + area.height + EDGE_TOLERANCE
        right = area.content_box_x() + area.width + EDGE_TOLERANCE
        for box in _printed_boxes(area):
            if box.position_y + box.height > bottom or box.position_x + box.width > right:
                return True
    return False


def _pages(html: str):
    """The laid-out document, or None when the goal grid cannot be split over pages (WeasyPrint
    does not fragment a grid row taller than the page: such a plan does not fit anyway)."""
    try:
        return pdf_document(html)
    except AssertionError:
        return None


def fits(content: dict, *, size: float, flow: bool = False, logo: str | None = None):
    """The plan laid out at this size if it is one page with nothing cut off, else None."""
    document = _pages(html_for(content, size=size, logo=logo, flow=flow))
    if document is None or len(document.pages) != 1 or cut_off(document):
        return None
    return document


# Paper sizes in pt (portrait) and the one-page plan's margins (11 + 10 mm, 2 × 13 mm) in pt.
PAPER_POINTS = {"letter": (612, 792), "A4": (595, 842)}
MARGINS = (59.5, 73.7)
# Printed area per character, in units of the type size squared: a DejaVu character is about
# 0.6 em wide and its line 1.3 em tall, and wrapping, padding and gaps add half as much again.
AREA_PER_CHARACTER = 0.6 * 1.3 * 1.5


def _guess(content: dict, html_context: dict) -> int:
    """Which size to try first, from how much text there is: the printed area of the plan grows
    with the square of its type size. Only a starting point: the search corrects it."""
    paper = PAPER_POINTS.get(html_context["page_size"], PAPER_POINTS["letter"])
    width, height = paper if html_context["orientation"] == "portrait" else paper[::-1]
    room = (width - MARGINS[1]) * (height - MARGINS[0])
    texts = [content.get("vision", ""), content.get("mission", ""), content["engagement"]]
    texts += [value["title"] + " " * 6 for value in content.get("values", [])]
    for group in content.get("groups", []):
        texts.append(group["title"] + " " * 40)
        for goal in group["goals"]:
            texts.append(goal["title"] + " " * 60)  # its label, border and padding
            if html_context["show_strategies"]:
                texts += [strategy + " " * 15 for strategy in goal["strategies"]]
            if html_context["show_measures"]:
                texts += [" ".join(m.values()) + " " * 15 for m in goal.get("measures", [])]
    characters = sum(len(text) for text in texts) + 400  # the heading, labels and footer
    size = math.sqrt(room / (AREA_PER_CHARACTER * characters))
    at = round((ONE_PAGE_SIZES[0] - size) / SIZE_STEP)
    return min(max(at, 0), len(ONE_PAGE_SIZES) - 1)


def _largest_fitting(content: dict, *, flow: bool, logo: str, start: int):
    """(size, document) for the largest size that fits, or None. From a first guess it steps
    twice as far each time (towards larger type while the plan fits, smaller while it does not)
    until it holds a size that does not fit and one that does, then halves that bracket: a short
    plan takes one layout, a long one two to four rather than thirteen."""
    sizes = ONE_PAGE_SIZES
    fitting: dict[int, object] = {}
    # sizes[low] does not fit and sizes[high] does; -1 and len(sizes) stand for "none yet".
    low, high = -1, len(sizes)
    at, step = start, 1
    while high - low > 1:
        fitting[at] = fits(content, size=sizes[at], flow=flow, logo=logo)
        if fitting[at] is not None:
            high = at
        else:
            low = at
        if low >= 0 and high < len(sizes):
            at = (low + high) // 2
        elif high < len(sizes):  # it fitted every time: try larger type
            at = max(high - step, 0)
        else:  # it never fitted: try smaller type
            at = min(low + step, len(sizes) - 1)
        step *= 2
    if high == len(sizes):
        return None
    return sizes[high], fitting[high]


def render_one_page(content: dict) -> Rendered:
    logo = _logo(content.get("layout", {}))
    start = _guess(content, html_context(content))
    for flow in (False, True):
        found = _largest_fitting(content, flow=flow, logo=logo, start=start)
        if found is not None:
            size, document = found
            return Rendered(pdf=document.write_pdf(), pages=1, size=size, flow=flow)
    # It does not fit: the smallest size, flowing on to the next page, so nothing is clipped.
    size = ONE_PAGE_SIZES[-1]
    document = pdf_document(html_for(content, size=size, logo=logo, flow=True))
    pages = len(document.pages)
    warnings = [_overflow_warning(_overflowing(document), pages)] if pages > 1 else []
    if cut_off(document):
        warnings.append(CUT_OFF_WARNING)
    warning = " ".join(warnings)
    return Rendered(pdf=document.write_pdf(), pages=pages, warning=warning, size=size, flow=True)


def render_support(content: dict) -> Rendered:
    document = pdf_document(html_for(content))
    return Rendered(pdf=document.write_pdf(), pages=len(document.pages))


def render_board(content: dict) -> Rendered:
    """The board progress report (reports/board.py): charts are drawn from the content's data."""
    from .board import with_charts

    layout = content.get("layout", {})
    context = {
        "c": with_charts(content, pdf=True),
        "page_size": PAGE_SIZES.get(layout.get("paper"), "letter"),
        "logo": _logo(layout),
    }
    document = pdf_document(render_to_string(TEMPLATES[ReportJob.Kind.BOARD], context))
    return Rendered(pdf=document.write_pdf(), pages=len(document.pages))


def _too_long(what: str, text: str, limit: int) -> str:
    return (
        f"The {what} is {len(text):,} characters long, far more than it may be: the PDF shows "
        f"its first {limit:,} characters. Shorten it on the plan page (at most {limit:,} "
        f"characters), then make the PDF again."
    )


def within_limits(content: dict) -> tuple[dict, list[str]]:
    """The content with any statement or value description longer than the plan builder allows
    (saved before it had a maximum) cut to that length, and a warning for each. Laying out an
    unbroken megabyte would take minutes and print a sliver of it."""
    content, warnings = dict(content), []
    limits = Plan.STATEMENT_MAX_LENGTHS
    for name in ("mission", "vision"):
        text = content.get(name) or ""
        if len(text) > limits[name]:
            warnings.append(_too_long(name, text, limits[name]))
            content[name] = text[: limits[name]] + "…"
    by_label = {label: name for name, label in STATEMENTS}
    statements = []
    for label, text in content.get("statements", []):
        limit = limits.get(by_label.get(label, ""), max(limits.values()))
        if len(text) > limit:
            warnings.append(_too_long(label.lower(), text, limit))
            text = text[:limit] + "…"
        statements.append([label, text])
    content["statements"] = statements
    values, limit = [], Value.DESCRIPTION_MAX_LENGTH
    for value in content.get("values", []):
        if len(value.get("description", "")) > limit:
            text = value["description"]
            warnings.append(_too_long(f"description of the value “{value['title']}”", text, limit))
            value = {**value, "description": text[:limit] + "…"}
        values.append(value)
    content["values"] = values
    return content, warnings


def render(content: dict) -> Rendered:
    content, warnings = within_limits(content)
    if content["kind"] == ReportJob.Kind.ONE_PAGE:
        rendered = render_one_page(content)
    elif content["kind"] == ReportJob.Kind.BOARD:
        rendered = render_board(content)
    else:
        rendered = render_support(content)
    rendered.warning = " ".join([*warnings, rendered.warning]).strip()
    return rendered
