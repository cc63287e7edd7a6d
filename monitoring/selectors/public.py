"""Reads for the public progress page: the page by its token with the moment anything it shows
last changed (for caching), and the approved plan's progress with the thread "you said → we
committed → progress" for each goal and strategy.

What the community sees, and what it never sees (README, "The public progress page"):
- from the approved plan: mission, vision, goals, strategies, measures with their baseline,
  targets, readings, status and why in words; action steps only as counts by status;
- where a goal or strategy came from: the retreat theme or card it was taken from, with its dots
  as kept in the approved plan, and for a theme the cards grouped under it with their dots once
  the board shows votes (the words people wrote on a shared board; never who wrote or voted;
  never a card the facilitator hid or merged away, even one a source was taken from);
- the review of the draft: how many people commented on the goal or strategy and how many
  answered the buy-in check on a goal, by stakeholder group, groups of fewer than five never
  shown as a number (engagements.small_groups). Never the words of comments (the review link
  promises they go only to the planning team), never names or e-mail addresses, never owners,
  reading notes or the reasons people gave for a status.
A fixed number of queries whatever the plan's size.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from engagements.csv_files import spreadsheet_safe
from engagements.models import Engagement
from engagements.small_groups import MINIMUM, GroupCounts, hide_small_groups
from planning.models import Approval, BuyInAnswer, BuyInResponse, Comment, Goal, Strategy
from retreats.models import Activity, Card, Dot

from ..models import (
    ActionUpdate,
    MeasureReading,
    PublicPage,
    StatusOverride,
    TargetChange,
)
from ..status import amount
from .measures import lived_measures
from .progress import GoalNode, Progress, StrategyNode, progress_for

NO_GROUP = "Group not given"
SUPPORT = (4, 5)  # "Support" and "Strongly support" on the buy-in scale


def _newest(queryset, field_name: str) -> Subquery:
    return Subquery(
        queryset.filter(**{f"{field_name}__isnull": False})
        .order_by(f"-{field_name}")
        .values(field_name)[:1]
    )


def public_page_by_token(token: str) -> PublicPage | None:
    """The page that is on with this token, its engagement and organization, and what tells
    when anything shown on it changed (for caching):
    - `changed`: the latest moment among the page turned on, an approval, a reading, a target
      change, a status set, an action step update, a comment written, edited, withdrawn or
      triaged, and a buy-in answer given or changed;
    - `boards`: a number that moves with every change of the engagement's retreat boards (each
      board's version moves with every card added, edited, hidden, merged or restored, every
      theme change, every dot and every reveal; retreats.services).
    Renames are not among them: the view puts the names themselves in its cache key. One query."""
    if not token or len(token) > 64:
        return None
    engagement = OuterRef("engagement")
    epoch = Value(datetime(2000, 1, 1, tzinfo=timezone.get_current_timezone()))

    def newest(queryset, name):
        return Coalesce(_newest(queryset, name), epoch, output_field=DateTimeField())

    comments = Comment.objects.filter(review__version__plan__engagement=engagement)
    boards = (
        Activity.objects.filter(retreat__engagement=engagement)
        .order_by()
        .values("retreat__engagement")
        .annotate(moved=Sum("version") + Count("pk"))
        .values("moved")
    )
    return (
        PublicPage.objects.filter(token=token, enabled=True)
        .select_related("engagement__organization")
        .annotate(
            changed=Greatest(
                "changed_at",
                newest(
                    Approval.objects.filter(
                        plan__engagement=engagement, state=Approval.State.APPROVED
                    ),
                    "decided_at",
                ),
                newest(MeasureReading.objects.filter(measure__engagement=engagement), "entered_at"),
                newest(TargetChange.objects.filter(measure__engagement=engagement), "changed_at"),
                newest(StatusOverride.objects.filter(measure__engagement=engagement), "set_at"),
                newest(ActionUpdate.objects.filter(engagement=engagement), "created_at"),
                newest(comments, "created_at"),
                newest(comments, "edited_at"),
                newest(comments, "withdrawn_at"),
                newest(comments, "triaged_at"),
                newest(
                    BuyInResponse.objects.filter(review__version__plan__engagement=engagement),
                    "updated_at",
                ),
                output_field=DateTimeField(),
            ),
            boards=Coalesce(Subquery(boards), Value(0), output_field=IntegerField()),
        )
        .first()
    )


# --- the thread: you said → we committed → progress ----------------------------------------------


@dataclass(frozen=True)
class SourceCard:
    text: str
    dots: int | None  # None: the board's votes are not shown (not revealed, or on themes)


@dataclass
class Said:
    """Where a goal or strategy came from and what people said about it."""

    kind: str = ""  # "theme", "card" or "" (not from a retreat)
    text: str = ""
    dots: int | None = None
    cards: list[SourceCard] = field(default_factory=list)
    commented: GroupCounts | None = None  # people who commented on it in the review
    changed_by_feedback: bool = False
    answered: GroupCounts | None = None  # people who answered the buy-in check (goals)
    support: str = ""  # "12 of 20 support or strongly support it", small numbers hidden

    @property
    def anything(self) -> bool:
        return bool(self.kind or self.commented or self.answered)


@dataclass
class PublicStrategy:
    node: StrategyNode
    said: Said

    @property
    def step_counts(self) -> list[tuple[str, int]]:
        found: dict[str, int] = defaultdict(int)
        for step in self.node.steps:
            found[ActionUpdate.Status(step.step.status).label] += 1
        return sorted(found.items())


@dataclass
class PublicGoal:
    node: GoalNode
    said: Said
    strategies: list[PublicStrategy]


@dataclass
class PublicProgress:
    progress: Progress
    plan: dict  # the approved snapshot's plan: mission, vision, values
    goals: list[PublicGoal]
    approved_on: date | None


@dataclass(frozen=True)
class Working:
    """The working copy's source of a goal or strategy: the snapshot keeps a source's words and
    dots, the working copy its link to the retreat's theme or card."""

    kind: str = ""
    text: str = ""
    theme: object = None
    card: object = None


