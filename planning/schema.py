"""The plan as data: the export format ("aligned.plan", version 1), its import, and a CSV view.

export_plan(plan) is also the frozen snapshot a saved draft keeps (PlanVersion.data), and drafts
are compared element by element through their "id" keys: keep its keys and their order stable.
Any incompatible change to the format bumps SCHEMA_VERSION; readers refuse versions they do not
know. docs/plan-schema.md describes the format for people.
"""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from engagements.csv_files import spreadsheet_safe
from engagements.models import DEFAULT_TERMINOLOGY
from engagements.text import clean_text

from .models import PLAN_YEARS, ActionStep, Goal, Measure, Objective, Plan, Strategy, Value

SCHEMA = "aligned.plan"
SCHEMA_VERSION = 1

ALREADY_PLANNED = "This engagement already has a plan: import into an empty engagement."
MAX_ERRORS = 50
# The most elements (values, objectives, goals, strategies, measures, action steps) one import may
# create: about twice the largest real district plans seen (some 200), and a plan page that
# stays under 2 MB and quick to open (a 1,600-element file made a page of 8 MB).
MAX_PARTS = 400


# --- reading the plan in a constant number of queries ---------------------------------------------


def _ordered(model):
    return model.objects.order_by("position", "created_at", "pk")


def _load(plan: Plan) -> Plan:
    """The plan afresh from the database with its whole tree: 8 queries whatever its size."""
    measures = _ordered(Measure)
    return (
        Plan.objects.select_related("engagement__organization")
        .prefetch_related(
            Prefetch("values", queryset=_ordered(Value)),
            Prefetch("objectives", queryset=_ordered(Objective)),
            Prefetch("goals", queryset=_ordered(Goal).select_related("owner__user")),
            Prefetch("goals__measures", queryset=measures),
            Prefetch("goals__strategies", queryset=_ordered(Strategy)),
            Prefetch("goals__strategies__measures", queryset=measures),
            Prefetch(
                "goals__strategies__action_steps",
                queryset=_ordered(ActionStep).select_related("owner__user"),
            ),
        )
        .get(pk=plan.pk)
    )


# --- export ---------------------------------------------------------------------------------------


def _id(value) -> str | None:
    return None if value is None else str(value)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _amount(value: Decimal | None, places: int = 2) -> str | None:
    return None if value is None else str(value.quantize(Decimal(10) ** -places))


def _email(owner) -> str | None:
    return owner.user.email if owner is not None else None


def _source(element) -> dict | None:
    """Where an element came from in a retreat. Without a card or theme link (an imported plan,
    or a removed card) the kept kind, words and dots still make a source."""
    if (
        element.source_card_id is None
        and element.source_theme_id is None
        and element.source_voice_theme_id is None
        and not element.source_text
        and element.source_dots is None
    ):
        return None
    return {
        # "voices": a theme of what the community said; its "dots" count the comments.
        "kind": element.source_kind
        or (
            "voices"
            if element.source_voice_theme_id
            else "theme"
            if element.source_theme_id
            else "card"
        ),
        "text": element.source_text,
        "dots": element.source_dots,
    }


def _export_measure(measure: Measure) -> dict:
    return {
        "id": _id(measure.pk),
        "indicator": measure.indicator,
        "data_source": measure.data_source,
        "baseline": _amount(measure.baseline),
        "baseline_date": _day(measure.baseline_date),
        "target": _amount(measure.target),
        "target_date": _day(measure.target_date),
        "unit": measure.unit,
        "direction": measure.direction,
        "frequency": measure.frequency,
    }


def _export_step(step: ActionStep) -> dict:
    return {
        "id": _id(step.pk),
        "description": step.description,
        "stage": step.stage,
        "owner": _email(step.owner),
        "start_date": _day(step.start_date),
        "due_date": _day(step.due_date),
        "plan_year": step.plan_year,
        "resources_people": step.resources_people,
        "resources_time": step.resources_time,
        "resources_money": _amount(step.resources_money),
        "progress_reported_at": _moment(step.progress_reported_at),
    }


def _export_strategy(strategy: Strategy) -> dict:
    return {
        "id": _id(strategy.pk),
        "title": strategy.title,
        "description": strategy.description,
        "source": _source(strategy),
        "measures": [_export_measure(m) for m in strategy.measures.all()],
        "action_steps": [_export_step(s) for s in strategy.action_steps.all()],
    }


