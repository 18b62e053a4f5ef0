"""The runbook being edited: the saved version, the draft body, and the undo history between.

A `RunbookBody` is immutable, so every edit is a command holding the body before and after:
undo and redo swap whole snapshots and can never drift from what was typed. Keystrokes in the
same field merge into one command (QUndoCommand.id/mergeWith) for as long as the typing lasts,
so Ctrl+Z takes back a word or a sentence, not a character.

An approved version must never change under its approval; saving an edit makes a new version
and voids the sign-offs. The draft therefore asks before the first edit of an approved version
is made; answering Cancel leaves the draft exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from app.domain.enums import ApprovalState
from app.runbooks.body import RunbookBody
from app.services.runbook_queries import RunbookDoc

MERGE_ID = 0x52_42_4B
"""QUndoCommand.id() of the mergeable draft edits (any constant other than -1)."""


@dataclass(frozen=True)
class Focus:
    """Where an edit happened, so undo and redo show the change where it was made."""

    kind: str
    """ "title", "summary", "step", "trigger" or "steps" (the table as a whole)."""
    item: str = ""
    """The step's or trigger's id."""
    field: str = ""
    rows: tuple[int, ...] = ()
    """Rows to select afterwards (moves, duplicates)."""


def approvers(doc: RunbookDoc) -> str:
    """ "Ada Lovelace (operations) and Sam Shield (security)"."""
    names = [
        f"{s.decided_by} ({s.role})"
        for s in doc.sign_offs
        if s.state == ApprovalState.APPROVED and s.decided_by
    ]
    return " and ".join(names) if names else "operations and security"


class DraftCommand(QUndoCommand):
    def __init__(
        self,
        draft: Draft,
        before: RunbookBody,
        after: RunbookBody,
        text: str,
        key: str,
        focus_before: Focus | None,
        focus_after: Focus | None,
    ) -> None:
        super().__init__(text)
        self.draft = draft
        self.before = before
        self.after = after
        self.key = key
        self.focus_before = focus_before
        self.focus_after = focus_after

    def id(self) -> int:
        return MERGE_ID if self.key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, DraftCommand) or not self.key or other.key != self.key:
            return False
        self.after = other.after
        self.focus_after = other.focus_after
        if self.after == self.before:
            self.setObsolete(True)
        return True

    def redo(self) -> None:
        self.draft.apply(self.after, self.focus_after)

    def undo(self) -> None:
        self.draft.apply(self.before, self.focus_before)


class Draft(QObject):
    changed = Signal(object)
    """The draft body changed (edit, undo, redo, load); the argument is a Focus or None."""
    refused = Signal()
    """An edit was not made (the warning was cancelled): widgets show the body again."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stack = QUndoStack(self)
        self.doc: RunbookDoc | None = None
        self.saved = RunbookBody("")
        self.body = RunbookBody("")
        self.read_only = True
        self.confirm_void: Callable[[str], bool] = lambda _text: True
        """Asks whether to go on editing an approved version (the view installs a box)."""
        self.burst = 0
        """Bumped when typing moves to another widget, so the next keystroke starts a new
        undo step even in the same field."""
        self._void_accepted = False
        self._asking = False

    # ----------------------------------------------------------------- state
    @property
    def dirty(self) -> bool:
        return self.doc is not None and self.body != self.saved

    @property
    def approved(self) -> bool:
        return self.doc is not None and self.doc.approved

    def load(self, doc: RunbookDoc | None, *, keep_history: bool = False) -> None:
        """Start editing `doc`'s current version (None: nothing open)."""
        self.doc = doc
        self.saved = doc.body if doc is not None else RunbookBody("")
        self.body = self.saved
        self._void_accepted = False
        if keep_history:
            self.stack.setClean()
        else:
            self.stack.clear()
        self.changed.emit(None)

    def rebase(self, doc: RunbookDoc) -> None:
        """Keep the draft (and its history) but measure it against `doc`: the same version
        with new sign-offs, or a newer version the user chose to save over."""
        self.doc = doc
        self.saved = doc.body
        self.stack.resetClean()
        self.changed.emit(None)

    def void_warning(self) -> str:
        doc = self.doc
        assert doc is not None
        return (
            f"Version {doc.revision} is approved by {approvers(doc)}. Changing it will create "
            f"version {doc.revision + 1} when you save, and the approval will be void.\n\n"
            "Continue?"
        )

    def may_edit(self) -> bool:
        """Whether an edit may be made now; asks once before the first edit of an approved
        version. A question already on screen answers no to anything else meanwhile."""
        if self.doc is None or self.read_only or self._asking:
            return False
        if not self.approved or self.dirty or self._void_accepted:
            return True
        self._asking = True
        try:
            self._void_accepted = bool(self.confirm_void(self.void_warning()))
        finally:
            self._asking = False
        return self._void_accepted

    # ----------------------------------------------------------------- editing
    def edit(
        self,
        body: RunbookBody,
        text: str,
        *,
        key: str = "",
        focus: Focus | None = None,
        focus_before: Focus | None = None,
    ) -> bool:
        """Make `body` the draft as one undoable step; False when it was not made."""
        if body == self.body:
            return True
        if not self.may_edit():
            self.refused.emit()
            return False
        merge = f"{key}#{self.burst}" if key else ""
        self.stack.push(
            DraftCommand(self, self.body, body, text, merge, focus_before or focus, focus)
        )
        return True

    def apply(self, body: RunbookBody, focus: Focus | None) -> None:
        self.body = body
        self.changed.emit(focus)

    def replace(self, body: RunbookBody, text: str) -> None:
        """Take `body` as the draft in one step without the approval question (a restored
        draft: the question was answered when it was first edited)."""
        self._void_accepted = True
        self.stack.push(DraftCommand(self, self.body, body, text, "", None, None))
