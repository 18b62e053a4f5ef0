"""The Runbooks screen on a seeded database: editing a draft with undo, validation as you type,
saving versions, the warning before an approved version is changed, sign-off, history, export.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QMainWindow, QMessageBox

from app.runbooks.body import RunbookBody, Step, preset
from app.services import approvals, crud
from app.services.actor import Actor, actor_for_login
from app.services.org import PERSON
from app.services.runbook_queries import load, sign_offs
from app.services.runbooks import create_runbook, request_sign_off, save_revision
from tests.factories import Org, make_workload
from tests.ui.helpers import Messages
from ui.context import AppContext
from ui.models.runbook_steps_table_model import MINUTES, OWNER
from ui.views.runbooks import draft_files
from ui.views.runbooks.view import EMPTY_PAGE, HISTORY_TAB, WORK_PAGE, RunbooksView

Show = Callable[[Any], Any]
STEPS = (
    Step("s1", "Declare the rollback", "Tell **#inc**", "", "coordinator", False, 2, "posted"),
    Step(
        "s2", "Drain traffic", "", "kubectl rollout undo", "operations", True, 5, "no errors", True
    ),
    Step("s3", "Verify", "", "", "approver", False, 8, "error rate under 1 %"),
)


@pytest.fixture
def people(seeded: Org) -> dict[str, Actor]:
    """An operations person and a second security person besides the seeded org."""
    with seeded.db.transaction() as s:
        for login, name, roles in (
            ("olga", "Olga Ops", ["operations"]),
            ("sam", "Sam Shield", ["security"]),
        ):
            crud.create(s, seeded.admin, PERSON, {"login": login, "name": name, "roles": roles})
    with seeded.db.read() as s:
        return {login: actor_for_login(s, login) for login in ("olga", "sam")}


def make_runbook(org: Org, steps: tuple[Step, ...] = STEPS, author: Actor | None = None) -> str:
    body = RunbookBody(
        "Roll back payments-api",
        "When errors climb",
        steps,
        (preset("Error rate above 1 % over 5 minutes"),),
    )
    with org.db.transaction() as s:
        rb = create_runbook(s, author or org.coordinator, body, component="payments-api")
        return str(rb.uuid)


def approve(org: Org, people: dict[str, Actor], runbook: str) -> None:
    with org.db.transaction() as s:
        asked = [
            request_sign_off(s, org.coordinator, runbook, r) for r in ("operations", "security")
        ]
        ids = [(str(a.uuid), a.version) for a in asked]
    for (approval, version), who in zip(ids, ("olga", "sam"), strict=True):
        with org.db.transaction() as s:
            approvals.decide(s, people[who], approval, version, True, "fine")


def doc_of(org: Org, runbook: str) -> Any:
    with org.db.read() as s:
        return load(s, runbook)


@pytest.fixture
def open_view(qtbot: Any, show: Show) -> Iterator[Callable[[AppContext], RunbooksView]]:
    made: list[RunbooksView] = []

    def _open(context: AppContext) -> RunbooksView:
        gc.collect()  # earlier tests' widgets die here, on the GUI thread, not inside a load
        view = RunbooksView(context)
        show(view)
        qtbot.waitUntil(lambda: not view.loader.busy, timeout=15000)
        made.append(view)
        return view

    yield _open
    for view in made:  # nothing left running against a database about to be dropped
        view.keeper.timer.stop()
        qtbot.waitUntil(lambda v=view: not v.loader.busy, timeout=15000)


def opened(view: RunbooksView, runbook: str) -> RunbooksView:
    assert view.open_runbook(runbook)
    assert view.pages.currentIndex() == WORK_PAGE
    return view


def test_changing_a_steps_minutes_updates_the_total(
    ctx: AppContext, seeded: Org, open_view: Any
) -> None:
    view = opened(open_view(ctx), make_runbook(seeded))
    assert view.editor.glance.totals.text() == "3 steps · 15 min"
    model = view.editor.steps_model
    assert model.setData(model.index(1, MINUTES), 30)
    assert view.editor.glance.totals.text() == "3 steps · 40 min"
    assert view.header.unsaved.text() == "● unsaved" and view.save_action.isEnabled()


def test_problems_show_as_you_type_and_clear_when_fixed(
    ctx: AppContext, seeded: Org, open_view: Any
) -> None:
    steps = (STEPS[0], Step("s9", "Drain traffic", expected_minutes=5), STEPS[2])
    view = opened(open_view(ctx), make_runbook(seeded, steps))
    glance = view.editor.glance
    wanted = "⚠ step 2 'Drain traffic': name who carries out this step: a person or a role"
    assert wanted in glance.problem_texts()
    glance.problems.setCurrentRow(0)
    glance.issue_picked.emit(glance.problems.item(0).data(Qt.ItemDataRole.UserRole + 1))
    assert view.editor.current_row() == 1
    assert view.editor.steps.table.currentIndex().column() == OWNER
    model = view.editor.steps_model
    assert model.setData(model.index(1, OWNER), "role: operations")
    assert glance.problem_texts() == []
    assert glance.problems.item(0).text() == "✔ Nothing blocks sign-off."


def test_steps_move_by_keyboard(ctx: AppContext, seeded: Org, open_view: Any, qtbot: Any) -> None:
    view = opened(open_view(ctx), make_runbook(seeded))
    table = view.editor.steps.table
    view.editor.select_steps([0])
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [s.id for s in view.draft.body.steps] == ["s2", "s1", "s3"]
    assert view.editor.current_row() == 1
    qtbot.keyClick(table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [s.id for s in view.draft.body.steps] == ["s1", "s2", "s3"]
    assert not view.draft.dirty


def test_dragging_steps_moves_them_as_one_undoable_step(
    ctx: AppContext, seeded: Org, open_view: Any
) -> None:
    view = opened(open_view(ctx), make_runbook(seeded))
    model = view.editor.steps_model
    dragged = model.mimeData([model.index(0, 1), model.index(1, 1)])
    assert model.dropMimeData(dragged, Qt.DropAction.MoveAction, 3, 0, QModelIndex())
    assert [s.id for s in view.draft.body.steps] == ["s3", "s1", "s2"]
    assert view.editor.steps.table.selected_rows() == [1, 2]
    view.draft.stack.undo()
    assert [s.id for s in view.draft.body.steps] == ["s1", "s2", "s3"]


def test_insert_duplicate_delete_then_undo_and_redo_give_each_body_back_exactly(
    ctx: AppContext, seeded: Org, open_view: Any, qtbot: Any
) -> None:
    view = opened(open_view(ctx), make_runbook(seeded))
    table, draft = view.editor.steps.table, view.draft
    start = draft.body
    view.editor.select_steps([0])
    table.setFocus()
    bodies = [start]
    qtbot.keyClick(table, Qt.Key.Key_Insert)
    bodies.append(draft.body)
    assert len(draft.body.steps) == 4 and draft.body.steps[1].title == ""
    view.editor.select_steps([2])
    qtbot.keyClick(table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    bodies.append(draft.body)
    assert [s.title for s in draft.body.steps][2:4] == ["Drain traffic", "Drain traffic (copy)"]
    view.editor.select_steps([0])
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    bodies.append(draft.body)
    assert draft.body.steps[0].title == ""
    assert len(set(map(id, bodies))) == 4
    for expected in reversed(bodies[:-1]):
        qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert draft.body == expected
    assert draft.body == start and not draft.dirty
    for expected in bodies[1:]:
        draft.stack.redo()
        assert draft.body == expected
    assert view.editor.steps_model.steps() == bodies[-1].steps


def test_typing_in_one_field_is_one_undo_step(
    ctx: AppContext, seeded: Org, open_view: Any, qtbot: Any
) -> None:
    view = opened(open_view(ctx), make_runbook(seeded))
    verification = view.editor.details.verification
    verification.setFocus()
    verification.selectAll()
    qtbot.keyClicks(verification, "all green")
    assert view.draft.body.steps[0].verification == "all green"
    assert view.draft.stack.count() == 1
    qtbot.keyClick(verification, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.draft.body.steps[0].verification == "posted"
    assert verification.text() == "posted"


def test_saving_writes_version_two(
    ctx: AppContext, seeded: Org, open_view: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    runbook = make_runbook(seeded)
    view = opened(open_view(ctx), runbook)
    view.ask_note = lambda number: f"longer drain for version {number}"
    model = view.editor.steps_model
    model.setData(model.index(1, MINUTES), 12)
    path = draft_files.path_for(runbook)
    view.keeper.flush()
    assert path.exists()
    assert view.save()
    doc = doc_of(seeded, runbook)
    assert doc.revision == 2 and doc.body.steps[1].expected_minutes == 12
    assert doc.history[-1].note == "longer drain for version 2"
    assert not view.draft.dirty and view.header.version.text().startswith("Version 2")
    assert not path.exists()


def test_the_first_edit_of_an_approved_version_asks_and_cancel_changes_nothing(
    ctx: AppContext, seeded: Org, people: dict[str, Actor], open_view: Any, messages: Messages
) -> None:
    runbook = make_runbook(seeded)
    approve(seeded, people, runbook)
    view = opened(open_view(ctx), runbook)
    assert view.header.banner.text().startswith(
        "✔ Approved by Olga Ops (operations) and Sam Shield (security) — any edit creates "
        "version 2 and voids this approval."
    )
    before = view.draft.body
    messages.confirm = False
    model = view.editor.steps_model
    assert not model.setData(model.index(0, MINUTES), 9)
    [asked] = messages.texts("question")
    assert asked.startswith("Version 1 is approved by Olga Ops (operations) and Sam Shield")
    assert "create version 2 when you save, and the approval will be void" in asked
    assert view.draft.body == before and not view.draft.dirty
    assert model.data(model.index(0, MINUTES)) == "2"
    view.header.title.setText("Changed")  # a field the user typed into is put back too
    view.header.title_edited.emit("Changed")
    assert view.header.title.text() == before.title
    messages.confirm = True
    assert model.setData(model.index(0, MINUTES), 9)
    assert model.setData(model.index(1, MINUTES), 7)
    assert len(messages.texts("question")) == 3  # asked once more, then not again
    assert view.header.banner.text().startswith("● Unsaved changes to approved version 1")


def test_saving_an_approved_version_voids_its_sign_offs(
    ctx: AppContext, seeded: Org, people: dict[str, Actor], open_view: Any, messages: Messages
) -> None:
    runbook = make_runbook(seeded)
    approve(seeded, people, runbook)
    view = opened(open_view(ctx), runbook)
    view.ask_note = lambda _n: ""
    assert view.editor.edit_title("Roll back payments-api safely")
    assert view.save()
    doc = doc_of(seeded, runbook)
    first = uuid.UUID(doc.history[0].uuid)
    with seeded.db.read() as s:
        states = [o.state for o in sign_offs(s, [first])[first]]
    assert states == ["void", "void"]
    assert doc.revision == 2 and not doc.approved
    assert "is void: ask operations and security" in view.status.text()
    assert view.header.banner.text().startswith("○ Not signed: version 2 lacks")


def test_history_shows_what_changed_between_versions(
    ctx: AppContext, seeded: Org, open_view: Any
) -> None:
    runbook = make_runbook(seeded)
    view = opened(open_view(ctx), runbook)
    view.ask_note = lambda _n: ""
    model = view.editor.steps_model
    model.setData(model.index(1, MINUTES), 25)
    assert view.save()
    view.center.setCurrentIndex(HISTORY_TAB)
    view.history.pick(1, 2)
    view.history.compare()
    shown = view.history.browser.toPlainText().replace("\xa0", " ")
    assert "Changes from version 1 to version 2" in shown
    assert "~ Step 'Drain traffic': expected minutes 5 min → 25 min" in shown


def test_export_to_markdown_writes_the_steps(
    ctx: AppContext, seeded: Org, open_view: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    view = opened(open_view(ctx), make_runbook(seeded))
    target = tmp_path / "rollback"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *_a, **_k: (str(target), "Markdown (*.md)")),
    )
    view.export()
    text = (tmp_path / "rollback.md").read_text(encoding="utf-8")
    for step in STEPS:
        assert f". {step.title}" in text
    assert "Version 1 · not approved" in text


def test_a_conflict_keeps_the_draft_and_the_next_save_replaces_the_other_version(
    ctx: AppContext, seeded: Org, open_view: Any
) -> None:
    runbook = make_runbook(seeded)
    view = opened(open_view(ctx), runbook)
    view.ask_note = lambda _n: "mine"
    asked: list[str] = []
    view.ask_conflict = lambda text: asked.append(text) or False
    view.editor.edit_title("My title")
    with seeded.db.transaction() as s:  # someone else saves meanwhile
        doc = load(s, runbook)
        save_revision(s, seeded.admin, runbook, doc.version, RunbookBody("Theirs", steps=STEPS))
    assert not view.save()
    assert asked and "saved version 2 of this runbook while you were editing" in asked[0]
    assert view.draft.dirty and view.draft.body.title == "My title"
    assert "saving replaces it as version 3" in view.header.notice.text()
    assert view.save()
    assert doc_of(seeded, runbook).body.title == "My title"
    assert doc_of(seeded, runbook).revision == 3


def test_a_draft_left_on_disk_is_offered_back(
    ctx: AppContext, seeded: Org, open_view: Any, messages: Messages
) -> None:
    runbook = make_runbook(seeded)
    first = opened(open_view(ctx), runbook)
    first.editor.edit_title("Half-written title")
    first.keeper.flush()
    first.draft.load(None)  # the session ends without saving (a crash)
    second = opened(open_view(ctx), runbook)
    [offer] = messages.texts("question")
    assert "You have unsaved changes to “Half-written title”" in offer
    assert second.draft.body.title == "Half-written title" and second.draft.dirty
    second.draft.stack.undo()
    assert second.draft.body.title == "Roll back payments-api"


def test_switching_runbooks_with_changes_asks_and_cancel_stays(
    ctx: AppContext, seeded: Org, open_view: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_runbook(seeded)
    make_workload(seeded, "PAY-7")
    with seeded.db.transaction() as s:
        body = RunbookBody("Roll back PAY-7")
        second = str(create_runbook(s, seeded.coordinator, body, workload="PAY-7").uuid)
    view = opened(open_view(ctx), first)
    view.editor.edit_title("Unsaved")
    answers = iter([QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard])
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *_a, **_k: next(answers)))
    assert not view.open_runbook(second)
    assert view.draft.body.title == "Unsaved" and view.draft.doc.uuid == first
    assert view.open_runbook(second)
    assert view.draft.doc.uuid == second and not view.draft.dirty
    assert doc_of(seeded, first).body.title == "Roll back payments-api"
    assert not draft_files.path_for(first).exists()


def test_sign_off_is_asked_and_given_and_an_author_is_told_why_not(
    seeded: Org, people: dict[str, Actor], open_view: Any
) -> None:
    runbook = make_runbook(seeded, author=people["olga"])
    author = AppContext(seeded.db)
    author.actor = people["olga"]
    view = opened(open_view(author), runbook)
    panel = view.signoff
    assert panel.ask_buttons["operations"].isEnabled()
    assert panel.ask("operations") and panel.ask("security")
    assert "Asked security to sign off version 1" in panel.outcome.text()
    panel.table.selectRow(0)
    assert not panel.approve_button.isEnabled()
    assert "You wrote this runbook: an author cannot sign it off" in panel.why.text()
    security = AppContext(seeded.db)
    security.actor = people["sam"]
    other = opened(open_view(security), runbook)
    other.signoff.table.selectRow(1)
    assert other.signoff.selected().role == "security"
    other.signoff.ask_comment = lambda approve, _s: "" if approve else None
    assert other.signoff.decide(True)
    assert [s.state for s in doc_of(seeded, runbook).sign_offs] == ["pending", "approved"]
    other.signoff.table.selectRow(0)
    assert not other.signoff.approve_button.isEnabled()
    assert "Only operations can decide this sign-off" in other.signoff.why.text()


def test_a_viewer_reads_but_cannot_edit(
    viewer_ctx: AppContext, seeded: Org, open_view: Any
) -> None:
    view = opened(open_view(viewer_ctx), make_runbook(seeded))
    model = view.editor.steps_model
    assert not model.setData(model.index(0, MINUTES), 40)
    assert view.header.title.isReadOnly() and not view.save_action.isEnabled()
    note = view.findChild(type(view.status), "readOnlyNote")
    assert note is not None and "writing runbooks needs the coordinator" in note.text()
    assert view.editor.glance.totals.text() == "3 steps · 15 min"


def test_no_runbooks_shows_the_way_to_make_one(ctx: AppContext, open_view: Any) -> None:
    view = open_view(ctx)
    assert view.pages.currentIndex() == EMPTY_PAGE
    assert view.empty_page.findChild(type(view.status), "emptyTitle").text() == "No runbooks yet"


def test_closing_the_window_with_unsaved_changes_can_be_cancelled(
    ctx: AppContext, seeded: Org, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    gc.collect()
    window = QMainWindow()
    qtbot.addWidget(window)
    view = RunbooksView(ctx)
    window.setCentralWidget(view)
    window.resize(1200, 700)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: not view.loader.busy, timeout=15000)
    opened(view, make_runbook(seeded))
    view.editor.edit_title("Unsaved")
    view.keeper.timer.stop()
    answers = iter([QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard])
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *_a, **_k: next(answers)))
    assert not window.close()
    assert window.isVisible() and view.draft.dirty
    assert window.close()
    assert not view.draft.dirty
    qtbot.waitUntil(lambda: not view.loader.busy, timeout=15000)


def test_a_new_runbook_is_created_and_a_refusal_is_shown_at_its_field(
    ctx: AppContext, seeded: Org, open_view: Any, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    from ui.views.runbooks.new_dialog import NewRunbookDialog

    make_workload(seeded, "PAY-7", components=[seeded.component])
    view = open_view(ctx)
    refused: list[str] = []

    def fill(dialog: NewRunbookDialog) -> int:
        dialog.for_workload.setChecked(True)
        dialog.workload.setText("PAY-7")
        dialog.from_template.setChecked(True)
        assert not dialog.create()  # payments-api has no template yet
        refused.append(dialog.errors["template"].text())
        dialog.for_component.setChecked(True)
        dialog.component.setEditText("payments-api")
        return int(dialog.create())

    monkeypatch.setattr(NewRunbookDialog, "exec", fill)
    view.new_item()
    assert refused == ["⚠ none of PAY-7's components has a template"]
    assert view.draft.doc is not None and view.draft.doc.subject == "payments-api"
    assert view.header.title.text() == "Roll back payments-api"
    qtbot.waitUntil(lambda: view.list_model.rowCount() == 1)
    assert view.list_panel.current_uuid() == view.draft.doc.uuid


def test_the_question_comes_before_a_cell_editor_opens(
    ctx: AppContext,
    seeded: Org,
    people: dict[str, Actor],
    open_view: Any,
    messages: Messages,
    qtbot: Any,
) -> None:
    runbook = make_runbook(seeded)
    approve(seeded, people, runbook)
    view = opened(open_view(ctx), runbook)
    table = view.editor.steps.table
    view.editor.select_steps([0], 1)
    table.setFocus()
    messages.confirm = False
    qtbot.keyClick(table, Qt.Key.Key_X)
    assert len(messages.texts("question")) == 1
    assert table.state() != QAbstractItemView.State.EditingState
    messages.confirm = True
    qtbot.keyClick(table, Qt.Key.Key_F2)
    assert table.state() == QAbstractItemView.State.EditingState
    assert len(messages.texts("question")) == 2
    assert not view.draft.dirty  # nothing typed yet: asking is not editing
