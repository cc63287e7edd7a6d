"""The board progress report (issue 16, item 1): what it holds for one reporting period, as plain
JSON-ready data that both its page and its PDF print (reports/templates/reports/pdf/board.html).

- The period is the update cycle's (a month, a quarter, a term: monitoring.cycle), or the
  calendar month where the cycle has none (between listed terms).
- Statuses are those of the day the report is made (the progress page's: monitoring.selectors.
  progress); what happened *in the period* is read from the records that keep it: readings and
  action updates (successes), TargetChange (targets changed with their reasons), ActionUpdate
  "cancelled" (steps cancelled, the note saying why) and the board's approvals (steps a newly
  approved version added or dropped, by comparing it with the version approved before it).
- The plan lead (or the facilitator) picks highlights and writes a cover note per period
  (BoardReportNote).

A fixed number of queries whatever the plan's size (tests/reports/test_board.py)."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from engagements.models import Engagement
from monitoring.charts import ChartData, summary, svg, table_html
from monitoring.cycle import period_for
from monitoring.models import ActionUpdate, TargetChange, UpdateCycle
from monitoring.selectors.cycle import cycle_rules
from monitoring.selectors.progress import MeasureNode, Progress, StepNode, progress_for
from monitoring.status import Status, long_date
from planning.models import Approval, PlanVersion

from . import sparklines
from .models import BoardReportNote, ReportJob
from .selectors import _day, layout_for

PERIODS_SHOWN = 12  # the periods one may choose on the page, the current one first
# Successes and road blocks listed at the top, at most; the rest are marked under each goal.
LISTED = 20


@dataclass(frozen=True)
class ReportPeriod:
    start: date
    end: date
    label: str

    @property
    def key(self) -> str:
        return self.start.isoformat()

    def contains(self, moment: date | datetime) -> bool:
        if isinstance(moment, datetime):
            moment = timezone.localtime(moment).date()
        return self.start <= moment <= self.end


def _month(day: date) -> ReportPeriod:
    start = day.replace(day=1)
    end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return ReportPeriod(start, end, f"{calendar.month_name[day.month]} {day.year}")


def period_of(cycle: UpdateCycle, day: date) -> ReportPeriod:
    """The reporting period `day` falls in: the update cycle's, else its calendar month."""
    found = period_for(day, **cycle_rules(cycle))
    if found is None:
        return _month(day)
    return ReportPeriod(found.start, found.end, found.label)


def recent_periods(engagement: Engagement, today: date | None = None) -> list[ReportPeriod]:
    """The current period and the ones before it, newest first. One query (the cycle)."""
    today = today or timezone.localdate()
    cycle = UpdateCycle.for_engagement(engagement)
    periods = [period_of(cycle, today)]
    while len(periods) < PERIODS_SHOWN:
        periods.append(period_of(cycle, periods[-1].start - timedelta(days=1)))
    return periods


# --- the items a report prints --------------------------------------------------------------


def _chart(data: ChartData) -> dict:
    def points(pairs):
        return [[day.isoformat(), float(value)] for day, value in pairs]

    return {
        "key": data.key,
        "title": data.title,
        "unit": data.unit,
        "readings": points(data.readings),
        "path": points(data.path),
        "target": points([data.target])[0] if data.target else None,
        "band": [float(v) for v in data.band] if data.band else None,
    }


def chart_data(chart: dict) -> ChartData:
    """A chart of the content back as the charts module takes it."""

    def pairs(points):
        return tuple((date.fromisoformat(day), value) for day, value in points)

    return ChartData(
        key=chart["key"],
        title=chart["title"],
        unit=chart["unit"],
        readings=pairs(chart["readings"]),
        path=pairs(chart["path"]),
        target=pairs([chart["target"]])[0] if chart["target"] else None,
        band=tuple(chart["band"]) if chart["band"] else None,
    )


