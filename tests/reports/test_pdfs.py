"""The PDFs themselves, read back with pypdf: the one-page plan fits one page (or says what does
not), the support document has every section in order with a table of contents whose page numbers
are right, DRAFT only on drafts, user text escaped, long words wrapped, non-Latin text intact."""

import io
import re
import time
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


# --- a real district's plan: 8 goals and 26 strategies, with accents and typographic quotes ----

DISTRICT_GOALS = [
    (
        "Every student reads on grade level by the end of third grade",
        [
            "Adopt one high-quality, science-based literacy curriculum for kindergarten "
            "through grade 3",
            "Give every K–3 teacher a literacy coach’s support at least twice a month",
            "Screen every student three times a year and act on the results within two weeks",
            "Run “Read with Me” nights so families can practise reading at home",
        ],
    ),
    (
        "Every student learns mathematics with understanding and confidence",
        [
            "Align the middle-school math sequence so that Algebra I is open to every eighth "
            "grader",
            "Offer tutoring in small groups during the school day for students who fall behind",
            "Train teachers to use “number talks” and visual models in every classroom",
        ],
    ),
    (
        "Every graduate leaves with a plan for college, career or service",
        [
            "Start a four-year graduation plan with each ninth grader and review it every spring",
            "Double the number of dual-credit and career-technical courses by 2030",
            "Give every junior a job shadow or internship with a local employer",
        ],
    ),
    (
        "Students feel safe, known and connected at school",
        [
            "Pair every student with an adult mentor who checks in each week",
            "Teach social-emotional skills in every grade with one shared approach",
            "Cut chronic absence in half with home visits and a family liaison at each school",
        ],
    ),
    (
        "We recruit, support and keep excellent teachers and staff",
        [
            "Raise starting pay to the regional median and publish the salary schedule",
            "Build a “grow your own” pathway for paraprofessionals and graduates to become "
            "teachers",
            "Give new teachers a mentor and protected planning time in their first two years",
            "Survey staff each spring and report back what changed because of it",
        ],
    ),
    (
        "Families and the community are true partners in learning",
        [
            "Translate every school message into the five languages most spoken at home",
            "Hold listening sessions in each neighbourhood twice a year, with childcare and a meal",
            "Open a family resource centre at Riverside Élémentaire",
        ],
    ),
    (
        "Safe, modern buildings that support how students learn today",
        [
            "Replace aging roofs and heating systems under a ten-year capital plan",
            "Make every building fully accessible to students and visitors with disabilities",
            "Bring reliable Wi-Fi and a device for every student from grade 3 to grade 12",
        ],
    ),
    (
        "Our resources are managed openly and aligned to these goals",
        [
            "Publish a budget in plain language that links every dollar to a goal of this plan",
            "Review each program’s results and cost every two years with the board",
            "Seek grants and partnerships worth $2 million for early literacy and career pathways",
        ],
    ),
]


@pytest.fixture
def district_plan(cast):
    """A plan the size of many districts' one-pagers: 8 goals, 26 strategies, five values."""
    plan = planning.plan_for(cast.engagement)
    plan.vision = (
        "Every Riverside student — whatever their language, ability or zip code — graduates "
        "known, confident and ready for the life they choose."
    )
    plan.mission = (
        "Together with families and our community, we provide every student with rigorous, "
        "joyful learning in safe schools where each one is “seen, heard and valued”."
    )
    plan.save()
    for title in ("Students first", "Équité", "Integrity", "Belonging", "Curiosity"):
        ValueFactory(plan=plan, title=title)
    for title, strategies in DISTRICT_GOALS:
        goal = GoalFactory(plan=plan, title=title)
        for strategy in strategies:
            StrategyFactory(goal=goal, title=strategy)
    return plan


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
    assert rendered.size < render.DESIGNED_SIZE  # smaller than the designed layout
    text = flat(pages_of(rendered.pdf)[0])
    assert all(f"Strategy {n}.6" in text for n in range(1, 11))


def test_a_short_plan_gets_larger_type(cast, plan):
    goals(plan, 2, 1)
    assert render.render(one_page_content(cast.engagement, None)).size > render.DESIGNED_SIZE