def _export_goal(goal: Goal) -> dict:
    return {
        "id": _id(goal.pk),
        "objective": _id(goal.objective_id),
        "title": goal.title,
        "description": goal.description,
        "specific_outcome": goal.specific_outcome,
        "measured_by": goal.measured_by,
        "target": goal.target,
        "owner": _email(goal.owner),
        "target_date": _day(goal.target_date),
        "source": _source(goal),
        "measures": [_export_measure(m) for m in goal.measures.all()],
        "strategies": [_export_strategy(s) for s in goal.strategies.all()],
    }


def export_plan(plan: Plan) -> dict:
    """The whole plan as JSON-ready data, read afresh from the database (unsaved changes to the
    instance passed are not seen). Two exports of an unchanged plan are equal."""
    plan = _load(plan)
    engagement = plan.engagement
    return {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "engagement": {"name": engagement.name, "organization": engagement.organization.name},
        "terminology": {key: engagement.term(key) for key in DEFAULT_TERMINOLOGY},
        "plan": {
            **{name: getattr(plan, name) for name in Plan.STATEMENTS},
            "use_objectives": plan.use_objectives,
            "max_goals": plan.max_goals,
            "max_strategies_per_goal": plan.max_strategies_per_goal,
            "values": [
                {
                    "id": _id(value.pk),
                    "title": value.title,
                    "description": value.description,
                    "source": _source(value),
                }
                for value in plan.values.all()
            ],
            "objectives": [
                {"id": _id(o.pk), "title": o.title, "description": o.description}
                for o in plan.objectives.all()
            ],
            "goals": [_export_goal(goal) for goal in plan.goals.all()],
        },
    }


# --- import ---------------------------------------------------------------------------------------

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _digits(model, name: str) -> tuple[int, int]:
    field = model._meta.get_field(name)
    return field.max_digits, field.decimal_places


def _quoted(value) -> str:
    text = value if isinstance(value, str) else repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"“{text}”"


