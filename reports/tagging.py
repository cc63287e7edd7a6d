"""Tagged (accessible) PDFs: the options every report is written with; page furniture as artifacts.

Every PDF Aligned makes is written as PDF/UA-1 (`WRITE_OPTIONS`): WeasyPrint then tags the
structure from the HTML (headings, paragraphs, lists, tables with their header cells, figures with
their alt text), sets /Lang from <html lang>, /Title from <title> and asks viewers to show that
title, and marks the catalog /MarkInfo Marked.

WeasyPrint 70 leaves one gap (Kozea/WeasyPrint#1836, open): the page margins (the running header,
"Page n of N") are marked as content but hung on no part of the structure tree, which is neither
real content nor an artifact; and anything fixed to the page (the DRAFT mark) is tagged again on
every page, so a screen reader would read "DRAFT" between two paragraphs of each page; the dot
leaders of the contents are read out dot by dot. PDF/UA wants such things painted as artifacts,
which a screen reader skips. `install()` makes WeasyPrint do that: while it paints a page margin
box, a `position: fixed` box or a leader in a tagged PDF, the content goes inside an /Artifact
marked-content sequence and is left out of the structure tree. Untagged renders (the
one-page plan's size search lays out without writing) are unchanged.
"""

from contextlib import contextmanager
from contextvars import ContextVar

import weasyprint
from weasyprint import draw
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import stream as pdf_stream
from weasyprint.pdf import tags as pdf_tags

# PDF/UA-1 (PDF 1.7): tags, language, title shown as the window title. The "ua-2" variant would
# allow artifacts inside the tree, but PDF 2.0 readers are still rare in district offices.
WRITE_OPTIONS = {"pdf_variant": "pdf/ua-1"}
# The patches below reach into WeasyPrint's drawing and tagging; they were written for this version.
PATCHED_FOR = "70."

_in_artifact: ContextVar[int] = ContextVar("in_artifact", default=0)


def is_artifact(box) -> bool:
    """Page furniture: a page margin box, a box fixed to the page (repeated on every page), or
    the dot leaders of the contents (a screen reader would read "dot dot dot...")."""
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    return (
        isinstance(box, boxes.MarginBox)
        or box.is_leader
        or (box.style["position"] == "fixed" and not isinstance(box, boxes.PageBox))
    )


@contextmanager
def _artifact(stream):
    depth = _in_artifact.set(_in_artifact.get() + 1)
    try:
        with stream.artifact():
            yield
    finally:
        _in_artifact.reset(depth)


def install() -> None:
    """Make every PDF this process writes tagged, whichever renderer writes it (WeasyPrint's
    defaults), with page furniture as artifacts. Once per process; refuses a WeasyPrint version
    the patches were not written for."""
    if getattr(draw, "_aligned_artifacts", False):
        return
    if not weasyprint.__version__.startswith(PATCHED_FOR):
        raise RuntimeError(
            f"reports/tagging.py was written for WeasyPrint {PATCHED_FOR}x, not "
            f"{weasyprint.__version__}: check that margins and fixed boxes are still tagged as "
            f"they were (Kozea/WeasyPrint#1836), then update PATCHED_FOR."
        )
    draw_stacking_context = draw.draw_stacking_context
    draw_inline_level = draw.draw_inline_level
    build_box_tree = pdf_tags._build_box_tree
    marked = pdf_stream.Stream.marked

    def draw_stacking_context_with_artifacts(stream, stacking_context):
        if stream._tags is None or not is_artifact(stacking_context.box):
            return draw_stacking_context(stream, stacking_context)
        with _artifact(stream):
            draw_stacking_context(stream, stacking_context)

    def draw_inline_level_with_artifacts(stream, page, box, *args, **kwargs):
        if stream._tags is None or not getattr(box, "is_leader", False):  # or a StackingContext
            return draw_inline_level(stream, page, box, *args, **kwargs)
        with _artifact(stream):
            draw_inline_level(stream, page, box, *args, **kwargs)

    @contextmanager
    def marked_unless_artifact(self, box, tag):
        if _in_artifact.get():
            yield  # already inside /Artifact: no marked content, no place in the tree
            return
        with marked(self, box, tag):
            yield

    def build_box_tree_without_artifacts(box, *args, **kwargs):
        if is_artifact(box):
            return iter(())
        return build_box_tree(box, *args, **kwargs)

    weasyprint.DEFAULT_OPTIONS.update(WRITE_OPTIONS)
    draw.draw_stacking_context = draw_stacking_context_with_artifacts
    draw.draw_inline_level = draw_inline_level_with_artifacts
    pdf_stream.Stream.marked = marked_unless_artifact
    pdf_tags._build_box_tree = build_box_tree_without_artifacts
    draw._aligned_artifacts = True
