"""Reads for synthesis: the comments to tag (filtered, paged), the themes with their counts by
stakeholder group and by source, a theme's quotes and where it was carried. Every page's queries
stay constant as comments grow: counts are made by the database, grouped.

Counts by group follow the survey results' rule (engagements.small_groups.hide_small), on
people, not comments: a survey's respondent is one voice however many of their answers carry the
theme, and each comment written down at a listening session is one (sessions do not record who
spoke). A group with 1 to 4 voices on a theme shows as "fewer than 5", and further small groups
are held back until the hidden ones add up to five voices or more, so the theme's total minus
the shown groups (and the "Group not shown" count) never gives a small group's number. A
survey's answers from a group that the survey's results hold back are counted in the theme's
total and as "Group not shown", under no group's name (as the tagging page labels them); they
are no cover for a small group. A theme with fewer than five voices in the groups' columns
shows no group at all.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from engagements.models import Engagement
from engagements.small_groups import hide_small
from listening.models import Comment, ListeningSession, Survey
from listening.selectors import MIN_GROUP, NO_GROUP, groups_for, hidden_survey_groups

from .models import BoardSeed, Quote, Tagging, VoiceTheme

PAGE_SIZE = 50
FEWER = f"fewer than {MIN_GROUP}"
# A survey's written answer from a group its results do not show: fewer than 5 answered, or
# held back so that the survey's total minus the other groups does not give a small one away.
GROUP_NOT_SHOWN = "Group not shown (held back in this survey’s results)"
GROUP_NOT_KNOWN = "Group not known"
GROUP_NOT_SHOWN_COLUMN = "Group not shown (held back by a survey)"
HELD_BACK = "held back"  # counts_for's key for a survey's answers from a group it holds back
SURVEY_SOURCE = "survey"


# --- the comments to tag -------------------------------------------------------------------------


@dataclass
class Filters:
    source: str = ""  # "session", "survey" or ""
    session: str = ""  # a session's id
    survey: str = ""  # a survey's id
    group: str = ""  # a group's id, "none" (no group given) or ""
    theme: str = ""  # a theme's id: comments tagged with it
    untagged: bool = False
    text: str = ""


def comments_for(engagement: Engagement, filters: Filters) -> QuerySet[Comment]:
    found = Comment.objects.filter(engagement=engagement)
    if filters.source == "session":
        found = found.filter(session__isnull=False)
    elif filters.source == "survey":
        found = found.filter(answer__isnull=False)
    if filters.session:
        found = found.filter(session_id=filters.session)
    if filters.survey:
        found = found.filter(answer__question__survey_id=filters.survey)
    if filters.group == "none":
        found = found.filter(stakeholder_group__isnull=True)
    elif filters.group:
        found = found.filter(stakeholder_group_id=filters.group)
    if filters.group:
        # A survey's small group is not told by its label, nor by filtering on it: the answers
        # of the chosen group in surveys that hold that group back are left out.
        wanted = "" if filters.group == "none" else filters.group
        hidden = hidden_survey_groups(engagement)
        held_back = [survey for survey, group in hidden if group == wanted]
        if held_back:
            found = found.exclude(answer__question__survey_id__in=held_back)
    if filters.theme:
        found = found.filter(taggings__theme_id=filters.theme)
    if filters.untagged:
        found = found.filter(taggings__isnull=True)
    if filters.text:
        found = found.filter(text__icontains=filters.text)
    return found.order_by("created_at", "id")


def comment_page(engagement: Engagement, filters: Filters, number):
    """One page of 50 comments with their source, group and themes: four queries (the count, the
    page, its themes, nothing per row)."""
    queryset = comments_for(engagement, filters).select_related(
        "stakeholder_group", "session", "answer__question__survey"
    )
    queryset = queryset.prefetch_related(
        Prefetch("taggings", queryset=Tagging.objects.select_related("theme"))
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(number)
    page.object_list = with_group_labels(engagement, list(page.object_list))
    return page


def with_group_labels(engagement: Engagement, comments: list[Comment]) -> list[Comment]:
    """Each comment with `group_label`: its group's name, except for a survey's written answer
    from a group that the survey's results do not show (listening.selectors.hidden_survey_groups),
    whose group is not named here either. Two queries, whatever the number of comments."""
    hidden = hidden_survey_groups(engagement) if any(c.answer_id for c in comments) else set()
    for comment in comments:
        group = comment.stakeholder_group
        if (
            comment.answer_id
            and (
                str(comment.answer.question.survey_id),
                str(comment.stakeholder_group_id or ""),
            )
            in hidden
        ):
            comment.group_label = GROUP_NOT_SHOWN
        else:
            comment.group_label = group.name if group else GROUP_NOT_KNOWN
    return comments


def themes_of(comment: Comment) -> list[VoiceTheme]:
    return sorted((t.theme for t in comment.taggings.all()), key=lambda t: (t.position, t.name))


def source_words(comment: Comment) -> str:
    if comment.session_id:
        return f"{comment.session.get_kind_display()}: {comment.session.title}"
    return f"Survey: {comment.answer.question.survey.title}"


def sessions_of(engagement: Engagement) -> list[ListeningSession]:
    return list(ListeningSession.objects.filter(engagement=engagement))


def surveys_of(engagement: Engagement) -> list[Survey]:
    return list(Survey.objects.filter(engagement=engagement))


def themes_for(engagement: Engagement) -> list[VoiceTheme]:
    return list(VoiceTheme.objects.filter(engagement=engagement))


# --- counts ---------------------------------------------------------------------------------------


@dataclass
class GroupCell:
    key: str  # the group's id, or "" for comments with no group given
    name: str
    count: int  # comments
    voices: int = 0  # people: respondents, and each session comment (what hiding counts)
    shown: bool = True

    @property
    def text(self) -> str:
        return f"{self.count:,}" if self.shown else FEWER


@dataclass
class SourceCell:
    key: str  # a session kind, or "survey"
    name: str
    count: int


@dataclass
class ThemeCount:
    theme: VoiceTheme
    total: int
    groups: list[GroupCell] = field(default_factory=list)
    sources: list[SourceCell] = field(default_factory=list)
    voices: int = 0  # people in the groups' columns (the held-back answers' authors not counted)
    held: int = 0  # comments: survey answers from groups their survey's results hold back

    @property
    def groups_shown(self) -> bool:
        """Whether any count by group is shown: not when fewer than five people in the groups'
        columns spoke to the theme."""
        return self.voices >= MIN_GROUP

    @property
    def source_words(self) -> str:
        """Where its comments came from, in words for a card: "town hall meetings, surveys"."""
        words = []
        for cell in self.sources:
            if cell.count:
                words.append(SOURCE_PLURALS.get(cell.key, cell.name.lower()))
        return ", ".join(words)


SOURCE_PLURALS = {
    ListeningSession.Kind.TOWN_HALL: "town halls",
    ListeningSession.Kind.SUMMIT: "the education summit",
    ListeningSession.Kind.TOUR: "the listening tour",
    ListeningSession.Kind.LETS_TALK: "“Let’s Talk” messages",
    SURVEY_SOURCE: "survey",
}


def source_columns() -> list[tuple[str, str]]:
    return [(kind, label) for kind, label in ListeningSession.Kind.choices] + [
        (SURVEY_SOURCE, "Surveys")
    ]


def counts_for(engagement: Engagement, themes: list[VoiceTheme] | None = None) -> list[ThemeCount]:
    """Each theme's comments in all, by group (small groups hidden, by voices: see the module's
    note) and by source (session kinds and surveys). Five queries whatever the number of themes
    and comments."""
    if themes is None:
        themes = themes_for(engagement)
    groups = groups_for(engagement.pk)
    held_back = hidden_survey_groups(engagement)
    rows = (
        Tagging.objects.filter(theme__in=[t.pk for t in themes])
        .values(
            "theme",
            "comment__stakeholder_group",
            "comment__session__kind",
            "comment__answer__question__survey",
        )
        .annotate(n=Count("id"), people=Count("comment__answer__respondent", distinct=True))
        .order_by()
    )
    comments: dict = {}  # (theme, group key) -> comments; HELD_BACK for a survey's small group
    voices: dict = {}
    by_source: dict = {}
    totals: dict = {}
    for row in rows:
        theme = row["theme"]
        group = str(row["comment__stakeholder_group"] or "")
        survey = row["comment__answer__question__survey"]
        if survey is not None and (str(survey), group) in held_back:
            group = HELD_BACK
        source = row["comment__session__kind"] or SURVEY_SOURCE
        people = row["people"] if survey is not None else row["n"]
        totals[theme] = totals.get(theme, 0) + row["n"]
        comments[(theme, group)] = comments.get((theme, group), 0) + row["n"]
        voices[(theme, group)] = voices.get((theme, group), 0) + people
        by_source[(theme, source)] = by_source.get((theme, source), 0) + row["n"]
    found = []
    for theme in themes:
        count = ThemeCount(theme=theme, total=totals.get(theme.pk, 0))
        keys = [(str(g.pk), g.name) for g in groups] + [("", NO_GROUP)]
        count.groups = [
            GroupCell(key, name, comments.get((theme.pk, key), 0), voices.get((theme.pk, key), 0))
            for key, name in keys
        ]
        # The survey's held-back answers are in the total and in a "Group not shown" count of
        # their own, never in a group's column. They give the small groups no cover: their
        # number can be known (the theme's comments are listed, the Surveys column counts them),
        # so the groups held back must add up to five people among themselves.
        count.held = comments.get((theme.pk, HELD_BACK), 0)
        hide_small(count.groups, size=lambda cell: cell.voices)
        count.voices = sum(cell.voices for cell in count.groups)
        count.sources = [
            SourceCell(key, label, by_source.get((theme.pk, key), 0))
            for key, label in source_columns()
        ]
        found.append(count)
    return found


def comment_count(theme: VoiceTheme) -> int:
    return Tagging.objects.filter(theme=theme).count()


# --- a theme's page -------------------------------------------------------------------------------


def quotes_of(theme: VoiceTheme) -> list[Quote]:
    return list(
        theme.quotes.select_related(
            "comment__session", "comment__answer__question__survey", "comment__stakeholder_group"
        )
    )


def tagged_comments(theme: VoiceTheme, limit: int = PAGE_SIZE) -> list[Comment]:
    return list(
        Comment.objects.filter(taggings__theme=theme)
        .select_related("session", "answer__question__survey", "stakeholder_group")
        .order_by("created_at", "id")[:limit]
    )


def seeds_of(theme: VoiceTheme) -> list[BoardSeed]:
    return list(theme.board_seeds.select_related("activity__retreat", "card"))


def plan_uses(theme: VoiceTheme) -> list[tuple[str, object]]:
    """The working copy's values, goals and strategies whose source is this theme."""
    from planning.models import Goal, Strategy, Value

    found = []
    for kind, model in (("value", Value), ("goal", Goal), ("strategy", Strategy)):
        for element in model.objects.filter(source_voice_theme=theme):
            found.append((kind, element))
    return found


def boards_for(engagement: Engagement):
    """The boards a theme may be carried to: SWOT and brainstorm boards of the engagement's open
    retreats that still take ideas or are being grouped."""
    from retreats.models import Activity
    from retreats.services import SEED_STAGES

    return list(
        Activity.objects.filter(
            retreat__engagement=engagement,
            retreat__is_open=True,
            stage__in=SEED_STAGES,
            kind__in=[Activity.Kind.SWOT, Activity.Kind.BRAINSTORM],
        )
        .select_related("retreat")
        .order_by("retreat__created_at", "position")
    )


def untagged_count(engagement: Engagement) -> int:
    return Comment.objects.filter(engagement=engagement, taggings__isnull=True).count()


def totals_for(engagement: Engagement) -> dict:
    return Comment.objects.filter(engagement=engagement).aggregate(
        all=Count("id", distinct=True), untagged=Count("id", filter=Q(taggings__isnull=True))
    )
