"""The progress page's read: the approved plan as a tree (goals, strategies, measures, action
steps), each element with its status, each measure with its latest reading, expected value and a
trend chart, goals and strategies rolled up, filtered by goal, owner and status. Built on
lived_measures and lived_actions: a fixed number of queries whatever the plan's size.

The roll-up (README, "The progress page"): a strategy takes the worst status of its measures and
action steps, a goal the worst of its own measures and everything under its strategies
(status.rollup: off track, then update overdue, then behind, then on track; "no data yet" only
when nothing else is known). An action step counts on the measures' scale: on track and done as
on track, at risk as behind, off track as off track, not started as no data yet, and a step past
its due date that is not done as off track; a cancelled step does not count. Roll-ups use every
element, whatever the filters hide."""

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db import connection
from django.db.models import CharField, FloatField
from django.db.models.functions import Cast
from django.utils import timezone

from engagements.models import Engagement
from planning.selectors.snapshot import owner_names

from ..charts import ChartData, svg, table_html
from ..models import ActionUpdate, MeasureReading
from ..status import Status, amount, month_year, rollup
from .actions import SHAPES, LivedStep, lived_actions
from .measures import ICONS, LivedMeasure, lived_measures, path_for

MONTHS = ("", *(name[:3] for name in calendar.month_name[1:]))


def short_date(day: date) -> str:
    """2 Dec 2026, as the pages write a date."""
    return f"{day.day} {MONTHS[day.month]} {day.year}"


STEP_SCALE = {
    ActionUpdate.Status.NOT_STARTED: Status.NO_DATA,
    ActionUpdate.Status.ON_TRACK: Status.ON_TRACK,
    ActionUpdate.Status.AT_RISK: Status.BEHIND,
    ActionUpdate.Status.OFF_TRACK: Status.OFF_TRACK,
    ActionUpdate.Status.DONE: Status.ON_TRACK,
    ActionUpdate.Status.CANCELLED: None,
}

# The status filter's choices, worst first, each naming the action steps' words it takes in.
STATUS_CHOICES = [
    (Status.OFF_TRACK.value, "Off track (or an action step past its due date)"),
    (Status.OVERDUE.value, "Update overdue"),
    (Status.BEHIND.value, "Behind (or at risk)"),
    (Status.ON_TRACK.value, "On track (or done)"),
    (Status.NO_DATA.value, "No data yet (or not started)"),
    (Status.NO_TARGET.value, "No target set"),
]


def step_scale(step: LivedStep) -> Status | None:
    """An action step's status on the measures' scale (None: cancelled, it does not count)."""
    if step.is_overdue:
        return Status.OFF_TRACK
    return STEP_SCALE[ActionUpdate.Status(step.status)]


@dataclass
class Rolled:
    """A goal's or a strategy's rolled-up status, as a word and a shape."""

    status: Status | None

    @property
    def value(self) -> str:
        return self.status.value if self.status else "no_data"

    @property
    def label(self) -> str:
        return self.status.label if self.status else "Nothing to monitor"

    @property
    def icon(self) -> str:
        return ICONS[self.value]


class Updated:
    """The last update of an element in words: "2 Dec 2026, Marisol Peña" or "none yet"."""

    @property
    def updated_text(self) -> str:
        if self.updated_at is None:
            return "none yet"
        day = short_date(timezone.localtime(self.updated_at).date())
        return f"{day}, {self.updated_by}" if self.updated_by else day