def _working_sources(ids: list[str]) -> dict[str, Working]:
    found = {}
    for model in (Goal, Strategy):
        rows = model.objects.filter(pk__in=ids).values_list(
            "pk", "source_kind", "source_text", "source_theme_id", "source_card_id"
        )
        for pk, kind, text, theme, card in rows:
            found[str(pk)] = Working(kind, text, theme, card)
    return found


def _source_cards(engagement: Engagement, texts: set[str], card_ids: set) -> tuple[dict, set]:
    """The cards the plan's card sources came from, as the board shows them now: by id, their
    current words or None when hidden or merged into another card; and the source words that
    only a hidden or merged-away card of the engagement has (a source the working copy no longer
    links). One query."""
    rows = Card.objects.filter(
        Q(pk__in=card_ids) | Q(activity__retreat__engagement=engagement, text__in=texts)
    ).values_list("pk", "text", "hidden", "merged_into_id")
    by_id, hidden, visible = {}, set(), set()
    for pk, text, is_hidden, merged_into in rows:
        shown = not is_hidden and merged_into is None
        by_id[pk] = text if shown else None
        (visible if shown else hidden).add(text)
    return by_id, hidden - visible


def _theme_cards(theme_ids: set) -> dict:
    """The cards grouped under each theme, most dots first; hidden and merged cards left out.
    Dots as the board's record counts them (a card merged into another adds its dots to it), and
    only when the board shows votes (revealed, or shown as they come in) and people voted on
    cards. Cards still private to their writers are left out, as on the board."""
    merged_dots = (
        Dot.objects.filter(card__merged_into=OuterRef("pk"))
        .order_by()
        .values("card__merged_into")
        .annotate(total=Sum("count"))
        .values("total")
    )
    rows = (
        Card.objects.filter(theme_id__in=theme_ids, hidden=False, merged_into__isnull=True)
        .exclude(
            activity__private_until_revealed=True,
            activity__cards_revealed=False,
            activity__stage=Activity.Stage.COLLECTING,
        )
        .annotate(
            own=Coalesce(Sum("dots__count"), Value(0), output_field=IntegerField()),
            merged=Coalesce(Subquery(merged_dots), Value(0), output_field=IntegerField()),
        )
        .values_list(
            "theme_id",
            "text",
            "own",
            "merged",
            "created_at",
            "activity__votes_revealed",
            "activity__votes_live",
            "activity__vote_on",
        )
    )
    found = []
    for theme, text, own, merged, created, revealed, live, vote_on in rows:
        shown = (revealed or live) and vote_on == Activity.VoteOn.CARDS
        found.append((theme, text, own + merged if shown else None, created))
    found.sort(key=lambda row: (-(row[2] or 0), row[3]))
    cards = defaultdict(list)
    for theme, text, dots, _ in found:
        cards[theme].append(SourceCard(text, dots))
    return cards