class _Reader:
    """Reads one element's keys with their checks, collecting every problem with its place."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, where: str, problem: str) -> None:
        self.errors.append(f"{where}: {problem}" if where else problem[0].upper() + problem[1:])

    # Each reader returns the value to store; on a problem it records it and returns a default.

    def text(self, where, item, key, label, *, max_length=None, required=False, default="") -> str:
        value = item.get(key)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(where, f"the {label} must be text, not {_quoted(value)}.")
            return default
        value = clean_text(value, multiline=key != "title")
        if required and not value.strip():
            self.error(where, f"the {label} is empty.")
        if max_length is not None and len(value) > max_length:
            # its first words, to find it in a long plan
            self.error(
                where,
                f"the {label} is longer than {max_length:,} characters (it has {len(value):,}); "
                f"it begins {_quoted(value)}.",
            )
        return value

    def flag(self, where, item, key, label, *, default: bool) -> bool:
        value = item.get(key, default)
        if not isinstance(value, bool):
            self.error(where, f"“{key}” must be true or false, not {_quoted(value)}.")
            return default
        return value

    def whole(self, where, item, key, label, *, default, maximum, nullable=False):
        value = item.get(key, default)
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            self.error(
                where,
                f"the {label} must be a whole number from 0 to {maximum}, not {_quoted(value)}.",
            )
            return default
        return value

    def day(self, where, item, key, label) -> date | None:
        value = item.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, str) and _DAY.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.error(where, f"the {label} {_quoted(value)} is not a date (YYYY-MM-DD).")
        return None

    def moment(self, where, item, key, label) -> datetime | None:
        value = item.get(key)
        if value is None or value == "":
            return None
        found = None
        if isinstance(value, str):
            try:
                found = parse_datetime(value)
            except ValueError:
                found = None
        if found is None:
            self.error(
                where,
                f"the {label} {_quoted(value)} is not a date and time "
                "(YYYY-MM-DDTHH:MM:SS with a time zone, e.g. 2027-03-01T09:30:00+00:00).",
            )
            return None
        if timezone.is_naive(found):
            found = timezone.make_aware(found)
        return found

    def amount(
        self, where, item, key, label, *, digits: tuple[int, int], negative: bool = True
    ) -> Decimal | None:
        value = item.get(key)
        if value is None or value == "":
            return None
        max_digits, places = digits
        number = None
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                number = None
        if number is None or not number.is_finite():
            self.error(where, f"the {label} {_quoted(value)} is not a number (e.g. 72.5).")
            return None
        rounded = number.quantize(Decimal(10) ** -places)
        if rounded != number:
            self.error(where, f"the {label} {_quoted(value)} has more than {places} decimals.")
            return None
        if abs(rounded) >= Decimal(10) ** (max_digits - places):
            self.error(where, f"the {label} {_quoted(value)} is too large.")
            return None
        if rounded < 0 and not negative:
            self.error(where, f"the {label} {_quoted(value)} cannot be negative.")
            return None
        return rounded

    def plan_year(self, where, item) -> int | None:
        value = item.get("plan_year")
        if value is None:
            return None
        first, last = PLAN_YEARS
        if isinstance(value, bool) or not isinstance(value, int) or not first <= value <= last:
            self.error(
                where,
                f"the plan year {_quoted(value)} must be a whole number from {first} to {last}, "
                "or null when not set.",
            )
            return None
        return value

    def choice(self, where, item, key, label, *, choices, default) -> str:
        value = item.get(key, default)
        if value is None or value == "":
            return default
        if value not in choices:
            allowed = ", ".join(choices)
            self.error(where, f"the {label} {_quoted(value)} is not one of: {allowed}.")
            return default
        return value

    def entries(self, where, item, key, name) -> list[tuple[str, dict]]:
        """The objects listed under `key`, each with its place ("Goal 2, strategy 1", {...})."""
        value = item.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(where, f"“{key}” must be a list.")
            return []
        found = []
        for number, entry in enumerate(value, start=1):
            place = f"{where}, {name} {number}" if where else f"{name.capitalize()} {number}"
            if isinstance(entry, dict):
                found.append((place, entry))
            else:
                self.error(place, "this entry must be an object ({...}), not " + _quoted(entry))
        return found

    def source(self, where, item) -> dict:
        """The kept words and dots of a retreat source; the card or theme itself stays behind."""
        value = item.get("source")
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.error(where, "the source must be an object or null.")
            return {}
        kind = self.choice(
            where, value, "kind", "source kind", choices=("card", "theme", "voices"), default="card"
        )
        text = self.text(
            where,
            value,
            "text",
            "source text",
            max_length=_max_length(Value, "source_text"),
        )
        dots = self.whole(
            where, value, "dots", "source dots", default=None, maximum=2147483647, nullable=True
        )
        return {"source_kind": kind, "source_text": text, "source_dots": dots}

    def owner(self, where, item, members: dict):
        value = item.get("owner")
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.error(where, f"the owner must be an e-mail address or null, not {_quoted(value)}.")
            return None
        member = members.get(value.strip().lower())
        if member is None:
            self.warnings.append(
                f"{where}: no member with the e-mail {_quoted(value)} in this engagement; "
                "the owner was left empty."
            )
        return member


def _check_format(data) -> None:
    if not isinstance(data, dict):
        raise ValidationError("This file is not an Aligned plan (it holds no JSON object).")
    schema = data.get("schema")
    if schema != SCHEMA:
        found = "none" if schema is None else _quoted(schema)
        raise ValidationError(
            f"This file is not an Aligned plan (schema {found}; expected “{SCHEMA}”)."
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        found = "none" if version is None else _quoted(version)
        raise ValidationError(
            f"This file has no plan-format version this site can read (version {found}; "
            f"expected {SCHEMA_VERSION})."
        )
    if version != SCHEMA_VERSION:
        raise ValidationError(
            f"This file uses version {version} of the plan format; "
            f"this site reads version {SCHEMA_VERSION}."
        )
    if not isinstance(data.get("plan"), dict):
        raise ValidationError("This file has no plan in it (“plan” must be an object).")


def plan_is_empty(plan: Plan) -> bool:
    return (
        not any(getattr(plan, name).strip() for name in Plan.STATEMENTS)
        and not plan.values.exists()
        and not plan.objectives.exists()
        and not plan.goals.exists()
    )


class _Import:
    """Turns the file's "plan" into unsaved rows, checking everything on the way."""

    def __init__(self, plan: Plan, members: dict) -> None:
        self.plan = plan
        self.members = members
        self.read = _Reader()
        self.values: list[Value] = []
        self.objectives: list[Objective] = []
        self.goals: list[Goal] = []
        self.strategies: list[Strategy] = []
        self.measures: list[Measure] = []
        self.steps: list[ActionStep] = []

    def statements(self, data: dict) -> None:
        read, plan = self.read, self.plan
        for name in Plan.STATEMENTS:
            label = str(Plan._meta.get_field(name).verbose_name)
            limit = Plan.STATEMENT_MAX_LENGTHS[name]
            setattr(plan, name, read.text("", data, name, label, max_length=limit))
        plan.use_objectives = read.flag("", data, "use_objectives", "", default=True)
        for name in ("max_goals", "max_strategies_per_goal"):
            label = str(Plan._meta.get_field(name).verbose_name)
            default = Plan._meta.get_field(name).default
            setattr(plan, name, read.whole("", data, name, label, default=default, maximum=32767))

    def element(self, where, item, model) -> dict:
        read = self.read
        return {
            "title": read.text(
                where, item, "title", "title", required=True, max_length=_max_length(model, "title")
            ),
            "description": read.text(
                where,
                item,
                "description",
                "description",
                max_length=_max_length(model, "description"),
            ),
        }

    def measure(self, where, item, **parent) -> Measure:
        read = self.read
        measure = Measure(
            **parent,
            indicator=read.text(
                where,
                item,
                "indicator",
                "indicator",
                required=True,
                max_length=_max_length(Measure, "indicator"),
            ),
            data_source=read.text(
                where,
                item,
                "data_source",
                "data source",
                max_length=_max_length(Measure, "data_source"),
            ),
            baseline=read.amount(
                where, item, "baseline", "baseline", digits=_digits(Measure, "baseline")
            ),
            baseline_date=read.day(where, item, "baseline_date", "baseline date"),
            target=read.amount(where, item, "target", "target", digits=_digits(Measure, "target")),
            target_date=read.day(where, item, "target_date", "target date"),
            unit=read.text(where, item, "unit", "unit", max_length=_max_length(Measure, "unit")),
            direction=read.choice(
                where,
                item,
                "direction",
                "direction",
                choices=Measure.Direction.values,
                default=Measure.Direction.UP,
            ),
            frequency=read.choice(
                where,
                item,
                "frequency",
                "frequency",
                choices=Measure.Frequency.values,
                default=Measure.Frequency.YEARLY,
            ),
        )
        if measure.target_is_before_baseline:
            read.error(where, "the target date comes before the baseline date.")
        return measure

    def step(self, where, item, strategy: Strategy, position: int) -> ActionStep:
        read = self.read
        people, time = (
            read.text(where, item, key, label, max_length=_max_length(ActionStep, key))
            for key, label in (("resources_people", "people"), ("resources_time", "time"))
        )
        step = ActionStep(
            strategy=strategy,
            position=position,
            description=read.text(
                where,
                item,
                "description",
                "description",
                required=True,
                max_length=_max_length(ActionStep, "description"),
            ),
            stage=read.choice(
                where,
                item,
                "stage",
                "stage",
                choices=ActionStep.Stage.values,
                default=ActionStep.Stage.PLAN,
            ),
            owner=read.owner(where, item, self.members),
            start_date=read.day(where, item, "start_date", "start date"),
            due_date=read.day(where, item, "due_date", "due date"),
            plan_year=read.plan_year(where, item),
            resources_people=people,
            resources_time=time,
            resources_money=read.amount(
                where,
                item,
                "resources_money",
                "money",
                digits=_digits(ActionStep, "resources_money"),
                negative=False,
            ),
            progress_reported_at=read.moment(
                where, item, "progress_reported_at", "progress report time"
            ),
        )
        if step.start_date and step.due_date and step.due_date < step.start_date:
            read.error(where, "the due date comes before the start date.")
        return step

    def tree(self, data: dict) -> None:
        read, plan = self.read, self.plan
        for position, (where, item) in enumerate(read.entries("", data, "values", "value")):
            self.values.append(
                Value(
                    plan=plan,
                    position=position,
                    **self.element(where, item, Value),
                    **read.source(where, item),
                )
            )
        by_file_id: dict[str, Objective] = {}
        for position, (where, item) in enumerate(read.entries("", data, "objectives", "objective")):
            objective = Objective(
                plan=plan, position=position, **self.element(where, item, Objective)
            )
            self.objectives.append(objective)
            file_id = item.get("id")
            if file_id is None:
                continue
            if not isinstance(file_id, str):
                read.error(where, f"the id must be text, not {_quoted(file_id)}.")
            elif file_id in by_file_id:
                read.error(where, f"the id {_quoted(file_id)} is used by an earlier objective.")
            else:
                by_file_id[file_id] = objective
        for position, (where, item) in enumerate(read.entries("", data, "goals", "goal")):
            self.goal(where, item, position, by_file_id)

    def goal(self, where, item, position, objectives: dict[str, Objective]) -> None:
        read = self.read
        objective = None
        link = item.get("objective")
        if link is not None:
            objective = objectives.get(link) if isinstance(link, str) else None
            if objective is None:
                read.error(
                    where, f"the objective {_quoted(link)} is not among the file's objectives."
                )
        goal = Goal(
            plan=self.plan,
            position=position,
            objective=objective,
            **self.element(where, item, Goal),
            specific_outcome=read.text(
                where,
                item,
                "specific_outcome",
                "specific outcome",
                max_length=_max_length(Goal, "specific_outcome"),
            ),
            measured_by=read.text(
                where,
                item,
                "measured_by",
                "“measured by”",
                max_length=_max_length(Goal, "measured_by"),
            ),
            target=read.text(
                where, item, "target", "target", max_length=_max_length(Goal, "target")
            ),
            owner=read.owner(where, item, self.members),
            target_date=read.day(where, item, "target_date", "target date"),
            **read.source(where, item),
        )
        self.goals.append(goal)
        for number, (place, entry) in enumerate(read.entries(where, item, "measures", "measure")):
            self.measures.append(self.measure(place, entry, goal=goal, position=number))
        for number, (place, entry) in enumerate(
            read.entries(where, item, "strategies", "strategy")
        ):
            strategy = Strategy(
                goal=goal,
                position=number,
                **self.element(place, entry, Strategy),
                **read.source(place, entry),
            )
            self.strategies.append(strategy)
            for index, (spot, measure) in enumerate(
                read.entries(place, entry, "measures", "measure")
            ):
                self.measures.append(self.measure(spot, measure, strategy=strategy, position=index))
            steps = read.entries(place, entry, "action_steps", "action step")
            for index, (spot, step) in enumerate(steps):
                self.steps.append(self.step(spot, step, strategy, index))

    def too_big(self) -> list[str]:
        """A plain refusal when the plan holds more elements than one import may create."""
        counts = {
            "goals": len(self.goals),
            "strategies": len(self.strategies),
            "measures": len(self.measures),
            "action steps": len(self.steps),
            "values": len(self.values),
            "objectives": len(self.objectives),
        }
        total = sum(counts.values())
        if total <= MAX_PARTS:
            return []
        parts = ", ".join(f"{count:,} {name}" for name, count in counts.items() if count)
        return [
            f"This plan is too big to import: it has {total:,} parts ({parts}), and a plan "
            f"may have up to {MAX_PARTS:,} so that its page stays quick to open. Shorten the "
            "plan in the file and import it again."
        ]

    def save(self) -> None:
        self.plan.save()
        for model, rows in (
            (Value, self.values),
            (Objective, self.objectives),
            (Goal, self.goals),
            (Strategy, self.strategies),
            (Measure, self.measures),
            (ActionStep, self.steps),
        ):
            if rows:
                model.objects.bulk_create(rows)


