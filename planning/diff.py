"""Compare two saved drafts (snapshots in the export format, planning/schema.py) element by
element: what was added, removed, or reworded, with the changed words marked.

Elements are matched by their id, which a snapshot keeps from the working copy, so an element
whose title was rewritten is "changed", not "removed and added".
"""

import difflib
import re
from dataclasses import dataclass, field

ADDED, REMOVED, CHANGED, SAME = "added", "removed", "changed", "same"

STATEMENTS = (
    ("mission", "Mission"),
    ("vision", "Vision"),
    ("preferred_future", "Preferred future"),
    ("strategic_boundaries", "Strategic boundaries"),
    ("student_performance", "Student performance statement"),
    ("leadership_commitments", "Leadership mindset commitments"),
)
# The fields compared per kind of element, with their labels, in reading order.
FIELDS = {
    "value": (("title", "Value"), ("description", "Description")),
    "objective": (("title", "Title"), ("description", "Description")),
    "goal": (
        ("title", "Title"),
        ("description", "Description"),
        ("objective", "Objective"),
        ("specific_outcome", "Specific outcome"),
        ("measured_by", "How it is measured"),
        ("target", "Target"),
        ("owner", "Owner"),
        ("target_date", "Target date"),
    ),
    "strategy": (("title", "Title"), ("description", "Description"), ("goal", "Goal")),
    "measure": (
        ("indicator", "Indicator"),
        ("data_source", "Data source"),
        ("baseline", "Baseline"),
        ("baseline_date", "Baseline date"),
        ("target", "Target"),
        ("target_date", "Target date"),
        ("unit", "Unit"),
        ("direction", "Direction"),
        ("frequency", "Reported"),
    ),
    "action_step": (
        ("description", "What will be done"),
        ("stage", "PDSA stage"),
        ("owner", "Owner"),
        ("start_date", "Start"),
        ("due_date", "Due"),
        ("plan_year", "Plan year"),
        ("resources_people", "People"),
        ("resources_time", "Time"),
        ("resources_money", "Money"),
    ),
}


@dataclass
class Words:
    """A run of words, marked as kept, inserted or deleted."""

    text: str
    op: str  # "same", "insert" or "delete"


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str
    old_words: list[Words]
    new_words: list[Words]


@dataclass
class Row:
    """One element of either draft, in reading order, with what happened to it."""

    kind: str  # "statement", "value", "objective", "goal", "strategy", "measure", "action_step"
    id: str
    depth: int
    label: str  # its title (or indicator, or step) in the newer draft, else the older
    status: str
    changes: list[FieldChange] = field(default_factory=list)
    old: dict | None = None
    new: dict | None = None


def _flatten(snapshot: dict) -> list[tuple[str, str, int, dict]]:
    """(kind, id, depth, fields) for every element, in reading order. Parent links are kept by id
    and title: moving a strategy to another goal reads as a change of goal, renaming its goal
    does not change the strategy."""
    plan = snapshot.get("plan", {})
    rows = [("statement", name, 0, {"text": plan.get(name) or ""}) for name, _ in STATEMENTS]
    rows += [("value", v["id"], 0, v) for v in plan.get("values", [])]
    objectives = {o["id"]: o["title"] for o in plan.get("objectives", [])}
    rows += [("objective", o["id"], 0, o) for o in plan.get("objectives", [])]
    for goal in plan.get("goals", []):
        rows.append(
            ("goal", goal["id"], 0, {**goal, "objective": objectives.get(goal["objective"])})
        )
        for measure in goal.get("measures", []):
            rows.append(("measure", measure["id"], 1, measure))
        for strategy in goal.get("strategies", []):
            parent = {"goal": goal["title"], "goal_id": goal["id"]}
            rows.append(("strategy", strategy["id"], 1, {**strategy, **parent}))
            for measure in strategy.get("measures", []):
                rows.append(("measure", measure["id"], 2, measure))
            for step in strategy.get("action_steps", []):
                rows.append(("action_step", step["id"], 2, step))
    return rows


def _text(value) -> str:
    return "" if value is None else str(value)


WORD = re.compile(r"\S+|\s+")


def _words(old: str, new: str) -> tuple[list[Words], list[Words]]:
    a, b = WORD.findall(old), WORD.findall(new)
    old_words, new_words = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            old_words.append(Words("".join(a[i1:i2]), "same"))
            new_words.append(Words("".join(b[j1:j2]), "same"))
            continue
        if i2 > i1:
            old_words.append(Words("".join(a[i1:i2]), "delete"))
        if j2 > j1:
            new_words.append(Words("".join(b[j1:j2]), "insert"))
    return old_words, new_words


def _label(kind: str, fields: dict) -> str:
    if kind == "statement":
        return fields.get("text", "")
    return _text(fields.get("title") or fields.get("indicator") or fields.get("description"))


PARENT_LINKS = ("goal", "objective")


def _changes(kind: str, old: dict, new: dict) -> list[FieldChange]:
    pairs = (("text", "Text"),) if kind == "statement" else FIELDS[kind]
    changes = []
    for name, label in pairs:
        before, after = _text(old.get(name)), _text(new.get(name))
        if name in PARENT_LINKS:  # moved to another parent, not the parent renamed
            unchanged = old.get(f"{name}_id") == new.get(f"{name}_id")
        else:
            unchanged = before == after
        if not unchanged:
            changes.append(FieldChange(name, label, before, after, *_words(before, after)))
    return changes


def compare(older: dict, newer: dict) -> list[Row]:
    """Every element of both drafts in the newer draft's order; an element only in the older
    draft comes right after the element that preceded it there."""
    old_rows = _flatten(older)
    new_rows = _flatten(newer)
    old_by_id = {row[1]: row for row in old_rows}
    new_ids = {row[1] for row in new_rows}
    result: list[Row] = []
    for kind, element_id, depth, fields in new_rows:
        before = old_by_id.get(element_id)
        if kind == "statement" and not fields["text"] and (before is None or not before[3]["text"]):
            continue  # a statement neither draft has
        if before is None or (kind == "statement" and not before[3]["text"]):
            result.append(Row(kind, element_id, depth, _label(kind, fields), ADDED, new=fields))
            continue
        changes = _changes(kind, before[3], fields)
        status = CHANGED if changes else SAME
        if kind == "statement" and not fields["text"]:
            status, changes = REMOVED, []
        result.append(
            Row(kind, element_id, depth, _label(kind, fields), status, changes, before[3], fields)
        )
    # Removed elements, each placed after its predecessor in the older draft.
    previous, shown = None, {r.id for r in result}
    for kind, element_id, depth, fields in old_rows:
        if element_id not in new_ids:
            row = Row(kind, element_id, depth, _label(kind, fields), REMOVED, old=fields)
            at = next((i + 1 for i, r in enumerate(result) if r.id == previous), 0)
            while at < len(result) and result[at].status == REMOVED:
                at += 1
            result.insert(at, row)
            shown.add(element_id)
        if element_id in shown:
            previous = element_id
    return result


def summary(rows: list[Row]) -> dict:
    counts = {ADDED: 0, REMOVED: 0, CHANGED: 0, SAME: 0}
    for row in rows:
        counts[row.status] += 1
    return counts
