"""Asking before a move the rules block: what stands against it, and the coordinator's
reason for overriding, which the service records with the move (and any deferral it makes).

A blocked drop is never refused silently: the coordinator sees every consequence and decides.
The reason is required, because it is what the audit trail and the deferral report show.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.planning.plan import Consequence

AskOverride = Callable[[QWidget | None, str, str, list[Consequence], bool], str | None]
"""Parent, workload key, target, consequences, may override → the reason, or None."""

MIN_REASON = 3
"""Characters a reason needs: enough to rule out an accidental keystroke."""


class OverrideMoveDialog(QDialog):
    def __init__(
        self,
        key: str,
        target: str,
        consequences: list[Consequence],
        *,
        can_override: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("overrideMoveDialog")
        self.setWindowTitle(f"Move {key} to {target}?")
        blocking = [c for c in consequences if c.blocking]
        others = [c for c in consequences if not c.blocking]
        head = QLabel(
            f"<b>Moving {html.escape(key)} to {html.escape(target)} is blocked:</b>", self
        )
        head.setWordWrap(True)
        rows = [f"<li><b>BLOCKS</b> — {html.escape(c.text)}</li>" for c in blocking]
        rows += [f"<li>{html.escape(c.text)}</li>" for c in others]
        self.consequences = QLabel(f"<ul style='margin-left:-20px'>{''.join(rows)}</ul>", self)
        self.consequences.setObjectName("overrideConsequences")
        self.consequences.setWordWrap(True)
        self.consequences.setTextFormat(Qt.TextFormat.RichText)
        self.consequences.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reason = QPlainTextEdit(self)
        self.reason.setObjectName("overrideReason")
        self.reason.setAccessibleName("Reason for the override")
        self.reason.setPlaceholderText("Why this move goes ahead anyway (kept with the move)")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(90)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.move_button: QPushButton = buttons.addButton(
            "Move anyway", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(head)
        layout.addWidget(self.consequences)
        if can_override:
            ask = QLabel("Override with a reason:", self)
            ask.setBuddy(self.reason)
            layout.addWidget(ask)
            layout.addWidget(self.reason)
            self.reason.textChanged.connect(self._update)
        else:
            self.reason.hide()
            self.move_button.hide()
            note = QLabel("Only a coordinator can override a blocked move.", self)
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self._update()
        if can_override:
            self.reason.setFocus()

    def text(self) -> str:
        return self.reason.toPlainText().strip()

    def _update(self) -> None:
        self.move_button.setEnabled(len(self.text()) >= MIN_REASON)

    def accept(self) -> None:
        if len(self.text()) < MIN_REASON:
            return
        super().accept()


def ask_override(
    parent: QWidget | None,
    key: str,
    target: str,
    consequences: list[Consequence],
    can_override: bool,
) -> str | None:
    """The reason typed for going ahead, or None when the coordinator backs off."""
    dialog = OverrideMoveDialog(key, target, consequences, can_override=can_override, parent=parent)
    try:
        return dialog.text() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()
