"""Reading a tagged PDF back with pypdf, as a screen reader would: the catalog, the structure tree
in reading order with the text each element holds, and what was painted as an artifact.

For any report's tests (one-page plan, support document, board report, retreat record)."""

import io
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import IndirectObject


@dataclass
class Element:
    tag: str  # "H1", "Table", "TH", "L", "LI", "Figure"...
    depth: int
    text: str = ""  # the text of its own marked content, in order (not its children's)
    alt: str | None = None
    identifier: str | None = None  # /ID: header cells have one, data cells name them in /Headers
    attributes: dict = field(default_factory=dict)


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def _marked_text(page) -> tuple[dict[int, str], list[str]]:
    """{MCID: text} of the page's tagged content, and the texts painted as /Artifact."""
    stack: list[tuple[str, int | None]] = []
    tagged: dict[int, str] = {}
    artifacts: list[str] = []

    def before(operator, arguments, *_):
        if operator in (b"BDC", b"BMC"):
            properties = arguments[1] if operator == b"BDC" else None
            mcid = properties.get("/MCID") if hasattr(properties, "get") else None
            stack.append((str(arguments[0]), mcid))
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(value, *_):
        if not value.strip():
            return
        if any(tag == "/Artifact" for tag, _ in stack):
            artifacts.append(value.strip())
            return
        mcid = next((mcid for _, mcid in reversed(stack) if mcid is not None), None)
        if mcid is not None:
            tagged[mcid] = (tagged.get(mcid, "") + " " + value.strip()).strip()

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return tagged, artifacts


def structure(pdf: bytes) -> list[Element]:
    """Every element of the structure tree, depth first (the reading order), with its text."""
    document = reader(pdf)
    pages = {page.indirect_reference.idnum: number for number, page in enumerate(document.pages)}
    texts = [_marked_text(page)[0] for page in document.pages]
    elements: list[Element] = []

    def walk(node, depth: int) -> None:
        node = node.get_object()
        page = node.get("/Pg")
        on = pages.get(page.idnum) if isinstance(page, IndirectObject) else None
        element = Element(tag=str(node["/S"]).lstrip("/"), depth=depth)
        if "/Alt" in node:
            element.alt = str(node["/Alt"])
        if "/ID" in node:
            element.identifier = str(node["/ID"])
        if "/A" in node:
            element.attributes = dict(node["/A"].get_object())
        elements.append(element)
        kids = node.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                if on is not None:
                    element.text = " ".join(filter(None, [element.text, texts[on].get(kid)]))
            elif kid.get_object().get("/Type", "/StructElem") == "/StructElem":
                walk(kid, depth + 1)

    root = document.trailer["/Root"]["/StructTreeRoot"].get_object()
    kids = root["/K"]
    for kid in kids if isinstance(kids, list) else [kids]:
        walk(kid, 0)
    return elements


def tree_text(pdf: bytes) -> str:
    """All the text a screen reader reads, in the structure tree's order, on one line."""
    return " ".join(element.text for element in structure(pdf) if element.text)


def artifacts(pdf: bytes, page: int) -> list[str]:
    """The texts painted on a page as artifacts (skipped by screen readers)."""
    return _marked_text(reader(pdf).pages[page])[1]


def headings(pdf: bytes) -> list[tuple[int, str]]:
    """(level, text) of each heading in reading order. A heading split by a page break would count
    once per page: WeasyPrint tags each page's part of an element apart."""
    elements = structure(pdf)
    found = []
    for index, element in enumerate(elements):
        if len(element.tag) == 2 and element.tag[0] == "H" and element.tag[1].isdigit():
            words = [element.text]
            for child in elements[index + 1 :]:
                if child.depth <= element.depth:
                    break
                words.append(child.text)
            found.append((int(element.tag[1]), " ".join(filter(None, words))))
    return found


def texts_of(elements: list[Element], tag: str) -> list[str]:
    """The whole text of each element with this tag, its descendants' included, in order."""
    found = []
    for index, element in enumerate(elements):
        if element.tag == tag:
            words = [element.text]
            for child in elements[index + 1 :]:
                if child.depth <= element.depth:
                    break
                words.append(child.text)
            found.append(" ".join(filter(None, words)))
    return found