@dataclass
class MeasureNode(Updated):
    measure: LivedMeasure
    chart: ChartData

    @cached_property
    def svg(self):
        return svg(self.chart)

    # The facts as text, made here once: a page of 360 measures spends its time in templates.
    @property
    def latest_text(self) -> str:
        latest = self.measure.latest
        if latest is None:
            return "none yet"
        return f"{amount(latest.value, self.measure.unit)} ({short_date(latest.taken_on)})"

    @property
    def expected_text(self) -> str:
        return amount(self.measure.judgement.expected, self.measure.unit)

    @property
    def target_text(self) -> str:
        row, unit = self.measure.monitored, self.measure.unit
        if row.direction == "band":
            low = amount(row.band_low) if row.band_low is not None else "?"
            high = amount(row.band_high) if row.band_high is not None else "?"
            return f"{low}–{high} {unit}".strip()
        if row.target is None:
            return "not set"
        when = f" by {month_year(row.target_date)}" if row.target_date else ""
        return f"{amount(row.target, unit)}{when}"

    @cached_property
    def table(self):
        return table_html(self.chart)

    @property
    def scale(self) -> Status:
        return Status(self.measure.status)

    @property
    def owner(self) -> str:
        return self.measure.element.owner

    @property
    def updated_at(self):
        return self.measure.latest.entered_at if self.measure.latest else None

    @property
    def updated_by(self) -> str:
        latest = self.measure.latest
        return str(latest.entered_by) if latest and latest.entered_by else ""


@dataclass
class StepNode(Updated):
    step: LivedStep

    @property
    def scale(self) -> Status | None:
        return step_scale(self.step)

    @property
    def owner(self) -> str:
        return self.step.owner_email

    @property
    def updated_at(self):
        return self.step.latest.created_at if self.step.latest else None

    @property
    def updated_by(self) -> str:
        latest = self.step.latest
        if latest is None:
            return ""
        return latest.author_name or (str(latest.author) if latest.author else "")


@dataclass
class StrategyNode:
    strategy: dict
    measures: list[MeasureNode] = field(default_factory=list)
    steps: list[StepNode] = field(default_factory=list)
    rolled: Rolled = field(default_factory=lambda: Rolled(None))


@dataclass
class GoalNode:
    goal: dict
    owner_name: str
    measures: list[MeasureNode] = field(default_factory=list)
    strategies: list[StrategyNode] = field(default_factory=list)
    rolled: Rolled = field(default_factory=lambda: Rolled(None))

    @property
    def id(self) -> str:
        return self.goal.get("id", "")

    def elements(self):
        yield from self.measures
        for strategy in self.strategies:
            yield from strategy.measures
            yield from strategy.steps


@dataclass
class Progress:
    version: object  # planning.PlanVersion
    goals: list[GoalNode]
    owners: list[tuple[str, str]]  # (e-mail, name) of everyone who owns an element

    def measures(self) -> list[MeasureNode]:
        return [e for g in self.goals for e in g.elements() if isinstance(e, MeasureNode)]

    def steps(self) -> list[StepNode]:
        return [e for g in self.goals for e in g.elements() if isinstance(e, StepNode)]

    def measure_counts(self) -> list[tuple[str, str, str, int]]:
        """(status, shape, word, how many) of the measures shown, in the order of Status."""
        found = Counter(node.measure.status for node in self.measures())
        return [(s.value, ICONS[s.value], s.label, found[s.value]) for s in Status if found[s]]

    def step_counts(self) -> list[tuple[str, str, str, int]]:
        found = Counter(node.step.status for node in self.steps())
        return [
            (s.value, SHAPES[s], s.label, found[s.value]) for s in ActionUpdate.Status if found[s]
        ]

    def filtered(self, *, goal: str = "", owner: str = "", status: str = "") -> "Progress":
        """The tree with only the elements matching every filter given; goals and strategies
        keep their roll-up of everything and are dropped when nothing under them matches."""

        def keep(node) -> bool:
            if owner and node.owner != owner.lower():
                return False
            return not status or (node.scale is not None and node.scale.value == status)

        goals = []
        for g in self.goals:
            if goal and g.id != goal:
                continue
            strategies = []
            for s in g.strategies:
                measures = [m for m in s.measures if keep(m)]
                steps = [t for t in s.steps if keep(t)]
                if measures or steps or not (owner or status):
                    strategies.append(StrategyNode(s.strategy, measures, steps, s.rolled))
            measures = [m for m in g.measures if keep(m)]
            found = measures or any(s.measures or s.steps for s in strategies)
            if found or not (owner or status):
                goals.append(GoalNode(g.goal, g.owner_name, measures, strategies, g.rolled))
        return Progress(version=self.version, goals=goals, owners=self.owners)