def _commenters(engagement: Engagement, number: int, ids: list[str]) -> dict[str, dict]:
    """Per element: the people (by group) who commented on it or whose comment changed it, in
    the reviews of the approved draft and the drafts before it; and whether any comment led to
    a change. A person is a member, or a visitor's e-mail address (one comment each without)."""
    rows = (
        Comment.objects.filter(
            review__version__plan__engagement=engagement,
            review__version__number__lte=number,
            parent__isnull=True,
            withdrawn_at__isnull=True,
        )
        .filter(Q(element_id__in=ids) | Q(change_id__in=ids))
        .values_list(
            "pk",
            "element_id",
            "change_id",
            "is_public",
            "email",
            "category",
            "author_id",
            "author__stakeholder_group__name",
            "state",
        )
    )
    found: dict[str, dict] = defaultdict(lambda: {"people": {}, "changed": False})
    for pk, element, change, is_public, email, category, author, group, state in rows:
        if is_public:
            person = f"e:{email.lower()}" if email else f"c:{pk}"
            group = category
        else:
            person = f"m:{author}" if author else f"c:{pk}"
        for target in {element, change} & set(ids):
            entry = found[target]
            entry["people"][person] = (group or "").strip() or NO_GROUP
            if state == Comment.State.ACCEPTED:
                entry["changed"] = True
    return found


def _buy_in(engagement: Engagement, number: int, goal_ids: list[str]) -> dict[str, list]:
    """Per goal: (group, support) of each answer in the latest review that asked about it."""
    rows = BuyInAnswer.objects.filter(
        response__review__version__plan__engagement=engagement,
        response__review__version__number__lte=number,
        goal_id__in=goal_ids,
    ).values_list(
        "goal_id",
        "support",
        "response__review__version__number",
        "response__is_public",
        "response__category",
        "response__membership__stakeholder_group__name",
    )
    by_review: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for goal, support, review, is_public, category, group in rows:
        name = (category if is_public else group) or ""
        by_review[goal][review].append((name.strip() or NO_GROUP, support))
    return {goal: reviews[max(reviews)] for goal, reviews in by_review.items()}


def _by_group(people) -> GroupCounts:
    counts: dict[str, int] = defaultdict(int)
    for group in people:
        counts[group] += 1
    return hide_small_groups(counts)


def _support_text(answers: list, counts: GroupCounts) -> str:
    """How many support the goal, in words that give no number under five away, even by
    subtraction: the exact total only when no group is hidden (else the total minus the shown
    groups gives a hidden group back, as in hide_small_groups), and the exact number who support
    only when those who did not are none or five or more (“7 of 9” would say 2 did not)."""
    total = len(answers)
    support = sum(1 for _, value in answers if value in SUPPORT)
    if total < MINIMUM:
        return f"Fewer than {MINIMUM} people answered, so their answers are not shown."
    if any(row.count is None for row in counts.rows):
        shown = sum(row.count for row in counts.rows if row.count is not None)
        who = (
            f"More than {shown:,} people answered"
            if shown
            else f"People answered in groups of fewer than {MINIMUM} each"
        )
        share = (
            "more than half of them support or strongly support it"
            if support * 2 > total
            else "half of them or fewer support or strongly support it"
        )
        return f"{who}; {share}."
    if support < MINIMUM:
        return (
            f"{total:,} people answered; fewer than {MINIMUM} of them support or strongly "
            "support it."
        )
    if support == total:
        return f"All {total:,} people who answered support or strongly support it."
    if total - support < MINIMUM:
        return (
            f"{total:,} people answered; most of them support or strongly support it "
            f"(fewer than {MINIMUM} did not)."
        )
    return f"{support:,} of {total:,} people who answered support or strongly support it."


def _said(raw: dict, working, sources, cards, comments, answers) -> Said:
    source = raw.get("source") or {}
    said = Said(kind=source.get("kind") or "", text=source.get("text") or "")
    said.dots = source.get("dots")
    mine = working.get(raw.get("id"), Working())
    # The theme's cards only while the working copy still names the same theme as the
    # approved plan (the working copy may have moved on towards the next version).
    if said.kind == "theme" and mine.kind == "theme" and mine.text == said.text and mine.theme:
        said.cards = cards.get(mine.theme, [])
    if said.kind == "card":
        # Never the words of a card the facilitator hid or merged away; the moderated words of
        # an edited one. Without words the page says only that it came from an idea.
        by_id, hidden = sources
        if mine.kind == "card" and mine.text == said.text and mine.card in by_id:
            said.text = by_id[mine.card] or ""
        elif said.text in hidden:
            said.text = ""
    entry = comments.get(raw.get("id"))
    if entry and entry["people"]:
        said.commented = _by_group(entry["people"].values())
        said.changed_by_feedback = entry["changed"]
    given = answers.get(raw.get("id"))
    if given:
        said.answered = _by_group(group for group, _ in given)
        said.support = _support_text(given, said.answered)
    return said


