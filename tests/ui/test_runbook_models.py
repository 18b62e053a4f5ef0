"""The runbook screen's models and the body edits behind its buttons: problem markers in words,
owners as people or roles, units that follow the metric, steps that move as a block."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QModelIndex, Qt

from app.runbooks.body import CUSTOM, ERROR_RATE, LATENCY_P99, RunbookBody, Step, Trigger, preset
from app.runbooks.validate import problems
from app.services.runbook_queries import RevisionInfo, RunbookRow, SignOff
from ui.models.runbook_list_model import STATE_ROLE, RunbookListModel
from ui.models.runbook_steps_table_model import (
    CHECKPOINT,
    MINUTES,
    NUMBER,
    OWNER,
    TITLE,
    RunbookStepsTableModel,
)
from ui.models.runbook_triggers_table_model import (
    CUSTOM_NAME,
    METRIC,
    THRESHOLD,
    UNIT,
    RunbookTriggersTableModel,
)
from ui.views.runbooks import body_ops as ops
from ui.views.runbooks.history_panel import HistoryTableModel
from ui.views.runbooks.signoff_panel import SignOffTableModel

DISPLAY, EDIT, TIP = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.EditRole,
    Qt.ItemDataRole.ToolTipRole,
)


def step(sid: str, **over: Any) -> Step:
    base = Step(sid, f"Step {sid}", owner="ada", expected_minutes=5, verification="ok")
    return dataclasses.replace(base, **over)


def body(*steps: Step) -> RunbookBody:
    return RunbookBody("Roll back", steps=steps)


def row(**over: Any) -> RunbookRow:
    values: dict[str, Any] = {
        "uuid": "u1",
        "title": "Roll back payments-api",
        "subject_kind": "component",
        "subject": "payments-api",
        "revision": 3,
        "approved": True,
        "steps": 8,
        "minutes": 45,
        "triggers": 2,
        "updated_at": datetime(2030, 1, 1, tzinfo=UTC),
    }
    return RunbookRow(**(values | over))


def test_every_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    steps = RunbookStepsTableModel()
    draft = body(step("a"), step("b", owner="", checkpoint=True, verification=""))
    steps.set_steps(draft.steps, problems(draft), {"ada": "Ada Lovelace"})
    qtmodeltester.check(steps)
    triggers = RunbookTriggersTableModel()
    triggers.set_triggers((preset("p99 latency above 500 ms"), ops.custom_trigger()))
    qtmodeltester.check(triggers)
    runbooks = RunbookListModel()
    runbooks.set_rows([row(), row(uuid="u2", approved=False, subject_kind="workload")])
    qtmodeltester.check(runbooks)
    for empty in (RunbookStepsTableModel(), RunbookTriggersTableModel(), RunbookListModel()):
        qtmodeltester.check(empty)
    when = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    offs = SignOffTableModel()
    offs.set_rows(
        [
            SignOff("a1", 2, "operations", "approved", "Cora", "Olga Ops", when, "fine"),
            SignOff("a2", 1, "security", "pending", "Cora", "", None, ""),
        ]
    )
    qtmodeltester.check(offs)
    assert offs.data(offs.index(0, 1)) == "✔ approved"
    assert offs.data(offs.index(1, 2)) == "asked by Cora"
    history = HistoryTableModel()
    history.set_rows([RevisionInfo(2, "r2", "Cora", when, "faster drain", True)])
    qtmodeltester.check(history)
    assert history.data(history.index(0, 3)) == "✔ signed"


def test_a_step_with_problems_says_so_in_words_and_marks_the_field() -> None:
    model = RunbookStepsTableModel()
    draft = body(step("a"), step("b", owner="", expected_minutes=0, verification=""))
    model.set_steps(draft.steps, problems(draft))
    assert model.data(model.index(0, NUMBER), DISPLAY) == "1"
    assert model.data(model.index(0, NUMBER), Qt.ItemDataRole.DecorationRole) is None
    assert model.data(model.index(1, NUMBER), DISPLAY) == "2"
    assert model.data(model.index(1, NUMBER), Qt.ItemDataRole.DecorationRole) is not None
    assert model.data(model.index(1, OWNER), DISPLAY) == "missing"
    assert "name who carries out this step" in model.data(model.index(1, OWNER), TIP)
    assert model.data(model.index(0, OWNER), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(1, OWNER), Qt.ItemDataRole.BackgroundRole) is not None
    tip = model.data(model.index(1, NUMBER), TIP)
    assert tip.startswith("Step 2 cannot be signed off yet:")
    assert "the last step must say how to verify" in tip


def test_owner_is_a_person_by_login_or_a_role_and_shows_the_persons_name() -> None:
    model = RunbookStepsTableModel()
    model.parse_owner = lambda text: ops.parse_owner(text, {"ada", "operations"})
    model.set_steps((step("a"),), people={"ada": "Ada Lovelace"})
    index = model.index(0, OWNER)
    assert model.data(index, DISPLAY) == "Ada Lovelace"
    assert model.data(index, EDIT) == "ada"
    assert model.setData(index, "role: security")
    assert (model.steps()[0].owner, model.steps()[0].owner_is_role) == ("security", True)
    assert model.data(index, DISPLAY) == "role: security"
    assert model.setData(index, "ada — Ada Lovelace")
    assert (model.steps()[0].owner, model.steps()[0].owner_is_role) == ("ada", False)
    assert model.setData(index, "operations")  # a login that happens to be a role's name
    assert (model.steps()[0].owner, model.steps()[0].owner_is_role) == ("operations", False)
    assert ops.parse_owner("security") == ("security", True)


def test_minutes_are_whole_and_never_negative_and_checkpoint_is_a_checkbox() -> None:
    model = RunbookStepsTableModel()
    model.set_steps((step("a"),))
    assert model.setData(model.index(0, MINUTES), -4)
    assert model.steps()[0].expected_minutes == 0
    assert not model.setData(model.index(0, MINUTES), "soon")
    check = model.index(0, CHECKPOINT)
    assert model.flags(check) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.setData(check, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.steps()[0].checkpoint
    assert model.data(check, DISPLAY) == "stop"


def test_edits_go_to_the_editor_and_a_refused_one_leaves_the_row() -> None:
    model = RunbookStepsTableModel()
    model.set_steps((step("a"),))
    seen: list[tuple[int, str, str]] = []
    model.commit = lambda r, s, field: seen.append((r, s.title, field)) or False
    assert not model.setData(model.index(0, TITLE), "Drain traffic")
    assert seen == [(0, "Drain traffic", "title")]
    assert model.steps()[0].title == "Step a"


def test_a_drop_moves_the_dragged_steps_through_the_editor() -> None:
    model = RunbookStepsTableModel()
    model.set_steps((step("a"), step("b"), step("c")))
    moves: list[tuple[list[int], int]] = []
    model.move = lambda rows, to: moves.append((rows, to)) or True
    data = model.mimeData([model.index(0, 0), model.index(0, 1)])
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert moves == [([0], 3)]
    assert not model.dropMimeData(data, Qt.DropAction.CopyAction, 3, 0, QModelIndex())
    model.editable = False
    assert not model.flags(model.index(0, TITLE)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index(0, TITLE), "x")


def test_a_standard_metric_brings_its_unit_and_locks_it() -> None:
    model = RunbookTriggersTableModel()
    model.set_triggers((preset("Error rate above 1 % over 5 minutes"),))
    unit, name = model.index(0, UNIT), model.index(0, CUSTOM_NAME)
    assert not model.flags(unit) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(name) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(model.index(0, METRIC), LATENCY_P99)
    assert (model.trigger_at(0).metric, model.trigger_at(0).unit) == (LATENCY_P99, "ms")
    assert model.setData(model.index(0, METRIC), CUSTOM)
    assert model.flags(unit) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(unit, "req/s") and model.trigger_at(0).unit == "req/s"
    assert model.setData(model.index(0, THRESHOLD), "2,5")
    assert model.trigger_at(0).threshold == 2.5
    assert not model.setData(model.index(0, THRESHOLD), "lots")


def test_trigger_problems_are_marked_on_the_row() -> None:
    model = RunbookTriggersTableModel()
    bad = Trigger("t", ERROR_RATE, ">", 150.0, "%")
    model.set_triggers((bad,), problems(RunbookBody("x", triggers=(bad,))))
    assert model.data(model.index(0, METRIC), DISPLAY) == "error rate"
    assert model.data(model.index(0, METRIC), Qt.ItemDataRole.DecorationRole) is not None
    assert "between 0 and 100" in model.data(model.index(0, THRESHOLD), TIP)
    assert model.data(model.index(0, THRESHOLD), DISPLAY) == "150"


def test_the_list_says_the_sign_off_state_in_words_with_a_shape() -> None:
    model = RunbookListModel()
    model.set_rows(
        [row(), row(uuid="u2", approved=False, subject="PAY-9", subject_kind="workload")]
    )
    assert model.data(model.index(0), STATE_ROLE) == "✔ approved"
    assert model.data(model.index(1), STATE_ROLE) == "○ not signed"
    assert model.data(model.index(1), DISPLAY) == "Workload PAY-9: Roll back payments-api"
    tip = model.data(model.index(0), TIP)
    assert "Version 3 · 8 steps · 45 min" in tip and "approved" in tip
    assert model.row_of("u2") == 1 and model.row_of("gone") == -1


def test_moves_keep_the_block_in_order() -> None:
    five = body(*(step(c) for c in "abcde"))
    moved, rows = ops.move_steps(five, [1, 2], 5)
    assert [s.id for s in moved.steps] == list("adebc") and rows == [3, 4]
    moved, rows = ops.move_steps(five, [3], 0)
    assert [s.id for s in moved.steps] == list("dabce") and rows == [0]
    up, rows = ops.shift_steps(five, [0], -1)
    assert up == five and rows == [0]
    copied, rows = ops.duplicate_steps(five, [1])
    assert [s.title for s in copied.steps][1:3] == ["Step b", "Step b (copy)"]
    assert copied.steps[2].id != copied.steps[1].id and rows == [2]


@given(
    st.integers(min_value=1, max_value=8).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.integers(0, n - 1).flatmap(lambda a: st.tuples(st.just(a), st.integers(a, n - 1))),
        )
    ),
    st.sampled_from([-1, 1]),
)
def test_shifting_a_block_and_back_gives_the_body_back(
    sized: tuple[int, tuple[int, int]], delta: int
) -> None:
    n, (first, last) = sized
    start = body(*(step(str(i)) for i in range(n)))
    there, rows = ops.shift_steps(start, list(range(first, last + 1)), delta)
    assert rows == list(range(rows[0], rows[0] + last - first + 1))
    back, _ = ops.shift_steps(there, rows, -delta)
    assert back == start or there == start  # a block already at the edge stays put
