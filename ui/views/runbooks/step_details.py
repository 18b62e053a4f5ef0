"""The picked step in full: its instructions beside their rendered preview, the command, how
to verify it worked, and whether it is a go/no-go checkpoint.

The table shows a step's line; this panel is where its prose is written. Each change goes out
as `edited(step id, field, value)` for the editor to turn into an undoable draft edit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.runbooks.body import Step
from ui.views.runbooks.fonts import accent
from ui.views.runbooks.markdown_pane import MarkdownPane, set_plain_text

PANEL_FIELDS = ("instructions", "command", "verification", "checkpoint")


class StepDetails(QStackedWidget):
    edited = Signal(str, str, object)
    """(step id, field, new value)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stepDetails")
        self.step: Step | None = None
        self.empty = QLabel("Pick a step in the table to write its instructions here.", self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.addWidget(self.empty)

        page = QWidget(self)
        self.heading = QLabel(page)
        self.heading.setObjectName("stepHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.problems = QLabel(page)
        self.problems.setObjectName("stepProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.instructions = MarkdownPane(
            "Instructions",
            "What to do, step by step. Markdown: - lists, **bold**, `code`, ``` blocks.",
            page,
        )
        self.command = QPlainTextEdit(page)
        self.command.setObjectName("stepCommand")
        self.command.setAccessibleName("Command")
        self.command.setPlaceholderText("The command to run, if any")
        accent(self.command, fixed=True)
        self.command.setUndoRedoEnabled(False)
        self.command.setTabChangesFocus(True)
        self.command.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.fit()
        self.verification = QLineEdit(page)
        self.verification.setObjectName("stepVerification")
        self.verification.setAccessibleName("Verification")
        self.verification.setPlaceholderText("How whoever runs the step knows it worked")
        self.checkpoint = QCheckBox("Go/no-go checkpoint: stop here unless the verification holds")
        self.checkpoint.setObjectName("stepCheckpoint")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Co&mmand:", self.command)
        form.addRow("&Verification:", self.verification)
        form.addRow("", self.checkpoint)
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 4, 0, 0)
        column.addWidget(self.heading)
        column.addWidget(self.problems)
        column.addWidget(self.instructions, 1)
        column.addLayout(form)
        self.page = page
        self.addWidget(page)

        self.instructions.edited.connect(lambda text: self._emit("instructions", text))
        self.command.textChanged.connect(lambda: self._emit("command", self.command.toPlainText()))
        self.verification.textEdited.connect(lambda text: self._emit("verification", text))
        self.checkpoint.toggled.connect(lambda on: self._emit("checkpoint", on))

    def fit(self) -> None:
        """Sizes that follow the font (which grows in presentation mode): two lines of
        command, a few of instructions."""
        self.instructions.fit()
        lines = self.command.fontMetrics().lineSpacing()
        self.command.setFixedHeight(lines * 2 + 2 * self.command.frameWidth() + 10)

    def text_fields(self) -> Sequence[QWidget]:
        """The widgets that take typing (the editor routes their undo keys to the draft)."""
        return (self.instructions.source, self.command, self.verification)

    def show_step(
        self,
        step: Step | None,
        number: int = 0,
        total: int = 0,
        problems: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.step = step
        if step is None:
            self.setCurrentWidget(self.empty)
            return
        self.setCurrentWidget(self.page)
        title = step.title.strip() or "(no title yet)"
        self.heading.setText(f"Step {number} of {total} · {title}")
        mine = [m for f in PANEL_FIELDS for m in (problems or {}).get(f, ())]
        self.problems.setText("\n".join(f"⚠ {m}" for m in mine))
        self.problems.setVisible(bool(mine))
        self.instructions.set_text(step.instructions)
        set_plain_text(self.command, step.command)
        if self.verification.text() != step.verification:
            self.verification.setText(step.verification)
        if self.checkpoint.isChecked() != step.checkpoint:
            self.checkpoint.blockSignals(True)
            self.checkpoint.setChecked(step.checkpoint)
            self.checkpoint.blockSignals(False)

    def set_read_only(self, read_only: bool) -> None:
        self.instructions.set_read_only(read_only)
        self.command.setReadOnly(read_only)
        self.verification.setReadOnly(read_only)
        self.checkpoint.setEnabled(not read_only)

    def focus_field(self, field: str) -> bool:
        widget = {
            "instructions": self.instructions.source,
            "command": self.command,
            "verification": self.verification,
            "checkpoint": self.checkpoint,
        }.get(field)
        if widget is None or self.step is None:
            return False
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _emit(self, field: str, value: object) -> None:
        if self.step is not None:
            self.edited.emit(self.step.id, field, value)
