"""Ctrl+Z and Ctrl+Shift+Z inside the runbook editor undo the draft, not the database.

The window binds those keys to the application's undo stack (service calls). While the focus
is inside the editor they must reach the draft's own stack instead, and a text field's private
undo must not step in either: the draft is the one history of the body. Two actions with the
same shortcut would be ambiguous and neither would fire, so the editor claims the keys the way
a text field does: it accepts the ShortcutOverride (no window shortcut fires), then takes the
key press itself. The same goes for Return in a field or a cell editor, which otherwise would
reach the window's "Edit Selected" instead of finishing the edit.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QApplication, QWidget

from ui.views.runbooks.draft import Draft

_UNDO = QKeySequence.StandardKey.Undo
_REDO = QKeySequence.StandardKey.Redo


class DraftKeys(QObject):
    """Install on the editor (for keys bubbling up from tables) and on each text field."""

    def __init__(self, draft: Draft, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.draft = draft

    @property
    def stack(self) -> QUndoStack:
        return self.draft.stack

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride:
            key = event if isinstance(event, QKeyEvent) else None
            if key is not None and (key.matches(_UNDO) or key.matches(_REDO)):
                key.accept()
                return True
            if key is not None and _is_return(key) and _typing_in_a_field():
                key.accept()
                return False
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.matches(_UNDO):
                self.stack.undo()
                return True
            if event.matches(_REDO):
                self.stack.redo()
                return True
        elif kind == QEvent.Type.FocusIn:
            self.draft.burst += 1
        return False


def _is_return(event: QKeyEvent) -> bool:
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _typing_in_a_field() -> bool:
    """The focus is in something typed into (a field, or a table cell's editor), not a list."""
    focus = QApplication.focusWidget()
    return focus is not None and not isinstance(focus, QAbstractItemView)
