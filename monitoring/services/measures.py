"""Writes about the lived plan's measures: taking them over from the approved plan, readings
(one at a time or a whole CSV file, all or nothing), target and baseline changes with a reason,
yearly targets and status overrides."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from engagements.csv_files import CsvProblem, spreadsheet_table
from engagements.models import Engagement
from engagements.text import clean_text
from planning.models import PlanVersion

from ..models import MeasureReading, MonitoredMeasure, StatusOverride, TargetChange, YearlyTarget

# What a monitored measure takes from the approved snapshot, and what its change log calls it.
TAKEN_FROM_PLAN = ("baseline", "baseline_date", "target", "target_date", "direction")
FIELD_NAMES = {
    "baseline": "baseline",
    "baseline_date": "baseline date",
    "target": "target",
    "target_date": "target date",
    "direction": "direction",
    "band_low": "lowest value in the band",
    "band_high": "highest value in the band",
}


@dataclass(frozen=True)
class Element:
    """A measure as the approved snapshot has it, with its goal, strategy and owner."""

    data: dict
    goal: dict
    strategy: dict | None

    @property
    def id(self) -> UUID:
        return UUID(self.data["id"])

    @property
    def owner(self) -> str:
        """A goal's owner owns its measures and its strategies' measures."""
        return (self.goal.get("owner") or "").lower()


def snapshot_measures(data: dict) -> list[Element]:
    """Every measure of a snapshot, in the plan's order: a goal's own, then its strategies'."""
    found = []
    for goal in data.get("plan", {}).get("goals", []):
        found += [Element(m, goal, None) for m in goal.get("measures", []) if m.get("id")]
        for strategy in goal.get("strategies", []):
            measures = [m for m in strategy.get("measures", []) if m.get("id")]
            found += [Element(m, goal, strategy) for m in measures]
    return found


def _plan_values(element: Element) -> dict:
    return {name: element.data.get(name) for name in TAKEN_FROM_PLAN}


def _typed(name: str, value):
    if value in (None, ""):
        return None
    if name.endswith("date"):
        return date.fromisoformat(value)
    if name == "direction":
        return value
    return Decimal(value)


def _text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def measures_sync(
    *, engagement: Engagement, version: PlanVersion, elements: list[Element]
) -> dict[UUID, MonitoredMeasure]:
    """The monitored measures of the lived plan by measure id, taking over new ones from the
    approved snapshot (the first read after the board approves). A measure kept by a newly
    approved version keeps its history; where the board approved a different baseline, target,
    date or direction, that value applies and the change log says so. One query when nothing is
    new."""
    ids = [element.id for element in elements]
    known = {
        m.measure_id: m
        for m in MonitoredMeasure.objects.filter(engagement=engagement, measure_id__in=ids)
    }
    missing = [e for e in elements if e.id not in known]
    stale = [m for m in known.values() if m.approved_version_id != version.pk]
    if not missing and not stale:
        return known
    with transaction.atomic():
        today = timezone.localdate()
        fresh = []
        for element in missing:
            values = {name: _typed(name, v) for name, v in _plan_values(element).items()}
            values["baseline_date"] = values["baseline_date"] or today
            fresh.append(
                MonitoredMeasure(
                    engagement=engagement,
                    measure_id=element.id,
                    approved_version=version,
                    approved_values=_plan_values(element),
                    **values,
                )
            )
        MonitoredMeasure.objects.bulk_create(fresh, ignore_conflicts=True)
        by_id = {e.id: e for e in elements}
        changes = []
        for measure in stale:
            new = _plan_values(by_id[measure.measure_id])
            for name in TAKEN_FROM_PLAN:
                if new[name] != measure.approved_values.get(name):
                    old_value = getattr(measure, name)
                    setattr(measure, name, _typed(name, new[name]))
                    changes.append(
                        TargetChange(
                            measure=measure,
                            field=FIELD_NAMES[name],
                            old_value=_text(old_value),
                            new_value=_text(getattr(measure, name)),
                            reason=f"The board approved “{version.label}” with this value.",
                        )
                    )
            measure.approved_values, measure.approved_version = new, version
        MonitoredMeasure.objects.bulk_update(
            stale, [*TAKEN_FROM_PLAN, "approved_values", "approved_version"]
        )
        TargetChange.objects.bulk_create(changes)
    return {
        m.measure_id: m
        for m in MonitoredMeasure.objects.filter(engagement=engagement, measure_id__in=ids)
    }


def reading_add(
    *, measure: MonitoredMeasure, taken_on: date, value: Decimal, note: str = "", by: User
) -> MeasureReading:
    return MeasureReading.objects.create(
        measure=measure, taken_on=taken_on, value=value, note=note, entered_by=by
    )