def import_plan(*, engagement, data: dict) -> tuple[Plan, list[str]]:
    """Create the plan in `data` (an export_plan dict, e.g. from a JSON file) in an engagement whose
    plan is empty. All or nothing: any problem raises ValidationError listing every problem found,
    each with its place ("Goal 2, strategy 1, action step 3: ..."), and nothing is saved.

    Elements get new ids; the file's ids only link goals to objectives. Owners are found by e-mail
    among the engagement's members (an unknown one is left empty, with a warning). Sources keep
    their words and dots, not their link to a retreat card or theme. The file's terminology is not
    applied. Returns the plan and the warnings."""
    with transaction.atomic():
        plan, _ = Plan.objects.select_for_update().get_or_create(engagement=engagement)
        if not plan_is_empty(plan):
            raise ValidationError(ALREADY_PLANNED)
        _check_format(data)
        members = {
            membership.user.email.lower(): membership
            for membership in engagement.memberships.select_related("user")
        }
        work = _Import(plan, members)
        work.statements(data["plan"])
        work.tree(data["plan"])
        errors = [*work.too_big(), *work.read.errors]
        if errors:
            if len(errors) > MAX_ERRORS:
                errors = errors[:MAX_ERRORS] + [f"… and {len(errors) - MAX_ERRORS} more problems."]
            raise ValidationError(errors)
        work.save()
    return plan, work.read.warnings


