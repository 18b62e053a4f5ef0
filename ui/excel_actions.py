"""Excel exchange from the window: the File menu's export and import, each view's own export,
and the workload import as one undoable step.

The window's "Export to Excel…" asks the view on screen for its scope (a view that offers
one registers it with `add_view_export`), so Ctrl+Shift+X in the Workloads list exports the
release it is filtered on, and the view's own toolbar button does exactly the same. Import
needs the right to change workloads: for a viewer the command stays visible, greyed, with
the reason in its tip, so nobody wonders where it went.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox, QToolBar, QWidget
from sqlalchemy.orm import Session

from app.services import crud
from app.services.actor import Actor
from app.services.workloads import WORKLOAD
from ui.context import AppContext
from ui.settings import APPLICATION, ORGANIZATION, settings_path
from ui.undo import Reporter, ServiceCommand

if TYPE_CHECKING:
    from app.services.workload_import import Applied, ImportPlan
    from ui.main_window import MainWindow

EXPORT_KEY = "Ctrl+Shift+X"
"""Ctrl+Shift+E is the calendar's "export all dates" (iCalendar); X as in eXcel."""
IMPORT_KEY = "Ctrl+Shift+I"
GROUP = "excel"


@dataclass(frozen=True)
class ExcelScope:
    """What a workbook covers: one release, a period, or (neither) the whole database."""

    release: str | None = None
    start: date | None = None
    end: date | None = None


ScopeOf = Callable[[], ExcelScope]


# ------------------------------------------------------------------ remembered choices
def _settings() -> QSettings:
    """The application's INI file (the one `ui.settings` uses), under the "excel" group."""
    path = settings_path()
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        return QSettings(str(path), QSettings.Format.IniFormat)
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
    )


def remembered(name: str, default: str = "") -> str:
    qs = _settings()
    value = qs.value(f"{GROUP}/{name}", default)
    return value if isinstance(value, str) else default


def remember(name: str, value: str) -> None:
    qs = _settings()
    qs.setValue(f"{GROUP}/{name}", value)
    qs.sync()


def start_folder(name: str) -> str:
    """The folder remembered under `name` while it still exists; else the home folder."""
    folder = remembered(name)
    return folder if folder and Path(folder).is_dir() else str(Path.home())


# ------------------------------------------------------------------------- commands
def can_import(ctx: AppContext | None) -> bool:
    return ctx is not None and ctx.actor.has(*WORKLOAD.roles)


def why_no_import(ctx: AppContext | None) -> str:
    if ctx is None:
        return "Open a database first."
    return (
        f"Read only: {ctx.actor.label} may not change workloads "
        f"({' or '.join(sorted(WORKLOAD.roles))} only); exporting is open to everyone."
    )


