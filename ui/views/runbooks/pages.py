"""The screen's quiet states (no runbooks yet, none picked) and the decision-log tab.

An empty screen says what a runbook is for and offers the one useful next step, rather than
showing an editor with nothing in it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from ui.context import AppContext
from ui.views.runbooks.fonts import accent


def message_page(
    title: str,
    text: str,
    button: str,
    action: Callable[[], object] | None,
    parent: QWidget,
) -> QWidget:
    page = QWidget(parent)
    heading = QLabel(title, page)
    heading.setObjectName("emptyTitle")
    accent(heading, 1.5, bold=True)
    heading.setWordWrap(True)
    column = QVBoxLayout()
    column.addStretch(1)
    column.addWidget(heading)
    if text:
        hint = QLabel(text, page)
        hint.setObjectName("emptyHint")
        hint.setWordWrap(True)
        column.addWidget(hint)
    if button and action is not None:
        push = QPushButton(button, page)
        push.setObjectName("emptyAction")
        push.clicked.connect(lambda _checked=False: action())
        row = QHBoxLayout()
        row.addWidget(push)
        row.addStretch(1)
        column.addSpacing(12)
        column.addLayout(row)
    column.addStretch(2)
    holder = QWidget(page)
    holder.setLayout(column)
    holder.setMaximumWidth(620)
    outer = QHBoxLayout(page)
    outer.addStretch(1)
    outer.addWidget(holder, 4)
    outer.addStretch(1)
    heading.setAlignment(Qt.AlignmentFlag.AlignLeft)
    return page


def decision_panel(ctx: AppContext, parent: QWidget) -> QWidget:
    """The rollback decision log, on its own tab of this screen."""
    from ui.views.runbooks.decision_log import DecisionLogPanel

    panel: QWidget = DecisionLogPanel(ctx, parent)
    return panel
