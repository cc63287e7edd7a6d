"""The implementation schedule (seed 003 step 10; seed 001's "align the plan to resources of time
and money"): the action steps pursued in a year of the plan, grouped by goal and strategy, with
their owners, dates, resources and PDSA stage, and the money and people they need per year and
per goal.

It reads the lived plan (the board's latest approved version, a frozen snapshot) when there is
one, else the working copy in the same export format: the same code serves both, in a constant
number of queries (approved: 2; working copy: 11) whatever the plan's size.

People: an action step's `resources_people` is free text ("Two reading coaches; the
principal"), so heads cannot be added up. The schedule lists the distinct people and roles named
(the text split at semicolons, commas and line breaks, compared ignoring case and spaces) and
counts those entries: "3 people or roles named", never "3 people".
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from engagements.models import Engagement
from planning.models import PLAN_YEARS, Plan, PlanVersion
from planning.schema import export_plan
from planning.selectors.snapshot import CHOICES, owner_names

from .plan import approved_version

APPROVED = "approved"  # the lived plan: the board's latest approved version
WORKING = "working"  # no approved version yet: the working copy, as the team edits it
ALL_YEARS = None  # the `year` that shows every step with a year
FIRST_YEAR, LAST_YEAR = PLAN_YEARS

_SEPARATORS = re.compile(r"[;,\n]+")


def people_named(text: str) -> list[str]:
    """The people and roles one `resources_people` text names, in its order, without blanks."""
    return [" ".join(part.split()) for part in _SEPARATORS.split(text or "") if part.strip()]


def _money(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _year(value) -> int | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and FIRST_YEAR <= value <= LAST_YEAR
    return value if ok else None


@dataclass
class Step:
    number: str  # "2.1.3": goal 2, strategy 1, step 3, as on the plan's CSV
    description: str
    owner: str | None  # the owner's name, else their e-mail address
    start_date: date | None
    due_date: date | None
    stage: str  # in words: "Plan", "Do", "Study", "Act"
    people: str
    time: str
    money: Decimal | None
    plan_year: int | None


@dataclass
class Totals:
    """What a set of steps needs: money added up, and the distinct people and roles named."""

    steps: int = 0
    money: Decimal = Decimal("0.00")
    without_money: int = 0  # steps with no money set: the sum leaves them out, the page says so
    people: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set, repr=False)

    def add(self, step: Step) -> None:
        self.steps += 1
        if step.money is None:
            self.without_money += 1
        else:
            self.money += step.money
        for name in people_named(step.people):
            key = name.casefold()
            if key not in self._seen:
                self._seen.add(key)
                self.people.append(name)

    @property
    def people_count(self) -> int:
        return len(self.people)


@dataclass
class StrategyBlock:
    number: str
    title: str
    steps: list[Step] = field(default_factory=list)


@dataclass
class GoalBlock:
    number: str
    title: str
    strategies: list[StrategyBlock] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


@dataclass
class YearRow:
    year: int | None  # None: the steps with no year set
    totals: Totals


@dataclass
class Schedule:
    source: str | None  # APPROVED, WORKING, or None when there is nothing this member may read
    version: PlanVersion | None  # the approved version read, when source is APPROVED
    year: int | None  # the year shown, or ALL_YEARS
    years: list[int]  # the years a member may choose: 1, and every year a step has
    goals: list[GoalBlock]  # the steps of the year shown (every step with a year for ALL_YEARS)
    unscheduled: list[GoalBlock]  # steps with no year set, grouped the same way
    by_year: list[YearRow]  # every year with steps, then "no year set" when any
    total: Totals  # of the year shown

    @property
    def has_steps(self) -> bool:
        return any(row.totals.steps for row in self.by_year)

    @property
    def unscheduled_count(self) -> int:
        return sum(goal.totals.steps for goal in self.unscheduled)


def _steps(data: dict, names: dict[str, str]):
    """(goal number and title, strategy number and title, Step) for every action step, in the
    plan's order."""
    for g, goal in enumerate(data.get("plan", {}).get("goals", []), start=1):
        for s, strategy in enumerate(goal.get("strategies", []), start=1):
            for a, item in enumerate(strategy.get("action_steps", []), start=1):
                owner = item.get("owner")
                step = Step(
                    number=f"{g}.{s}.{a}",
                    description=item.get("description", ""),
                    owner=names.get(owner.lower(), owner) if owner else None,
                    start_date=_day(item.get("start_date")),
                    due_date=_day(item.get("due_date")),
                    stage=CHOICES["stage"].get(item.get("stage"), item.get("stage") or ""),
                    people=item.get("resources_people") or "",
                    time=item.get("resources_time") or "",
                    money=_money(item.get("resources_money")),
                    plan_year=_year(item.get("plan_year")),
                )
                yield (str(g), goal.get("title", "")), (f"{g}.{s}", strategy.get("title", "")), step


def _grouped(rows) -> list[GoalBlock]:
    goals: dict[str, GoalBlock] = {}
    for (g, goal_title), (s, strategy_title), step in rows:
        goal = goals.setdefault(g, GoalBlock(g, goal_title))
        if not goal.strategies or goal.strategies[-1].number != s:
            goal.strategies.append(StrategyBlock(s, strategy_title))
        goal.strategies[-1].steps.append(step)
        goal.totals.add(step)
    return list(goals.values())


def schedule_from(data: dict, *, year: int | None, names: dict[str, str]) -> Schedule:
    """The schedule of a plan in the export format (a snapshot or export_plan's), without a
    query. `year` is a plan year or ALL_YEARS; `names` maps owners' e-mail addresses to names."""
    rows = list(_steps(data, names))
    per_year: dict[int | None, Totals] = {}
    for _, _, step in rows:
        per_year.setdefault(step.plan_year, Totals()).add(step)
    years = sorted({FIRST_YEAR, *(y for y in per_year if y is not None)})
    by_year = [YearRow(y, per_year[y]) for y in years if y in per_year]
    if None in per_year:
        by_year.append(YearRow(None, per_year[None]))
    if year is ALL_YEARS:
        shown = [row for row in rows if row[2].plan_year is not None]
    else:
        shown = [row for row in rows if row[2].plan_year == year]
    total = Totals()
    for _, _, step in shown:
        total.add(step)
    return Schedule(
        source=None,
        version=None,
        year=year,
        years=years,
        goals=_grouped(shown),
        unscheduled=_grouped(row for row in rows if row[2].plan_year is None),
        by_year=by_year,
        total=total,
    )


def schedule_for(engagement: Engagement, *, year: int | None, working_copy: bool) -> Schedule:
    """The engagement's schedule: the lived plan's, else the working copy's when the member may
    read the working copy (`working_copy`; board members may not), else an empty schedule with
    source None. Queries: 2 for the lived plan, 11 for the working copy, whatever its size."""
    version = approved_version(engagement)
    if version is not None:
        data, source = version.data, APPROVED
    else:
        plan = Plan.objects.filter(engagement=engagement).first() if working_copy else None
        if plan is None:
            return schedule_from({}, year=year, names={})
        data, source = export_plan(plan), WORKING
    result = schedule_from(data, year=year, names=owner_names(data))
    result.source, result.version = source, version
    return result