def export_to_excel(parent: QWidget, ctx: AppContext, scope: ExcelScope | None = None) -> Any:
    """Open the export dialog, its scope pre-filled; returns the dialog (shown, not run)."""
    from ui.widgets.dialogs.export_xlsx_dialog import ExportXlsxDialog  # when first asked for

    dialog = ExportXlsxDialog(ctx, scope or ExcelScope(), parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def import_workloads(parent: QWidget, ctx: AppContext) -> Any:
    """Open the import dialog; a viewer hears why not instead."""
    if not can_import(ctx):
        QMessageBox.information(parent, "Import workloads", why_no_import(ctx))
        return None
    from ui.widgets.dialogs.import_workloads_dialog import ImportWorkloadsDialog

    dialog = ImportWorkloadsDialog(ctx, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def add_view_export(
    view: QWidget, bar: QToolBar | QMenu, scope_of: ScopeOf, before: QAction | None = None
) -> QAction:
    """A view's own "Export to Excel…" (on `bar`, before `before` when given), pre-filled with
    `scope_of()`; the window's shortcut asks the same function while the view is on screen,
    so both give the same dialog."""
    action = QAction("Export to E&xcel…", view)
    key = QKeySequence(EXPORT_KEY).toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"A workbook of what this screen shows ({key})")
    ctx: AppContext = view.ctx  # type: ignore[attr-defined]
    action.triggered.connect(lambda _checked=False: export_to_excel(view, ctx, scope_of()))
    view.excel_scope = scope_of  # type: ignore[attr-defined]
    if before is not None:
        bar.insertAction(before, action)
    else:
        bar.addAction(action)
    return action


def capacity_scope_of(view: Any) -> ScopeOf:
    """The capacity board's release: the picked card's, else the first release shown."""
    return lambda: _capacity_scope(view)


def _capacity_scope(view: Any) -> ExcelScope:
    board = view.board
    if board is None:
        return ExcelScope()
    item = board.items.get(view.canvas.current) if view.canvas.current is not None else None
    if item is not None and item.release is not None:
        return ExcelScope(release=board.release_name(item.release))
    first = next((c for c in board.columns if c.release is not None), None)
    return ExcelScope(release=first.title) if first is not None else ExcelScope()


def install(window: MainWindow, menu: QMenu) -> tuple[QAction, QAction]:
    """The File menu's two commands, kept on the window so their keys work in presentation
    mode and the command palette lists them; enabled for the database that is open."""
    export = QAction("&Export to Excel…", window)
    export.setShortcut(QKeySequence(EXPORT_KEY))
    export.setStatusTip("Write a workbook: the whole database, one release or a period")
    importer = QAction("&Import Workloads…", window)
    importer.setShortcut(QKeySequence(IMPORT_KEY))

    def scope() -> ExcelScope:
        view = window.current_view()
        scope_of = getattr(view, "excel_scope", None)
        return scope_of() if callable(scope_of) else ExcelScope()

    def run_export() -> None:
        if window.context is not None:
            export_to_excel(window, window.context, scope())

    def run_import() -> None:
        if window.context is not None:
            import_workloads(window, window.context)

    def update(ctx: AppContext | None) -> None:
        export.setEnabled(ctx is not None)
        importer.setEnabled(can_import(ctx))
        tip = (
            "Create and update workloads from an .xlsx or .csv file, previewed first"
            if can_import(ctx) or ctx is None
            else why_no_import(ctx)
        )
        importer.setToolTip(tip)
        importer.setStatusTip(tip)

    export.triggered.connect(lambda _checked=False: run_export())
    importer.triggered.connect(lambda _checked=False: run_import())
    for action in (export, importer):
        menu.addAction(action)
        window.addAction(action)  # keeps the keys alive while the menu bar is hidden
    menu.setToolTipsVisible(True)
    window.session.context_changed.connect(update)
    update(window.context)
    window.export_excel_action = export  # type: ignore[attr-defined]
    window.import_workloads_action = importer  # type: ignore[attr-defined]
    return export, importer


# ------------------------------------------------------------------- the import step
class ImportWorkloadsCommand(ServiceCommand):
    """One import as one undo step. `run()` applies the plan the user previewed (the
    service refuses it if the database moved since); undo takes it back (deleting what it
    created, restoring what it changed); redo plans again from the same file rows, so it
    meets the database as it is then. Each step tracks the versions it leaves, so an edit
    made here afterwards, and its own undo, do not read as someone else's change."""

    def __init__(self, ctx: AppContext, plan: ImportPlan, report: Reporter | None = None) -> None:
        text = f"Import workloads from {plan.sheet.source}"
        super().__init__(ctx, WORKLOAD, "", text, report)
        self.sheet = plan.sheet
        self.default_team = plan.default_team
        self._preview: ImportPlan | None = plan
        self.applied: Applied | None = None

    def _forward(self) -> None:
        from app.services.workload_import import apply_import, plan_import  # reads openpyxl

        preview, self._preview = self._preview, None  # a redo plans afresh

        def work(session: Session, actor: Actor) -> Applied:
            plan = preview or plan_import(session, self.sheet, default_team=self.default_team)
            return apply_import(session, actor, plan)

        applied = self._write(work)
        versions = self.ctx.known_versions
        for entity_uuid, version in applied.created:
            versions[entity_uuid] = version
        for entity_uuid, _before, version in applied.updated:
            versions[entity_uuid] = version
        self.applied = applied

    def _backward(self) -> None:
        from app.services.workload_import import undo_import

        applied = self.applied
        assert applied is not None, "undo before the import ran"
        versions = self.ctx.known_versions
        latest = replace(
            applied,
            created=[(u, versions.get(u, v)) for u, v in applied.created],
            updated=[(u, b, versions.get(u, v)) for u, b, v in applied.updated],
        )

        def work(session: Session, actor: Actor) -> dict[str, int]:
            undo_import(session, actor, latest)
            return {u: crud.get(session, WORKLOAD, u).version for u, _b, _v in latest.updated}

        versions.update(self._write(work))
