"""Accessible PDFs: every report is a tagged PDF (PDF/UA-1) that a screen reader can follow: title
and language set, headings in order without skipped levels, lists and tables tagged with their
header cells, the logo a figure with alternative text, the text in reading order, and the DRAFT
mark and the running header and footer painted as artifacts it skips. Read back with pypdf."""

import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from planning import services as planning
from planning.models import Measure
from reports import render, tagging
from reports.models import ReportJob
from reports.selectors import content_for

from ..factories import (
    ActionStepFactory,
    ActivityFactory,
    CardFactory,
    GoalFactory,
    MeasureFactory,
    MembershipFactory,
    ObjectiveFactory,
    PhaseFactory,
    RetreatFactory,
    StakeholderGroupFactory,
    StrategyFactory,
    ValueFactory,
)
from .pdf_structure import artifacts, headings, structure, texts_of, tree_text

ONE_PAGE, SUPPORT = ReportJob.Kind.ONE_PAGE, ReportJob.Kind.SUPPORT
GOALS = ["Readers by grade three", "Math with confidence", "A plan for every graduate"]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def plan(cast):
    plan = planning.plan_for(cast.engagement)
    plan.vision = "Every Riverside student graduates with a plan and the skills to carry it out."
    plan.mission = "We partner with families to prepare every student for college and career."
    plan.save()
    for title in ("Students first", "Equity"):
        ValueFactory(plan=plan, title=title, description=f"What {title} means to us.")
    for title in GOALS:
        goal = GoalFactory(plan=plan, title=title)
        MeasureFactory(goal=goal, indicator=f"Progress on {title}", baseline=41, target=60)
        for s in (1, 2):
            strategy = StrategyFactory(goal=goal, title=f"Strategy {s} for {title}")
            ActionStepFactory(strategy=strategy, description=f"Step for {strategy.title}")
    return plan


@pytest.fixture
def everything(cast, plan):
    """Every section of the support document with content: phases, the team, a SWOT board, goals
    under an objective as well as without one."""
    PhaseFactory(engagement=cast.engagement, name="Data retreat", guiding_question="Now?")
    group = StakeholderGroupFactory(engagement=cast.engagement, name="Parents")
    MembershipFactory(engagement=cast.engagement, stakeholder_group=group)
    board = ActivityFactory(
        retreat=RetreatFactory(phase=cast.engagement.phases.first()), kind="swot", title="SWOT"
    )
    CardFactory(activity=board, quadrant="S", text="Caring, experienced teachers")
    objective = ObjectiveFactory(plan=plan, title="Learning for all")
    GoalFactory(plan=plan, objective=objective, title="Under an objective")
    return plan


def draft_of(plan, cast):
    return planning.version_save(plan=plan, label="For the board", author=cast.facilitator)


def pdf_of(kind, cast, version=None) -> bytes:
    return render.render(content_for(kind, cast.engagement, version)).pdf


@pytest.mark.parametrize("kind", [ONE_PAGE, SUPPORT])
def test_every_report_is_a_tagged_pdf_with_its_title_and_language(cast, plan, kind):
    document = PdfReader(io.BytesIO(pdf_of(kind, cast)))
    catalog = document.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == "en"
    words = "one-page plan" if kind == ONE_PAGE else "support document"
    assert document.metadata.title == f"{cast.engagement.name}: {words}"
    # Viewers show the title, not the file name.
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True


def test_any_pdf_written_through_the_shared_render_path_is_tagged():
    """A new report (the board report, a retreat's record) inherits the tagging without asking."""
    html = '<html lang="fr"><title>Compte rendu</title><h1>Séance</h1><p>Texte.</p></html>'
    pdf = render.pdf_document(html).write_pdf()
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert catalog["/Lang"] == "fr" and catalog["/MarkInfo"]["/Marked"].value is True
    assert [element.tag for element in structure(pdf)] == ["Document", "H1", "Span", "P", "Span"]


def test_the_one_page_plan_reads_title_then_statements_then_goals_in_order(cast, plan):
    pdf = pdf_of(ONE_PAGE, cast)
    for text in (flat(PdfReader(io.BytesIO(pdf)).pages[0].extract_text()), tree_text(pdf)):
        order = [cast.engagement.name, "Vision", plan.vision, "Mission", plan.mission, *GOALS]
        at = [text.find(part) for part in order]
        assert -1 not in at and at == sorted(at), (order, text)
    assert headings(pdf) == [
        (1, cast.engagement.name),
        (2, "Vision"),
        (2, "Mission"),
        (2, "Values and beliefs"),
        (2, "Goals and strategies"),
        *[(3, f"Goal {n} {title}") for n, title in enumerate(GOALS, start=1)],
    ]


def test_goals_under_an_objective_are_one_level_below_it(cast, everything):
    pdf = pdf_of(ONE_PAGE, cast)
    found = headings(pdf)
    objective = found.index((3, "Objective: Learning for all"))
    level, text = found[objective + 1]
    assert level == 4 and text.endswith(" Under an objective")


@pytest.mark.parametrize("kind", [ONE_PAGE, SUPPORT])
def test_headings_start_at_one_and_never_skip_a_level(cast, everything, kind):
    levels = [level for level, _ in headings(pdf_of(kind, cast))]
    assert levels[0] == 1 and levels.count(1) == 1
    skips = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
    assert not skips, levels
    if kind == SUPPORT:  # every section is there, down to the strategies' action steps
        assert set(levels) == {1, 2, 3, 4, 5}


