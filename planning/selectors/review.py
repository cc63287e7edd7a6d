"""Reads for a draft's review: what can be commented on, the comments by element, the triage
inbox with its counts, and the buy-in results with small groups hidden."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from ..diff import STATEMENTS
from ..models import BuyInAnswer, BuyInResponse, Comment, PlanVersion, Review

WHOLE = "plan"
# What a comment may be about, in the order a reader meets them on the page.
KINDS = (WHOLE, "statement", "value", "objective", "goal", "strategy", "measure")
ANONYMITY_THRESHOLD = 5


@dataclass(frozen=True)
class Target:
    """Something in a draft a comment can be about: the whole draft, a statement, or an element."""

    kind: str
    id: str
    label: str
    depth: int = 0

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}" if self.id else self.kind


def targets(data: dict) -> list[Target]:
    """Every commentable part of a draft's snapshot, in reading order."""
    plan = data.get("plan", {})
    found = [Target(WHOLE, "", "The whole draft")]
    for name, label in STATEMENTS:
        if plan.get(name):
            found.append(Target("statement", name, label))
    found += [Target("value", v["id"], v["title"]) for v in plan.get("values", [])]
    if plan.get("use_objectives", True):
        found += [Target("objective", o["id"], o["title"]) for o in plan.get("objectives", [])]
    for goal in plan.get("goals", []):
        found.append(Target("goal", goal["id"], goal["title"]))
        found += [Target("measure", m["id"], m["indicator"], 1) for m in goal.get("measures", [])]
        for strategy in goal.get("strategies", []):
            found.append(Target("strategy", strategy["id"], strategy["title"], 1))
            found += [
                Target("measure", m["id"], m["indicator"], 2) for m in strategy.get("measures", [])
            ]
    return found


def target_of(data: dict, kind: str, element_id: str) -> Target | None:
    for target in targets(data):
        if target.kind == kind and target.id == (element_id or ""):
            return target
    return None


def goals_of(data: dict) -> list[dict]:
    return list(data.get("plan", {}).get("goals", []))


def review_of(version: PlanVersion) -> Review | None:
    return Review.objects.filter(version=version).first()


# --- comments on the reading view ----------------------------------------------------------------


def comments_by_target(review: Review) -> dict[str, list[Comment]]:
    """The members' comments (top level, each with its replies) keyed by Target.key; public
    feedback is left to the inbox. Three queries whatever their number."""
    replies = Comment.objects.select_related("author__user").order_by("created_at")
    top = (
        Comment.objects.filter(review=review, parent__isnull=True, is_public=False)
        .select_related("author__user", "duplicate_of")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at")
    )
    grouped: dict[str, list[Comment]] = defaultdict(list)
    for comment in top:
        key = f"{comment.element_kind}:{comment.element_id}" if comment.element_id else WHOLE
        grouped[key].append(comment)
    return dict(grouped)


# --- the triage inbox -----------------------------------------------------------------------------


@dataclass
class TargetCounts:
    target: Target
    counts: Counter = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def inbox(
    review: Review, *, key: str = "", category: str = "", state: str = "", source: str = ""
) -> list[Comment]:
    """The top-level comments and feedback of a review, filtered, oldest first."""
    found = Comment.objects.filter(review=review, parent__isnull=True).select_related(
        "author__user", "duplicate_of", "triaged_by"
    )
    if key:
        kind, _, element_id = key.partition(":")
        found = found.filter(element_kind=kind, element_id=element_id)
    if category:
        found = found.filter(category=category)
    if state == "withdrawn":
        found = found.filter(withdrawn_at__isnull=False)
    elif state:
        found = found.filter(state=state, withdrawn_at__isnull=True)
    if source in ("team", "public"):
        found = found.filter(is_public=source == "public")
    return list(found.annotate(reply_count=Count("replies")).order_by("created_at"))


