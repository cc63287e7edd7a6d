"""Plan health: seed 002's "Top ten reasons strategic plans fail", turned into checks on the
working copy of a plan, each with a status, a plain explanation naming the elements concerned,
and where to fix it.

Reasons 1 (little ownership or buy-in) and 10 (ignoring marketplace reality) cannot be measured
from what the application records, so there is no check for them. The others map to checks:

    2 on the shelf, 9 no progress monitoring   -> no_recent_progress
    3 insufficient data and information        -> measures_without_baseline
    4 too many goals and strategies            -> too_many_goals, too_many_strategies (per goal
                                                  and in all), duplicate_goals
    5 no accountability / lack of measures     -> goals_without_measure,
                                                  strategies_without_action_steps,
                                                  action_steps_without_owner_or_due_date
    6 lack of resources                        -> no_resources
    7 lack of stakeholder input                -> no_stakeholder_feedback
    8 non-representative planning group        -> unrepresentative_team

A check with nothing to judge yet (no strategies to have action steps, a plan not live yet to
report progress) says "not yet applicable" (NOT_YET) rather than pass: passing would promise
what nobody has checked.

Every label a user sees uses the engagement's terminology (Engagement.term). `health_checks`
runs a constant number of queries whatever the plan's size: the tree is loaded once with
prefetch_related, the roster in its own constant number, the stakeholder input in one.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.db.models import Count, Prefetch
from django.utils import timezone

from engagements.models import Engagement
from engagements.selectors.roster import roster_for
from engagements.words import with_article
from retreats.models import Card

from .models import ActionStep, Comment, Goal, Measure, Plan, Strategy

PASS, WARN, FAIL, NOT_YET = "pass", "warn", "fail", "not_yet"

# A plan that is live must show reported progress at least this often.
PROGRESS_DAYS = 45
# Over the limit warns; over the limit times this factor (rounded down) fails.
FAIL_FACTOR = 1.5
# Strategies in the whole plan: at most this share of what the limits allow (goals × strategies
# per goal), so with the defaults 5 × 6 / 2 = 15. Real plans kept under the per-goal limit reach
# 26 strategies over 8 goals: too many to carry out, though no single goal looks crowded.
TOTAL_STRATEGIES_SHARE = 0.5
# Stakeholder input from fewer groups than this is a warning.
MIN_INPUT_GROUPS = 2
# How many elements an explanation names before it says "and N more".
NAMES_SHOWN = 3
# How much of an action step's description names it.
STEP_NAME_LENGTH = 60

REASON_TOO_COMPLEX = "Too many goals and strategies / overly complex"
REASON_ACCOUNTABILITY = "No accountability or follow through / lack of measures"
REASON_DATA = "Focused on insufficient data and information"
REASON_RESOURCES = "Lack of resources or alignment with budget"
REASON_INPUT = "Lack of stakeholder input and feedback"
REASON_GROUP = "A non-representative planning group"
REASON_MONITORING = (
    "Writing the plan and putting it on the shelf / "
    "activities with no progress monitoring and reporting"
)

# Goal.SMART_FIELDS labels, worded to follow "has no".
SMART_WORDING = {"how it is measured": "way of measuring it"}


@dataclass(frozen=True)
class Check:
    key: str
    reason_failed: str
    title: str
    status: str
    explanation: str
    fix_anchor: str | None = None
    fix_page: str | None = None


# --- wording --------------------------------------------------------------------------------------


class Words:
    """The engagement's terms, in the forms a sentence needs."""

    def __init__(self, engagement: Engagement) -> None:
        self.engagement = engagement

    def cap(self, key: str) -> str:
        """As the client wrote it, for the start of a sentence: "Goal", "Vital signs"."""
        return self.engagement.term(key)

    def low(self, key: str) -> str:
        """Inside a sentence: "goals", "vital signs"; an acronym such as "KPIs" stays as it is."""
        word = self.engagement.term(key)
        return word if word[:2].isupper() else word[:1].lower() + word[1:]

    def count(self, n: int, key: str) -> str:
        """ "1 goal", "3 goals", "2 strategies" (key is the singular: "goal", "action_step")."""
        return f"{n} {self.low(key if n == 1 else PLURAL[key])}"


PLURAL = {
    "goal": "goals",
    "strategy": "strategies",
    "measure": "measures",
    "action_step": "action_steps",
}


def _has(n: int) -> str:
    return "has" if n == 1 else "have"


def _quote(text: str) -> str:
    return f"“{text}”"


