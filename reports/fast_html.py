"""Our report HTML parsed by the C XML parser (expat) instead of WeasyPrint's pure-Python HTML5
parser (tinyhtml5), which spent 0.15-0.45 s on the board report's 570 KiB before any layout.

Only our own templates come here (user text in them is escaped by Django, which writes no named
entity but &amp; &lt; &gt; &quot;), and they are written so that, once void elements are closed
(`<br>` → `<br/>`), they are well-formed XML whose tree is the one tinyhtml5 builds
(`tests/reports/test_fast_html.py` compares them for every report kind): HTML elements without a
namespace, SVG in its own.

Being well-formed is not enough: HTML5 repairs some well-formed markup (a `<div>` inside a `<p>`
closes the paragraph, a table row gets its `<tbody>`, a `<BR>` is a `br`) and reads some things
otherwise (`&amp;` in a `<style>`, a tab in an attribute). `parse` refuses every such case it
knows, before or after parsing, and tinyhtml5 parses that document as before; so does anything
expat refuses. A PDF is never lost to this shortcut, and never laid out from a different tree.
"""

import logging
import re
import xml.etree.ElementTree as ET

import cssselect2
from weasyprint import HTML

log = logging.getLogger(__name__)

VOID = "area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr"
# A void element's start tag; attribute values hold no ">" (Django escapes it).
_VOID_TAG = re.compile(rf"<({VOID})\b([^>]*)>", re.IGNORECASE)
XHTML = "{http://www.w3.org/1999/xhtml}"
XMLNS = "{http://www.w3.org/2000/xmlns/}xmlns"
# What the XML and HTML parsers read differently, in the source: declarations other than a plain
# doctype (entities, attribute defaults), CDATA and processing instructions; a tab or line break
# in an attribute (XML turns it into a space); character references 128-159 (HTML reads them as
# Windows-1252); "&" or "<" in a <style> or <script> (raw text in HTML).
_DOCTYPE = re.compile(r"\s*<!DOCTYPE html>", re.IGNORECASE)
_DIFFERENT = re.compile(
    r"<!(?!--)|<\?|=\"[^\"<>]*[\t\n\r][^\"<>]*\"|=\'[^\'<>]*[\t\n\r][^\'<>]*\'"
    r"|&#(?:1[2-5]\d|x[89][0-9a-fA-F]);"
    r"|<(style|script)\b[^>]*>[^<&]*(?:&|<(?!/\1>))"
)
# Elements whose start tag closes an open <p> in HTML5 (a <p> never holds them).
_CLOSES_P = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "dialog",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
        "li",
        "dd",
        "dt",
        "summary",
    ]
)


class ParsedHTML(HTML):
    """weasyprint.HTML for a tree parsed already (what HTML.__init__ keeps of its parse)."""

    def __init__(self, root: ET.Element, url_fetcher) -> None:
        self.base_url = None
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element


def _close_void(match: re.Match) -> str:
    name, rest = match.groups()
    return match.group(0) if rest.rstrip().endswith("/") else f"<{name}{rest}/>"


def _repaired(element: ET.Element, in_p: bool = False, in_a: bool = False) -> str | None:
    """What HTML5 would repair in this (HTML) element's subtree, or None."""
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # a comment
        if tag.startswith("{"):
            continue  # SVG or MathML: foreign content, parsed alike
        if tag != tag.lower() or tag in ("svg", "math"):
            return f"<{tag}>"
        if any(name.startswith("{") for name in child.attrib):
            return f"a prefixed attribute on <{tag}>"
        if (in_p and tag in _CLOSES_P) or (in_a and tag == "a"):
            return f"<{tag}> inside <{'p' if in_p else 'a'}>"
        if (element.tag == "table" and tag in ("tr", "col")) or (
            element.tag == "li" and tag == "li"
        ):
            return f"<{tag}> directly in <{element.tag}>"
        found = _repaired(child, in_p or tag == "p", in_a or tag == "a")
        if found:
            return found
    return None


def parse(html: str) -> ET.Element | None:
    """The tree of `html` as tinyhtml5 would build it, or None when expat cannot build that same
    tree (then tinyhtml5 parses it)."""
    body = _DOCTYPE.sub("", html, count=1)
    different = _DIFFERENT.search(body)
    if different:
        log.debug("Report HTML parsed as HTML5: it holds %r.", different.group(0)[:40])
        return None
    text = _VOID_TAG.sub(_close_void, body)
    try:
        # Comments kept, as tinyhtml5 keeps them (they count for no selector, but the tree is
        # the same one).
        parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))  # noqa: S314
        parser.feed(text)
        root = parser.close()
    except (ET.ParseError, ValueError) as error:  # ValueError: a lone surrogate
        log.info("Report HTML parsed as HTML5: it is not well-formed XML (%s).", error)
        return None
    heads = [child.tag for child in root if isinstance(child.tag, str)]
    repaired = (
        f"<{root.tag}> holding {heads}" if root.tag != "html" or heads != ["head", "body"] else None
    ) or _repaired(root)
    if repaired:
        log.debug("Report HTML parsed as HTML5: HTML5 would repair %s.", repaired)
        return None
    for parent in root.iter():
        if not isinstance(parent.tag, str):
            continue  # a comment
        for child in parent:
            # Where SVG (or MathML) starts inside HTML, tinyhtml5 keeps its xmlns as an attribute.
            tag = child.tag if isinstance(child.tag, str) else ""
            space = tag[1:].partition("}")[0] if tag.startswith("{") else ""
            if space and not parent.tag.startswith("{"):
                child.set(XMLNS, space)
    return root


def html_document(html: str, url_fetcher) -> HTML:
    root = parse(html)
    if root is None:
        return HTML(string=html, url_fetcher=url_fetcher)
    return ParsedHTML(root, url_fetcher)
