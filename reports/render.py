"""Report content → HTML (Django templates in reports/templates/reports/pdf/) → PDF (WeasyPrint).

The one-page plan is rendered at growing levels of tightness (smaller type, less space, more
columns) until it fits one page; at the tightest readable level it is left on two pages, never
clipped, and the warning names what continues on the second page.

WeasyPrint loads nothing from outside: the only resource a report has is its logo, inlined as a
data: URL, and the fetcher refuses every other scheme. Fonts are the system's (DejaVu, with any
Noto fonts installed as fallbacks), found once per worker process.
"""

import base64
import hashlib
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .models import Orientation, Paper, ReportJob

log = logging.getLogger(__name__)

TEMPLATES = {
    ReportJob.Kind.ONE_PAGE: "reports/pdf/one_page.html",
    ReportJob.Kind.SUPPORT: "reports/pdf/support.html",
}
# Bump when the rendering code changes in a way the templates do not show, so cached PDFs go.
RENDERER_VERSION = "1"
# Levels of the one-page plan, tried in turn until it fits: a short plan gets larger type (-2, -1),
# 0 is the designed layout, then tighter spacing and smaller type down to the smallest still
# readable in print (3: 7 pt).
ONE_PAGE_LEVELS = (-2, -1, 0, 1, 2, 3)
# Columns of goal cards by the most goals in one group, so four goals make a row of four, not
# three and one; tight levels (2, 3) add a column.
LANDSCAPE_COLUMNS = {1: 1, 2: 2, 3: 3, 4: 4, 5: 3, 6: 3, 7: 4, 8: 4}
PORTRAIT_COLUMNS = {1: 1, 2: 2, 3: 3, 4: 2, 5: 3, 6: 3}
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


def html_for(content: dict, *, level: int = 0, logo: str | None = None, flow: bool = False) -> str:
    layout = content.get("layout", {})
    portrait = content["kind"] == ReportJob.Kind.SUPPORT or (
        layout.get("orientation") != Orientation.LANDSCAPE
    )
    most = max((len(group["goals"]) for group in content.get("groups", [])), default=1)
    if portrait:
        columns = PORTRAIT_COLUMNS.get(most, 3) + (1 if level >= 2 and most > 3 else 0)
    else:
        columns = LANDSCAPE_COLUMNS.get(most, 4) + (1 if level >= 2 and most > 4 else 0)
    context = {
        "c": content,
        "level": level,
        "columns": columns,
        "flow": flow,
        "page_size": PAGE_SIZES.get(layout.get("paper"), "letter"),
        "orientation": "portrait" if portrait else "landscape",
        "logo": _logo(layout) if logo is None else logo,
    }
    return render_to_string(TEMPLATES[content["kind"]], context)


def pdf_document(html: str):
    return HTML(string=html, url_fetcher=fetcher()).render(font_config=font_config())


@dataclass
class Rendered:
    pdf: bytes
    pages: int
    warning: str = ""
    level: int = 0


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


def _pages(html: str):
    """The laid-out document, or None when the goal grid cannot be split over pages (WeasyPrint
    does not fragment a grid row taller than the page: such a plan does not fit anyway)."""
    try:
        return pdf_document(html)
    except AssertionError:
        return None


def render_one_page(content: dict) -> Rendered:
    logo = _logo(content.get("layout", {}))
    levels = list(ONE_PAGE_LEVELS)
    while levels:
        level = levels.pop(0)
        document = _pages(html_for(content, level=level, logo=logo))
        if document is not None and len(document.pages) == 1:
            return Rendered(pdf=document.write_pdf(), pages=1, level=level)
        if document is None or len(document.pages) > 2:
            levels = levels[-1:]  # far too long for the next step: try only the tightest
    # It does not fit: the tightest level again, with the goals in flowing columns that may run
    # on to the next page, so nothing is clipped.
    document = pdf_document(html_for(content, level=level, logo=logo, flow=True))
    pages = len(document.pages)
    warning = _overflow_warning(_overflowing(document), pages)
    return Rendered(pdf=document.write_pdf(), pages=pages, warning=warning, level=level)


def render_support(content: dict) -> Rendered:
    document = pdf_document(html_for(content))
    return Rendered(pdf=document.write_pdf(), pages=len(document.pages))


def render(content: dict) -> Rendered:
    if content["kind"] == ReportJob.Kind.ONE_PAGE:
        return render_one_page(content)
    return render_support(content)