def _plain(items: list[str], shown: int = NAMES_SHOWN) -> str:
    """A, B and C; or A, B, C and 2 more."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) <= shown:
        return f"{', '.join(items[:-1])} and {items[-1]}"
    return f"{', '.join(items[:shown])} and {len(items) - shown} more"


def _names(elements, name=str) -> str:
    """“A”, “B” and “C”; or “A”, “B”, “C” and 2 more."""
    return _plain([_quote(name(element)) for element in elements])


def _step_name(step: ActionStep) -> str:
    text = " ".join(step.description.split())
    return text if len(text) <= STEP_NAME_LENGTH else text[: STEP_NAME_LENGTH - 1].rstrip() + "…"


def _fail_limit(limit: int) -> int:
    return int(limit * FAIL_FACTOR)


# --- loading --------------------------------------------------------------------------------------


@dataclass
class Tree:
    """The plan's elements in plan order, loaded in a fixed number of queries."""

    goals: list[Goal]
    strategies: list[Strategy] = field(default_factory=list)
    action_steps: list[ActionStep] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)


def load_tree(plan: Plan) -> Tree:
    """Goals, their measures, strategies, the strategies' measures and action steps: 5 queries."""
    goals = list(
        plan.goals.prefetch_related(
            "measures",
            Prefetch(
                "strategies",
                queryset=Strategy.objects.prefetch_related("measures", "action_steps"),
            ),
        )
    )
    tree = Tree(goals=goals)
    for goal in goals:
        tree.measures += goal.measures.all()
        for strategy in goal.strategies.all():
            tree.strategies.append(strategy)
            tree.measures += strategy.measures.all()
            tree.action_steps += strategy.action_steps.all()
    return tree


@dataclass(frozen=True)
class StakeholderInput:
    """What stakeholders have said so far: visible retreat cards and comments or feedback on
    drafts under review (withdrawn ones apart), and the groups they came from."""

    cards: int
    groups: list[str]  # stakeholder group names, the roster's first, then review categories
    comments: int = 0

    @property
    def total(self) -> int:
        return self.cards + self.comments

    @property
    def said(self) -> str:
        parts = []
        if self.cards:
            parts.append(f"{self.cards} retreat card{'s' if self.cards != 1 else ''}")
        if self.comments:
            noun = "comment" if self.comments == 1 else "comments"
            parts.append(f"{self.comments} review {noun}")
        return " and ".join(parts)


def stakeholder_input(engagement: Engagement) -> StakeholderInput:
    """Cards on any retreat board of the engagement that are not hidden (merged cards count: each
    is still someone's input), by the author's stakeholder group. One query."""
    rows = (
        Card.objects.filter(activity__retreat__engagement=engagement, hidden=False)
        .values(
            "author__stakeholder_group__name",
            "author__stakeholder_group__position",
        )
        .annotate(n=Count("id"))
        .order_by("author__stakeholder_group__position", "author__stakeholder_group__name")
    )
    cards, groups = 0, []
    for row in rows:
        cards += row["n"]
        name = row["author__stakeholder_group__name"]
        if name is not None and name not in groups:
            groups.append(name)
    comments = 0
    for row in (
        Comment.objects.filter(
            review__version__plan__engagement=engagement,
            parent__isnull=True,
            withdrawn_at__isnull=True,
        )
        .values("category")
        .annotate(n=Count("id"))
        .order_by("category")
    ):
        comments += row["n"]
        if row["category"] and row["category"] not in groups:
            groups.append(row["category"])
    return StakeholderInput(cards=cards, groups=groups, comments=comments)


# --- the checks -----------------------------------------------------------------------------------


def _too_many_goals(plan: Plan, tree: Tree, w: Words, now: datetime) -> Check:
    """Pass up to plan.max_goals; warn above it; fail above 1.5 × max (rounded down), so with the
    default 5: 6 or 7 goals warn, 8 fail. No goals at all warns: the plan has no shape yet."""
    limit = plan.max_goals
    check = partial(
        Check, "too_many_goals", REASON_TOO_COMPLEX, f"No more than {limit} {w.low('goals')}"
    )
    n = len(tree.goals)
    if n == 0:
        return check(WARN, f"No {w.low('goals')} yet.", fix_anchor="goals")
    counted = f"{w.count(n, 'goal')}: {_names(tree.goals)}."
    if n <= limit:
        return check(PASS, f"{counted} That is within the limit of {limit}.")
    return check(
        FAIL if n > _fail_limit(limit) else WARN,
        f"{counted} That is {n - limit} more than the {limit} suggested; a plan with fewer "
        f"{w.low('goals')} stays focused. Merge or drop some.",
        fix_anchor="goals",
    )


