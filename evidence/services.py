"""Writes of the environmental scan: indicators and their values (typed in a grid, or a whole CSV
or Excel file, all or nothing) and data packs (chosen indicators in order, with commentary)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from engagements.csv_files import CsvProblem, spreadsheet_table
from engagements.models import Engagement, Meeting
from engagements.text import clean_text

from .models import (
    BREAKDOWN_MAX,
    NOTE_MAX,
    DataPack,
    DataPackItem,
    Indicator,
    IndicatorValue,
)

YEAR_MIN, YEAR_MAX = 1900, 2100
NUMBER_CHARACTERS = re.compile(r"[\d.,]+")
VALUE_LIMIT = Decimal("1e12")
# The most an indicator holds: years, and groups or schools besides all students. Its edit grid
# shows them all (saving the grid replaces every value), so an import may not go past them; the
# full grid is about 4,200 fields, under DATA_UPLOAD_MAX_NUMBER_FIELDS (config/settings.py).
INDICATOR_MAX_YEARS = 100
INDICATOR_MAX_GROUPS = 39

# (year, breakdown) → value; breakdown "" is all students.
Values = dict[tuple[int, str], Decimal]


def _read_number(text: str) -> tuple[Decimal | None, str]:
    """The number in `text` (rounded to cents) and "", or None and why not: "empty", "not",
    "separators" (commas and points that say no one number) or "large"."""
    cleaned = (text or "").replace("%", "").replace("\u00a0", "").replace(" ", "").strip()
    if not cleaned:
        return None, "empty"
    sign = ""
    if cleaned[0] in "+-":
        sign, cleaned = cleaned[0], cleaned[1:]
    if not NUMBER_CHARACTERS.fullmatch(cleaned) or not any(c.isdigit() for c in cleaned):
        return None, "not"
    if "," in cleaned or cleaned.count(".") > 1:
        decimal_mark = cleaned[-1] if cleaned[-1] in ",." else max((",", "."), key=cleaned.rfind)
        whole, mark, fraction = cleaned.rpartition(decimal_mark)
        if "," in cleaned and "." in cleaned:
            # 1.204,5 or 1,204.5: the last mark is the decimal one, the other groups thousands.
            grouping = "." if decimal_mark == "," else ","
            if decimal_mark in whole or not _grouped(whole, grouping) or not fraction:
                return None, "separators"
            cleaned = whole.replace(grouping, "") + "." + fraction
        elif _grouped(cleaned, decimal_mark):
            # 1,204 or 1.204.500: thousands (a lone point, 1.204, is a decimal point).
            cleaned = cleaned.replace(decimal_mark, "")
        elif cleaned.count(decimal_mark) == 1 and fraction:
            cleaned = whole + "." + fraction  # 12,5: a decimal comma
        else:
            return None, "separators"
    try:
        number = Decimal(sign + cleaned).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None, "not"
    if abs(number) >= VALUE_LIMIT:
        return None, "large"
    return number, ""


def _grouped(text: str, mark: str) -> bool:
    """`text` is digits grouped by thousands with `mark`: 1,204 or 12.345.678."""
    return re.fullmatch(rf"\d{{1,3}}({re.escape(mark)}\d{{3}})+", text) is not None


def parse_number(text: str) -> Decimal | None:
    """A value as people type it: 81.5, 81.5%, 1,204 (thousands), 12,5 (a decimal comma),
    1.204,5 or 1,204.5 (both: the last mark is the decimal one), or None when it is no number
    or one too large to keep."""
    return _read_number(text)[0]


def number_problem(text: str) -> str:
    """Why `text` is no value, in words to show by it (empty when it is one)."""
    reason = _read_number(text)[1]
    if reason == "large":
        return f"“{text}” is too large: write a number under {VALUE_LIMIT:,.0f}."
    if reason == "separators":
        return (
            f"“{text}” is not a number: its commas and points are unclear. Write it as "
            "1204.5 or 1.204,5."
        )
    return f"“{text}” is not a number." if reason else ""


def parse_year(text: str) -> int | None:
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return None
    year = int(text)
    return year if YEAR_MIN <= year <= YEAR_MAX else None


# --- indicators ---------------------------------------------------------------------------------


def _check_name(engagement: Engagement, name: str, indicator: Indicator | None) -> str:
    name = clean_text(name).strip()
    if not name:
        raise ValidationError({"name": "Give the indicator a name."})
    taken = Indicator.objects.filter(engagement=engagement, name__iexact=name)
    if indicator is not None:
        taken = taken.exclude(pk=indicator.pk)
    if taken.exists():
        raise ValidationError({"name": f"There is already an indicator called “{name}”."})
    return name


def _next_position(engagement: Engagement) -> int:
    last = Indicator.objects.filter(engagement=engagement).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def indicator_save(
    *,
    engagement: Engagement,
    indicator: Indicator | None = None,
    name: str,
    unit: str = "",
    source: str = "",
    direction: str = Indicator.Direction.UP,
    note: str = "",
    values: Values | None = None,
) -> Indicator:
    """Add an indicator (`indicator` None) or change one; `values`, when given, become its values
    (those not in it are removed)."""
    name = _check_name(engagement, name, indicator)
    if indicator is None:
        indicator = Indicator(engagement=engagement, position=_next_position(engagement))
    elif indicator.engagement_id != engagement.pk:
        raise ValidationError("This indicator belongs to another engagement.")
    indicator.name = name
    indicator.unit = unit.strip()
    indicator.source = source.strip()
    indicator.direction = direction
    indicator.note = note.strip()
    indicator.full_clean(exclude=["engagement"])
    indicator.save()
    if values is not None:
        _replace_values(indicator, values)
    return indicator


def _replace_values(indicator: Indicator, values: Values) -> None:
    IndicatorValue.objects.filter(indicator=indicator).delete()
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, year=year, breakdown=breakdown, value=value)
        for (year, breakdown), value in sorted(values.items())
    )


def indicator_delete(*, indicator: Indicator) -> None:
    """Remove an indicator, its values and its place in every data pack; cards that cited it
    keep their words."""
    indicator.delete()


# --- import: a whole file, all or nothing ------------------------------------------------------

IMPORT_MAX_BYTES = 1024 * 1024
IMPORT_MAX_ROWS = 5000
COLUMNS = {
    "indicator": "indicator",
    "name": "indicator",
    "unit": "unit",
    "year": "year",
    "value": "value",
    "group": "breakdown",
    "student group": "breakdown",
    "school": "breakdown",
    "breakdown": "breakdown",
    "source": "source",
    "note": "note",
}
TEMPLATE_CSV = (
    "indicator,unit,year,value,group,source,note\r\n"
    "Graduation rate,%,2024,84.1,,State report card,Four-year cohort rate\r\n"
    "Graduation rate,%,2025,86,,State report card,\r\n"
    "Graduation rate,%,2025,79.5,English learners,State report card,\r\n"
    "Chronic absenteeism,%,2025,14.2,Lincoln Elementary,District attendance system,\r\n"
)


@dataclass
class ImportedIndicator:
    """What a checked file says about one indicator (new or already kept)."""

    name: str
    existing: Indicator | None
    unit: str = ""
    source: str = ""
    note: str = ""
    values: Values = field(default_factory=dict)
    # A group's spelling, by its lower case: the first one the file gives.
    spellings: dict[str, str] = field(default_factory=dict)


def import_table(data: bytes) -> list[list[str]]:
    if len(data) > IMPORT_MAX_BYTES:
        raise ValidationError("The file is larger than 1 MB. Split it into smaller files.")
    return spreadsheet_table(data, max_rows=IMPORT_MAX_ROWS)


def indicators_check(
    *, engagement: Engagement, data: bytes
) -> tuple[list[ImportedIndicator], list[CsvProblem]]:
    """Check a whole file (CSV or .xlsx; columns indicator, unit, year, value, and optionally
    group or school, source, note) and name every bad row with its line number (the header is
    row 1) and what is wrong with it."""
    table = import_table(data)
    header = table[0] if table else None
    if not header or not any(cell.strip() for cell in header):
        raise ValidationError("The file is empty.")
    columns = [COLUMNS.get(clean_text(cell).strip().lower()) for cell in header]
    missing = [c for c in ("indicator", "year", "value") if c not in columns]
    if missing:
        raise ValidationError(
            "The first row must name the columns: indicator, unit, year, value, group "
            f"(missing: {', '.join(missing)})."
        )
    existing = {i.name.lower(): i for i in Indicator.objects.filter(engagement=engagement)}
    found: dict[str, ImportedIndicator] = {}
    seen: dict[tuple[str, int, str], int] = {}
    problems: list[CsvProblem] = []
    count = 0
    for line, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > IMPORT_MAX_ROWS:
            raise ValidationError(f"The file has more than {IMPORT_MAX_ROWS} rows. Split it.")
        row = {
            col: (clean_text(cells[i]).strip() if i < len(cells) else "")
            for i, col in enumerate(columns)
            if col
        }
        reasons = []
        name = row["indicator"]
        if not name:
            reasons.append("the indicator’s name is empty")
        elif len(name) > 200:
            reasons.append("the indicator’s name is longer than 200 characters")
        year = parse_year(row["year"])
        if year is None:
            reasons.append(
                f"“{row['year']}” is not a year (write it as 2025)"
                if row["year"]
                else "the year is empty"
            )
        value = parse_number(row["value"])
        if value is None:
            reasons.append(
                number_problem(row["value"]).rstrip(".") if row["value"] else "the value is empty"
            )
        breakdown = row.get("breakdown", "")
        if len(breakdown) > BREAKDOWN_MAX:
            reasons.append(f"the group or school is longer than {BREAKDOWN_MAX} characters")
        if len(row.get("unit", "")) > 40:
            reasons.append("the unit is longer than 40 characters")
        if len(row.get("source", "")) > 300:
            reasons.append("the source is longer than 300 characters")
        if len(row.get("note", "")) > NOTE_MAX:
            reasons.append(f"the note is longer than {NOTE_MAX:,} characters")
        if name and year is not None:
            key = (name.lower(), year, breakdown.lower())
            if key in seen:
                reasons.append(
                    f"row {seen[key]} already gives {name} in {year}"
                    + (f" for {breakdown}" if breakdown else "")
                )
            else:
                seen[key] = line
        if reasons:
            problems.append(CsvProblem(line, name[:80], "; ".join(reasons)))
            continue
        item = found.get(name.lower())
        if item is None:
            item = found[name.lower()] = ImportedIndicator(
                name=name, existing=existing.get(name.lower())
            )
        for attribute in ("unit", "source", "note"):
            if row.get(attribute) and not getattr(item, attribute):
                setattr(item, attribute, row[attribute])
        # "LINCOLN" after "Lincoln" is the same school: its first spelling is kept.
        breakdown = item.spellings.setdefault(breakdown.lower(), breakdown)
        item.values[(year, breakdown)] = value
    if not count:
        raise ValidationError("The file has a header row but no values in it.")
    if not problems:
        _settle_with_kept(list(found.values()))
    return list(found.values()), problems


def _settle_with_kept(checked: list[ImportedIndicator]) -> None:
    """Give a kept indicator's groups the spelling it keeps already ("Lincoln", whatever the
    file's case), and refuse a file that would give an indicator more years or groups than its
    edit grid can show (counting the values it keeps). One query."""
    kept = [item.existing.pk for item in checked if item.existing is not None]
    years: dict = {}
    groups: dict = {}
    spellings: dict = {}
    for value in IndicatorValue.objects.filter(indicator_id__in=kept).only(
        "indicator_id", "year", "breakdown"
    ):
        years.setdefault(value.indicator_id, set()).add(value.year)
        if value.breakdown:
            key = value.breakdown.strip().lower()
            groups.setdefault(value.indicator_id, set()).add(key)
            spellings.setdefault(value.indicator_id, {}).setdefault(key, value.breakdown)
    for item in checked:
        key = item.existing.pk if item.existing is not None else item.name
        kept_spellings = spellings.get(key, {})
        if kept_spellings:
            item.values = {
                (year, kept_spellings.get(breakdown.lower(), breakdown)): value
                for (year, breakdown), value in item.values.items()
            }
        item_years = years.setdefault(key, set())
        item_groups = groups.setdefault(key, set())
        for year, breakdown in item.values:
            item_years.add(year)
            if breakdown:
                item_groups.add(breakdown.lower())
        if len(item_years) > INDICATOR_MAX_YEARS:
            raise ValidationError(
                f"“{item.name}” would have values for {len(item_years)} years; an indicator "
                f"holds at most {INDICATOR_MAX_YEARS}. Split it into several indicators."
            )
        if len(item_groups) > INDICATOR_MAX_GROUPS:
            raise ValidationError(
                f"“{item.name}” would have {len(item_groups)} groups or schools; an indicator "
                f"holds at most {INDICATOR_MAX_GROUPS} besides all students. Split it into "
                "several indicators (for example one per level of school)."
            )


@transaction.atomic
def indicators_import(*, engagement: Engagement, checked: list[ImportedIndicator]) -> int:
    """Save a checked file: new indicators are added, kept ones take the file's values (a year
    and group already kept is replaced; groups match whatever their case). Returns how many
    values were saved. A few queries whatever the file's length."""
    position = _next_position(engagement)
    kept = [item.existing.pk for item in checked if item.existing is not None]
    current: dict[tuple, IndicatorValue] = {
        (value.indicator_id, value.year, value.breakdown.lower()): value
        for value in IndicatorValue.objects.filter(indicator_id__in=kept)
    }
    new_values, changed_values = [], []
    for item in checked:
        indicator = item.existing
        if indicator is None:
            indicator = Indicator.objects.create(
                engagement=engagement,
                name=item.name,
                unit=item.unit,
                source=item.source,
                note=item.note,
                position=position,
            )
            position += 1
        else:
            changed = [a for a in ("unit", "source", "note") if getattr(item, a)]
            for attribute in changed:
                setattr(indicator, attribute, getattr(item, attribute))
            if changed:
                indicator.save(update_fields=changed)
        for (year, breakdown), value in item.values.items():
            found = current.get((indicator.pk, year, breakdown.lower()))
            if found is None:
                new_values.append(
                    IndicatorValue(indicator=indicator, year=year, breakdown=breakdown, value=value)
                )
            else:
                found.value = value
                changed_values.append(found)
    IndicatorValue.objects.bulk_create(new_values)
    IndicatorValue.objects.bulk_update(changed_values, ["value"])
    return len(new_values) + len(changed_values)


