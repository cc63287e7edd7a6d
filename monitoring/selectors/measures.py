"""Reads about the lived plan's measures: each with its latest reading, expected value, status
and why, for the measures list, a measure's page and (later) the progress page and My updates.

The first read after the board approves a plan takes its measures over (services.measures_sync):
the snapshot says what is monitored, the monitored rows hold what changed since. A fixed number
of queries whatever the plan's size."""

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from engagements.access import Access, Can
from engagements.models import Engagement
from planning.models import PlanVersion
from planning.selectors.snapshot import owner_names

from ..models import MeasureReading, MonitoredMeasure, StatusOverride, TargetChange, YearlyTarget
from ..services.measures import Element, measures_sync, snapshot_measures
from ..status import FREQUENCY_WORDS, Judgement, Path, Status, judge, rollup
from .plan import approved_version

ICONS = {  # a shape beside each status word, so colour is never the only sign
    "on_track": "●",
    "behind": "▲",
    "off_track": "✖",
    "no_data": "○",
    "overdue": "◷",
    "no_target": "–",
}


@dataclass
class LivedMeasure:
    element: Element
    monitored: MonitoredMeasure
    latest: MeasureReading | None
    yearly: list[YearlyTarget]
    override: StatusOverride | None
    judgement: Judgement
    owner_name: str
    readings: list[MeasureReading] = field(default_factory=list)
    changes: list[TargetChange] = field(default_factory=list)

    @property
    def id(self) -> UUID:
        return self.element.id

    @property
    def indicator(self) -> str:
        return self.element.data.get("indicator", "")

    @property
    def unit(self) -> str:
        return self.element.data.get("unit", "")

    @property
    def frequency(self) -> str:
        return self.element.data.get("frequency", "yearly")

    @property
    def frequency_words(self) -> str:
        return FREQUENCY_WORDS.get(self.frequency, "every year")

    @property
    def status(self) -> str:
        """What the page shows: a person's override, or the computed status."""
        return self.override.status if self.override else self.judgement.status.value

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def icon(self) -> str:
        return ICONS[self.status]


@dataclass
class LivedMeasures:
    version: PlanVersion
    measures: list[LivedMeasure]

    def by_goal(self) -> list[dict]:
        """The measures under their goals, in the plan's order, each goal with the worst status
        of its measures (status.rollup; action steps join it when they are monitored)."""
        goals: dict[str, dict] = {}
        for measure in self.measures:
            goal = measure.element.goal
            entry = goals.setdefault(goal.get("id"), {"goal": goal, "measures": []})
            entry["measures"].append(measure)
        for entry in goals.values():
            status = rollup(m.status for m in entry["measures"])
            entry.update(status=status.value, label=status.label, icon=ICONS[status.value])
        return list(goals.values())

    def counts(self) -> list[tuple[str, str, str, int]]:
        """(status, icon, label, how many) in the order of Status, the ones with measures only."""
        found = [m.status for m in self.measures]
        return [
            (s.value, ICONS[s.value], s.label, found.count(s.value))
            for s in Status
            if s.value in found
        ]


def path_for(monitored: MonitoredMeasure, element: Element, yearly: list[YearlyTarget]) -> Path:
    month, day = settings.MONITORING_SCHOOL_YEAR_ENDS
    return Path(
        direction=monitored.direction,
        frequency=element.data.get("frequency") or "yearly",
        baseline=monitored.baseline,
        baseline_date=monitored.baseline_date,
        target=monitored.target,
        target_date=monitored.target_date,
        band_low=monitored.band_low,
        band_high=monitored.band_high,
        unit=element.data.get("unit", ""),
        milestones=tuple((date(y.school_year, month, day), y.value) for y in yearly),
    )


def judgement_for(
    monitored: MonitoredMeasure,
    element: Element,
    yearly: list[YearlyTarget],
    latest: MeasureReading | None,
    today: date,
) -> Judgement:
    return judge(
        path_for(monitored, element, yearly),
        (latest.taken_on, latest.value) if latest else None,
        today=today,
        on_track=settings.MONITORING_ON_TRACK,
        behind=settings.MONITORING_BEHIND,
    )