def _measure(node: MeasureNode) -> dict:
    lived = node.measure
    latest = lived.latest
    return {
        "key": f"measure:{lived.id}",
        "id": str(lived.id),
        "title": lived.indicator,
        "status": lived.status,
        "label": lived.status_label,
        "icon": lived.icon,
        "why": lived.judgement.why,
        "set_by_person": lived.override is not None,
        "latest": node.latest_text,
        "expected": node.expected_text,
        "target": node.target_text,
        "owner": lived.owner_name,
        "note": latest.note if latest else "",
        "read_on": latest.taken_on.isoformat() if latest else "",
        "chart": _chart(node.chart),
    }


def _step(node: StepNode, number: str) -> dict:
    step = node.step
    latest = step.latest
    scale = node.scale
    due = step.step.get("due_date")
    return {
        "key": f"step:{step.id}",
        "id": step.id,
        "number": number,
        "title": step.step.get("description", ""),
        "status": step.status,
        "label": step.status_label,
        "icon": step.shape,
        "scale": scale.value if scale else "",
        "overdue": step.is_overdue,
        "percent": step.percent,
        "due": long_date(due) if due else "",
        "owner": step.step.get("owner") or "",
        "note": latest.note if latest else "",
        "studied": latest.studied if latest else "",
        "decided": latest.decided if latest else "",
        "updated": node.updated_text,
        "updated_at": latest.created_at.isoformat() if latest else "",
    }


def _rolled(node) -> dict:
    return {"status": node.rolled.value, "label": node.rolled.label, "icon": node.rolled.icon}


def _goals(progress: Progress) -> list[dict]:
    goals = []
    for g, goal in enumerate(progress.goals, start=1):
        strategies = []
        for s, strategy in enumerate(goal.strategies, start=1):
            strategies.append(
                {
                    "number": f"{g}.{s}",
                    "title": strategy.strategy.get("title", ""),
                    "rolled": _rolled(strategy),
                    "measures": [_measure(m) for m in strategy.measures],
                    "steps": [
                        _step(step, f"{g}.{s}.{k}") for k, step in enumerate(strategy.steps, 1)
                    ],
                }
            )
        goals.append(
            {
                "number": g,
                "number_text": str(g),
                "title": goal.goal.get("title", ""),
                "owner": goal.owner_name,
                "rolled": _rolled(goal),
                "measures": [_measure(m) for m in goal.measures],
                "strategies": strategies,
            }
        )
    return goals


def _items(goals: list[dict]):
    for goal in goals:
        for measure in goal["measures"]:
            yield goal, measure
        for strategy in goal["strategies"]:
            for measure in strategy["measures"]:
                yield goal, measure
            for step in strategy["steps"]:
                yield goal, step


def _brief(goal: dict, item: dict) -> dict:
    """An item as the summary lists print it: what, where, its status and why."""
    is_step = item["key"].startswith("step:")
    if is_step:
        why = f"{item['percent']} % complete"
        if item["due"]:
            why += f"; due {item['due']}"
        if item["overdue"]:
            why += " (past its due date)"
        if item["note"]:
            why += f". {item['owner'] or 'Its owner'} notes: “{item['note']}”"
    else:
        why = item["why"]
    return {
        "key": item["key"],
        "kind": "step" if is_step else "measure",
        "title": item["title"],
        "goal": f"{goal['number']}. {goal['title']}",
        "label": "Past its due date" if is_step and item["overdue"] else item["label"],
        "icon": item["icon"],
        "why": why,
    }


def _successes(goals: list[dict], period: ReportPeriod) -> list[dict]:
    """Action steps done during the period; measures on track with a reading in the period."""
    found = []
    for goal, item in _items(goals):
        if item["key"].startswith("step:"):
            done = item["status"] == ActionUpdate.Status.DONE and item["updated_at"]
            if done and period.contains(datetime.fromisoformat(item["updated_at"])):
                found.append(_brief(goal, item))
        elif (
            item["status"] == Status.ON_TRACK
            and item["read_on"]
            and period.contains(date.fromisoformat(item["read_on"]))
        ):
            found.append(_brief(goal, item))
    return found