def test_a_plan_too_long_for_one_page_names_what_overflows_and_loses_nothing(cast, plan):
    words = " " + "and a long explanation of everything it involves " * 3
    goals(plan, 16, 6, words=words)
    rendered = render.render(one_page_content(cast.engagement, None))
    assert rendered.pages > 1
    assert rendered.size == render.ONE_PAGE_SIZES[-1]
    assert "does not fit on one page" in rendered.warning
    assert min(body_sizes(rendered.pdf, "Goal 1")) >= 7  # labels stay readable
    named = [int(n) for n in re.findall(r"Goal (\d+) “", rendered.warning)]
    assert named and 1 not in named  # the first goal is on the first page
    pages = pages_of(rendered.pdf)
    assert f"Goal title {named[0]} " in flat(" ".join(pages[1:]))  # really on a later page
    assert "Strategy 16.6" in flat(" ".join(pages))  # nothing clipped: the rest runs on


def squash(text: str) -> str:
    """Text without any spacing, to find a sentence however the layout wrapped it."""
    return re.sub(r"\s+", "", text)


def body_sizes(pdf: bytes, words: str) -> set[float]:
    """The type sizes (pt, as printed on the page) of the runs of text containing `words`."""
    sizes: set[float] = set()

    def visit(text, cm, tm, font_dict, font_size):
        if words in text:
            scale = (tm[0] * cm[0] ** 2 + tm[1] * cm[1] ** 2) ** 0.5 if cm else tm[0]
            sizes.add(round(font_size * abs(scale), 1))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return sizes


def blank_below(document) -> float:
    """The share of the first page's height left empty under the last line of the plan."""
    page = document.pages[0]
    box = page._page_box
    bottom = max(
        b.position_y + b.height
        for b in box.descendants()
        if type(b).__name__ == "TextBox"
        and not (b.element is not None and "watermark" in (b.element.get("class") or ""))
    )
    top = box.content_box_y()
    return (top + box.height - bottom) / box.height


def test_a_district_plan_of_8_goals_and_26_strategies_prints_at_9_pt_or_more(
    cast, district_plan, monkeypatch
):
    content = one_page_content(cast.engagement, None)
    layouts = []
    lay_out = render.pdf_document
    monkeypatch.setattr(render, "pdf_document", lambda html: layouts.append(1) or lay_out(html))
    rendered = render.render(content)
    assert len(layouts) <= 4  # a search, not every size in turn
    assert rendered.pages == 1 and not rendered.warning
    text = flat(pages_of(rendered.pdf)[0])
    for title, strategies in DISTRICT_GOALS:
        assert squash(title) in squash(text)
        assert all(squash(s) in squash(text) for s in strategies)
    assert "“Read with Me”" in text and "Élémentaire" in text
    strategy = "Screen every student three times"
    assert min(body_sizes(rendered.pdf, strategy)) >= 9
    assert rendered.size >= 9
    # The largest type that fits: the next size up runs over the page.
    larger = render.fits(content, size=rendered.size + render.SIZE_STEP)
    assert larger is None
    # The page is filled: little is left blank under the plan.
    document = render.fits(content, size=rendered.size)
    assert blank_below(document) < 0.15


def test_a_plan_that_fits_is_never_warned_about(cast, plan):
    # Two long goals among short ones: a grid of rows cannot hold it, flowing columns can.
    for n in range(1, 9):
        goal = GoalFactory(plan=plan, title=f"Goal title {n} for every student")
        for s in range(1, 25 if n in (1, 5) else 2):
            StrategyFactory(goal=goal, title=f"Strategy {n}.{s}: a “good” step for each school")
    rendered = render.render(one_page_content(cast.engagement, None))
    assert rendered.pages == 1
    assert rendered.warning == ""
    assert "runs to 1 pages" not in rendered.warning
    text = flat(pages_of(rendered.pdf)[0])
    assert "Strategy 1.24:" in text and "Strategy 5.24:" in text and "Strategy 8.1:" in text


def test_a_mission_far_beyond_its_length_is_never_printed_clipped_as_ready(cast, plan):
    # Saved before statements had a maximum length: an unbroken 1 MB paste.
    plan.mission = "Ensemble" * 131072
    plan.save()
    goals(plan, 3, 2)
    started = time.monotonic()
    rendered = render.render(one_page_content(cast.engagement, None))
    assert time.monotonic() - started < 20
    assert "The mission is 1,048,576 characters long" in rendered.warning
    assert "shows its first 800" in rendered.warning
    text = squash(" ".join(pages_of(rendered.pdf)))
    assert "Ensemble" * 99 in text  # its first 800 characters, whole
    assert all(f"Strategy{n}.2" in text for n in range(1, 4))


