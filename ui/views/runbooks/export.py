"""A runbook on paper: Markdown or PDF files, or straight to a printer.

What leaves the editor is always a saved version, labelled with its number and sign-off state,
because paper is what gets followed at 02:00 and must match what was approved; with unsaved
changes on screen the user is told so before anything is written. The PDF is laid out by
fpdf2 in a worker (it loads fonts and can take a moment); Markdown is immediate. Print renders
the same Markdown through Qt's own Markdown reader, and is only offered when this build of
PySide6 has its print support.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.domain.enums import ApprovalState
from app.exchange.runbook_markdown import to_markdown
from app.services.runbook_queries import RunbookDoc, people_names
from ui.context import AppContext
from ui.workers import Cancelled, run_with_progress

if TYPE_CHECKING:
    from app.runbooks.body import RunbookBody

PRINTING = importlib.util.find_spec("PySide6.QtPrintSupport") is not None
"""PySide6-Essentials builds may ship without QtPrintSupport; then there is no Print action."""
FILTERS = "Markdown (*.md);;PDF (*.pdf)"


@dataclass(frozen=True)
class Paper:
    """Everything a printed runbook says besides its body."""

    body: RunbookBody
    subject: str
    revision: int
    status: str
    approvals: tuple[str, ...]
    people: dict[str, str]

    def arguments(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "revision": self.revision,
            "status": self.status,
            "approvals": list(self.approvals),
            "people": self.people,
        }

    def markdown(self) -> str:
        return to_markdown(self.body, **self.arguments())


def paper(ctx: AppContext, doc: RunbookDoc) -> Paper:
    logins = [s.owner for s in doc.body.steps if s.owner and not s.owner_is_role]
    with ctx.read() as session:
        people = people_names(session, logins)
    lines = tuple(
        s.line for s in doc.sign_offs if s.state in (ApprovalState.APPROVED, ApprovalState.PENDING)
    )
    status = "approved" if doc.approved else f"not approved (lacks {' and '.join(doc.lacks)})"
    return Paper(doc.body, doc.heading, doc.revision, status, lines, people)


def file_name(doc: RunbookDoc, suffix: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", doc.subject).strip("-") or "runbook"
    return f"{slug}-runbook-v{doc.revision}{suffix}"


def write_markdown(path: Path, text: str) -> None:
    """Whole or not at all: written beside the target, then renamed into place."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temp, 0o666 & ~_umask())  # a file to share, not mkstemp's private 0600
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write(path: Path, sheet: Paper, parent: QWidget | None) -> None:
    """Markdown or PDF by the file's suffix; raises what went wrong."""
    if path.suffix.lower() == ".pdf":
        from app.exchange.runbook_pdf import write_pdf

        run_with_progress(
            lambda _report: write_pdf(path, sheet.body, **sheet.arguments()),
            title="Export runbook",
            label=f"Writing {path.name}…",
            parent=parent,
            indeterminate=True,
        )
    else:
        write_markdown(path, sheet.markdown())


def unsaved_ok(parent: QWidget, doc: RunbookDoc, dirty: bool, what: str) -> bool:
    if not dirty:
        return True
    answer = QMessageBox.question(
        parent,
        what,
        f"You have unsaved changes. {what} uses version {doc.revision} as saved, without "
        "them. Continue?",
    )
    return answer == QMessageBox.StandardButton.Yes


def export(
    ctx: AppContext, doc: RunbookDoc, dirty: bool, folder: str, parent: QWidget
) -> Path | None:
    """Ask for the file and write it; returns the path written, None when nothing was."""
    if not unsaved_ok(parent, doc, dirty, "Export"):
        return None
    start = str(Path(folder or Path.home()) / file_name(doc, ".md"))
    chosen, picked_filter = QFileDialog.getSaveFileName(parent, "Export runbook", start, FILTERS)
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() not in (".md", ".pdf"):
        path = path.with_suffix(".pdf" if "pdf" in picked_filter.lower() else ".md")
    try:
        write(path, paper(ctx, doc), parent)
    except Cancelled:
        return None
    except Exception as exc:  # any failure to write is shown, never lost
        QMessageBox.warning(parent, "Export runbook", f"Could not write {path.name}: {exc}")
        return None
    return path


def print_runbook(ctx: AppContext, doc: RunbookDoc, dirty: bool, parent: QWidget) -> bool:
    if not PRINTING or not unsaved_ok(parent, doc, dirty, "Printing"):
        return False
    from PySide6.QtGui import QTextDocument
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(file_name(doc, ""))
    dialog = QPrintDialog(printer, parent)
    accepted = dialog.exec() == QPrintDialog.DialogCode.Accepted
    dialog.deleteLater()
    if not accepted:
        return False
    document = QTextDocument()
    document.setMarkdown(paper(ctx, doc).markdown())
    document.print_(printer)
    return True