def _road_blocks(goals: list[dict]) -> list[dict]:
    """Off track or with an update overdue (measures); off track or past due (action steps)."""
    worrying = {Status.OFF_TRACK.value, Status.OVERDUE.value}
    found = []
    for goal, item in _items(goals):
        if item["key"].startswith("step:"):
            if item["scale"] == Status.OFF_TRACK.value:
                found.append(_brief(goal, item))
        elif item["status"] in worrying:
            found.append(_brief(goal, item))

    # measures off track first, then action steps, then measures with an update overdue
    def rank(brief: dict) -> int:
        if brief["kind"] == "step":
            return 1
        return 0 if brief["label"] == Status.OFF_TRACK.label else 2

    return sorted(found, key=rank)


def _who(user) -> str:
    return (user.get_full_name() or user.email) if user else "someone no longer here"


def _steps_of(data: dict) -> dict[str, str]:
    return {
        step["id"]: step.get("description", "")
        for goal in data.get("plan", {}).get("goals", [])
        for strategy in goal.get("strategies", [])
        for step in strategy.get("action_steps", [])
        if step.get("id")
    }


def _changes(
    engagement: Engagement, period: ReportPeriod, goals: list[dict], version: PlanVersion
) -> dict:
    """Every change of plan in the period: targets changed (with reasons), action steps
    cancelled (with the note saying why), and steps added or dropped by a newly approved
    version. Four queries."""
    start = timezone.make_aware(datetime.combine(period.start, datetime.min.time()))
    end = start + timedelta(days=(period.end - period.start).days + 1)
    titles = {item["id"]: item["title"] for _, item in _items(goals)}
    targets = [
        {
            "measure": titles.get(str(change.measure.measure_id), "A measure no longer monitored"),
            "field": change.field,
            "old": change.old_value or "none",
            "new": change.new_value or "none",
            "reason": change.reason,
            "by": _who(change.changed_by),
            "on": _day(change.changed_at),
        }
        for change in TargetChange.objects.filter(
            measure__engagement=engagement, changed_at__gte=start, changed_at__lt=end
        )
        .select_related("measure", "changed_by")
        .order_by("changed_at", "pk")
    ]
    cancelled, seen = [], set()
    for update in ActionUpdate.objects.filter(
        engagement=engagement,
        status=ActionUpdate.Status.CANCELLED,
        created_at__gte=start,
        created_at__lt=end,
    ).order_by("created_at", "pk"):
        step_id = str(update.action_step_id)
        if step_id in seen:
            continue
        seen.add(step_id)
        cancelled.append(
            {
                "step": titles.get(step_id, "An action step no longer in the plan"),
                "reason": update.note or "No reason was written.",
                "by": update.author_name or _who(update.author),
                "on": _day(update.created_at),
            }
        )
    added, dropped = [], []
    approvals = list(
        Approval.objects.filter(plan__engagement=engagement, state=Approval.State.APPROVED)
        .exclude(decided_at__gte=end)
        .order_by("decided_at", "frozen_at")
        .values_list("version_id", "decided_at")
    )
    within = [i for i, (_, at) in enumerate(approvals) if at and at >= start]
    if within:
        wanted = {approvals[i][0] for i in within} | {approvals[i - 1][0] for i in within if i}
        data = dict(PlanVersion.objects.filter(pk__in=wanted).values_list("pk", "data"))
        for i in within:
            version_id, at = approvals[i]
            now = _steps_of(data.get(version_id, {}))
            before = _steps_of(data.get(approvals[i - 1][0], {})) if i else None
            if before is None:
                continue  # the first approved plan: everything is new, nothing "added"
            on = _day(at)
            added += [{"step": t, "on": on} for k, t in now.items() if k not in before]
            dropped += [{"step": t, "on": on} for k, t in before.items() if k not in now]
    return {"targets": targets, "cancelled": cancelled, "added": added, "dropped": dropped}


