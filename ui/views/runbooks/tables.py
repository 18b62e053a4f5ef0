"""The one way the Runbooks screen sets up its row tables (steps, triggers, history,
sign-offs), so the four read and move alike: whole rows are picked, the columns keep the
widths the model asks for and the user can drag them, and a long cell stays on one line."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

_IN_PLACE = (
    QAbstractItemView.EditTrigger.DoubleClicked
    | QAbstractItemView.EditTrigger.EditKeyPressed
    | QAbstractItemView.EditTrigger.AnyKeyPressed
)
"""An editable table opens its editor on a double click, F2 or simply typing."""


def set_up_table(
    table: QTableView,
    model: QAbstractItemModel,
    *,
    name: str,
    accessible: str,
    widths: Iterable[int],
    selection: QAbstractItemView.SelectionMode,
    editable: bool,
) -> None:
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(selection)
    table.setEditTriggers(_IN_PLACE if editable else QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, width in enumerate(widths):
        header.resizeSection(column, width)


def stack_table(
    panel: QWidget, toolbar: QToolBar, empty_hint: QLabel, table: QTableView, *, top: int = 0
) -> None:
    """Toolbar, then the hint that says how to add the first row (shown only while the table
    is empty, so an empty table never looks broken), then the table taking the rest."""
    empty_hint.setWordWrap(True)
    layout = QVBoxLayout(panel)
    layout.setContentsMargins(0, top, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(toolbar)
    layout.addWidget(empty_hint)
    layout.addWidget(table, 1)
    model = table.model()

    def update() -> None:
        empty_hint.setVisible(model.rowCount() == 0)

    model.modelReset.connect(update)
    update()