def _total_strategy_limit(plan: Plan) -> int:
    share = int(plan.max_goals * plan.max_strategies_per_goal * TOTAL_STRATEGIES_SHARE)
    return max(plan.max_strategies_per_goal, share)


def _worst(*statuses: str) -> str:
    return FAIL if FAIL in statuses else WARN if WARN in statuses else PASS


def _too_many_strategies(plan: Plan, tree: Tree, w: Words, now: datetime) -> Check:
    """Per goal: pass up to plan.max_strategies_per_goal; warn if any goal is above it, naming
    those goals; fail if any goal is above 1.5 × max (rounded down). In all: the same against
    _total_strategy_limit (15 with the defaults). The status is the worse of the two; the fix
    points at the first goal over its limit, in plan order, else at the goals. No strategies:
    not yet applicable."""
    limit, total_limit = plan.max_strategies_per_goal, _total_strategy_limit(plan)
    check = partial(
        Check,
        "too_many_strategies",
        REASON_TOO_COMPLEX,
        f"No more than {limit} {w.low('strategies')} per {w.low('goal')}, {total_limit} in all",
    )
    total = len(tree.strategies)
    if not total:
        return check(NOT_YET, f"No {w.low('strategies')} yet.")
    over = [g for g in tree.goals if len(g.strategies.all()) > limit]
    if over:
        failing = any(len(g.strategies.all()) > _fail_limit(limit) for g in over)
        per_goal = FAIL if failing else WARN
        described = _plain([f"{_quote(str(g))} has {len(g.strategies.all())}" for g in over])
        sentences = [
            f"{w.count(len(over), 'goal')} {_has(len(over))} more than "
            f"{w.count(limit, 'strategy')}: {described}. Keep the {w.low('strategies')} that "
            "matter most."
        ]
    else:
        per_goal = PASS
        sentences = [f"Every {w.low('goal')} has at most {w.count(limit, 'strategy')}."]
    in_all = PASS
    if total > total_limit:
        in_all = FAIL if total > _fail_limit(total_limit) else WARN
        sentences.append(
            f"{w.count(total, 'strategy')} in all, {total - total_limit} more than the "
            f"{total_limit} suggested for the whole plan: a team can carry out only so many at "
            "once."
        )
    else:
        sentences.append(f"{w.count(total, 'strategy')} in all.")
    status = _worst(per_goal, in_all)
    anchor = None if status == PASS else f"goal-{over[0].pk}" if over else "goals"
    return check(status, " ".join(sentences), fix_anchor=anchor)


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def _duplicate_goals(plan: Plan, tree: Tree, w: Words, now: datetime) -> Check:
    """Warn when two goals or more have the same title (whatever its case and spaces), naming
    the title and the goals' numbers; the fix points at the first repeat. No goals: not yet
    applicable."""
    check = partial(
        Check,
        "duplicate_goals",
        REASON_TOO_COMPLEX,
        f"Every {w.low('goal')} has its own title",
    )
    if not tree.goals:
        return check(NOT_YET, f"No {w.low('goals')} yet.")
    numbers: dict[str, list[int]] = {}
    for number, goal in enumerate(tree.goals, start=1):
        numbers.setdefault(_title_key(goal.title), []).append(number)
    repeated = [found for found in numbers.values() if len(found) > 1]
    if not repeated:
        return check(PASS, f"Every {w.low('goal')} has its own title.")
    sentences = []
    for found in repeated[:NAMES_SHOWN]:
        title = " ".join(tree.goals[found[0] - 1].title.split())
        times = "twice" if len(found) == 2 else f"{len(found)} times"
        listed = _plain([str(n) for n in found], shown=len(found))
        sentences.append(f"{_quote(title)} appears {times} ({w.low('goals')} {listed}).")
    if len(repeated) > NAMES_SHOWN:
        more = len(repeated) - NAMES_SHOWN
        sentences.append(f"{more} more title{'s' if more != 1 else ''} repeat.")
    sentences.append("Merge them, or say in each title what sets it apart.")
    first_repeat = tree.goals[repeated[0][1] - 1]
    return check(WARN, " ".join(sentences), fix_anchor=f"goal-{first_repeat.pk}")