def test_content_past_the_edge_of_the_page_is_never_taken_for_a_fitting_page():
    for off_the_paper in (
        "<p style='white-space: nowrap'>" + "Every student, every day. " * 60 + "</p>",
        "<p style='position: absolute; top: 1500px'>Below the bottom of the page</p>",
    ):
        document = render.pdf_document("<p>Top</p>" + off_the_paper)
        assert len(document.pages) == 1  # WeasyPrint keeps it on one page, off the paper
        assert render.cut_off(document)
    assert not render.cut_off(render.pdf_document("<p>Top</p><p>Bottom</p>"))


def with_key_measures(plan) -> None:
    for goal in plan.goals.all():
        MeasureFactory(
            goal=goal,
            indicator=f"Students on track for “{goal.title[:24]}”",
            baseline=41,
            target=75,
            unit="%",
            target_date=date(2030, 6, 30),
        )


@pytest.mark.parametrize(
    "shows,strategies,measures",
    [("strategies", True, False), ("both", True, True), ("measures", False, True)],
)
def test_the_one_page_plan_shows_each_goals_key_measures_when_the_layout_asks(
    cast, district_plan, shows, strategies, measures
):
    with_key_measures(district_plan)
    ReportSettings.objects.create(engagement=cast.engagement, one_page_shows=shows)
    rendered = render.render(one_page_content(cast.engagement, draft(district_plan, cast)))
    assert rendered.pages == 1 and not rendered.warning
    text = squash(pages_of(rendered.pdf)[0])
    assert squash(DISTRICT_GOALS[7][0]) in text
    assert (squash(DISTRICT_GOALS[7][1][0]) in text) is strategies
    first = DISTRICT_GOALS[0][0][:24]
    target = squash(f"Students on track for “{first}”: 75% by June 30, 2030 (from 41%)")
    assert (target in text) is measures
    assert ("Keymeasures" in text) is measures


def test_the_seed_one_page_plan_is_the_default(cast):
    assert ReportSettings(engagement=cast.engagement).one_page_shows == "strategies"


def test_the_support_document_cuts_an_over_long_statement_or_value_and_says_so(cast, plan):
    # Saved before statements and values had a maximum length.
    plan.preferred_future = "Nos élèves « réussissent ». " * 400  # 11,200 characters
    plan.save()
    ValueFactory(plan=plan, title="Curiosity", description="We ask why. " * 200)
    rendered = render.render(support_content(cast.engagement, None))
    assert "The preferred future is 11,200 characters long" in rendered.warning
    assert "its first 4,000 characters" in rendered.warning
    assert "The description of the value “Curiosity” is 2,400 characters long" in rendered.warning
    text = squash(" ".join(pages_of(rendered.pdf)))
    assert text.count("réussissent") == 143  # 4,000 characters of 28 each: 142 and a part


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


def test_the_support_document_says_where_goals_strategies_and_values_came_from(cast, plan):
    """The thread "you said -> we committed" in print too: a retreat card or theme with its dots,
    a theme of what the community said with its comments, in the plan builder's words."""
    goal = GoalFactory(
        plan=plan,
        title="Safe routes",
        source_kind="voices",
        source_text="Safer crossings <near> school",
        source_dots=14,
    )
    StrategyFactory(
        goal=goal, title="Crossing guards", source_kind="card", source_text="Guards", source_dots=1
    )
    value = plan.values.first()
    value.source_kind, value.source_text, value.source_dots = "theme", "Équité", 9
    value.save()
    content = support_content(cast.engagement, draft(plan, cast))  # as saved in a draft
    text = flat(" ".join(pages_of(render.render(content).pdf)))
    assert "Community input: “Safer crossings <near> school”, 14 comments" in text
    assert "From the retreats: card “Guards”, 1 dot" in text
    assert "From the retreats: theme “Équité”, 9 dots" in text
    html = render.html_for(content)
    assert "Safer crossings &lt;near&gt; school" in html  # escaped in the layout


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
        assert "<script>alert(1)</script>" in squash(text)  # may wrap in the values column
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