def test_tables_are_tagged_with_header_cells_that_label_their_columns(cast, everything):
    elements = structure(pdf_of(SUPPORT, cast))  # the planning team's seats are a table
    assert {"Table", "THead", "TBody", "TR", "TH", "TD"} <= {element.tag for element in elements}
    headers = {element.identifier for element in elements if element.tag == "TH"}
    cells = [element for element in elements if element.tag == "TD"]
    assert cells and None not in headers
    for cell in cells:  # each data cell names the header of its column
        assert cell.attributes["/Headers"] and set(cell.attributes["/Headers"]) <= headers
    assert "Step for Strategy 1 for Readers by grade three" in tree_text(pdf_of(SUPPORT, cast))


def test_measures_and_action_steps_are_lists_with_their_fields_named(cast, plan):
    """In the support document, measures and action steps are list items (cheaper to lay out
    than tables of one or three rows) whose every field says what it is."""
    goal = plan.goals.get(title=GOALS[0])
    MeasureFactory(
        goal=goal,
        indicator="Chronic absence",
        baseline=18,
        baseline_date=date(2026, 6, 30),
        target=9,
        target_date=date(2030, 6, 30),
        unit="%",
        data_source="State attendance file",
        frequency=Measure.Frequency.QUARTERLY,
        direction=Measure.Direction.DOWN,
    )
    items = texts_of(structure(pdf_of(SUPPORT, cast)), "LI")
    steps = [text for text in items if text.startswith("Step for Strategy")]
    assert len(steps) == 6
    for field in ("Stage:", "Owner: not named yet", "Dates: not set", "Resources: none named"):
        assert field in steps[0], field
    measures = [text for text in items if text.startswith("Progress on")]
    assert len(measures) == 3
    assert "baseline 41" in measures[0] and "target 60" in measures[0]
    (absence,) = [text for text in items if text.startswith("Chronic absence:")]
    for words in ("baseline 18%", "June 30, 2026", "target 9%", "by June 30, 2030", "quarterly"):
        assert words in absence, words
    assert "lower is better" in absence and "Source: State attendance file" in absence


def test_strategies_and_values_are_tagged_as_lists(cast, plan):
    elements = structure(pdf_of(ONE_PAGE, cast))
    items = [e for e in elements if e.tag == "LI"]
    assert {"L", "LI", "LBody"} <= {e.tag for e in elements}
    # Two values and six strategies, each an item of a list.
    assert len(items) == 8


def test_the_logo_is_a_figure_with_its_alternative_text(cast, plan, settings, tmp_path):
    from PIL import Image

    from reports.services import settings_update

    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (60, 30), "navy").save(image, "PNG")
    image.seek(0)
    image.size = len(image.getvalue())
    settings_update(engagement=cast.engagement, paper="letter", orientation="landscape", logo=image)
    for kind in (ONE_PAGE, SUPPORT):
        figures = [e for e in structure(pdf_of(kind, cast)) if e.tag == "Figure"]
        assert [figure.alt for figure in figures] == [
            f"{cast.engagement.organization.name} logo"
        ], kind


def test_the_draft_mark_and_running_header_and_footer_are_artifacts(cast, plan):
    version = draft_of(plan, cast)
    pdf = pdf_of(SUPPORT, cast, version)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages > 2
    second = artifacts(pdf, 1)
    assert "DRAFT" in second  # the mark across the page
    assert cast.engagement.name in second  # the running header
    assert f"Page 2 of {pages}" in second  # the footer
    read = tree_text(pdf)
    assert "Page 2 of" not in read
    # "DRAFT" is read once, where the cover names the draft, not once more on each page.
    assert read.count("DRAFT") == 1 and f"DRAFT · Draft {version.number}" in read
    one_page = pdf_of(ONE_PAGE, cast, version)
    assert artifacts(one_page, 0) == ["DRAFT"]
    assert tree_text(one_page).count("DRAFT") == 1


def test_borders_and_backgrounds_are_artifacts_and_everything_else_is_tagged(cast, plan):
    """No text is painted outside marked content: it is either in the tree or an artifact."""
    pdf = pdf_of(SUPPORT, cast, draft_of(plan, cast))
    document = PdfReader(io.BytesIO(pdf))
    in_tree = tree_text(pdf)
    for number, page in enumerate(document.pages):
        painted = flat(page.extract_text())
        leftover = painted
        for part in artifacts(pdf, number):
            leftover = leftover.replace(part, " ", 1)
        for word in leftover.split():
            assert word in in_tree, (number, word)


def test_it_refuses_a_weasyprint_it_was_not_written_for(monkeypatch):
    import weasyprint
    from weasyprint import draw

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    monkeypatch.setattr(draw, "_aligned_artifacts", False)
    with pytest.raises(RuntimeError, match="written for WeasyPrint 70"):
        tagging.install()


def test_the_contents_keep_their_links_to_the_sections(cast, plan):
    assert any(element.tag == "Link" for element in structure(pdf_of(SUPPORT, cast)))


def test_a_measure_saved_without_its_frequency_or_direction_reads_cleanly():
    """A draft saved before measures had a frequency and a direction prints no empty field."""
    from django.template.loader import render_to_string

    html = render_to_string(
        "reports/pdf/_measures.html",
        {"measures": [{"indicator": "Readers", "baseline": "41%", "target": "60%"}]},
    )
    assert flat(re.sub(r"<[^>]+>", "", html)).strip() == "Readers: baseline 41%, target 60%."
