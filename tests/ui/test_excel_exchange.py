"""Excel exchange from the window: a workbook of one release, a cancel that leaves no file,
the workload import preview, Apply as one undoable step, and who may import."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.services import queries
from tests.factories import Org, acting_login_is_coordinator, make_train, make_workload
from tests.ui.helpers import Messages, audit_ok, update_behind_the_back, workload
from ui import excel_actions
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.models.import_preview_table_model import (
    ERROR_COLUMNS,
    UPDATE_COLUMNS,
    ImportPreviewTableModel,
    PreviewLine,
)
from ui.view_registry import ViewSpec
from ui.views.workloads import WorkloadsView
from ui.widgets.command_palette import window_commands
from ui.widgets.dialogs.export_xlsx_dialog import ExportXlsxDialog
from ui.widgets.dialogs.import_workloads_dialog import ImportWorkloadsDialog
from ui.workers import wait_until_idle

NOW = datetime(2030, 1, 1, tzinfo=UTC)
HEADER = "Key,Title,Change class,Team,Size\n"


def write_csv(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"{r}\n" for r in rows), encoding="utf-8")
    return path


def keys_of(org: Org) -> set[str]:
    with org.db.read() as s:
        return {c.label for c in queries.choices(s, "workload")}


def uuid_of(org: Org, key: str) -> str:
    with org.db.read() as s:
        return next(c.uuid for c in queries.choices(s, "workload") if c.label == key)


def column(model: ImportPreviewTableModel, key: str) -> list[str]:
    at = model.column_of(key)
    return [model.index(r, at).data() for r in range(model.rowCount())]


# -------------------------------------------------------------------------- export
@pytest.fixture
def planned(seeded: Org) -> Org:
    """Two releases with a workload each, and one workload in the backlog."""
    train = make_train(seeded, "Payments train", NOW, upcoming=2)
    first, second = train.upcoming
    make_workload(seeded, "IN-1", target_release=first, status="planned")
    make_workload(seeded, "OUT-1", target_release=second, status="planned")
    make_workload(seeded, "BACK-1")
    return seeded


def exporter(ctx: AppContext, qtbot: Any, scope: excel_actions.ExcelScope) -> ExportXlsxDialog:
    dialog = ExportXlsxDialog(ctx, scope)
    qtbot.addWidget(dialog)
    assert wait_until_idle(), "the teams' zones have loaded"
    return dialog


def sheet_keys(path: Path) -> list[str]:
    book = load_workbook(path, read_only=True)
    try:
        rows = list(book["Workloads"].iter_rows(values_only=True))
    finally:
        book.close()
    at = rows[0].index("Key")
    return [r[at] for r in rows[1:] if r[at]]


def test_export_of_one_release_writes_only_its_workloads(
    planned: Org, ctx: AppContext, qtbot: Any, tmp_path: Path
) -> None:
    dialog = exporter(ctx, qtbot, excel_actions.ExcelScope(release="R-1"))
    assert dialog.one_release.isChecked()
    assert Path(dialog.path.text()).name == "release-R-1.xlsx"
    target = tmp_path / "release-R-1.xlsx"
    dialog.path.setText(str(target))

    dialog.export_button.click()

    assert dialog.result() == dialog.DialogCode.Accepted, dialog.banner.text()
    assert sheet_keys(target) == ["IN-1"]
    box = dialog.result_box
    assert box is not None
    assert "Workloads: 1 row" in box.informativeText()
    assert [b.text().replace("&", "") for b in box.buttons()].count("Open") == 1
    box.close()


def test_date_times_are_written_in_the_team_zone_picked(
    planned: Org, ctx: AppContext, qtbot: Any, tmp_path: Path
) -> None:
    dialog = exporter(ctx, qtbot, excel_actions.ExcelScope(release="R-1"))
    offered = [dialog.zone.itemText(i) for i in range(dialog.zone.count())]
    assert "Team Payments — Europe/Berlin" in offered
    dialog.zone.setCurrentIndex(offered.index("Team Payments — Europe/Berlin"))
    target = tmp_path / "berlin.xlsx"
    dialog.path.setText(str(target))

    dialog.export_button.click()

    book = load_workbook(target, read_only=True)
    try:
        header, first = list(book["Releases"].iter_rows(values_only=True))[:2]
    finally:
        book.close()
    start = header.index("Window start (Europe/Berlin)")
    assert first[start] == NOW.replace(tzinfo=None) + timedelta(days=14, hours=1), "UTC+1"
    assert dialog.result_box is not None
    dialog.result_box.close()


def test_a_release_is_found_by_typing_part_of_its_name(
    planned: Org, ctx: AppContext, qtbot: Any
) -> None:
    dialog = exporter(ctx, qtbot, excel_actions.ExcelScope())
    assert dialog.whole.isChecked()
    assert [dialog.release.itemText(i) for i in range(2)] == ["R-2", "R-1"], "newest first"
    dialog.one_release.setChecked(True)
    dialog.release.setEditText("r-1")

    assert dialog.scope() == excel_actions.ExcelScope(release="R-1")
    dialog.release.setEditText("R-9")
    dialog.accept()
    assert "No release is called “R-9”" in dialog.banner.text()


class CancelAtFirstReport(QProgressDialog):
    """Presses Cancel as soon as the dialog shows a stage, as a user would."""

    def setLabelText(self, text: str) -> None:
        super().setLabelText(text)
        if text != "Cancelling…" and not self.wasCanceled():
            self.canceled.emit()  # what the Cancel button (or Esc) sends


def test_cancelling_an_export_leaves_no_file(
    planned: Org, ctx: AppContext, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import app.exchange.release_workbook as workbook

    real = workbook.export_workbook

    def slow(session: Any, path: Path, *, progress: Callable[[str, float], None], **kw: Any) -> Any:
        def held(stage: str, fraction: float) -> None:
            deadline = time.monotonic() + 10  # until the Cancel press reaches the worker
            while time.monotonic() < deadline:
                progress(stage, fraction)  # raises Cancelled once Cancel was pressed
                time.sleep(0.01)

        return real(session, path, progress=held, **kw)

    monkeypatch.setattr(workbook, "export_workbook", slow)
    monkeypatch.setattr("ui.workers.QProgressDialog", CancelAtFirstReport)
    dialog = exporter(ctx, qtbot, excel_actions.ExcelScope(release="R-1"))
    folder = tmp_path / "out"
    folder.mkdir()
    dialog.path.setText(str(folder / "cancelled.xlsx"))

    dialog.export_button.click()

    assert dialog.result() != dialog.DialogCode.Accepted
    assert "no file was written" in dialog.banner.text()
    assert list(folder.iterdir()) == [], "neither the workbook nor a temporary file"


def test_a_failed_export_says_why_and_keeps_the_old_file(
    planned: Org,
    ctx: AppContext,
    qtbot: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    messages: Messages,
) -> None:
    from app.exchange.xlsx_writer import WorkbookWriter

    def full_disk(_self: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(WorkbookWriter, "save", full_disk)
    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"the old workbook")
    dialog = exporter(ctx, qtbot, excel_actions.ExcelScope())
    dialog.path.setText(str(target))

    dialog.export_button.click()

    assert messages.texts("question"), "replacing a file is asked first"
    assert dialog.isVisible() or dialog.result() != dialog.DialogCode.Accepted
    assert "the disk is full" in dialog.banner.text()
    assert str(target) in dialog.banner.text()
    assert target.read_bytes() == b"the old workbook"


# -------------------------------------------------------------------------- import
@pytest.fixture
def importer(ctx: AppContext, qtbot: Any) -> ImportWorkloadsDialog:
    dialog = ImportWorkloadsDialog(ctx)
    qtbot.addWidget(dialog)
    return dialog


def test_preview_shows_creates_changes_and_errors_with_row_and_column(
    seeded: Org, importer: ImportWorkloadsDialog, tmp_path: Path
) -> None:
    make_workload(seeded, "OLD-1")
    path = write_csv(
        tmp_path,
        "tracker.csv",
        "NEW-1,Brand new change,feature,Payments,3",
        "OLD-1,A better title,feature,Payments,3",
        "BAD-1,Odd size,feature,Payments,4",
    )

    assert importer.load(path)

    tabs = [importer.tabs.tabText(i).replace("&", "") for i in range(4)]
    assert tabs[:3] == ["To create (1)", "To update (1)", "Errors (1)"]
    assert column(importer.models["create"], "key") == ["NEW-1"]
    update = importer.models["update"]
    assert column(update, "key") == ["OLD-1"]
    assert column(update, "column") == ["Title"]
    assert column(update, "before") == ["Change OLD-1"]
    assert column(update, "after") == ["A better title"]
    errors = importer.models["errors"]
    assert column(errors, "row") == ["4"]
    assert column(errors, "column") == ["Size"]
    assert column(errors, "key") == ["BAD-1"]
    assert not importer.apply_button.isEnabled()
    assert "1 row cannot be imported" in importer.why.text()
    assert keys_of(seeded) == {"OLD-1"}, "a preview writes nothing"


def test_apply_is_one_undoable_step(
    seeded: Org, ctx: AppContext, importer: ImportWorkloadsDialog, tmp_path: Path
) -> None:
    old_uuid, _version = make_workload(seeded, "OLD-1")
    path = write_csv(
        tmp_path,
        "tracker.csv",
        "NEW-1,Brand new change,feature,Payments,3",
        "OLD-1,A better title,feature,Payments,5",
    )
    assert importer.load(path)
    assert importer.apply_button.isEnabled()
    seen: list[str] = []
    ctx.data_changed.connect(seen.append)

    importer.apply_button.click()

    assert importer.result() == importer.DialogCode.Accepted
    assert keys_of(seeded) == {"OLD-1", "NEW-1"}
    after = workload(seeded, old_uuid)
    assert after is not None
    assert (after["title"], after["size"]) == ("A better title", 5)
    assert "workload" in seen
    assert ctx.undo_stack.count() == 1

    ctx.undo_stack.undo()  # Ctrl+Z

    assert keys_of(seeded) == {"OLD-1"}
    back = workload(seeded, old_uuid)
    assert back is not None
    assert (back["title"], back["size"]) == ("Change OLD-1", 3)

    ctx.undo_stack.redo()  # planned again from the same rows

    assert keys_of(seeded) == {"OLD-1", "NEW-1"}
    again = workload(seeded, old_uuid)
    assert again is not None and again["title"] == "A better title"
    assert audit_ok(seeded)


def test_undo_after_someone_else_edited_says_so_and_keeps_their_edit(
    seeded: Org, ctx: AppContext, importer: ImportWorkloadsDialog, tmp_path: Path
) -> None:
    reports: list[str] = []
    make_workload(seeded, "OLD-1")
    assert importer.load(write_csv(tmp_path, "a.csv", "OLD-1,A better title,feature,Payments,3"))
    importer.apply_button.click()
    command = importer.command
    assert command is not None
    command.report = reports.append
    update_behind_the_back(seeded, uuid_of(seeded, "OLD-1"), title="Their title")

    ctx.undo_stack.undo()

    assert reports and "Could not undo" in reports[0]
    changed = workload(seeded, uuid_of(seeded, "OLD-1"))
    assert changed is not None and changed["title"] == "Their title"


def test_enter_in_the_file_field_reads_the_file_and_never_applies(
    seeded: Org, importer: ImportWorkloadsDialog, tmp_path: Path, qtbot: Any
) -> None:
    path = write_csv(tmp_path, "a.csv", "NEW-1,New,feature,Payments,3")
    importer.show()
    qtbot.waitExposed(importer)
    importer.path.setText(str(path))

    qtbot.keyClick(importer.path, Qt.Key.Key_Return)
    qtbot.keyClick(importer.path, Qt.Key.Key_Return)

    assert column(importer.models["create"], "key") == ["NEW-1"]
    assert importer.apply_button.isEnabled()
    assert keys_of(seeded) == set(), "only Apply imports"


def test_apply_is_off_when_every_row_matches(
    seeded: Org, importer: ImportWorkloadsDialog, tmp_path: Path
) -> None:
    make_workload(seeded, "OLD-1")
    assert importer.load(write_csv(tmp_path, "same.csv", "OLD-1,Change OLD-1,feature,Payments,3"))

    assert not importer.apply_button.isEnabled()
    assert importer.why.text() == "Nothing to change: every row matches."


def test_a_stale_preview_is_refused_and_nothing_is_imported(
    seeded: Org, ctx: AppContext, importer: ImportWorkloadsDialog, tmp_path: Path
) -> None:
    make_workload(seeded, "OLD-1")
    path = write_csv(
        tmp_path, "a.csv", "NEW-1,New,feature,Payments,3", "OLD-1,Mine,feature,Payments,3"
    )
    assert importer.load(path)
    update_behind_the_back(seeded, uuid_of(seeded, "OLD-1"), title="Theirs")

    importer.apply_button.click()

    assert importer.result() != importer.DialogCode.Accepted
    assert not importer.banner.isHidden()
    assert "since the preview" in importer.banner.text()
    assert keys_of(seeded) == {"OLD-1"}
    assert ctx.undo_stack.count() == 0


def test_an_unreadable_file_is_named_with_its_reason(
    importer: ImportWorkloadsDialog, tmp_path: Path
) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("Summary,Points\nSomething,3\n", encoding="utf-8")

    assert not importer.load(path)

    assert "notes.csv cannot be imported" in importer.banner.text()
    assert "key" in importer.banner.text()
    assert not importer.apply_button.isEnabled()


def test_preview_model_passes_the_model_tester(qtmodeltester: Any) -> None:
    model = ImportPreviewTableModel(ERROR_COLUMNS)
    model.set_lines(
        [
            PreviewLine(10, "A-1", "Size", text="must be on the Fibonacci scale"),
            PreviewLine(9, "A-2", "Team", text="no team called Nope"),
            PreviewLine(None, "", "", text="default team: unknown"),
        ]
    )
    qtmodeltester.check(model)
    changes = ImportPreviewTableModel(UPDATE_COLUMNS)
    changes.set_lines([PreviewLine(2, "A-1", "Title", before="", after="New")])
    qtmodeltester.check(changes)


def test_errors_sort_by_row_number_as_numbers() -> None:
    model = ImportPreviewTableModel(ERROR_COLUMNS)
    model.set_lines([PreviewLine(10, text="b"), PreviewLine(9, text="a"), PreviewLine(100)])

    model.sort(model.column_of("row"))

    assert column(model, "row") == ["9", "10", "100"]


# ---------------------------------------------------------------------- who may import
def test_a_viewer_may_export_but_not_import(
    viewer_ctx: AppContext, messages: Messages, qtbot: Any
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    assert excel_actions.import_workloads(parent, viewer_ctx) is None
    assert "Read only" in messages.texts("information")[0]
    dialog = excel_actions.export_to_excel(parent, viewer_ctx)
    assert isinstance(dialog, ExportXlsxDialog)
    assert wait_until_idle()
    dialog.close()


@pytest.fixture
def window(qtbot: Any) -> Iterator[Callable[..., MainWindow]]:
    """The real window with the real Workloads screen, on the seeded database."""
    made: list[MainWindow] = []

    def make(org: Org, *, coordinator: bool = True) -> MainWindow:
        if coordinator:  # on PostgreSQL the database user acts: make it a coordinator
            acting_login_is_coordinator(org)
        spec = ViewSpec("workloads", "Workloads", WorkloadsView)
        win = MainWindow(views=[spec], persist=False)
        qtbot.addWidget(win)
        made.append(win)
        win.use_database(org.db)
        return win

    yield make
    for win in made:
        win.session.close()


def test_the_window_offers_both_commands_on_free_keys(
    seeded: Org, window: Callable[..., MainWindow]
) -> None:
    win = window(seeded)
    export, importer = win.export_excel_action, win.import_workloads_action

    assert export.shortcut().toString() == "Ctrl+Shift+X"
    assert importer.shortcut().toString() == "Ctrl+Shift+I"
    assert export.isEnabled() and importer.isEnabled()
    keys = [
        k.toString()
        for a in win.findChildren(QAction)
        if a not in (export, importer)
        for k in a.shortcuts()
    ]
    assert "Ctrl+Shift+X" not in keys and "Ctrl+Shift+I" not in keys
    assert any("Export to Excel" in c.path for c in window_commands(win)), "in the palette"


def test_a_viewer_sees_import_greyed_with_the_reason(
    seeded: Org, window: Callable[..., MainWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELEASEDESK_USER", "viewer")  # PostgreSQL: a user who is no one
    win = window(seeded, coordinator=False)

    assert win.export_excel_action.isEnabled()
    assert not win.import_workloads_action.isEnabled()
    assert "Read only" in win.import_workloads_action.toolTip()


def test_the_workloads_export_covers_the_release_the_list_shows(
    seeded: Org, window: Callable[..., MainWindow], qtbot: Any
) -> None:
    train = make_train(seeded, "Payments train", NOW, upcoming=2)
    win = window(seeded)
    view = win.current_view()
    assert isinstance(view, WorkloadsView)
    bar = view.filter_bar
    bar.combo("release").setCurrentIndex(bar.combo("release").findText(train.upcoming[1]))
    bar.apply_now()

    win.export_excel_action.trigger()

    dialog = win.findChild(ExportXlsxDialog)
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert wait_until_idle()
    assert dialog.one_release.isChecked()
    assert dialog.scope() == excel_actions.ExcelScope(release="R-2")
    assert Path(dialog.path.text()).name == "release-R-2.xlsx"
    dialog.reject()


def test_the_capacity_export_covers_the_picked_card_release_else_the_first_shown() -> None:
    release = SimpleNamespace(name="APP-2")
    board = SimpleNamespace(
        items={7: SimpleNamespace(release=2), 8: SimpleNamespace(release=None)},
        columns=[
            SimpleNamespace(release=None, title="Backlog"),
            SimpleNamespace(release=SimpleNamespace(name="APP-1"), title="APP-1"),
            SimpleNamespace(release=release, title="APP-2"),
        ],
        release_name=lambda rid: {2: "APP-2"}.get(rid, "Backlog"),
    )
    view = SimpleNamespace(board=board, canvas=SimpleNamespace(current=7))
    scope_of = excel_actions.capacity_scope_of(view)

    assert scope_of() == excel_actions.ExcelScope(release="APP-2")
    view.canvas.current = 8  # a backlog card: the board's first release
    assert scope_of() == excel_actions.ExcelScope(release="APP-1")
    view.board = None  # not loaded yet
    assert scope_of() == excel_actions.ExcelScope()
