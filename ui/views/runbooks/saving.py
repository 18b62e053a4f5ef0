"""Writing the draft: save as a new version, revert to an old one, and what happens when someone
else saved first; and getting a crashed session's draft back.

A save names the version it was made from; if another version was saved meanwhile the service
refuses it (ConflictError) and nothing is written. The user then chooses: load the latest
version (the draft is thrown away only after a second, explicit yes), or keep editing, in
which case the draft is measured against the latest version and the next save replaces it,
which the notice under the banner spells out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from app.db import DatabaseError
from app.services.errors import ConflictError, ServiceError, ValidationError
from app.services.runbooks import revert, save_revision
from ui.views.runbooks import draft_files
from ui.views.runbooks.draft import approvers

if TYPE_CHECKING:
    from ui.views.runbooks.view import RunbooksView

YES = QMessageBox.StandardButton.Yes


def ask_note(parent: QWidget, number: int) -> str | None:
    text, ok = QInputDialog.getText(
        parent, "Save runbook", f"A note for version {number} (optional): what changed and why"
    )
    return text if ok else None


def ask_conflict(parent: QWidget, text: str) -> bool:
    """True: load the latest version; False: keep editing."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Saved by someone else", text, parent=parent)
    reload = box.addButton("Load the latest version…", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.exec()
    chosen = box.clickedButton() is reload
    box.deleteLater()
    return chosen


def _refusal(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(e.message for e in exc.errors)
    return str(exc)


def save(view: RunbooksView) -> bool:
    draft, doc = view.draft, view.draft.doc
    if doc is None or not view.can_edit:
        return False
    if not draft.dirty:
        view.tell(f"Nothing to save: no changes since version {doc.revision}.")
        return True
    note = view.ask_note(doc.revision + 1)
    if note is None:
        return False
    body, was_approved = draft.body, doc.approved
    try:
        number = view.write(
            lambda s, a: save_revision(s, a, doc.uuid, doc.version, body, note).number
        )
    except ConflictError:
        return conflict(view)
    except (ServiceError, DatabaseError) as exc:
        QMessageBox.warning(
            view, "Save runbook", f"Version {doc.revision + 1} was not saved: {_refusal(exc)}"
        )
        return False
    view.keeper.drop(doc.uuid)
    view.reload_doc(keep_history=True)
    done = f"Saved version {number}."
    if was_approved:
        done += (
            f" The approval of version {doc.revision} by {approvers(doc)} is void: ask "
            "operations and security to sign the new version."
        )
    view.tell(done)
    return True


def conflict(view: RunbooksView) -> bool:
    doc = view.draft.doc
    assert doc is not None
    latest = view.read_doc(doc.uuid)
    who = latest.history[-1].author if latest.history else "someone else"
    text = (
        f"{who} saved version {latest.revision} of this runbook while you were editing "
        f"version {doc.revision}, so your changes were not saved.\n\n"
        "Load the latest version (your unsaved changes are lost), or keep editing and save "
        f"again to replace version {latest.revision} with your draft (the History tab shows "
        "what it changed)."
    )
    if view.ask_conflict(text):
        answer = QMessageBox.question(
            view,
            "Discard your changes",
            f"Discard your unsaved changes and load version {latest.revision}?",
        )
        if answer == YES:
            view.keeper.drop(doc.uuid)
            view.reload_doc(keep_history=False)
            view.tell(f"Loaded version {latest.revision}; your changes were discarded.")
            return False
    view.draft.rebase(latest)
    view.header.show_notice(
        f"Your draft now applies to version {latest.revision} (saved by {who}): saving "
        f"replaces it as version {latest.revision + 1}. See History for what it changed."
    )
    return False


def revert_to(view: RunbooksView, number: int) -> bool:
    draft, doc = view.draft, view.draft.doc
    if doc is None or not view.can_edit:
        return False
    if draft.dirty:
        answer = QMessageBox.question(
            view, "Revert", "Reverting discards your unsaved changes. Continue?"
        )
        if answer != YES:
            return False
    void = (
        f"The approval of version {doc.revision} by {approvers(doc)} will be void: "
        "operations and security must sign again."
        if doc.approved
        else "Any sign-off asked for on the current version is void too."
    )
    answer = QMessageBox.question(
        view,
        "Revert",
        f"Make version {number} current again? It is saved as version {doc.revision + 1}; "
        f"the versions in between stay in the history.\n\n{void}",
    )
    if answer != YES:
        return False
    try:
        new = view.write(lambda s, a: revert(s, a, doc.uuid, doc.version, number).number)
    except (ServiceError, DatabaseError) as exc:
        QMessageBox.warning(view, "Revert", f"Not reverted: {_refusal(exc)}")
        return False
    view.keeper.drop(doc.uuid)
    view.reload_doc(keep_history=False)
    view.tell(f"Version {new} is version {number} again.")
    return True


def settle(view: RunbooksView, why: str) -> bool:
    """Before the draft goes away: save, discard or stay. True when it may go."""
    draft, doc = view.draft, view.draft.doc
    if doc is None or not draft.dirty:
        return True
    answer = QMessageBox.question(
        view,
        "Unsaved changes",
        f"“{draft.body.title.strip() or doc.heading}” has unsaved changes. Save them as "
        f"version {doc.revision + 1} before {why}?",
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Save,
    )
    if answer == QMessageBox.StandardButton.Save:
        return save(view) and not draft.dirty
    if answer == QMessageBox.StandardButton.Discard:
        view.keeper.drop(doc.uuid)
        draft.load(doc)
        return True
    return False


def offer_restore(view: RunbooksView, leftover: draft_files.SavedDraft | None) -> bool:
    """Offer a draft left on disk by an earlier session; True when it was restored."""
    draft, doc = view.draft, view.draft.doc
    if leftover is None or doc is None or leftover.body == doc.body or not view.can_edit:
        return False
    when = leftover.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
    text = f"You have unsaved changes to “{leftover.body.title or doc.heading}” from {when}."
    if leftover.revision != doc.revision:
        text += (
            f" They were made to version {leftover.revision}; the runbook is now at version "
            f"{doc.revision}, so saving them would replace what changed since."
        )
    answer = QMessageBox.question(view, "Restore unsaved changes", f"{text}\n\nRestore them?")
    if answer != YES:
        view.keeper.drop(doc.uuid)
        return False
    draft.replace(leftover.body, "Restore unsaved changes")
    return True