# --- CSV ------------------------------------------------------------------------------------------

CSV_HEADER = [
    "Level",
    "Number",
    "Title / text",
    "Description",
    "Objective",
    "Specific outcome",
    "Measured by",
    "Owner",
    "Start",
    "Due / target date",
    "Data source",
    "Baseline",
    "Baseline date",
    "Target",
    "Unit",
    "Direction",
    "Frequency",
    "PDSA stage",
    "Resources: people",
    "Resources: time",
    "Resources: money",
    "Plan year",  # last, so the columns spreadsheets already read stay where they were
]


_COLUMNS = (
    "level",
    "number",
    "title",
    "description",
    "objective",
    "specific_outcome",
    "measured_by",
    "owner",
    "start",
    "due",
    "data_source",
    "baseline",
    "baseline_date",
    "target",
    "unit",
    "direction",
    "frequency",
    "stage",
    "people",
    "time",
    "money",
    "plan_year",
)


def _row(**cells) -> list[str]:
    """One CSV row in CSV_HEADER's order. Callers pass every user text through _safe; numbers and
    dates they format themselves go as they are (so a negative baseline stays a number)."""
    return ["" if cells.get(key) is None else str(cells[key]) for key in _COLUMNS]


def _safe(text: str) -> str:
    return spreadsheet_safe(text)


