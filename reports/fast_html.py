"""Our report HTML parsed by the C XML parser (expat) instead of WeasyPrint's pure-Python HTML5
parser (tinyhtml5), which spent 0.15-0.45 s on the board report's 570 KiB before any layout.

Only our own templates come here (user text in them is escaped by Django, which writes no named
entity but &amp; &lt; &gt; &quot;), and they are written so that, once void elements are closed
(`<br>` → `<br/>`), they are well-formed XML. The tree is
the one tinyhtml5 builds (`tests/reports/test_fast_html.py` compares them for every report kind):
HTML elements without a namespace, SVG in its own. Anything expat refuses (a template someone
wrote loosely) goes to tinyhtml5 as before, so a PDF is never lost to this shortcut.
"""

import logging
import re
import xml.etree.ElementTree as ET

import cssselect2
from weasyprint import HTML

log = logging.getLogger(__name__)

VOID = "area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr"
# A void element's start tag not already closed; attribute values hold no ">" (Django escapes it).
_VOID_TAG = re.compile(rf"<({VOID})\b([^>]*?)\s*(?<!/)>", re.IGNORECASE)
XHTML = "{http://www.w3.org/1999/xhtml}"
XMLNS = "{http://www.w3.org/2000/xmlns/}xmlns"


class ParsedHTML(HTML):
    """weasyprint.HTML for a tree parsed already (what HTML.__init__ keeps of its parse)."""

    def __init__(self, root: ET.Element, url_fetcher) -> None:
        self.base_url = None
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element


def parse(html: str) -> ET.Element | None:
    """The tree of `html` as tinyhtml5 would build it, or None when it is not well-formed."""
    if "<!ENTITY" in html.upper():
        # Never expand entity declarations (Django escapes "<" in user text, so only a template
        # could hold one): tinyhtml5 reads them as text.
        return None
    text = _VOID_TAG.sub(r"<\1\2/>", html)
    try:
        # Comments kept, as tinyhtml5 keeps them (they count for no selector, but the tree is
        # the same one).
        parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))  # noqa: S314
        parser.feed(text)
        root = parser.close()
    except ET.ParseError as error:
        log.warning("A report's HTML is not well-formed XML (%s); parsing it as HTML.", error)
        return None
    for parent in root.iter():
        if not isinstance(parent.tag, str):
            continue  # a comment
        if parent.tag.startswith(XHTML):
            parent.tag = parent.tag[len(XHTML) :]
        for child in parent:
            # Where SVG (or MathML) starts inside HTML, tinyhtml5 keeps its xmlns as an attribute.
            tag = child.tag if isinstance(child.tag, str) else ""
            space = tag[1:].partition("}")[0] if tag.startswith("{") else ""
            if space and space != XHTML[1:-1] and not parent.tag.startswith("{"):
                child.set(XMLNS, space)
    return root


def html_document(html: str, url_fetcher) -> HTML:
    root = parse(html)
    if root is None:
        return HTML(string=html, url_fetcher=url_fetcher)
    return ParsedHTML(root, url_fetcher)