# --- data packs ---------------------------------------------------------------------------------


def _check_meeting(engagement: Engagement, meeting: Meeting | None) -> None:
    if meeting is not None and meeting.engagement_id != engagement.pk:
        raise ValidationError({"meeting": "Choose one of this engagement’s meetings."})


def pack_create(
    *, engagement: Engagement, title: str, introduction: str = "", meeting: Meeting | None = None
) -> DataPack:
    _check_meeting(engagement, meeting)
    pack = DataPack(
        engagement=engagement,
        title=title.strip(),
        introduction=introduction.strip(),
        meeting=meeting,
    )
    pack.full_clean(exclude=["engagement", "meeting"])
    pack.save()
    return pack


def pack_update(
    *, pack: DataPack, title: str, introduction: str = "", meeting: Meeting | None = None
) -> DataPack:
    _check_meeting(pack.engagement, meeting)
    pack.title = title.strip()
    pack.introduction = introduction.strip()
    pack.meeting = meeting
    pack.full_clean(exclude=["engagement", "meeting"])
    pack.save()
    return pack


def pack_delete(*, pack: DataPack) -> None:
    pack.delete()


def pack_item_add(*, pack: DataPack, indicator: Indicator, commentary: str = "") -> DataPackItem:
    """Put an indicator at the end of the pack (once only)."""
    if indicator.engagement_id != pack.engagement_id:
        raise ValidationError({"indicator": "Choose one of this engagement’s indicators."})
    if pack.items.filter(indicator=indicator).exists():
        raise ValidationError({"indicator": f"“{indicator.name}” is in this pack already."})
    last = pack.items.aggregate(last=Max("position"))["last"]
    item = DataPackItem(
        pack=pack,
        indicator=indicator,
        commentary=commentary.strip(),
        position=0 if last is None else last + 1,
    )
    item.full_clean(exclude=["pack", "indicator"])
    item.save()
    return item


def pack_item_update(*, item: DataPackItem, commentary: str) -> DataPackItem:
    item.commentary = commentary.strip()
    item.full_clean(exclude=["pack", "indicator"])
    item.save(update_fields=["commentary"])
    return item


@transaction.atomic
def pack_item_move(*, item: DataPackItem, direction: str) -> bool:
    """Move an item one place up or down; False when it is already first or last."""
    items = list(DataPackItem.objects.select_for_update().filter(pack_id=item.pack_id))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        if each.position != position:
            each.position = position
            each.save(update_fields=["position"])
    return True


def pack_item_remove(*, item: DataPackItem) -> None:
    item.delete()
