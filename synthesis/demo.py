"""Riverside's synthesis for the demo: six themes tagged on what the community said (the survey's
open answers and the two listening sessions), a couple of quotes each, two themes carried into
the data retreat's SWOT as seeded cards and one into the plan as a strategy's source.

Built on the listening, retreats and planning demos (load_demo runs them first). Made once:
while the engagement has no theme yet; the board seeds and the plan's source are each set only
when missing, so what people changed survives a rerun.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from engagements.models import Engagement
from listening.models import Comment

from . import selectors, services
from .models import BoardSeed, VoiceTheme

# name, description, what its comments say (a pattern), the words of its quotes (in order)
THEMES = [
    (
        "Safe walks to school",
        "Crossings, sidewalks and bus stops on the way to school, above all on the east side.",
        r"crossing|cruce|sidewalk|banqueta|walk|camina|bus stop|bus route|route 9|safe route",
        ["no crossing guard at 5th and Maple", "Necesitamos un guardia de cruce"],
    ),
    (
        "Mental health support",
        "More counselors and help for anxious or stressed students, at every age.",
        r"counsel|anxi|stress|mental|scared|someone he can talk to|exhausted|psicol",
        ["one counselor for the whole 10th grade", "My son has anxiety"],
    ),
    (
        "Communication with families",
        "One clear channel, in time and in Spanish too; families hear good news as well.",
        r"tell (us|parents|the community)|text|message|mensaje|\bapp\b|informaci|informed|"
        r"communicat|interpret|hear |find out|llamar|spanish|español|know what|e-mails",
        ["I find out about things the day before", "Que la información llegue en español"],
    ),
    (
        "Career pathways",
        "Internships, apprenticeships, trades and dual credit for every student.",
        r"career|job|apprentice|internship|trades|welding|welder|nursing|employer|dual credit|"
        r"college|pathway",
        ["Local employers need welders", "Let us try real jobs before we graduate"],
    ),
    (
        "Class sizes",
        "Too many students in a room to get help, in the early grades and in middle school.",
        r"class sizes?|classes are too|classes have|too full|smaller|kids in|\d+ students|"
        r"\b[23]\d kids|\bfull\b",
        ["Class sizes in 3rd grade are too big", "My classes have 34 students"],
    ),
    (
        "Great teachers and staff",
        "Caring teachers who know students by name, and keeping them: mentoring, pay, support.",
        r"teacher|maestra|mentor|coach|staff|counsel+or at|pay that|losing people|substitute",
        ["know my kids by name", "New teachers need mentors"],
    ),
]
# Carried into the data retreat's finished SWOT (theme, quadrant).
TO_SWOT = [("Mental health support", "W"), ("Career pathways", "O")]
# Carried into the plan as the source of a strategy already there (theme, strategy).
TO_PLAN = (
    "Communication with families",
    "Make communication with families consistent in every school",
)


@transaction.atomic
def load_synthesis_demo(engagement: Engagement) -> None:
    facilitator = User.objects.filter(email="facilitator@riverside.example").first()
    if not VoiceTheme.objects.filter(engagement=engagement).exists():
        _themes(engagement, facilitator)
    themes = {t.name: t for t in VoiceTheme.objects.filter(engagement=engagement)}
    _carry_to_swot(engagement, themes, facilitator)
    _carry_to_plan(engagement, themes)


def _themes(engagement: Engagement, facilitator) -> None:
    comments = list(Comment.objects.filter(engagement=engagement).order_by("created_at", "id"))
    if not comments:
        return
    for name, description, pattern, quotes in THEMES:
        theme = services.theme_create(engagement=engagement, name=name, description=description)
        said = re.compile(pattern, re.IGNORECASE)
        tagged = [c for c in comments if said.search(c.text)]
        if not tagged:
            continue
        services.tag(theme=theme, comments=tagged, by=facilitator)
        for words in quotes:
            quote = next((c for c in tagged if words in c.text), None)
            if quote is not None:
                services.quote_add(theme=theme, comment=quote)


def _carry_to_swot(engagement: Engagement, themes: dict, facilitator) -> None:
    """Through the synthesis service when the board still takes cards; the demo's SWOT is
    finished and its retreat closed, so the service refuses it: the card is then put there as
    the service would (written by nobody, the theme's count in its words) and the seed recorded,
    so the theme's page links to it."""
    from retreats.models import Activity, Card

    swot = Activity.objects.filter(
        retreat__engagement=engagement,
        retreat__title="Data retreat: SWOT analysis",
        kind=Activity.Kind.SWOT,
    ).first()
    if swot is None:
        return
    for name, quadrant in TO_SWOT:
        theme = themes.get(name)
        if theme is None or BoardSeed.objects.filter(theme=theme, activity=swot).exists():
            continue
        try:
            services.carry_to_board(theme=theme, activity=swot, quadrant=quadrant, by=facilitator)
        except ValidationError:
            count = selectors.counts_for(engagement, [theme])[0]
            if count.total == 0:
                continue
            text = services.card_text(count)
            card = Card.objects.create(activity=swot, author=None, text=text, quadrant=quadrant)
            BoardSeed.objects.create(
                theme=theme,
                activity=swot,
                card=card,
                text=text,
                comments=count.total,
                by=facilitator,
            )


def _carry_to_plan(engagement: Engagement, themes: dict) -> None:
    from planning.models import Strategy

    name, title = TO_PLAN
    theme = themes.get(name)
    if theme is None:
        return
    strategy = Strategy.objects.filter(
        goal__plan__engagement=engagement, title=title, source_kind=""
    ).first()
    total = selectors.comment_count(theme)
    if strategy is None or total == 0:
        return
    strategy.source_voice_theme = theme
    strategy.source_kind = "voices"
    strategy.source_text = theme.name
    strategy.source_dots = total
    strategy.save(update_fields=["source_voice_theme", "source_kind", "source_text", "source_dots"])
