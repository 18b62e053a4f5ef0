"""The Runbooks screen: the rollback runbooks on the left, the one picked in the middle as an
in-memory draft with its sign-off and history, and the rollback decision log on its own tab.

Edits never touch the database until Save, which writes a new version (an approved version
is never changed: saving voids its sign-offs, and the editor says so before the first edit).
Until then the draft lives in memory with its own undo history, and on disk a moment after
each edit, so a crash loses nothing. Leaving a runbook, or the application, with unsaved
changes asks first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.services.actor import Actor
from app.services.errors import NotFound
from app.services.runbook_queries import RunbookDoc, RunbookRow, list_runbooks, load, people
from app.services.runbooks import EDITORS
from ui.context import AppContext
from ui.models.runbook_list_model import RunbookListModel
from ui.views.runbooks import actions, draft_files, export, saving
from ui.views.runbooks.draft import Draft, Focus
from ui.views.runbooks.draft_files import DraftKeeper
from ui.views.runbooks.editor import RunbookEditor
from ui.views.runbooks.fonts import apply_accents
from ui.views.runbooks.header import RunbookHeader
from ui.views.runbooks.history_panel import HistoryPanel
from ui.views.runbooks.keys import DraftKeys
from ui.views.runbooks.list_panel import ListPanel
from ui.views.runbooks.pages import decision_panel, message_page
from ui.views.runbooks.signoff_panel import SignOffPanel
from ui.views.runbooks.state import load_state, save_state
from ui.widgets.splits import share
from ui.workers import Loader

RELOAD_ON = frozenset({"*", "runbook", "approval", "component", "workload"})
EDITOR_TAB, SIGN_OFF_TAB, HISTORY_TAB = range(3)
EMPTY_PAGE, PICK_PAGE, WORK_PAGE = range(3)


class RunbooksView(QWidget):
    name = "runbooks"
    title = "Runbooks"

    loaded = Signal()
    """The list has landed and is on screen."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runbooksView")
        self.ctx = ctx
        self.state = load_state()
        self.can_edit = ctx.actor.has(*EDITORS)
        self.draft = Draft(self)
        self.draft.read_only = not self.can_edit
        self.draft.confirm_void = self._confirm_void
        self.keeper = DraftKeeper(self)
        self.ask_note: Callable[[int], str | None] = lambda n: saving.ask_note(self, n)
        self.ask_conflict: Callable[[str], bool] = lambda text: saving.ask_conflict(self, text)
        self.dialog: QWidget | None = None
        """The dialog last opened here (tests and screen readers find it)."""
        self._writing = False
        self._stale = False
        self._sized = False
        self._watching: QObject | None = None
        self.loader = Loader(ctx, self)
        self.loader.landed.connect(self._landed)
        self.loader.failed.connect(self._failed)
        self._build()
        self._connect()
        self._load_list()
        self.loader.start("people", people)

    # ------------------------------------------------------------------ building
    def _build(self) -> None:
        self.runbooks_page = QWidget(self)
        self.list_model = RunbookListModel(self)
        self.list_panel = ListPanel(self.list_model, self.runbooks_page)
        self.list_panel.set_kind(self.state.kind)
        self.header = RunbookHeader(self.runbooks_page)
        self.header.title.setReadOnly(not self.can_edit)
        self.editor = RunbookEditor(self.draft, self.runbooks_page)
        self.editor.set_read_only(not self.can_edit)
        self.editor.focus_title = lambda: self.header.title.setFocus()
        self.signoff = SignOffPanel(self.ctx, self.runbooks_page)
        self.history = HistoryPanel(self.ctx, self.runbooks_page)
        self.history.read_only = not self.can_edit
        self.center = QTabWidget(self.runbooks_page)
        self.center.setObjectName("runbookTabs")
        self.center.addTab(self.editor, "&Editor")
        self.center.addTab(self.signoff, "Sign-&off")
        self.center.addTab(self.history, "&History")
        self.center.setCurrentIndex(min(max(self.state.tab, 0), 2))
        self.editor.lower.setCurrentIndex(min(max(self.state.lower_tab, 0), 2))
        work = QWidget(self.runbooks_page)
        column = QVBoxLayout(work)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.header)
        column.addWidget(self.center, 1)
        self.pages = QStackedWidget(self.runbooks_page)
        self.empty_page = message_page(
            "No runbooks yet",
            "A runbook says how to roll a change back, step by step, who does each step and "
            "which SLO breach calls for it. Start with a template for a component: its "
            "workloads can start from it and adapt.",
            "New runbook…" if self.can_edit else "",
            self.new_item,
            self.pages,
        )
        self.pick_page = message_page("Pick a runbook on the left", "", "", None, self.pages)
        self.pages.addWidget(self.empty_page)
        self.pages.addWidget(self.pick_page)
        self.pages.addWidget(work)
        self.split = QSplitter(Qt.Orientation.Horizontal, self.runbooks_page)
        self.split.addWidget(self.list_panel)
        self.split.addWidget(self.pages)
        self.split.setChildrenCollapsible(False)
        self.split.setStretchFactor(1, 1)
        self.status = QLabel(" ", self.runbooks_page)
        self.status.setObjectName("runbooksStatus")
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.toolbar = actions.build(self)
        page = QVBoxLayout(self.runbooks_page)
        page.setContentsMargins(8, 4, 8, 6)
        page.addWidget(self.toolbar)
        page.addWidget(self.split, 1)
        page.addWidget(self.status)
        self.decisions = decision_panel(self.ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("runbooksTopTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.runbooks_page, "Runbooks")
        self.tabs.addTab(self.decisions, "Rollback decisions")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.setFocusProxy(self.list_panel.list)
        self.keys = DraftKeys(self.draft, self)
        self.keys.watch(self.runbooks_page, self.header.title, *self.editor.text_fields())
        self.pages.setCurrentIndex(PICK_PAGE)
        actions.update(self)

    def _connect(self) -> None:
        self.draft.changed.connect(self._draft_changed)
        self.draft.refused.connect(lambda: self._draft_changed(None))
        self.header.title_edited.connect(self._title_edited)
        self.list_panel.filter_changed.connect(self._filter_changed)
        selection = self.list_panel.list.selectionModel()
        selection.currentChanged.connect(lambda current, _prev: self._picked(current.row()))
        self.signoff.changed.connect(self._refresh_doc)
        self.history.revert_requested.connect(lambda n: saving.revert_to(self, n))
        self.center.currentChanged.connect(self._tab_changed)
        self.editor.lower.currentChanged.connect(self._tab_changed)
        self.ctx.data_changed.connect(self._data_changed)

    # ------------------------------------------------- contract with the main window
    def refresh(self) -> None:
        self._stale = False
        self._load_list()
        self._refresh_doc()
        if self.tabs.currentWidget() is self.decisions:
            cast(Any, self.decisions).refresh()

    def focus_search(self) -> None:
        if self.tabs.currentWidget() is self.decisions:
            cast(Any, self.decisions).focus_search()
            return
        self.list_panel.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.list_panel.search.selectAll()

    def new_item(self) -> None:
        if not self.can_edit:
            self.tell(f"Read only: {actions.why_read_only(self)}.")
            return
        from ui.views.runbooks.new_dialog import NewRunbookDialog

        taken = [(r.subject_kind, r.subject) for r in self.list_model.rows()]
        dialog = NewRunbookDialog(self.ctx, taken, self)
        self.dialog = dialog
        if dialog.exec() and dialog.created:
            self.tabs.setCurrentWidget(self.runbooks_page)
            self.state.runbook = dialog.created
            self._load_list()
            if self.open_runbook(dialog.created):
                self.center.setCurrentIndex(EDITOR_TAB)
                self.editor.steps.table.setFocus()
        dialog.deleteLater()

    def edit_selected(self) -> None:
        focus = self.focusWidget()
        tables = (self.editor.steps.table, self.editor.triggers.table)
        if focus in tables:
            table = cast(QAbstractItemView, focus)
            if table.currentIndex().isValid():
                table.edit(table.currentIndex())
        elif focus is self.list_panel.list and self.draft.doc is not None:
            self.center.setCurrentIndex(EDITOR_TAB)
            self.editor.steps.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if self.editor.current_row() < 0:
                self.editor.select_steps([0])

    def delete_selected(self) -> None:
        if self.focusWidget() is self.list_panel.list:
            self.tell("Runbooks are kept with their whole history; there is no delete.")

    def save(self) -> bool:
        return saving.save(self)

    def export(self) -> None:
        doc = self.draft.doc
        if doc is None:
            return
        written = export.export(self.ctx, doc, self.draft.dirty, self.state.export_folder, self)
        if written is not None:
            self.state.export_folder = str(written.parent)
            save_state(self.state)
            self.tell(f"Wrote {written}.")

    def print_runbook(self) -> None:
        doc = self.draft.doc
        if doc is not None and export.print_runbook(self.ctx, doc, self.draft.dirty, self):
            self.tell(f"Sent version {doc.revision} to the printer.")

    def show_decisions(self, deployment_uuid: str = "") -> None:
        """The rollback decision log, narrowed to one deployment when given."""
        self.tabs.setCurrentWidget(self.decisions)
        if deployment_uuid:
            cast(Any, self.decisions).show_deployment(deployment_uuid)

    def tell(self, text: str) -> None:
        self.status.setText(text or " ")

    # ------------------------------------------------------------------ reading
    def write(self, work: Callable[[Session, Actor], Any]) -> Any:
        """A write of the open runbook; the view reloads it itself afterwards."""
        self._writing = True
        try:
            return self.ctx.write("runbook", work)
        finally:
            self._writing = False

    def read_doc(self, runbook_uuid: str) -> RunbookDoc:
        with self.ctx.read() as session:
            return load(session, runbook_uuid)

    def _load_list(self) -> None:
        text, kind = self.list_panel.text(), self.list_panel.kind_value()
        self.loader.start("list", lambda s: (text, kind, list_runbooks(s, text, kind)))

    def _landed(self, part: str, result: object) -> None:
        if part == "people":
            self.editor.set_people(cast(list[tuple[str, str]], result))
            return
        text, kind, rows = cast(tuple[str, str, list[RunbookRow]], result)
        self.list_model.set_rows(rows)
        self.list_panel.count.setText(f"{len(rows)} runbook{'s' if len(rows) != 1 else ''}")
        doc = self.draft.doc
        wanted = doc.uuid if doc is not None else self.state.runbook
        if doc is None and rows and not any(r.uuid == wanted for r in rows):
            wanted = rows[0].uuid  # open on a runbook, not on an empty editor
        if self.list_panel.select_uuid(wanted) and doc is None:
            self.open_runbook(wanted)
        nothing_at_all = not rows and not text and not kind
        self.list_panel.setVisible(not nothing_at_all)
        if doc is None and self.draft.doc is None:
            self.pages.setCurrentIndex(EMPTY_PAGE if nothing_at_all else PICK_PAGE)
        self.loaded.emit()

    def _failed(self, part: str, exc: BaseException) -> None:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        self.tell(f"⚠ Could not read the {part}: {first[:200]}")

    def _filter_changed(self) -> None:
        self.state.kind = self.list_panel.kind_value()
        save_state(self.state)
        self._load_list()

    # ------------------------------------------------------------------ opening
    def _picked(self, row: int) -> None:
        picked = self.list_model.row_at(row)
        doc = self.draft.doc
        if picked is None or (doc is not None and picked.uuid == doc.uuid):
            return
        if not self.open_runbook(picked.uuid):
            self.list_panel.select_uuid(doc.uuid if doc is not None else "")

    def open_runbook(self, runbook_uuid: str) -> bool:
        """Show a runbook's current version for editing; False when the user chose to stay
        with unsaved changes, or it no longer exists."""
        doc = self.draft.doc
        if doc is not None and doc.uuid == runbook_uuid:
            return True
        if not saving.settle(self, "opening another runbook"):
            return False
        try:
            found = self.read_doc(runbook_uuid)
        except (NotFound, ValueError) as exc:
            self.tell(f"⚠ That runbook cannot be opened: {exc}")
            return False
        leftover = draft_files.read(runbook_uuid)
        self.header.show_notice("")
        self.draft.load(found)
        self.editor.select_steps([0])
        self.history.show_doc(found)
        saving.offer_restore(self, leftover)
        self.state.runbook = runbook_uuid
        save_state(self.state)
        self.list_panel.select_uuid(runbook_uuid)
        return True

    def reload_doc(self, *, keep_history: bool) -> None:
        doc = self.draft.doc
        if doc is None:
            return
        latest = self.read_doc(doc.uuid)
        self.header.show_notice("")
        self.draft.load(latest, keep_history=keep_history)
        self.history.show_doc(latest)
        self._load_list()

    def _refresh_doc(self) -> None:
        """Catch up with a write made elsewhere, never at the cost of the draft."""
        doc = self.draft.doc
        if doc is None:
            return
        try:
            latest = self.read_doc(doc.uuid)
        except NotFound:
            self.header.show_notice("This runbook no longer exists.")
            return
        if latest == doc:
            return
        if latest.version == doc.version:  # the same version: its sign-offs changed
            self.draft.rebase(latest)
        elif not self.draft.dirty:
            self.draft.load(latest)
            self.tell(f"Version {latest.revision} was saved elsewhere and is shown now.")
        else:
            self.header.show_notice(
                f"Version {latest.revision} was saved by someone else meanwhile; your draft "
                f"is based on version {doc.revision}. Saving will ask what to do."
            )
        self.history.show_doc(self.draft.doc)

    def _data_changed(self, label: str) -> None:
        if self._writing or label not in RELOAD_ON:
            return
        if self.isVisible():
            self._load_list()
            self._refresh_doc()
        else:
            self._stale = True

    # ------------------------------------------------------------------ editing
    def _draft_changed(self, focus: Focus | None) -> None:
        draft, doc = self.draft, self.draft.doc
        if doc is None:
            self.pages.setCurrentIndex(PICK_PAGE if self.list_model.rowCount() else EMPTY_PAGE)
            actions.update(self)
            return
        self.pages.setCurrentIndex(WORK_PAGE)
        self.editor.show_body(draft.body, focus)
        self.header.show_doc(doc, draft.body.title, draft.dirty, len(self.editor.issues))
        if (doc, draft.dirty) != (self.signoff.doc, self.signoff.dirty):
            self.signoff.show_doc(doc, draft.dirty)
        if focus is not None and focus.kind == "title":
            self.center.setCurrentIndex(EDITOR_TAB)
        if draft.dirty:
            self.keeper.keep(doc.uuid, doc.revision, draft.body)
        else:
            self.keeper.drop(doc.uuid)
        if self.keeper.error:
            self.tell(f"⚠ {self.keeper.error}")
        actions.update(self)

    def _title_edited(self, text: str) -> None:
        self.editor.edit_title(text)

    def _confirm_void(self, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            "Edit an approved runbook",
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _tab_changed(self) -> None:
        self.state.tab = self.center.currentIndex()
        self.state.lower_tab = self.editor.lower.currentIndex()
        save_state(self.state)

    # ------------------------------------------------------------------ window life
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized and self.width() > 0:
            self._sized = True
            share(self.split, 0.23)
        window = self.window()
        if window is not self and self._watching is not window:
            window.installEventFilter(self)
            self._watching = window
        if self._stale:
            self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode, or back
            apply_accents(self)
            self.editor.details.fit()
            self.editor.summary.fit(8)
        elif event.type() == QEvent.Type.PaletteChange:
            self.history.compare()

    def hideEvent(self, event: QHideEvent) -> None:
        self.keeper.flush()
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The window is closing: a draft with changes is saved, discarded or kept open."""
        if watched is self._watching and event.type() == QEvent.Type.Close:
            self.keeper.flush()
            if not saving.settle(self, "closing"):
                cast(QCloseEvent, event).ignore()
                return True
        return super().eventFilter(watched, event)