def _smart_gaps(goals: list[Goal], w: Words) -> str:
    """'Goal “Academic success” has no target date.' for the first few goals with SMART gaps."""
    gaps = [(goal, goal.missing_smart()) for goal in goals]
    gaps = [(goal, missing) for goal, missing in gaps if missing]
    sentences = []
    for goal, missing in gaps[:NAMES_SHOWN]:
        worded = [SMART_WORDING.get(label, label) for label in missing]
        listed = worded[0] if len(worded) == 1 else f"{', '.join(worded[:-1])} or {worded[-1]}"
        sentences.append(f"{w.cap('goal')} {_quote(str(goal))} has no {listed}.")
    if len(gaps) > NAMES_SHOWN:
        more = len(gaps) - NAMES_SHOWN
        goals_word = w.low("goal" if more == 1 else "goals")
        sentences.append(f"{more} more {goals_word} {_has(more)} SMART fields left empty.")
    return " ".join(sentences)


def _goals_without_measure(plan: Plan, tree: Tree, w: Words, now: datetime) -> Check:
    """Every goal needs a measure with a target value on the goal itself (a measure on one of its
    strategies does not count, nor do the goal's SMART text fields). Pass: all have one; warn:
    some lack one (named, with the goals whose SMART fields are empty); fail: all lack one. No
    goals: not yet applicable (too_many_goals warns about that)."""
    check = partial(
        Check,
        "goals_without_measure",
        REASON_ACCOUNTABILITY,
        f"Every {w.low('goal')} has {with_article(w.low('measure'))} with a target",
    )
    if not tree.goals:
        return check(NOT_YET, f"No {w.low('goals')} yet.")
    lacking = [g for g in tree.goals if not any(m.target is not None for m in g.measures.all())]
    if not lacking:
        measure = with_article(w.low("measure"))
        return check(PASS, f"Every {w.low('goal')} has {measure} with a target value.")
    anchor = f"goal-{lacking[0].pk}"
    if len(lacking) == len(tree.goals):
        return check(
            FAIL,
            f"No {w.low('goal')} has {with_article(w.low('measure'))} with a target value yet: "
            f"{_names(lacking)}. Without one nobody can tell whether the plan is working.",
            fix_anchor=anchor,
        )
    explanation = (
        f"{len(lacking)} of {w.count(len(tree.goals), 'goal')} {_has(len(lacking))} no "
        f"{w.low('measure')} with a target value: {_names(lacking)}."
    )
    smart = _smart_gaps(tree.goals, w)
    return check(WARN, f"{explanation} {smart}" if smart else explanation, fix_anchor=anchor)


def _strategies_without_action_steps(plan: Plan, tree: Tree, w: Words, now: datetime) -> Check:
    """Pass: every strategy has an action step; warn: some have none (named); fail: none has any.
    No strategies yet: not yet applicable, since there is nothing to carry out and the goal
    checks speak for the empty plan."""
    check = partial(
        Check,
        "strategies_without_action_steps",
        REASON_ACCOUNTABILITY,
        f"Every {w.low('strategy')} has {w.low('action_steps')}",
    )
    if not tree.strategies:
        return check(NOT_YET, f"No {w.low('strategies')} yet.")
    lacking = [s for s in tree.strategies if not s.action_steps.all()]
    if not lacking:
        return check(PASS, f"Every {w.low('strategy')} has at least one {w.low('action_step')}.")
    anchor = f"strategy-{lacking[0].pk}"
    if len(lacking) == len(tree.strategies):
        return check(
            FAIL,
            f"No {w.low('strategy')} has {w.low('action_steps')} yet: {_names(lacking)}. "
            "Nothing says what will actually be done.",
            fix_anchor=anchor,
        )
    return check(
        WARN,
        f"{len(lacking)} of {w.count(len(tree.strategies), 'strategy')} {_has(len(lacking))} "
        f"no {w.low('action_steps')}: {_names(lacking)}.",
        fix_anchor=anchor,
    )