def _latest(model, order: list[str], measures: list[MonitoredMeasure], who: str) -> dict:
    """The newest row of `model` per measure, with the person who made it, in one query. The
    newest is looked up once per measure, not once per row (36 readings x 360 measures made it
    the slowest part of the progress page)."""
    newest = model.objects.filter(measure=OuterRef("pk")).order_by(*order).values("pk")[:1]
    ids = MonitoredMeasure.objects.filter(pk__in=[m.pk for m in measures])
    ids = ids.annotate(newest=Subquery(newest)).values("newest")
    rows = model.objects.filter(pk__in=ids).select_related(who)
    return {row.measure_id: row for row in rows}


def _override_holds(override: StatusOverride | None, latest: MeasureReading | None) -> bool:
    return override is not None and (latest is None or override.set_at > latest.entered_at)


def lived_measures(engagement: Engagement, *, today: date | None = None) -> LivedMeasures | None:
    """Every measure of the lived plan with its status, or None before any approval."""
    version = approved_version(engagement)
    if version is None:
        return None
    today = today or timezone.localdate()
    elements = snapshot_measures(version.data)
    monitored = measures_sync(engagement=engagement, version=version, elements=elements)
    rows = list(monitored.values())
    latest = _latest(MeasureReading, ["-taken_on", "-entered_at", "-pk"], rows, "entered_by")
    overrides = _latest(StatusOverride, ["-set_at", "-pk"], rows, "set_by")
    yearly: dict[int, list[YearlyTarget]] = {}
    for target in YearlyTarget.objects.filter(measure__in=rows):
        yearly.setdefault(target.measure_id, []).append(target)
    names = owner_names(version.data)
    measures = []
    for element in elements:
        row = monitored[element.id]
        reading = latest.get(row.pk)
        override = overrides.get(row.pk)
        targets = yearly.get(row.pk, [])
        measures.append(
            LivedMeasure(
                element=element,
                monitored=row,
                latest=reading,
                yearly=targets,
                override=override if _override_holds(override, reading) else None,
                judgement=judgement_for(row, element, targets, reading, today),
                owner_name=names.get(element.owner, element.owner),
            )
        )
    return LivedMeasures(version=version, measures=measures)


def lived_measure(
    engagement: Engagement, measure_id: UUID, *, today: date | None = None
) -> LivedMeasure | None:
    """One measure of the lived plan with all its readings and its change log, or None when the
    lived plan has no such measure."""
    version = approved_version(engagement)
    if version is None:
        return None
    elements = [e for e in snapshot_measures(version.data) if e.id == measure_id]
    if not elements:
        return None
    element = elements[0]
    row = measures_sync(engagement=engagement, version=version, elements=elements)[element.id]
    readings = list(MeasureReading.objects.filter(measure=row).select_related("entered_by"))
    overrides = list(StatusOverride.objects.filter(measure=row).select_related("set_by")[:1])
    yearly = list(row.yearly_targets.all())
    latest = readings[0] if readings else None
    override = overrides[0] if overrides else None
    return LivedMeasure(
        element=element,
        monitored=row,
        latest=latest,
        yearly=yearly,
        override=override if _override_holds(override, latest) else None,
        judgement=judgement_for(row, element, yearly, latest, today or timezone.localdate()),
        owner_name=owner_names(version.data).get(element.owner, element.owner),
        readings=readings,
        changes=list(row.target_changes.select_related("changed_by")),
    )


def may_report(access: Access, email: str, element: Element) -> bool:
    """Owners (`email`: the member's address) report on their own measures (a goal's owner owns
    its measures); the facilitator and the core team on any."""
    if access.can(Can.UPDATE_ANY_PROGRESS):
        return True
    email = (email or "").lower()
    return access.can(Can.UPDATE_PROGRESS) and bool(email) and email == element.owner