def _listed(name: str, items: list[dict]) -> dict:
    """The first LISTED items and how many more there are (a board reads a short list; each
    goal below marks every one of them)."""
    return {name: items[:LISTED], f"{name}_more": max(len(items) - LISTED, 0)}


def note_for(engagement: Engagement, period: ReportPeriod) -> BoardReportNote | None:
    return (
        BoardReportNote.objects.filter(engagement=engagement, period_start=period.start)
        .select_related("updated_by")
        .first()
    )


def _counts(progress: Progress) -> dict:
    return {
        "measures": [list(row) for row in progress.measure_counts()],
        "steps": [list(row) for row in progress.step_counts()],
        "measures_total": len(progress.measures()),
        "steps_total": len(progress.steps()),
    }


def board_content(
    engagement: Engagement, period: ReportPeriod, *, today: date | None = None
) -> dict | None:
    """What the board report of `period` prints, or None before the board approves a plan."""
    today = today or timezone.localdate()
    progress = progress_for(engagement, today=today)
    if progress is None:
        return None
    version = progress.version
    goals = _goals(progress)
    note = note_for(engagement, period)
    chosen = note.highlights if note else []
    by_key = {item["key"]: (goal, item) for goal, item in _items(goals)}
    approval = (
        Approval.objects.filter(version=version, state=Approval.State.APPROVED)
        .order_by("-decided_at")
        .first()
    )
    approved_on = (approval.meeting_date or approval.decided_at) if approval else None
    return {
        "kind": ReportJob.Kind.BOARD,
        "organization": engagement.organization.name,
        "engagement": engagement.name,
        "terms": engagement.terms,
        "layout": layout_for(engagement),
        "status": {
            "approved": True,
            "source": period.label,
            "draft_line": "",
            "approved_line": f"Approved by the board on {_day(approved_on)}" if approved_on else "",
        },
        "version": f"Draft {version.number} “{version.label}”",
        "period": {"start": period.key, "end": period.end.isoformat(), "label": period.label},
        "made_on": _day(timezone.now()),
        "as_of": long_date(today),
        "cover_note": note.cover_note if note else "",
        "cover_by": _who(note.updated_by) if note and note.cover_note else "",
        "highlights": [_brief(*by_key[key]) for key in chosen if key in by_key],
        "counts": _counts(progress),
        **_listed("successes", _successes(goals, period)),
        **_listed("road_blocks", _road_blocks(goals)),
        "changes": _changes(engagement, period, goals, version),
        "goals": goals,
    }


def choices(content: dict) -> list[tuple[str, list[tuple[str, str]]]]:
    """What may be featured, by goal: (goal, [(key, "Measure: ..."), ...])."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for goal, item in _items(content["goals"]):
        name = f"{goal['number']}. {goal['title']}"
        what = "Action step" if item["key"].startswith("step:") else "Measure"
        grouped.setdefault(name, []).append(
            (item["key"], f"{what}: {item['title']} ({item['label']})")
        )
    return list(grouped.items())


def with_charts(content: dict, *, pdf: bool) -> dict:
    """The content for a template, each measure's chart drawn. The page draws the progress
    page's chart (monitoring.charts) with its numbers as a table; the PDF a small trend line
    labelled by the chart's summary in words, beside the latest, expected and target values
    (13,000 rows of numbers would bury the board's PDF, and drawing 360 full charts with a
    point per reading costs seconds)."""
    for _, item in _items(content["goals"]):
        if "chart" in item:
            data = chart_data(item["chart"])
            item["summary"] = summary(data)
            if pdf:
                item["svg"] = sparklines.sparkline(data, item["summary"])
            else:
                item["svg"] = svg(data)
                item["table"] = table_html(data)
    return content