def public_progress_for(engagement: Engagement, *, today: date | None = None):
    """The approved plan with its progress and where each goal and strategy came from, or None
    before the board has approved a plan."""
    progress = progress_for(engagement, today=today)
    if progress is None:
        return None
    version = progress.version
    ids, goal_ids = [], []
    for goal in progress.goals:
        ids.append(goal.id)
        goal_ids.append(goal.id)
        ids += [s.strategy.get("id", "") for s in goal.strategies]
    working = _working_sources(ids)
    cards = _theme_cards({w.theme for w in working.values() if w.theme})
    texts = set()
    for goal in progress.goals:
        for raw in [goal.goal] + [s.strategy for s in goal.strategies]:
            source = raw.get("source") or {}
            if source.get("kind") == "card" and source.get("text"):
                texts.add(source["text"])
    card_ids = {w.card for w in working.values() if w.kind == "card" and w.card}
    sources = _source_cards(engagement, texts, card_ids) if texts or card_ids else ({}, set())
    comments = _commenters(engagement, version.number, ids)
    answers = _buy_in(engagement, version.number, goal_ids)
    goals = [
        PublicGoal(
            node=goal,
            said=_said(goal.goal, working, sources, cards, comments, answers),
            strategies=[
                PublicStrategy(s, _said(s.strategy, working, sources, cards, comments, {}))
                for s in goal.strategies
            ],
        )
        for goal in progress.goals
    ]
    approval = (
        Approval.objects.filter(version=version, state=Approval.State.APPROVED)
        .values_list("decided_at", flat=True)
        .first()
    )
    return PublicProgress(
        progress=progress,
        plan=version.data.get("plan", {}),
        goals=goals,
        approved_on=timezone.localdate(approval) if approval else None,
    )


# --- the open-data CSV files of the public page (columns documented in the README) -------------

MEASURE_COLUMNS = [
    "goal",
    "strategy",
    "measure_id",
    "indicator",
    "unit",
    "direction",
    "frequency",
    "baseline",
    "baseline_date",
    "target",
    "target_date",
    "band_low",
    "band_high",
    "yearly_targets",
    "latest_value",
    "latest_date",
    "expected_value",
    "status",
    "status_code",
    "why",
]
READING_COLUMNS = ["measure_id", "goal", "indicator", "unit", "date", "value"]


def _number(value) -> str:
    return "" if value is None else f"{value:f}"


def _day(value) -> str:
    return value.isoformat() if value else ""


def public_measure_rows(engagement: Engagement, *, today: date) -> list[list]:
    """One row per measure of the approved plan, after the MEASURE_COLUMNS header."""
    lived = lived_measures(engagement, today=today)
    rows: list[list] = [MEASURE_COLUMNS]
    for m in lived.measures if lived else []:
        row, latest = m.monitored, m.latest
        strategy = m.element.strategy or {}
        yearly = "; ".join(
            f"{y.school_year - 1}-{str(y.school_year)[-2:]}: {amount(y.value)}" for y in m.yearly
        )
        rows.append(
            [
                spreadsheet_safe(m.element.goal.get("title", "")),
                spreadsheet_safe(strategy.get("title", "")),
                str(m.id),
                spreadsheet_safe(m.indicator),
                spreadsheet_safe(m.unit),
                row.direction,
                m.frequency,
                _number(row.baseline),
                _day(row.baseline_date),
                _number(row.target),
                _day(row.target_date),
                _number(row.band_low),
                _number(row.band_high),
                yearly,
                _number(latest.value) if latest else "",
                _day(latest.taken_on) if latest else "",
                _number(m.judgement.expected),
                m.status_label,
                m.status,
                spreadsheet_safe(m.judgement.why),
            ]
        )
    return rows


def public_reading_rows(engagement: Engagement, *, today: date) -> list[list]:
    """Every reading of the approved plan's measures, oldest first, after READING_COLUMNS."""
    lived = lived_measures(engagement, today=today)
    measures = {m.monitored.pk: m for m in lived.measures} if lived else {}
    readings = (
        MeasureReading.objects.filter(measure__in=list(measures))
        .order_by("measure_id", "taken_on", "entered_at", "pk")
        .values_list("measure_id", "taken_on", "value")
    )
    rows: list[list] = [READING_COLUMNS]
    for measure_pk, taken_on, value in readings:
        m = measures[measure_pk]
        rows.append(
            [
                str(m.id),
                spreadsheet_safe(m.element.goal.get("title", "")),
                spreadsheet_safe(m.indicator),
                spreadsheet_safe(m.unit),
                taken_on.isoformat(),
                _number(value),
            ]
        )
    return rows