def _measure_row(measure: Measure, level: str, number: str) -> list[str]:
    return _row(
        level=_safe(level),
        number=number,
        title=_safe(measure.indicator),
        data_source=_safe(measure.data_source),
        baseline=_amount(measure.baseline),
        baseline_date=_day(measure.baseline_date),
        target=_amount(measure.target),
        due=_day(measure.target_date),
        unit=_safe(measure.unit),
        direction=measure.get_direction_display(),
        frequency=measure.get_frequency_display(),
    )


def plan_csv(plan: Plan) -> str:
    """The plan as a spreadsheet: a header, then one row per statement and element, in order.
    Numbers: values V1, objectives O1, goals 2, strategies 2.1, action steps 2.1.3, measures 2.M1
    (on goal 2) or 2.1.M1 (on strategy 2.1). Levels use the engagement's terminology."""
    plan = _load(plan)
    term = plan.engagement.term
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for name in Plan.STATEMENTS:
        text = getattr(plan, name)
        if text.strip():
            label = str(Plan._meta.get_field(name).verbose_name)
            writer.writerow(_row(level=label[:1].upper() + label[1:], title=_safe(text)))
    for number, value in enumerate(plan.values.all(), start=1):
        writer.writerow(
            _row(
                level="Value",
                number=f"V{number}",
                title=_safe(value.title),
                description=_safe(value.description),
            )
        )
    objective_numbers = {}
    for number, objective in enumerate(plan.objectives.all(), start=1):
        objective_numbers[objective.pk] = f"O{number}"
        writer.writerow(
            _row(
                level=_safe(term("objective")),
                number=f"O{number}",
                title=_safe(objective.title),
                description=_safe(objective.description),
            )
        )
    for g, goal in enumerate(plan.goals.all(), start=1):
        writer.writerow(
            _row(
                level=_safe(term("goal")),
                number=str(g),
                title=_safe(goal.title),
                description=_safe(goal.description),
                objective=objective_numbers.get(goal.objective_id),
                specific_outcome=_safe(goal.specific_outcome),
                measured_by=_safe(goal.measured_by),
                owner=_safe(_email(goal.owner) or ""),
                due=_day(goal.target_date),
                target=_safe(goal.target),
            )
        )
        for m, measure in enumerate(goal.measures.all(), start=1):
            writer.writerow(_measure_row(measure, term("measure"), f"{g}.M{m}"))
        for s, strategy in enumerate(goal.strategies.all(), start=1):
            writer.writerow(
                _row(
                    level=_safe(term("strategy")),
                    number=f"{g}.{s}",
                    title=_safe(strategy.title),
                    description=_safe(strategy.description),
                )
            )
            for m, measure in enumerate(strategy.measures.all(), start=1):
                writer.writerow(_measure_row(measure, term("measure"), f"{g}.{s}.M{m}"))
            for a, step in enumerate(strategy.action_steps.all(), start=1):
                writer.writerow(
                    _row(
                        level=_safe(term("action_step")),
                        number=f"{g}.{s}.{a}",
                        title=_safe(step.description),
                        owner=_safe(_email(step.owner) or ""),
                        start=_day(step.start_date),
                        due=_day(step.due_date),
                        stage=step.get_stage_display(),
                        people=_safe(step.resources_people),
                        time=_safe(step.resources_time),
                        money=_amount(step.resources_money),
                        plan_year=step.plan_year,
                    )
                )
    return out.getvalue()
