"""The steps table with its own keys: Insert, Ctrl+D, Delete, Alt+Up / Alt+Down, drag to reorder.

The panel only says what the user asked for (signals); the editor turns each request into one
undoable edit of the draft. Delete is claimed by the table itself (the window's Delete would
otherwise be ambiguous with it) so it works the same inside the window and on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QLabel,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolBar,
    QWidget,
)

from ui.models.runbook_steps_table_model import (
    CHECKPOINT,
    MAX_MINUTES,
    MINUTES,
    OWNER,
    WIDTHS,
    RunbookStepsTableModel,
)
from ui.views.runbooks.body_ops import OWNER_ROLES, ROLE_PREFIX
from ui.views.runbooks.tables import set_up_table, stack_table

AnyIndex = QModelIndex | QPersistentModelIndex
_EDITING = QAbstractItemView.State.EditingState


class SpinDelegate(QStyledItemDelegate):
    """A number within sensible bounds (a negative minute or threshold makes no sense): whole
    numbers, or `decimals` places after the point."""

    def __init__(
        self,
        low: float,
        high: float,
        suffix: str,
        parent: QWidget | None = None,
        *,
        decimals: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.low, self.high, self.suffix, self.decimals = low, high, suffix, decimals

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        spin: QSpinBox | QDoubleSpinBox
        if self.decimals is None:
            spin = QSpinBox(parent)
            spin.setRange(int(self.low), int(self.high))
        else:
            spin = QDoubleSpinBox(parent)
            spin.setDecimals(self.decimals)
            spin.setRange(self.low, self.high)
        spin.setSuffix(self.suffix)
        spin.setFrame(False)
        return spin

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole) or 0
        if isinstance(editor, QDoubleSpinBox):
            editor.setValue(float(value))
        else:
            assert isinstance(editor, QSpinBox)
            editor.setValue(int(value))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, QSpinBox | QDoubleSpinBox)
        editor.interpretText()
        model.setData(index, editor.value(), Qt.ItemDataRole.EditRole)


class OwnerDelegate(QStyledItemDelegate):
    """A role ("role: operations") or a person, picked or typed with completion on name and
    login alike: whoever runs the step at 02:00 must know who that is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.people: list[tuple[str, str]] = []

    def choices(self) -> list[str]:
        roles = [f"{ROLE_PREFIX} {r}" for r in OWNER_ROLES]
        return roles + [f"{login} — {name}" for login, name in self.people]

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(self.choices())
        combo.setMaxVisibleItems(16)
        completer = QCompleter(combo.model(), combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        combo.setAccessibleName("Owner: a login or a role")
        return combo

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setEditText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        line = editor.lineEdit()
        if line is not None:
            line.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class StepsTable(QTableView):
    delete_pressed = Signal()

    def __init__(self, may_edit: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.may_edit = may_edit
        self.check_column = CHECKPOINT
        """A column toggled by a click or Space rather than edited through an editor."""

    def edit(self, index: AnyIndex, trigger: Any = None, event: QEvent | None = None) -> bool:
        """Ask about an approved version before an editor opens, not after the typing."""
        if trigger is None:
            return super().edit(index)
        opens = trigger != QAbstractItemView.EditTrigger.NoEditTriggers and (
            bool(trigger & self.editTriggers()) or index.column() == self.check_column
        )
        flags = self.model().flags(index) if index.isValid() else Qt.ItemFlag.NoItemFlags
        editable = bool(flags & (Qt.ItemFlag.ItemIsEditable | Qt.ItemFlag.ItemIsUserCheckable))
        if opens and editable and self.state() != _EDITING and not self.may_edit():
            return False
        return super().edit(index, trigger, event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and _is_delete(event):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _is_delete(event) and self.state() != _EDITING:
            self.delete_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def selected_rows(self) -> list[int]:
        rows = {i.row() for i in self.selectionModel().selectedRows()}
        current = self.currentIndex()
        if not rows and current.isValid():
            rows = {current.row()}
        return sorted(rows)


def _is_delete(event: QEvent) -> bool:
    return (
        isinstance(event, QKeyEvent)
        and event.key() == Qt.Key.Key_Delete
        and event.modifiers() == Qt.KeyboardModifier.NoModifier
    )


class StepsPanel(QWidget):
    insert_requested = Signal()
    duplicate_requested = Signal()
    delete_requested = Signal()
    shift_requested = Signal(int)

    def __init__(
        self,
        model: RunbookStepsTableModel,
        may_edit: Callable[[], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.table = StepsTable(may_edit, self)
        table = self.table
        set_up_table(
            table,
            model,
            name="runbookSteps",
            accessible="Steps",
            widths=WIDTHS,
            selection=QAbstractItemView.SelectionMode.ExtendedSelection,
            editable=True,
        )
        table.setDragEnabled(True)
        table.setAcceptDrops(True)
        table.setDropIndicatorShown(True)
        table.setDragDropOverwriteMode(False)
        table.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        table.setDefaultDropAction(Qt.DropAction.MoveAction)
        table.setAlternatingRowColors(True)
        table.horizontalHeader().setHighlightSections(False)
        self.owner_delegate = OwnerDelegate(table)
        table.setItemDelegateForColumn(OWNER, self.owner_delegate)
        table.setItemDelegateForColumn(MINUTES, SpinDelegate(0, MAX_MINUTES, " min", table))
        table.delete_pressed.connect(self.delete_requested)

        self.toolbar = QToolBar("Steps", self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.actions_by_name: dict[str, QAction] = {}
        specs: Sequence[tuple[str, str, str, str, Callable[[], None]]] = (
            (
                "insert",
                "Insert step",
                "Ins",
                "A new step after the current one",
                self.insert_requested.emit,
            ),
            (
                "duplicate",
                "Duplicate",
                "Ctrl+D",
                "Copy the picked steps below them",
                self.duplicate_requested.emit,
            ),
            (
                "delete",
                "Delete",
                "Del",
                "Remove the picked steps (Ctrl+Z brings them back)",
                self.delete_requested.emit,
            ),
            (
                "up",
                "Move up",
                "Alt+Up",
                "One place earlier (or drag the row)",
                lambda: self.shift_requested.emit(-1),
            ),
            (
                "down",
                "Move down",
                "Alt+Down",
                "One place later (or drag the row)",
                lambda: self.shift_requested.emit(1),
            ),
        )
        for name, text, key, tip, slot in specs:
            action = QAction(text, self)
            native = QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{tip} ({native})")
            if name != "delete":  # Delete is claimed by the table itself, see StepsTable
                action.setShortcut(QKeySequence(key))
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                table.addAction(action)
            action.triggered.connect(lambda _checked=False, slot=slot: slot())
            self.toolbar.addAction(action)
            self.actions_by_name[name] = action
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        if "delete" in self.actions_by_name:
            table.addAction(self.actions_by_name["delete"])

        self.hint = QLabel("No steps yet: Insert step (Ins) adds the first one.", self)
        self.hint.setObjectName("stepsHint")
        stack_table(self, self.toolbar, self.hint, table)

    def set_people(self, people: list[tuple[str, str]]) -> None:
        self.owner_delegate.people = list(people)

    def set_read_only(self, read_only: bool) -> None:
        self.model.editable = not read_only
        self.table.setDragEnabled(not read_only)
        self.table.setAcceptDrops(not read_only)
        for action in self.actions_by_name.values():
            action.setEnabled(not read_only)
        self.toolbar.setVisible(not read_only)

    def update_actions(self) -> None:
        if not self.model.editable:
            return
        rows = self.table.selected_rows()
        count = self.model.rowCount()
        self.actions_by_name["duplicate"].setEnabled(bool(rows))
        self.actions_by_name["delete"].setEnabled(bool(rows))
        self.actions_by_name["up"].setEnabled(bool(rows) and rows[0] > 0)
        self.actions_by_name["down"].setEnabled(bool(rows) and rows[-1] < count - 1)