def _chart(measure: LivedMeasure, readings) -> ChartData:
    path = path_for(measure.monitored, measure.element, measure.yearly)
    line: tuple = ()
    target = None
    if path.direction != "band" and path.target is not None and path.target_date:
        target = (path.target_date, path.target)
        if path.baseline is not None and path.baseline_date:
            inside = sorted(
                (d, v) for d, v in path.milestones if path.baseline_date < d < path.target_date
            )
            line = ((path.baseline_date, path.baseline), *inside, target)
    band = None
    if path.direction == "band" and path.band_low is not None and path.band_high is not None:
        band = (path.band_low, path.band_high)
    return ChartData(
        key=f"chart-{measure.id}",
        title=f"{measure.indicator}: readings over time",
        unit=measure.unit,
        readings=tuple(readings),
        path=line,
        target=target,
        band=band,
    )


def _readings(measure_pks: list[int]):
    """(measure pk, ISO date, value) of every reading of these measures, oldest first: the
    query the ORM builds, its rows taken as the database gives them. A chart needs no Decimal,
    and converting 13,000 dates and values row by row cost more than the rest of the page."""
    if not measure_pks:  # a plan without measures: an empty IN would make no SQL at all
        return
    query = (
        MeasureReading.objects.filter(measure__in=measure_pks)
        .order_by("measure_id", "taken_on", "entered_at", "pk")
        .annotate(day=Cast("taken_on", CharField()), number=Cast("value", FloatField()))
        .values_list("measure_id", "day", "number")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        yield from cursor.fetchall()


def progress_for(engagement: Engagement, *, today: date | None = None) -> Progress | None:
    """The whole approved plan as the progress page shows it, or None before any approval."""
    today = today or timezone.localdate()
    lived = lived_measures(engagement, today=today)
    if lived is None:
        return None
    actions = lived_actions(engagement, today=today)
    readings: dict = {}
    for measure_id, day, number in _readings([m.monitored.pk for m in lived.measures]):
        readings.setdefault(measure_id, []).append((date.fromisoformat(day), number))
    measures = {
        str(m.id): MeasureNode(m, _chart(m, readings.get(m.monitored.pk, [])))
        for m in lived.measures
    }
    steps = {step.id: StepNode(step) for step in actions.steps} if actions else {}
    names = owner_names(lived.version.data)
    goals = []
    for raw in lived.version.data.get("plan", {}).get("goals", []):
        email = (raw.get("owner") or "").lower()
        node = GoalNode(raw, names.get(raw.get("owner"), email))
        node.measures = [
            measures[m["id"]] for m in raw.get("measures", []) if m.get("id") in measures
        ]
        for raw_strategy in raw.get("strategies", []):
            strategy = StrategyNode(
                raw_strategy,
                [
                    measures[m["id"]]
                    for m in raw_strategy.get("measures", [])
                    if m.get("id") in measures
                ],
                [
                    steps[s["id"]]
                    for s in raw_strategy.get("action_steps", [])
                    if s.get("id") in steps
                ],
            )
            strategy.rolled = Rolled(
                rollup(e.scale for e in (*strategy.measures, *strategy.steps) if e.scale)
            )
            node.strategies.append(strategy)
        node.rolled = Rolled(rollup(e.scale for e in node.elements() if e.scale))
        goals.append(node)
    owners = {}
    for goal in goals:
        for element in goal.elements():
            if element.owner:
                owners.setdefault(element.owner, names.get(element.owner, element.owner))
    ordered = sorted(owners.items(), key=lambda pair: pair[1].lower())
    return Progress(version=lived.version, goals=goals, owners=ordered)
