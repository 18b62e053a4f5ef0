"""What the Workloads, Teams and Components screens share: a filter bar over a table, the
new/edit/delete actions with their keys, permission cues, and undoable writes.

Subclasses say which model, which filters and how to (re)load; everything a user relies on
across screens (Enter edits, Delete deletes with confirmation, Ctrl+F searches, the selection
survives a refresh) lives here once.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.db import DatabaseError
from app.services.crud import EntitySpec
from app.services.errors import ConflictError, PermissionDenied, ServiceError, ValidationError
from ui.context import AppContext
from ui.models.row_table_model import ColumnsModel
from ui.undo import DeleteEntityCommand
from ui.widgets.dialogs.entity_dialog import EntityDialog
from ui.widgets.filter_bar import FilterBar

MAX_DELETE = 200
"""A bigger selection is almost surely Ctrl+A by accident; deleting it needs a filter first."""


class EntityView(QWidget):
    name: ClassVar[str]
    title: ClassVar[str]
    spec: ClassVar[EntitySpec]
    plural: ClassVar[str]
    search_hint: ClassVar[str] = "Search (Ctrl+F)"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{self.name}View")
        self.ctx = ctx
        self.dialog: EntityDialog | None = None
        """The edit dialog last opened here; window-modal, so the event loop keeps running."""
        self._stale = False
        self.filter_bar = FilterBar(self.search_hint, self)
        self._add_filters()
        self.model = self._make_model()
        self.table = self._make_table(self.model)
        self.toolbar = self._make_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.table)
        self.filter_bar.changed.connect(self._filter_changed)
        ctx.data_changed.connect(self._data_changed)
        self.refresh()

    # ------------------------------------------------ contract with the main window
    @property
    def can_edit(self) -> bool:
        return self.ctx.actor.has(*self.spec.roles)

    def refresh(self) -> None:
        """Re-read from the database, keeping the selected row selected if it is still shown."""
        self._stale = False
        keep = self.current_row()
        old_row = self.table.currentIndex().row()
        self._refresh_choices()
        self._reload()
        if keep is not None:
            near = min(old_row, self.model.rowCount() - 1)
            self.model.row_at(near)  # a paged model loads the page the row most likely is on
            if not self.select_uuid(keep.uuid):
                self._select_row(near)
        shown, total = self._counts()
        self.filter_bar.set_count(shown, total, self.plural)
        self._update_actions()

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    def new_item(self) -> None:
        if not self.can_edit:
            self._warn(f"Read only: {self._why_read_only()}.")
            return
        self._open_dialog(None, self._new_defaults())

    def edit_selected(self) -> None:
        """Viewers get the same dialog read-only: they may look, not change."""
        row = self.current_row()
        if row is not None:
            self._open_dialog(row.uuid, None)

    def delete_selected(self) -> None:
        count = len(self._selected_row_numbers())
        if not count:
            return
        if not self.can_edit:
            self._warn(f"Read only: {self._why_read_only()}.")
            return
        if count > MAX_DELETE:  # checked before reading the rows: Ctrl+A may span 100,000
            self._warn(
                f"{count:,} {self.plural} are selected; delete at most {MAX_DELETE} at a "
                "time (narrow the list with the filters first)."
            )
            return
        rows = self.selected_rows()
        what = (
            f"{self.spec.label} “{self._title_of(rows[0])}”"
            if len(rows) == 1
            else f"{len(rows)} {self.plural}"
        )
        if not self._confirm(f"Delete {what}?\n\nYou can undo this with Undo (Ctrl+Z)."):
            return
        self._delete(rows)

    # --------------------------------------------------------------- selection
    def current_row(self) -> Any | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def selected_rows(self) -> list[Any]:
        found = [self.model.row_at(r) for r in self._selected_row_numbers()]
        return [r for r in found if r is not None]

    def _selected_row_numbers(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def select_uuid(self, entity_uuid: str) -> bool:
        row = self._row_of(entity_uuid)
        if row >= 0:
            self._select_row(row)
        return row >= 0

    # ------------------------------------------------------------- subclass API
    def _make_model(self) -> ColumnsModel:
        raise NotImplementedError

    def _add_filters(self) -> None:
        """Add filter combos to `self.filter_bar`."""

    def _refresh_choices(self) -> None:
        """Reload combo choices that come from the database (teams, releases...)."""

    def _reload(self) -> None:
        raise NotImplementedError

    def _counts(self) -> tuple[int, int]:
        raise NotImplementedError

    def _row_of(self, entity_uuid: str) -> int:
        raise NotImplementedError

    def _title_of(self, row: Any) -> str:
        return str(getattr(row, "key", None) or getattr(row, "name", row.uuid))

    def _new_defaults(self) -> dict[str, Any]:
        return {}

    # ----------------------------------------------------------------- private
    def _make_table(self, model: ColumnsModel) -> QTableView:
        table = QTableView(self)
        table.setModel(model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.setTabKeyNavigation(False)
        rows = table.verticalHeader()
        rows.setVisible(False)
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        for i, column in enumerate(model.columns):
            table.setColumnWidth(i, column.width)
        table.setSortingEnabled(True)
        table.doubleClicked.connect(lambda _index: self.edit_selected())
        table.selectionModel().selectionChanged.connect(self._update_actions)
        table.installEventFilter(self)
        table.setAccessibleName(self.title)
        return table

    def _make_toolbar(self) -> QToolBar:
        bar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        label = self.spec.label
        self.new_action = QAction(f"New {label}…", self)
        self.edit_action = QAction(f"Edit {label}…", self)
        self.delete_action = QAction(f"Delete {label}", self)
        self._hints = {
            self.new_action: f"Add a {label} (Insert or Ctrl+N)",
            self.edit_action: f"Change the selected {label} (Enter or double-click)",
            self.delete_action: f"Delete the selected {self.plural} (Delete); undoable",
        }
        self.new_action.triggered.connect(self.new_item)
        self.edit_action.triggered.connect(self.edit_selected)
        self.delete_action.triggered.connect(self.delete_selected)
        for action in self._hints:
            bar.addAction(action)
        if not self.can_edit:
            spacer = QWidget(bar)
            spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            bar.addWidget(spacer)
            note = QLabel(f"Read only: {self._why_read_only()}", bar)
            note.setObjectName("readOnlyNote")
            bar.addWidget(note)
        return bar

    def _why_read_only(self) -> str:
        roles = " or ".join(sorted(self.spec.roles))
        return (
            f"you are signed in as {self.ctx.actor.label}, and changing {self.plural} "
            f"needs the {roles} role"
        )

    def _update_actions(self) -> None:
        has_row = bool(self.table.selectionModel().selectedRows())
        why = "" if self.can_edit else f" — not available: {self._why_read_only()}"
        for action, hint in self._hints.items():
            action.setToolTip(hint + why)
            action.setStatusTip(hint + why)
        self.new_action.setEnabled(self.can_edit)
        self.edit_action.setEnabled(self.can_edit and has_row)
        self.delete_action.setEnabled(self.can_edit and has_row)

    def _select_row(self, row: int) -> None:
        if row < 0:
            return
        index = self.model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.selectionModel().setCurrentIndex(index, flags)
        self.table.scrollTo(index)

    def _open_dialog(self, entity_uuid: str | None, initial: dict[str, Any] | None) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        try:
            dialog = EntityDialog(
                self.ctx,
                self.spec,
                entity_uuid,
                initial=initial,
                read_only=not self.can_edit,
                parent=self,
            )
        except (ServiceError, DatabaseError) as exc:
            self._warn(str(exc))
            self.refresh()
            return
        dialog.saved.connect(self._saved)
        self.dialog = dialog
        dialog.open()

    def _saved(self, entity_uuid: str) -> None:
        self.select_uuid(entity_uuid)

    def _delete(self, rows: list[Any]) -> None:
        done: list[DeleteEntityCommand] = []
        for row in rows:
            command = DeleteEntityCommand(
                self.ctx, self.spec, row.uuid, row.version, title=self._title_of(row)
            )
            try:
                command.run()
            except ValidationError as exc:
                messages = "; ".join(e.message for e in exc.errors)
                self._warn(f"Cannot delete this {self.spec.label}: {messages}.")
                break
            except ConflictError:
                self._warn(
                    f"{self.spec.label.capitalize()} “{self._title_of(row)}” was changed or "
                    "deleted by someone else since the list was shown. The list has been "
                    "refreshed; check it and delete again if you still want to."
                )
                self.refresh()
                break
            except (PermissionDenied, ServiceError, DatabaseError) as exc:
                self._warn(str(exc))
                break
            done.append(command)
        stack = self.ctx.undo_stack
        if len(done) > 1:
            stack.beginMacro(f"Delete {len(done)} {self.plural}")
        for command in done:
            command.push()
        if len(done) > 1:
            stack.endMacro()

    def _filter_changed(self) -> None:
        self._reload()
        shown, total = self._counts()
        self.filter_bar.set_count(shown, total, self.plural)
        self._update_actions()

    def _data_changed(self, _label: str) -> None:
        """Only a visible screen re-queries at once; a hidden one catches up when shown."""
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
                self.edit_selected()
                return True
            if event.key() == Qt.Key.Key_Delete and plain:
                self.delete_selected()
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Insert or event.matches(QKeySequence.StandardKey.New):
            self.new_item()
        elif event.matches(QKeySequence.StandardKey.Find):
            self.focus_search()
        else:
            super().keyPressEvent(event)

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(
            self,
            self.title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _warn(self, text: str) -> None:
        QMessageBox.warning(self, self.title, text)
