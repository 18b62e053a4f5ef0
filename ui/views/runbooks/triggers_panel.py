"""The rollback triggers: which SLO breach calls for this runbook, editable in place.

The common triggers come from a menu of presets (error rate, p99 latency, availability,
saturation), so most runbooks need no typing here; a custom metric names the series in the
metrics file and brings its own unit.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolBar,
    QToolButton,
    QWidget,
)

from app.runbooks.body import COMPARATORS, METRIC_LABELS, METRICS, PRESETS
from ui.models.runbook_triggers_table_model import (
    COMPARATOR,
    CONSECUTIVE,
    METRIC,
    THRESHOLD,
    WIDTHS,
    WINDOW,
    RunbookTriggersTableModel,
    comparator_label,
)
from ui.views.runbooks.steps_panel import AnyIndex, SpinDelegate, StepsTable
from ui.views.runbooks.tables import set_up_table, stack_table


class ChoiceDelegate(QStyledItemDelegate):
    """A fixed list of codes shown with their words (metric, comparator)."""

    def __init__(self, choices: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices = choices

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        for code, label in self.choices:
            combo.addItem(label, code)
        return combo

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class TriggersTable(StepsTable):
    """Same keys and the same approved-version question as the steps table."""

    def __init__(self, may_edit: Callable[[], bool], parent: QWidget | None = None) -> None:
        super().__init__(may_edit, parent)
        self.check_column = -1


class TriggersPanel(QWidget):
    preset_requested = Signal(str)
    custom_requested = Signal()
    delete_requested = Signal()

    def __init__(
        self,
        model: RunbookTriggersTableModel,
        may_edit: Callable[[], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.table = TriggersTable(may_edit, self)
        table = self.table
        set_up_table(
            table,
            model,
            name="runbookTriggers",
            accessible="Rollback triggers",
            widths=WIDTHS,
            selection=QAbstractItemView.SelectionMode.SingleSelection,
            editable=True,
        )
        metrics = [(m, METRIC_LABELS[m]) for m in METRICS]
        table.setItemDelegateForColumn(METRIC, ChoiceDelegate(metrics, table))
        comparators = [(c, comparator_label(c)) for c in COMPARATORS]
        table.setItemDelegateForColumn(COMPARATOR, ChoiceDelegate(comparators, table))
        table.setItemDelegateForColumn(THRESHOLD, SpinDelegate(0, 1e9, "", table, decimals=3))
        table.setItemDelegateForColumn(WINDOW, SpinDelegate(1, 24 * 60, " min", table))
        table.setItemDelegateForColumn(CONSECUTIVE, SpinDelegate(1, 100, "", table))
        table.delete_pressed.connect(self.delete_requested)

        self.toolbar = QToolBar("Triggers", self)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.preset_menu = QMenu("Add preset", self)
        for name in PRESETS:
            action = self.preset_menu.addAction(name)
            action.triggered.connect(lambda _c=False, n=name: self.preset_requested.emit(n))
        self.preset_button = QToolButton(self)
        self.preset_button.setText("Add preset")
        self.preset_button.setToolTip("Add one of the common SLO triggers")
        self.preset_button.setMenu(self.preset_menu)
        self.preset_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar.addWidget(self.preset_button)
        self.custom_action = QAction("Add custom", self)
        self.custom_action.setToolTip("A trigger on a metric of your own metrics file")
        self.custom_action.triggered.connect(lambda _c=False: self.custom_requested.emit())
        self.toolbar.addAction(self.custom_action)
        self.delete_action = QAction("Delete", self)
        self.delete_action.setToolTip("Remove the picked trigger (Del; Ctrl+Z brings it back)")
        self.delete_action.triggered.connect(lambda _c=False: self.delete_requested.emit())
        self.toolbar.addAction(self.delete_action)
        self.hint = QLabel(
            "No rollback triggers: add a preset so the team knows which breach calls for "
            "this runbook.",
            self,
        )
        stack_table(self, self.toolbar, self.hint, table, top=4)

    def set_read_only(self, read_only: bool) -> None:
        self.model.editable = not read_only
        self.toolbar.setVisible(not read_only)

    def selected_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1
