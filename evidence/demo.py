"""Riverside's environmental scan for the demo: twelve indicators over five years (2021-2025),
a data pack read before the data retreat, and the finished SWOT's cards that cite them.

Built on the engagements demo (engagements.demo.load_demo runs first). Rows are made only when
missing: an indicator that exists keeps its values, and a pack that exists keeps its items, so
what people changed in the demo survives a rerun.
"""

from decimal import Decimal

from django.db import transaction

from engagements.models import Engagement, Meeting

from . import services
from .models import DataPack, Indicator

YEARS = (2021, 2022, 2023, 2024, 2025)
UP, DOWN = Indicator.Direction.UP, Indicator.Direction.DOWN
REPORT_CARD = "State report card"
PACK_TITLE = "Riverside’s data picture"

# name, unit, source, direction, note, {breakdown: five values, 2021 first} ("" = all students)
INDICATORS = [
    (
        "Four-year graduation rate",
        "%",
        REPORT_CARD,
        UP,
        "Students who finish high school within four years of starting 9th grade.",
        {
            "": (84.2, 85.0, 86.1, 86.8, 87.5),
            "English learners": (68.5, 70.1, 71.0, 72.4, 73.9),
            "Students with disabilities": (64.0, 65.2, 66.8, 67.1, 68.3),
            "Economically disadvantaged": (76.3, 77.8, 79.0, 80.2, 81.1),
        },
    ),
    (
        "Chronic absence rate",
        "%",
        "District attendance system",
        DOWN,
        "Students who missed 10% or more of school days, for any reason. It was 11.2% in 2019, "
        "before the pandemic.",
        {
            "": (16.5, 23.1, 21.4, 19.2, 17.8),
            "English learners": (19.8, 27.5, 25.0, 22.6, 21.0),
            "Students with disabilities": (22.4, 30.2, 28.1, 26.0, 24.7),
            "Economically disadvantaged": (21.7, 29.6, 27.3, 24.8, 23.1),
            "Eastside Elementary": (20.3, 28.8, 26.4, 23.0, 20.9),
        },
    ),
    (
        "3rd-grade reading proficiency",
        "%",
        REPORT_CARD,
        UP,
        "3rd graders who met or exceeded the standard on the state reading test.",
        {
            "": (58.4, 55.1, 57.3, 59.8, 61.2),
            "English learners": (31.0, 28.4, 30.9, 33.5, 35.2),
            "Students with disabilities": (24.6, 22.0, 23.8, 25.1, 27.3),
            "Economically disadvantaged": (44.2, 41.0, 43.6, 46.1, 48.0),
            "Eastside Elementary": (41.5, 38.7, 42.0, 45.3, 49.1),
            "Lincoln Elementary": (66.2, 64.0, 65.8, 67.9, 68.4),
        },
    ),
    (
        "8th-grade math proficiency",
        "%",
        REPORT_CARD,
        UP,
        "8th graders who met or exceeded the standard on the state math test.",
        {
            "": (42.3, 40.1, 41.0, 41.4, 41.2),
            "English learners": (18.2, 16.9, 17.5, 18.0, 17.6),
            "Students with disabilities": (12.1, 11.4, 12.0, 12.6, 12.2),
        },
    ),
    (
        "Average daily attendance",
        "%",
        "District attendance system",
        UP,
        "The share of enrolled students in school on an average day.",
        {"": (93.1, 91.4, 92.2, 92.9, 93.3)},
    ),
    (
        "Suspension rate",
        "%",
        REPORT_CARD,
        DOWN,
        "Students suspended at least once during the school year (in or out of school).",
        {
            "": (3.1, 4.2, 3.9, 3.5, 3.2),
            "Students with disabilities": (6.0, 7.8, 7.1, 6.5, 5.9),
        },
    ),
    (
        "Staff turnover",
        "%",
        "HR records",
        DOWN,
        "Teachers and support staff who left the district between one fall and the next "
        "(retirements included).",
        {"": (11.5, 15.8, 14.2, 13.1, 12.4)},
    ),
    (
        "Teacher vacancies on the first day of school",
        "positions",
        "HR records",
        DOWN,
        "Teaching positions with no permanent teacher on the first day; most are math, science "
        "and special education.",
        {"": (6, 14, 12, 9, 8)},
    ),
    (
        "Family satisfaction",
        "% favorable",
        "Panorama family survey",
        UP,
        "Families who agree or strongly agree that they are satisfied with their child’s school.",
        {"": (81, 77, 78, 80, 82)},
    ),
    (
        "Student sense of belonging",
        "% favorable",
        "Panorama student survey (grades 6-12)",
        UP,
        "Students who answer favorably to “How much do you feel like you belong at your school?”",
        {"": (63, 58, 59, 61, 62)},
    ),
    (
        "Staff satisfaction",
        "% favorable",
        "Panorama staff survey",
        UP,
        "Staff who would recommend Riverside as a good place to work.",
        {"": (72, 64, 66, 68, 70)},
    ),
    (
        "Dual-credit enrollment",
        "students",
        "Riverside Community College",
        UP,
        "High school students taking at least one college course for credit in the year.",
        {"": (312, 298, 340, 388, 431)},
    ),
]

