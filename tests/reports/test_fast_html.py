"""Report HTML is parsed by expat (reports/fast_html.py) instead of WeasyPrint's pure-Python HTML5
parser: the tree must be the one tinyhtml5 builds, for every kind of report with real content
(accents, pasted links, user text that looks like markup, line breaks), or the PDFs would change.
Anything that is not well-formed goes to tinyhtml5 as before."""

import io
import logging

import pytest
import tinyhtml5
from pypdf import PdfReader

from reports import fast_html, render
from reports.board import board_content, recent_periods
from reports.board_services import board_note_save
from reports.models import ReportJob
from reports.selectors import content_for, record_content

from .test_board import _plan as lived_board_plan
from .test_pdf_tags import everything, plan  # noqa: F401 — fixtures
from .test_retreat_record import LONG, SCRIPT, retreat  # noqa: F401 — fixture

pytestmark = pytest.mark.django_db


def shape(root) -> list:
    """Tags, attributes and text of a tree in document order (whitespace runs as one space: the
    layout collapses them alike)."""
    out = []

    def walk(element):
        text = " ".join((element.text or "").split())
        out.append((element.tag, sorted(element.attrib.items()), text))
        for child in element:
            walk(child)
        out.append(("/", " ".join((element.tail or "").split())))

    walk(root)
    return out


@pytest.fixture
def parsed(monkeypatch):
    """Every HTML string a render hands to the parser, with what the fast parser made of it."""
    seen: list[tuple[str, object]] = []
    parse = fast_html.parse

    def spy(html):
        root = parse(html)
        seen.append((html, root))
        return root

    monkeypatch.setattr(fast_html, "parse", spy)
    return seen


def assert_same_as_html5(parsed) -> None:
    assert parsed
    for html, root in parsed:
        assert root is not None, "the report's HTML should be well-formed"
        assert shape(root) == shape(tinyhtml5.parse(html, namespace_html_elements=False))


@pytest.mark.parametrize("kind", [ReportJob.Kind.ONE_PAGE, ReportJob.Kind.SUPPORT])
def test_plan_reports_parse_as_html5_would(cast, everything, parsed, kind):  # noqa: F811
    everything.mission = f"Nous servons chaque élève. {SCRIPT}\n{LONG}"
    everything.save()
    render.render(content_for(kind, cast.engagement, None))
    assert_same_as_html5(parsed)


def test_the_board_report_parses_as_html5_would(cast, parsed):
    lived_board_plan(cast)
    period = recent_periods(cast.engagement)[0]
    board_note_save(
        engagement=cast.engagement,
        period=period,
        user=cast.facilitator,
        cover_note=f"Première ligne {SCRIPT}\n\nSecond paragraph\nwith a break {LONG}",
        highlights=[],
    )
    render.render_board(board_content(cast.engagement, period))
    assert_same_as_html5(parsed)
    html, _ = parsed[0]
    assert "<br>" in html and "&lt;script&gt;" in html  # the note's line breaks and its escaping


def test_the_retreat_record_parses_as_html5_would(retreat, parsed):  # noqa: F811
    render.render(record_content(retreat))
    assert_same_as_html5(parsed)


def test_html_that_is_not_well_formed_is_parsed_as_html5_as_before(caplog):
    loose = "<!DOCTYPE html><html lang='en'><title>T</title><p>One<p>Two &nbsp; <b>bold</html>"
    with caplog.at_level(logging.INFO, logger="reports.fast_html"):
        assert fast_html.parse(loose) is None
        document = render.pdf_document(loose)
    assert "not well-formed" in caplog.text
    assert len(document.pages) == 1
    text = PdfReader(io.BytesIO(document.write_pdf())).pages[0].extract_text()
    assert "One" in text and "Two" in text


def test_an_entity_declaration_is_never_expanded():
    bomb = (
        '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<html><body><p>&b;</p></body></html>"
    )
    assert fast_html.parse(bomb) is None


def test_void_elements_svg_comments_and_escapes_parse_as_html5_would():
    html = (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>Été</title></head>'
        "<body><!-- a comment --><p class='a'>L&#x27;école &amp; &quot;nous&quot; &lt;b&gt;<br>"
        'suite<img src="data:image/png;base64,AAAA" alt="x &gt; y"></p>'
        '<p><svg viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg" role="img">'
        '<polyline points="0,0 5,5"/><circle cx="1" cy="1" r="1"/></svg> après</p>'
        '<table><thead><tr><th scope="col">A</th></tr></thead><tbody><tr><td>1</td></tr>'
        "</tbody></table><hr></body></html>"
    )
    root = fast_html.parse(html)
    assert root is not None
    assert shape(root) == shape(tinyhtml5.parse(html, namespace_html_elements=False))


HTML5_READS_OTHERWISE = {
    "a paragraph in a paragraph": "<p>one<p>two</p></p>",
    "a list in a paragraph": "<p>one<ul><li>two</li></ul></p>",
    "a div deep in a paragraph": "<p><span>one<div>two</div></span></p>",
    "rows without tbody": "<table><tr><td>1</td></tr></table>",
    "a col without colgroup": "<table><col><tbody><tr><td>1</td></tr></tbody></table>",
    "a link in a link": '<a href="#a">one <b><a href="#b">two</a></b></a>',
    "an item in an item": "<ul><li>one<li>two</li></li></ul>",
    "CDATA": "<p><![CDATA[x < y]]></p>",
    "a processing instruction": "<p><?php echo 1 ?>x</p>",
    "a prefixed attribute": '<p xml:lang="fr">été</p>',
    "svg without its namespace": '<svg viewBox="0 0 1 1"><circle r="1"/></svg>',
    "a Windows-1252 reference": "<p>&#128; &#x99;</p>",
    "uppercase tags": "<p>first<BR>second</p>",
    "a tab in an attribute": '<img alt="one\ttwo" src="data:,">',
    "a line break in an attribute": "<img alt='one\r\ntwo' src=\"data:,\">",
    "an ampersand in a style": "<style>p::after { content: '&amp;' }</style><p>x</p>",
    "a lone surrogate": "<p>a\ud800b</p>",
    "a control character": "<p>a\x0bb</p>",
}


@pytest.mark.parametrize("case", HTML5_READS_OTHERWISE.values(), ids=HTML5_READS_OTHERWISE.keys())
def test_what_html5_reads_otherwise_is_left_to_tinyhtml5(case):
    """Well-formed or not, markup that HTML5 repairs or reads differently never takes the fast
    path with a different tree: parse() says None and tinyhtml5 parses it."""
    html = (
        f'<!DOCTYPE html>\n<html lang="en"><head><title>T</title></head><body>{case}</body></html>'
    )
    assert fast_html.parse(html) is None


@pytest.mark.parametrize(
    "html",
    [
        "<p>no html, head or body</p>",
        '<!DOCTYPE html [<!ATTLIST p class CDATA "injected">]>'
        "<html><head></head><body><p>x</p></body></html>",
    ],
)
def test_a_document_html5_would_complete_or_change_is_left_to_tinyhtml5(html):
    assert fast_html.parse(html) is None