def inbox_counts(review: Review) -> list[TargetCounts]:
    """For each part of the draft that has comments: how many are open, accepted, declined or
    duplicates (withdrawn ones apart), in reading order. One query."""
    rows = (
        Comment.objects.filter(review=review, parent__isnull=True)
        .values("element_kind", "element_id", "element_label", "state")
        .annotate(
            live=Count("id", filter=Q(withdrawn_at__isnull=True)),
            withdrawn=Count("id", filter=Q(withdrawn_at__isnull=False)),
        )
    )
    order = {t.key: (i, t) for i, t in enumerate(targets(review.version.data))}
    by_key: dict[str, TargetCounts] = {}
    for row in rows:
        key = f"{row['element_kind']}:{row['element_id']}" if row["element_id"] else WHOLE
        target = order.get(key, (0, None))[1] or Target(
            row["element_kind"], row["element_id"], row["element_label"]
        )
        entry = by_key.setdefault(key, TargetCounts(target))
        if row["live"]:
            entry.counts[row["state"]] += row["live"]
        if row["withdrawn"]:
            entry.counts["withdrawn"] += row["withdrawn"]
    return sorted(by_key.values(), key=lambda e: order.get(e.target.key, (len(order),))[0])


def categories(review: Review) -> list[str]:
    return sorted(
        set(
            Comment.objects.filter(review=review, parent__isnull=True)
            .exclude(category="")
            .values_list("category", flat=True)
        )
    )


# --- buy-in results -------------------------------------------------------------------------------


@dataclass
class Tally:
    """Answers on the five-point scale: how many gave each point, and the mean."""

    counts: list[int] = field(default_factory=lambda: [0] * 5)

    def add(self, support: int) -> None:
        self.counts[support - 1] += 1

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> float | None:
        if not self.n:
            return None
        return sum((i + 1) * c for i, c in enumerate(self.counts)) / self.n

    @property
    def supporting(self) -> int:
        """Percentage answering "support" or "strongly support"."""
        return round(100 * (self.counts[3] + self.counts[4]) / self.n) if self.n else 0

    @property
    def bars(self) -> list[tuple[str, int, int]]:
        """(label, count, percentage) for each point of the scale."""
        return [
            (label, self.counts[i], round(100 * self.counts[i] / self.n) if self.n else 0)
            for i, (_, label) in enumerate(BuyInAnswer.SCALE)
        ]


@dataclass
class GoalResult:
    goal: dict
    overall: Tally
    groups: list[tuple[str, Tally]]  # shown groups, each with at least the threshold
    hidden_groups: int  # how many groups were hidden because they are too small


@dataclass
class BuyInResults:
    respondents: int
    shown: bool  # False while fewer than the threshold have answered at all
    goals: list[GoalResult]
    commitment: list[tuple[str, int]]
    threshold: int = ANONYMITY_THRESHOLD


def _suppress(sizes: dict[str, int], threshold: int) -> set[str]:
    """The groups to hide: every group under the threshold, and then the smallest shown ones
    until what is hidden is either nothing or at least the threshold together, so that no small
    group can be worked out by subtracting the shown groups from the total."""
    hidden = {name for name, size in sizes.items() if 0 < size < threshold}
    shown = sorted((size, name) for name, size in sizes.items() if name not in hidden and size)
    while hidden and 0 < sum(sizes[n] for n in hidden) < threshold and shown:
        hidden.add(shown.pop(0)[1])
    return hidden


def buy_in_results(review: Review, threshold: int = ANONYMITY_THRESHOLD) -> BuyInResults:
    """Support per goal, overall and per stakeholder group. Groups with fewer answers than the
    threshold are hidden (and, if needed, one more so they cannot be worked out); nothing at all
    is shown until the threshold of respondents is reached. Two queries."""
    responses = list(
        BuyInResponse.objects.filter(review=review).prefetch_related("answers").order_by("pk")
    )
    goals = goals_of(review.version.data)
    respondents = len(responses)
    commitment_counts = Counter(r.commits for r in responses)
    commitment = [
        (label, commitment_counts[value]) for value, label in BuyInResponse.Commitment.choices
    ]
    results = []
    for goal in goals:
        overall = Tally()
        per_group: dict[str, Tally] = defaultdict(Tally)
        for response in responses:
            for answer in response.answers.all():
                if answer.goal_id == goal["id"]:
                    overall.add(answer.support)
                    per_group[response.category or "No group given"].add(answer.support)
        hidden = _suppress({name: t.n for name, t in per_group.items()}, threshold)
        groups = sorted((n, t) for n, t in per_group.items() if n not in hidden)
        results.append(GoalResult(goal, overall, groups, len(hidden)))
    return BuyInResults(
        respondents=respondents,
        shown=respondents >= threshold,
        goals=results,
        commitment=commitment,
        threshold=threshold,
    )