def _action_steps_without_owner_or_due_date(
    plan: Plan, tree: Tree, w: Words, now: datetime
) -> Check:
    """Pass: every action step has an owner and a due date; warn: some lack one (at most half);
    fail: more than half lack one. No action steps: not yet applicable (no_resources warns about
    that)."""
    check = partial(
        Check,
        "action_steps_without_owner_or_due_date",
        REASON_ACCOUNTABILITY,
        f"Every {w.low('action_step')} has an owner and a due date",
    )
    steps = tree.action_steps
    if not steps:
        return check(NOT_YET, f"No {w.low('action_steps')} yet.")
    lacking = [s for s in steps if s.owner_id is None or s.due_date is None]
    if not lacking:
        return check(PASS, f"Every {w.low('action_step')} has an owner and a due date.")

    def named(step: ActionStep) -> str:
        if step.owner_id is None and step.due_date is None:
            gap = "neither"
        else:
            gap = "no owner" if step.owner_id is None else "no due date"
        return f"{_quote(_step_name(step))} ({gap})"

    return check(
        FAIL if 2 * len(lacking) > len(steps) else WARN,
        f"{len(lacking)} of {w.count(len(steps), 'action_step')} "
        f"{'lacks' if len(lacking) == 1 else 'lack'} an owner or a due date: "
        f"{_plain([named(s) for s in lacking])}. Without them nobody is accountable.",
        fix_anchor=f"action-{lacking[0].pk}",
    )


def _measures_without_baseline(plan: Plan, tree: Tree, w: Words, now: datetime) -> Check:
    """All measures, on goals and on strategies. Pass: all have a baseline; warn: some lack one;
    fail: none has one. No measures: not yet applicable (goals_without_measure speaks for
    that)."""
    check = partial(
        Check,
        "measures_without_baseline",
        REASON_DATA,
        f"Every {w.low('measure')} has a baseline",
    )
    measures = tree.measures
    if not measures:
        return check(NOT_YET, f"No {w.low('measures')} yet.")
    lacking = [m for m in measures if m.baseline is None]
    if not lacking:
        return check(PASS, f"Every {w.low('measure')} has a baseline to show progress from.")
    anchor = f"measure-{lacking[0].pk}"
    if len(lacking) == len(measures):
        return check(
            FAIL,
            f"No {w.low('measure')} has a baseline yet: {_names(lacking)}. Without a starting "
            "point, progress cannot be shown.",
            fix_anchor=anchor,
        )
    return check(
        WARN,
        f"{len(lacking)} of {w.count(len(measures), 'measure')} {_has(len(lacking))} no "
        f"baseline: {_names(lacking)}.",
        fix_anchor=anchor,
    )


def _no_resources(plan: Plan, tree: Tree, w: Words, now: datetime) -> Check:
    """Fail: there are action steps and none has people, time or money; pass: at least one has;
    warn: no action steps yet (so no resources are planned)."""
    check = partial(
        Check,
        "no_resources",
        REASON_RESOURCES,
        f"{w.cap('action_steps')} have people, time or money planned",
    )
    steps = tree.action_steps
    if not steps:
        return check(
            WARN,
            f"No {w.low('action_steps')} yet, so no resources are planned.",
            fix_anchor="action-steps",
        )
    resourced = [s for s in steps if s.has_resources]
    if not resourced:
        which = (
            f"The only {w.low('action_step')} has no"
            if len(steps) == 1
            else f"None of the {w.count(len(steps), 'action_step')} has"
        )
        return check(
            FAIL,
            f"{which} people, time or money planned: {_names(steps, _step_name)}. "
            "The plan is not tied to the budget.",
            fix_anchor=f"action-{steps[0].pk}",
        )
    return check(
        PASS,
        f"{len(resourced)} of {w.count(len(steps), 'action_step')} {_has(len(resourced))} "
        "people, time or money planned.",
    )


def _unrepresentative_team(plan: Plan, tree: Tree, w: Words, now: datetime) -> Check:
    """From the roster (engagements/selectors/roster.py). Fail: a group with seats has nobody
    seated; warn: any roster warning (open or extra seats, unbalanced blocks, members of no
    group), or no groups or seats set up at all; pass: every seat filled and balanced."""
    check = partial(
        Check,
        "unrepresentative_team",
        REASON_GROUP,
        "The planning team represents every stakeholder group",
    )
    roster = roster_for(plan.engagement)
    if not roster.groups or not roster.seats:
        missing = "stakeholder groups are" if not roster.groups else "seats are"
        return check(
            WARN,
            f"No {missing} set up, so nobody can tell whether the planning team is representative.",
            fix_page="roster",
        )
    empty = [line for line in roster.groups if line.group.quota > 0 and line.filled == 0]
    unmet = [
        line for line in roster.groups if line.filled != line.group.quota and line not in empty
    ]
    summaries = {line.summary for line in roster.groups}
    sentences = []
    if empty:
        seats = [f"{line.group.name} ({line.group.quota} seats)" for line in empty]
        sentences.append(f"Nobody is seated yet for {_plain(seats)}.")
    sentences += [f"{line.summary}." for line in unmet[:NAMES_SHOWN]]
    if len(unmet) > NAMES_SHOWN:
        more = len(unmet) - NAMES_SHOWN
        sentences.append(f"{more} more group{'s' if more != 1 else ''} {_has(more)} open seats.")
    sentences += [text for text in roster.warnings if text not in summaries]
    if sentences:
        return check(FAIL if empty else WARN, " ".join(sentences), fix_page="roster")
    groups = len(roster.groups)
    return check(
        PASS,
        f"All {roster.seats} seats in {groups} stakeholder group{'s' if groups != 1 else ''} "
        "are filled, and the team is balanced.",
    )


