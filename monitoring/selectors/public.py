"""Reads for the public progress page: the page by its token with the moment anything it shows
last changed (for caching), and the approved plan's progress with the thread "you said → we
committed → progress" for each goal and strategy.

What the community sees, and what it never sees (README, "The public progress page"):
- from the approved plan: mission, vision, goals, strategies, measures with their baseline,
  targets, readings, status and why in words; action steps only as counts by status;
- where a goal or strategy came from: the retreat theme or card it was taken from, with its dots
  as kept in the approved plan, and for a theme the cards grouped under it with their dots
  (the words people wrote on a shared board; never who wrote or voted);
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

from django.db.models import DateTimeField, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from engagements.models import Engagement
from engagements.small_groups import GroupCounts, hide_small_groups
from planning.models import Approval, BuyInAnswer, Comment, Goal, Strategy
from retreats.models import Card

from ..models import (
    ActionUpdate,
    MeasureReading,
    PublicPage,
    StatusOverride,
    TargetChange,
)
from .progress import GoalNode, Progress, StrategyNode, progress_for

NO_GROUP = "Group not given"
SUPPORT = (4, 5)  # "Support" and "Strongly support" on the buy-in scale


def _newest(queryset, field_name: str) -> Subquery:
    return Subquery(queryset.order_by(f"-{field_name}").values(field_name)[:1])


def public_page_by_token(token: str) -> PublicPage | None:
    """The page that is on with this token, its engagement and organization, and `changed`: the
    latest moment anything shown on it changed (the page turned on, an approval, a reading, a
    target change, a status set, an action step update). One query."""
    if not token or len(token) > 64:
        return None
    engagement = OuterRef("engagement")
    epoch = Value(datetime(2000, 1, 1, tzinfo=timezone.get_current_timezone()))

    def newest(queryset, name):
        return Coalesce(_newest(queryset, name), epoch, output_field=DateTimeField())

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
                output_field=DateTimeField(),
            )
        )
        .first()
    )


# --- the thread: you said → we committed → progress ----------------------------------------------


@dataclass(frozen=True)
class SourceCard:
    text: str
    dots: int


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


def _working_sources(ids: list[str]) -> dict[str, tuple]:
    """(kind, words, theme id) of the working copy's goals and strategies by id: the snapshot
    keeps a source's words and dots, the working copy its link to the retreat's theme."""
    found = {}
    for model in (Goal, Strategy):
        rows = model.objects.filter(pk__in=ids).values_list(
            "pk", "source_kind", "source_text", "source_theme_id"
        )
        for pk, kind, text, theme in rows:
            found[str(pk)] = (kind, text, theme)
    return found


def _theme_cards(theme_ids: set) -> dict:
    """The cards grouped under each theme, most dots first; hidden and merged cards left out."""
    cards = defaultdict(list)
    rows = (
        Card.objects.filter(theme_id__in=theme_ids, hidden=False, merged_into__isnull=True)
        .annotate(total=Coalesce(Sum("dots__count"), Value(0), output_field=IntegerField()))
        .order_by("theme_id", "-total", "created_at")
        .values_list("theme_id", "text", "total")
    )
    for theme, text, total in rows:
        cards[theme].append(SourceCard(text, total))
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


def _support_text(answers: list) -> str:
    """“14 of 22 people support or strongly support it”, or words without a small number."""
    total = len(answers)
    support = sum(1 for _, value in answers if value in SUPPORT)
    if total < 5:
        return "Fewer than 5 people answered, so their answers are not shown."
    if support < 5:
        return f"{total} people answered; fewer than 5 of them support or strongly support it."
    return f"{support} of {total} people who answered support or strongly support it."


def _said(raw: dict, working, cards, comments, answers) -> Said:
    source = raw.get("source") or {}
    said = Said(kind=source.get("kind") or "", text=source.get("text") or "")
    said.dots = source.get("dots")
    kind, text, theme = working.get(raw.get("id"), ("", "", None))
    # The theme's cards only while the working copy still names the same theme as the
    # approved plan (the working copy may have moved on towards the next version).
    if said.kind == "theme" and kind == "theme" and text == said.text and theme:
        said.cards = cards.get(theme, [])
    entry = comments.get(raw.get("id"))
    if entry and entry["people"]:
        said.commented = _by_group(entry["people"].values())
        said.changed_by_feedback = entry["changed"]
    given = answers.get(raw.get("id"))
    if given:
        said.answered = _by_group(group for group, _ in given)
        said.support = _support_text(given)
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
    cards = _theme_cards({theme for _, _, theme in working.values() if theme})
    comments = _commenters(engagement, version.number, ids)
    answers = _buy_in(engagement, version.number, goal_ids)
    goals = [
        PublicGoal(
            node=goal,
            said=_said(goal.goal, working, cards, comments, answers),
            strategies=[
                PublicStrategy(s, _said(s.strategy, working, cards, comments, {}))
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
