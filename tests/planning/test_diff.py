"""Comparing two drafts: additions, removals and rewordings per element, matched by id, with
the changed words marked."""

import copy

from planning.diff import ADDED, CHANGED, REMOVED, SAME, compare, summary


def snapshot() -> dict:
    return {
        "schema": "aligned.plan",
        "version": 1,
        "plan": {
            "mission": "Every student ready for what comes next.",
            "vision": "",
            "preferred_future": "",
            "strategic_boundaries": "",
            "student_performance": "",
            "leadership_commitments": "",
            "values": [
                {"id": "v1", "title": "Integrity", "description": "", "source": None},
                {"id": "v2", "title": "Equity", "description": "", "source": None},
            ],
            "objectives": [],
            "goals": [
                {
                    "id": "g1",
                    "objective": None,
                    "title": "Academic success",
                    "description": "All students will demonstrate continuous academic growth.",
                    "specific_outcome": "",
                    "measured_by": "",
                    "target": "",
                    "owner": None,
                    "target_date": None,
                    "source": None,
                    "measures": [],
                    "strategies": [
                        {
                            "id": "s1",
                            "title": "Close achievement gaps",
                            "description": "",
                            "source": None,
                            "measures": [],
                            "action_steps": [],
                        },
                        {
                            "id": "s2",
                            "title": "Pilot 21st century learning strategies",
                            "description": "",
                            "source": None,
                            "measures": [],
                            "action_steps": [],
                        },
                    ],
                },
                {
                    "id": "g2",
                    "objective": None,
                    "title": "Safe schools",
                    "description": "",
                    "specific_outcome": "",
                    "measured_by": "",
                    "target": "",
                    "owner": None,
                    "target_date": None,
                    "source": None,
                    "measures": [],
                    "strategies": [],
                },
            ],
        },
    }


def row(rows, element_id):
    return next(r for r in rows if r.id == element_id)


def test_identical_drafts_show_no_change():
    rows = compare(snapshot(), snapshot())
    assert {r.status for r in rows} == {SAME}
    assert [r.id for r in rows] == ["mission", "v1", "v2", "g1", "s1", "s2", "g2"]


def test_a_reworded_goal_is_changed_with_its_words_marked():
    newer = snapshot()
    newer["plan"]["goals"][0]["description"] = (
        "All students will demonstrate steady academic growth."
    )
    rows = compare(snapshot(), newer)
    goal = row(rows, "g1")
    assert goal.status == CHANGED
    (change,) = goal.changes
    assert change.label == "Description"
    assert [w.text for w in change.old_words if w.op == "delete"] == ["continuous"]
    assert [w.text for w in change.new_words if w.op == "insert"] == ["steady"]
    assert row(rows, "g2").status == SAME


def test_additions_and_removals_keep_their_place():
    newer = snapshot()
    newer["plan"]["values"].pop(0)  # Integrity removed
    newer["plan"]["goals"][1]["strategies"].append(
        {
            "id": "s3",
            "title": "Restorative practices",
            "description": "",
            "source": None,
            "measures": [],
            "action_steps": [],
        }
    )
    newer["plan"]["vision"] = "A district where every learner thrives."
    rows = compare(snapshot(), newer)
    assert row(rows, "v1").status == REMOVED and row(rows, "v1").label == "Integrity"
    assert row(rows, "s3").status == ADDED and row(rows, "s3").depth == 1
    assert row(rows, "vision").status == ADDED
    order = [r.id for r in rows]
    assert order.index("mission") < order.index("v1") < order.index("v2")
    assert order.index("g2") < order.index("s3")
    assert summary(rows) == {ADDED: 2, REMOVED: 1, CHANGED: 0, SAME: 6}


def test_a_strategy_moved_to_another_goal_reads_as_a_change_of_goal():
    newer = copy.deepcopy(snapshot())
    moved = newer["plan"]["goals"][0]["strategies"].pop(1)
    newer["plan"]["goals"][1]["strategies"].append(moved)
    change = row(compare(snapshot(), newer), "s2").changes[0]
    assert (change.label, change.old, change.new) == ("Goal", "Academic success", "Safe schools")


def test_a_cleared_statement_is_removed():
    newer = snapshot()
    newer["plan"]["mission"] = ""
    assert row(compare(snapshot(), newer), "mission").status == REMOVED


def test_renaming_a_goal_does_not_mark_its_strategies_changed():
    newer = snapshot()
    newer["plan"]["goals"][0]["title"] = "Academic success for every student"
    rows = compare(snapshot(), newer)
    assert row(rows, "g1").status == CHANGED
    assert row(rows, "s1").status == SAME and row(rows, "s2").status == SAME