def _no_stakeholder_feedback(plan: Plan, tree: Tree, w: Words, now: datetime) -> Check:
    """Fail: no stakeholder input at all; warn: input from fewer than MIN_INPUT_GROUPS stakeholder
    groups (authors in no group do not count as a group); pass otherwise."""
    check = partial(Check, "no_stakeholder_feedback", REASON_INPUT, "Stakeholders have given input")
    found = stakeholder_input(plan.engagement)
    if not found.total:
        return check(
            FAIL,
            "No stakeholder input yet: no retreat cards have been collected.",
            fix_page="retreats",
        )
    cards = found.said
    if len(found.groups) < MIN_INPUT_GROUPS:
        source = f"all from {found.groups[0]}" if found.groups else "none from a stakeholder group"
        return check(
            WARN,
            f"{cards} so far, {source}. Gather input from at least {MIN_INPUT_GROUPS} "
            "stakeholder groups.",
            fix_page="retreats",
        )
    return check(
        PASS,
        f"{cards} from {len(found.groups)} stakeholder groups: {_plain(found.groups)}.",
    )


def _no_recent_progress(plan: Plan, tree: Tree, w: Words, now: datetime) -> Check:
    """Only once the plan is live (Engagement.Status.LIVING): fail unless some action step had
    progress reported in the last PROGRESS_DAYS days. Before that: not yet applicable."""
    check = partial(
        Check,
        "no_recent_progress",
        REASON_MONITORING,
        f"Progress reported in the last {PROGRESS_DAYS} days",
    )
    engagement = plan.engagement
    # plan_approved_at first: no query for a plan not approved yet
    if engagement.plan_approved_at is None or engagement.status != Engagement.Status.LIVING:
        return check(NOT_YET, "Applies once the plan is live.")
    since = now - timedelta(days=PROGRESS_DAYS)
    reported = [s for s in tree.action_steps if s.progress_reported_at is not None]
    recent = [s for s in reported if s.progress_reported_at >= since]
    if recent:
        return check(
            PASS,
            f"Progress was reported on {w.count(len(recent), 'action_step')} in the last "
            f"{PROGRESS_DAYS} days.",
        )
    if not tree.action_steps:
        explanation = f"No {w.low('action_steps')} yet, so no progress can be reported."
    elif not reported:
        explanation = f"No progress has been reported on any {w.low('action_step')} yet."
    else:
        last = max(reported, key=lambda s: s.progress_reported_at)
        when = timezone.localdate(last.progress_reported_at)
        explanation = (
            f"No progress reported in the last {PROGRESS_DAYS} days; the last report was on "
            f"{when.day} {when:%B %Y}, for {_quote(_step_name(last))}."
        )
    return check(FAIL, explanation, fix_anchor="action-steps")


CHECKS = (
    _too_many_goals,
    _too_many_strategies,
    _duplicate_goals,
    _goals_without_measure,
    _strategies_without_action_steps,
    _action_steps_without_owner_or_due_date,
    _measures_without_baseline,
    _no_resources,
    _unrepresentative_team,
    _no_stakeholder_feedback,
    _no_recent_progress,
)


def health_checks(plan: Plan, *, now: datetime | None = None) -> list[Check]:
    """One Check per key, always in the same order, in a constant number of queries."""
    now = now or timezone.now()
    tree = load_tree(plan)
    words = Words(plan.engagement)
    return [run(plan, tree, words, now) for run in CHECKS]


def health_summary(checks: list[Check]) -> dict[str, int]:
    """{"pass": n, "warn": n, "fail": n, "not_yet": n}."""
    summary = {PASS: 0, WARN: 0, FAIL: 0, NOT_YET: 0}
    for check in checks:
        summary[check.status] += 1
    return summary
