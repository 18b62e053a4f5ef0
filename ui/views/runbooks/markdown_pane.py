"""Markdown typed on the left and shown on the right as it will read on paper, as you type.

Used for a step's instructions and for the runbook's summary. The preview is Qt's own Markdown
(QTextDocument.setMarkdown: lists, emphasis, code blocks), which is also what Print renders,
so what the author sees is what the night shift gets.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ui.views.runbooks.fonts import accent


def set_plain_text(edit: QPlainTextEdit, text: str) -> None:
    """Replace the text only when it differs, so typing never loses the cursor."""
    if edit.toPlainText() != text:
        edit.blockSignals(True)
        edit.setPlainText(text)
        edit.blockSignals(False)


class MarkdownPane(QWidget):
    edited = Signal(str)
    """The author changed the text (never emitted for `set_text`)."""

    def __init__(self, label: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = QPlainTextEdit(self)
        self.source.setObjectName("markdownSource")
        self.source.setAccessibleName(label)
        self.source.setPlaceholderText(placeholder)
        self.source.setUndoRedoEnabled(False)  # the draft's history is the one undo
        self.source.setTabChangesFocus(True)
        accent(self.source, fixed=True)
        self.preview = QTextBrowser(self)
        self.preview.setObjectName("markdownPreview")
        self.preview.setAccessibleName(f"{label}, as it will print")
        self.preview.setOpenExternalLinks(True)
        self.preview.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        title = QLabel(f"&{label} (Markdown)", self)
        title.setBuddy(self.source)
        shown = QLabel("Preview", self)
        left = QWidget(self)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(title)
        column.addWidget(self.source, 1)
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(shown)
        column.addWidget(self.preview, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.source.textChanged.connect(self._typed)
        self._rendered: str | None = None
        self.fit()

    def fit(self, lines: int = 5) -> None:
        """Room for a few lines of the current font, so a larger font never squeezes the
        text to a sliver."""
        height = self.source.fontMetrics().lineSpacing() * lines + 2 * self.source.frameWidth()
        self.source.setMinimumHeight(height)
        self.preview.setMinimumHeight(height)

    def text(self) -> str:
        return self.source.toPlainText()

    def set_text(self, text: str) -> None:
        set_plain_text(self.source, text)
        self._render(text)

    def set_read_only(self, read_only: bool) -> None:
        self.source.setReadOnly(read_only)

    def _typed(self) -> None:
        text = self.source.toPlainText()
        self._render(text)
        self.edited.emit(text)

    def _render(self, text: str) -> None:
        if text == self._rendered:
            return
        self._rendered = text
        bar = self.preview.verticalScrollBar()
        where = bar.value()
        self.preview.setMarkdown(text)
        bar.setValue(where)