@transaction.atomic
def targets_change(*, measure: MonitoredMeasure, by: User, reason: str, **values) -> int:
    """Change a measure's baseline, target, their dates, direction or band, logging each changed
    value with who, when, old, new and the reason. Returns how many values changed."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the target changes: everyone reads this."})
    changes = []
    for name, new in values.items():
        old = getattr(measure, name)
        if new != old:
            changes.append(
                TargetChange(
                    measure=measure,
                    field=FIELD_NAMES[name],
                    old_value=_text(old),
                    new_value=_text(new),
                    reason=reason.strip(),
                    changed_by=by,
                )
            )
            setattr(measure, name, new)
    if changes:
        measure.save(update_fields=list(values))
        TargetChange.objects.bulk_create(changes)
    return len(changes)


@transaction.atomic
def yearly_target_set(
    *, measure: MonitoredMeasure, school_year: int, value: Decimal | None, by: User, reason: str
) -> None:
    """Set (or, with no value, remove) the target of one school year, logged like any target."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the target changes: everyone reads this."})
    current = YearlyTarget.objects.filter(measure=measure, school_year=school_year).first()
    old = current.value if current else None
    if old == value:
        return
    if value is None:
        current.delete()
    else:
        YearlyTarget.objects.update_or_create(
            measure=measure, school_year=school_year, defaults={"value": value}
        )
    TargetChange.objects.create(
        measure=measure,
        field=f"target for {school_year - 1}–{str(school_year)[-2:]}",
        old_value=_text(old),
        new_value=_text(value),
        reason=reason.strip(),
        changed_by=by,
    )


def status_override(
    *, measure: MonitoredMeasure, status: str, reason: str, by: User
) -> StatusOverride:
    """A person's judgement in place of the computed status until the next reading."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the status is different from the computed one."})
    return StatusOverride.objects.create(
        measure=measure, status=status, reason=reason.strip(), set_by=by
    )


# --- CSV import -------------------------------------------------------------------------------

CSV_MAX_BYTES = 1024 * 1024
CSV_MAX_ROWS = 5000
COLUMNS = {
    "measure": "measure",
    "indicator": "measure",
    "date": "date",
    "value": "value",
    "note": "note",
}


@dataclass
class CsvReading:
    line: int
    measure: MonitoredMeasure
    taken_on: date
    value: Decimal
    note: str


def _number(text: str) -> Decimal | None:
    cleaned = text.replace(",", "").replace("%", "").strip()
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() and abs(number) < Decimal("1e12") else None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def readings_table(data: bytes) -> list[list[str]]:
    """A file of readings as rows of text: an Excel workbook (.xlsx, known by its content) or
    CSV."""
    if len(data) > CSV_MAX_BYTES:
        raise ValidationError("The file is larger than 1 MB. Split it into smaller files.")
    return spreadsheet_table(data, max_rows=CSV_MAX_ROWS)


def readings_csv_check(
    *, data: bytes, measures: dict[str, MonitoredMeasure], today: date
) -> tuple[list[CsvReading], list[CsvProblem]]:
    """Check a whole file of readings (CSV or Excel .xlsx; columns measure, date, value, note)
    and list every bad row with its reason. `measures` are the measures the importer may report
    on, by indicator in lower case (or by id). Rows are numbered as a spreadsheet shows them:
    the header is row 1."""
    table = readings_table(data)
    header = table[0] if table else None
    if not header or not any(cell.strip() for cell in header):
        raise ValidationError("The file is empty.")
    columns = [COLUMNS.get(cell.strip().lower()) for cell in header]
    missing = [c for c in ("measure", "date", "value") if c not in columns]
    if missing:
        raise ValidationError(
            "The first row must name the columns: measure, date, value, note "
            f"(missing: {', '.join(missing)})."
        )
    rows, problems = [], []
    for line, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) + len(problems) >= CSV_MAX_ROWS:
            raise ValidationError(f"The file has more than {CSV_MAX_ROWS} readings. Split it.")
        value = {
            col: (clean_text(cells[i]).strip() if i < len(cells) else "")
            for i, col in enumerate(columns)
            if col
        }
        reasons = []
        measure = measures.get(value["measure"].lower())
        if not value["measure"]:
            reasons.append("the measure is empty")
        elif measure is None:
            reasons.append(
                f"there is no measure “{value['measure']}” in the approved plan that you "
                "may report on (write its indicator as the plan has it)"
            )
        taken_on = _date(value["date"])
        if taken_on is None:
            reasons.append(
                f"“{value['date']}” is not a date (write it as 2027-03-15)"
                if value["date"]
                else "the date is empty"
            )
        elif taken_on > today:
            reasons.append(f"{taken_on.isoformat()} is in the future")
        number = _number(value["value"])
        if number is None:
            reasons.append(
                f"“{value['value']}” is not a number" if value["value"] else "the value is empty"
            )
        note = value.get("note", "")
        if len(note) > 2000:
            reasons.append("the note is longer than 2,000 characters")
        if reasons:
            problems.append(CsvProblem(line, value["measure"][:80], "; ".join(reasons)))
        else:
            rows.append(CsvReading(line, measure, taken_on, number, note))
    if not rows and not problems:
        raise ValidationError("The file has a header row but no readings in it.")
    return rows, problems


@transaction.atomic
def readings_csv_import(*, rows: list[CsvReading], by: User) -> int:
    """Add every reading of a checked file, all or nothing. Returns how many were added."""
    MeasureReading.objects.bulk_create(
        MeasureReading(
            measure=row.measure,
            taken_on=row.taken_on,
            value=row.value,
            note=row.note,
            entered_by=by,
            source=MeasureReading.Source.IMPORT,
        )
        for row in rows
    )
    return len(rows)
