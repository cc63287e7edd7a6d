"""The PDFs themselves, read back with pypdf: the one-page plan fits one page (or says what does
not), the support document has every section in order with a table of contents whose page numbers
are right, DRAFT only on drafts, user text escaped, long words wrapped, non-Latin text intact."""

import io
import re
from datetime import date

import pytest
from django.utils import timezone
from pypdf import PdfReader

from planning import services as planning
from planning.models import Approval
from reports import render
from reports.models import ReportJob, ReportSettings
from reports.selectors import content_for, one_page_content, support_content

from ..factories import (
    ActionStepFactory,
    ActivityFactory,
    ApprovalFactory,
    CardFactory,
    GoalFactory,
    MeasureFactory,
    ObjectiveFactory,
    PhaseFactory,
    RetreatFactory,
    StrategyFactory,
    ValueFactory,
)

ONE_PAGE, SUPPORT = ReportJob.Kind.ONE_PAGE, ReportJob.Kind.SUPPORT


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    """Text as pypdf gives it with line breaks (the layout's wrapping) folded to spaces."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def plan(cast):
    plan = planning.plan_for(cast.engagement)
    plan.vision = "Every Riverside student graduates with a plan and the skills to carry it out."
    plan.mission = "We partner with families to prepare every student for college and career."
    plan.save()
    for title in ("Students first", "Equity", "Integrity"):
        ValueFactory(plan=plan, title=title)
    return plan


def goals(plan, count: int, strategies: int, words: str = "") -> list:
    made = []
    for n in range(1, count + 1):
        goal = GoalFactory(plan=plan, title=f"Goal title {n}{words}")
        for s in range(1, strategies + 1):
            StrategyFactory(goal=goal, title=f"Strategy {n}.{s}{words}")
        made.append(goal)
    return made


def draft(plan, cast, label="For the board"):
    return planning.version_save(plan=plan, label=label, author=cast.facilitator)


# --- the one-page plan ----------------------------------------------------------------------------


def test_the_one_page_plan_is_one_page_with_vision_mission_values_goals_and_strategies(cast, plan):
    goals(plan, 4, 3)
    rendered = render.render(one_page_content(cast.engagement, draft(plan, cast)))
    pages = pages_of(rendered.pdf)
    assert len(pages) == 1 and rendered.pages == 1 and not rendered.warning
    text = flat(pages[0])
    assert plan.vision in text and plan.mission in text
    assert all(value in text for value in ("Students first", "Equity", "Integrity"))
    assert all(f"Goal title {n}" in text for n in range(1, 5))
    assert all(f"Strategy {n}.{s}" in text for n in range(1, 5) for s in range(1, 4))
    assert cast.engagement.organization.name in text


def test_the_one_page_plan_speaks_the_engagements_words(cast, plan):
    cast.engagement.terminology = {
        **cast.engagement.terms,
        "goal": "Priority",
        "goals": "Priorities",
    }
    cast.engagement.save()
    goals(plan, 2, 1)
    text = flat(pages_of(render.render(one_page_content(cast.engagement, None)).pdf)[0])
    assert "Priority 1" in text and "Priorities and strategies" in text
    assert "Goal 1 " not in text


def test_goals_are_grouped_under_their_objectives(cast, plan):
    objective = ObjectiveFactory(plan=plan, title="Learning for all")
    GoalFactory(plan=plan, objective=objective, title="Readers by grade three")
    text = flat(pages_of(render.render(one_page_content(cast.engagement, None)).pdf)[0])
    assert "Objective: Learning for all" in text
    assert text.index("Learning for all") < text.index("Readers by grade three")


def test_a_long_plan_tightens_to_stay_on_one_page(cast, plan):
    goals(plan, 10, 6, words=" with a good many words to say about what it means for students")
    rendered = render.render(one_page_content(cast.engagement, None))
    assert rendered.pages == 1 and not rendered.warning
    assert rendered.level > 0  # tighter than the designed layout
    text = flat(pages_of(rendered.pdf)[0])
    assert all(f"Strategy {n}.6" in text for n in range(1, 11))


def test_a_short_plan_gets_larger_type(cast, plan):
    goals(plan, 2, 1)
    assert render.render(one_page_content(cast.engagement, None)).level < 0


def test_a_plan_too_long_for_one_page_names_what_overflows_and_loses_nothing(cast, plan):
    words = " " + "and a long explanation of everything it involves " * 3
    goals(plan, 16, 6, words=words)
    rendered = render.render(one_page_content(cast.engagement, None))
    assert rendered.pages > 1
    assert rendered.level == render.ONE_PAGE_LEVELS[-1]
    assert "does not fit on one page" in rendered.warning
    named = [int(n) for n in re.findall(r"Goal (\d+) “", rendered.warning)]
    assert named and 1 not in named  # the first goal is on the first page
    pages = pages_of(rendered.pdf)
    assert f"Goal title {named[0]} " in flat(" ".join(pages[1:]))  # really on a later page
    assert "Strategy 16.6" in flat(" ".join(pages))  # nothing clipped: the rest runs on


@pytest.mark.parametrize(
    "paper,orientation,size",
    [
        ("letter", "landscape", (792, 612)),
        ("letter", "portrait", (612, 792)),
        ("a4", "landscape", (842, 595)),
        ("a4", "portrait", (595, 842)),
    ],
)
def test_the_one_page_plan_takes_the_engagements_paper_and_orientation(
    cast, plan, paper, orientation, size
):
    ReportSettings.objects.create(engagement=cast.engagement, paper=paper, orientation=orientation)
    goals(plan, 3, 2)
    page = PdfReader(io.BytesIO(render.render(one_page_content(cast.engagement, None)).pdf)).pages[
        0
    ]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size


def test_the_logo_is_printed_when_there_is_one(cast, plan, settings, tmp_path):
    from PIL import Image

    from reports.services import settings_update

    settings.MEDIA_ROOT = tmp_path
    image = io.BytesIO()
    Image.new("RGB", (60, 30), "navy").save(image, "PNG")
    image.seek(0)
    image.size = len(image.getvalue())
    settings_update(engagement=cast.engagement, paper="letter", orientation="landscape", logo=image)
    pdf = render.render(one_page_content(cast.engagement, None)).pdf
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1


# --- the support document -------------------------------------------------------------------------

SECTIONS = [
    "1. The process we followed",
    "2. The planning team",
    "3. Where we are now: SWOT results",
    "4. Mission, vision and values",
    "5. Goals, strategies, measures and action steps",
    "6. Stakeholder feedback and how it was addressed",
    "7. Approval record",
]


@pytest.fixture
def full_plan(cast, plan):
    PhaseFactory(
        engagement=cast.engagement, name="Data retreat", guiding_question="Where are we now?"
    )
    board = ActivityFactory(
        retreat=RetreatFactory(phase=cast.engagement.phases.first()), kind="swot", title="SWOT"
    )
    CardFactory(activity=board, quadrant="S", text="Caring, experienced teachers")
    CardFactory(activity=board, quadrant="T", text="Aging roofs and heating systems")
    for goal in goals(plan, 6, 2):
        MeasureFactory(
            goal=goal, indicator=f"Readers of {goal.title}", baseline=41, target=60, unit="%"
        )
        for strategy in goal.strategies.all():
            ActionStepFactory(
                strategy=strategy,
                description=f"Train teachers for {strategy.title}",
                resources_people="Two coaches",
                resources_money=12500,
                due_date=date(2027, 6, 30),
            )
    return plan


def toc_entries(text: str) -> list[tuple[str, int]]:
    """(title, page) for each line of the contents that ends in dot leaders and a number."""
    entries = []
    for line in text.splitlines():
        found = re.match(r"^(.*?)\s*\.{3,}\s*(\d+)$", line.strip())
        if found:
            entries.append((found[1].strip(), int(found[2])))
    return entries


def test_the_support_document_has_every_section_in_order_and_a_true_table_of_contents(
    cast, full_plan
):
    rendered = render.render(support_content(cast.engagement, draft(full_plan, cast)))
    pages = pages_of(rendered.pdf)
    assert rendered.pages == len(pages) >= 9
    assert "Support document" in pages[0] and cast.engagement.name in pages[0]
    assert "Contents" in pages[1]
    entries = toc_entries(pages[1])
    titles = [title for title, _ in entries]
    assert [t for t in titles if t[0].isdigit()] == SECTIONS
    assert [t for t in titles if t.startswith("Goal ")] == [
        f"Goal {n}: Goal title {n}" for n in range(1, 7)
    ]
    for title, number in entries:
        assert title in flat(pages[number - 1]), f"{title!r} is not on page {number}"
    starts = [next(i for i, page in enumerate(pages) if s in page) for s in SECTIONS]
    assert starts == sorted(starts)


def test_every_page_after_the_cover_has_the_running_header_and_its_number(cast, full_plan):
    pages = pages_of(render.render(support_content(cast.engagement, None)).pdf)
    for number, page in enumerate(pages[1:], start=2):
        assert cast.engagement.name in page
        assert f"Page {number} of {len(pages)}" in page
    assert "Page 1 of" not in pages[0]


def test_the_support_document_carries_the_details_behind_the_plan(cast, full_plan):
    text = flat(" ".join(pages_of(render.render(support_content(cast.engagement, None)).pdf)))
    assert "Where are we now?" in text  # the process: the phase's guiding question
    assert "Caring, experienced teachers" in text and "Aging roofs" in text  # SWOT
    assert "Readers of Goal title 1" in text and "41%" in text and "60%" in text  # measure
    assert "Train teachers for Strategy 1.1" in text and "$12,500" in text  # action step
    assert "Two coaches" in text and "June 30, 2027" in text


# --- draft or approved ----------------------------------------------------------------------------


def test_a_draft_says_draft_on_every_page_and_names_the_version(cast, full_plan):
    version = draft(full_plan, cast, label="After the vision retreat")
    for kind in (ONE_PAGE, SUPPORT):
        pages = pages_of(render.render(content_for(kind, cast.engagement, version)).pdf)
        assert all("DRAFT" in page for page in pages), kind
        assert f"Draft {version.number} “After the vision retreat”" in flat(" ".join(pages))


def test_the_working_copy_says_draft_too(cast, plan):
    goals(plan, 1, 1)
    pages = pages_of(render.render(one_page_content(cast.engagement, None)).pdf)
    assert "DRAFT" in pages[0] and "Working copy" in pages[0]


def test_the_approved_plan_carries_its_approval_date_and_no_draft_mark(cast, full_plan):
    version = draft(full_plan, cast)
    ApprovalFactory(
        version=version,
        state=Approval.State.APPROVED,
        decided_at=timezone.now(),
        meeting_date=date(2027, 5, 11),
    )
    for kind in (ONE_PAGE, SUPPORT):
        pages = pages_of(render.render(content_for(kind, cast.engagement, version)).pdf)
        assert not any("DRAFT" in page for page in pages), kind
        assert "Approved by the board on May 11, 2027" in flat(pages[0])


# --- fidelity -------------------------------------------------------------------------------------


def test_user_text_is_printed_literally_never_as_markup(cast, plan):
    ValueFactory(plan=plan, title="<script>alert(1)</script>")
    GoalFactory(plan=plan, title="<b>Bold</b> & <i>brave</i>")
    cast.engagement.name = "Plan <em>2030</em>"
    cast.engagement.save()
    for kind in (ONE_PAGE, SUPPORT):
        content = content_for(kind, cast.engagement, None)
        html = render.html_for(content)
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
        text = flat(" ".join(pages_of(render.render(content).pdf)))
        assert "<script>alert(1)</script>" in text
        assert "<b>Bold</b> & <i>brave</i>" in text
        assert "Plan <em>2030</em>" in text


NON_LATIN = ["Éducation pour tous", "Trường học", "Ελληνικά", "Русский язык", "עברית"]


def test_accented_and_non_latin_text_comes_out_intact(cast, plan):
    plan.vision = " · ".join(NON_LATIN)
    plan.save()
    GoalFactory(plan=plan, title="Niños y niñas leen en español")
    for kind in (ONE_PAGE, SUPPORT):
        text = flat(" ".join(pages_of(render.render(content_for(kind, cast.engagement, None)).pdf)))
        for words in [*NON_LATIN, "Niños y niñas leen en español"]:
            assert words in text, (kind, words)


def test_long_words_wrap_inside_the_page(cast, plan):
    word = "Supercalifragilistic" * 12
    goal = GoalFactory(plan=plan, title=word)
    StrategyFactory(goal=goal, title=word)
    plan.mission = word
    plan.save()
    for kind in (ONE_PAGE, SUPPORT):
        document = render.pdf_document(render.html_for(content_for(kind, cast.engagement, None)))
        for page in document.pages:
            for box in page._page_box.descendants():
                if type(box).__name__ == "TextBox":
                    assert box.position_x + box.width <= page.width + 0.5, (kind, box.text[:30])