PACK_INTRODUCTION = (
    "Please read this before the data retreat. It shows where Riverside is now on the numbers "
    "the plan team asked about: five years, 2021 to 2025, for all students and, where we have "
    "them, for student groups and schools. Bring your questions; we will look at each chart "
    "together before the SWOT analysis."
)
# indicator, commentary (in the pack's order)
PACK = [
    (
        "Four-year graduation rate",
        "Up three points in five years and above similar districts. The gap for English "
        "learners and students with disabilities is narrowing, but slowly.",
    ),
    (
        "3rd-grade reading proficiency",
        "Back above the 2021 level after the 2022 dip. Eastside Elementary gained almost eight "
        "points since 2022, after its reading coaches started; gaps between groups remain large.",
    ),
    (
        "8th-grade math proficiency",
        "Flat for five years at about four in ten students. No group has moved.",
    ),
    (
        "Chronic absence rate",
        "The number that worries us most: it jumped in 2022 and is falling, but is still far "
        "above the 11.2% of 2019. One student in five at Eastside misses a day every two weeks.",
    ),
    (
        "Staff turnover",
        "Highest in 2022; better each year since. Exit surveys name workload and pay.",
    ),
    (
        "Family satisfaction",
        "Most families are satisfied, and more each year since 2022. Comments ask for clearer, "
        "earlier communication.",
    ),
    (
        "Student sense of belonging",
        "Only six students in ten feel they belong at school; lower in middle school.",
    ),
]
# The finished SWOT's cards and the indicator each cites as its evidence.
CARD_EVIDENCE = {
    "Chronic absenteeism rose after 2020": "Chronic absence rate",
    "Strong graduation rate compared with similar districts": "Four-year graduation rate",
    "Middle school math scores are flat": "8th-grade math proficiency",
    "Achievement gaps for English learners and students with disabilities": (
        "3rd-grade reading proficiency"
    ),
    "Dual-credit partnership with Riverside Community College": "Dual-credit enrollment",
    "Teacher shortage in math, science and special education": (
        "Teacher vacancies on the first day of school"
    ),
}


def _values(rows: dict) -> services.Values:
    return {
        (year, breakdown): Decimal(str(value)).quantize(Decimal("0.01"))
        for breakdown, values in rows.items()
        for year, value in zip(YEARS, values, strict=True)
    }


@transaction.atomic
def load_evidence_demo(engagement: Engagement) -> None:
    """Riverside's twelve indicators and the data pack read before the data retreat."""
    existing = {name.lower() for name in engagement.indicators.values_list("name", flat=True)}
    for name, unit, source, direction, note, rows in INDICATORS:
        if name.lower() not in existing:
            services.indicator_save(
                engagement=engagement,
                name=name,
                unit=unit,
                source=source,
                direction=direction,
                note=note,
                values=_values(rows),
            )
    if not DataPack.objects.filter(engagement=engagement, title=PACK_TITLE).exists():
        pack = services.pack_create(
            engagement=engagement,
            title=PACK_TITLE,
            introduction=PACK_INTRODUCTION,
            meeting=Meeting.objects.filter(engagement=engagement, title="Data retreat").first(),
        )
        indicators = {i.name: i for i in engagement.indicators.all()}
        for name, commentary in PACK:
            if name in indicators:
                services.pack_item_add(pack=pack, indicator=indicators[name], commentary=commentary)


@transaction.atomic
def load_swot_evidence_demo(engagement: Engagement) -> None:
    """A few of the finished data-retreat SWOT's cards cite an indicator as their evidence.

    Set once, while no card of that board cites anything: links people changed since stay.
    Nothing is put on the projector: the board's shown indicator is left as it is.
    """
    from retreats.models import Card

    cards = Card.objects.filter(
        activity__retreat__engagement=engagement,
        activity__retreat__title="Data retreat: SWOT analysis",
        activity__kind="swot",
    )
    if cards.filter(evidence__isnull=False).exists():
        return
    indicators = {i.name: i for i in engagement.indicators.all()}
    for card in cards.filter(text__in=CARD_EVIDENCE):
        indicator = indicators.get(CARD_EVIDENCE[card.text])
        if indicator is not None:
            card.evidence = indicator
            card.save(update_fields=["evidence"])
