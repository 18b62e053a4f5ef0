"""What is open and whether it may be relied on: title, subject, version, author, and the
sign-off banner.

The banner always says what an edit does to an approved version (a new version, the approval
void), not only when the warning pops up; for a version not yet approved it says what it
lacks. Every state carries a shape and words, never colour alone.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.domain.enums import ApprovalState
from app.services.runbook_queries import RunbookDoc
from ui.theme import mixed, palette_kind
from ui.views.runbooks.draft import approvers
from ui.views.runbooks.fonts import accent

GOOD, WARN, INFO = "#2e7d32", "#b26a00", "#1f5fbf"


def subject_text(doc: RunbookDoc) -> str:
    """ "Component payments-api (service) · the template its workloads start from" or
    "Workload PAY-123 — Faster refunds · started from payments-api's template"."""
    if doc.subject_kind == "component":
        kind = f" ({doc.subject_title})" if doc.subject_title else ""
        return f"{doc.heading}{kind} · the template its workloads start from"
    text = doc.heading + (f" — {doc.subject_title}" if doc.subject_title else "")
    if doc.template_of:
        text += f" · started from {doc.template_of}'s template"
    return text


def banner_text(doc: RunbookDoc, dirty: bool, problems: int = 0) -> tuple[str, str]:
    """(text, tone) of the sign-off banner; tone is "good", "warn" or "info"."""
    n = doc.revision
    if doc.approved:
        if dirty:
            return (
                f"● Unsaved changes to approved version {n}: saving creates version {n + 1} "
                f"and voids the approval by {approvers(doc)}.",
                "warn",
            )
        return (
            f"✔ Approved by {approvers(doc)} — any edit creates version {n + 1} and voids "
            "this approval.",
            "good",
        )
    pending = [s.role for s in doc.sign_offs if s.state == ApprovalState.PENDING]
    lacks = " and ".join(doc.lacks) or "sign-off"
    text = f"○ Not signed: version {n} lacks {lacks}."
    if pending:
        text += f" Waiting for {' and '.join(pending)}."
    elif problems:
        some = "the problem" if problems == 1 else f"the {problems} problems"
        text += f" Fix {some} listed beside the steps, then ask for sign-off."
    elif not dirty:
        text += " Ask operations and security on the Sign-off tab."
    if dirty:
        text += f" ● Unsaved changes: Ctrl+S saves them as version {n + 1}."
    return text, "warn" if dirty else "info"


class RunbookHeader(QWidget):
    title_edited = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runbookHeader")
        self.title = QLineEdit(self)
        self.title.setObjectName("runbookTitle")
        self.title.setAccessibleName("Runbook title")
        self.title.setPlaceholderText("Runbook title, e.g. Roll back payments-api")
        accent(self.title, 1.3, bold=True)
        self.unsaved = QLabel(self)
        self.unsaved.setObjectName("unsavedMark")
        self.unsaved.setToolTip("Changes not saved yet (Ctrl+S saves them as a new version)")
        self.subject = QLabel(self)
        self.subject.setObjectName("runbookSubject")
        self.subject.setTextFormat(Qt.TextFormat.PlainText)
        self.subject.setWordWrap(True)
        self.version = QLabel(self)
        self.version.setObjectName("runbookVersion")
        self.version.setTextFormat(Qt.TextFormat.PlainText)
        self.banner = QLabel(self)
        self.banner.setObjectName("signOffBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setMargin(6)
        self.banner.setFrameShape(QFrame.Shape.Box)
        self._tones: dict[QLabel, str] = {}
        self.notice = QLabel(self)
        self.notice.setObjectName("runbookNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setMargin(6)
        self.notice.setFrameShape(QFrame.Shape.Box)
        self.notice.hide()
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.unsaved)
        line = QHBoxLayout()
        line.addWidget(self.subject, 1)
        line.addWidget(self.version)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addLayout(line)
        layout.addWidget(self.banner)
        layout.addWidget(self.notice)
        self.title.textEdited.connect(self.title_edited)

    def show_doc(self, doc: RunbookDoc, title: str, dirty: bool, problems: int = 0) -> None:
        if self.title.text() != title:
            self.title.setText(title)
        self.subject.setText(subject_text(doc))
        self.version.setText(f"Version {doc.revision} · by {doc.author or doc.author_login}")
        self.unsaved.setText("● unsaved" if dirty else "")
        self.unsaved.setVisible(dirty)
        text, tone = banner_text(doc, dirty, problems)
        self.banner.setText(text)
        self._tone(self.banner, tone)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        self._tone(self.notice, "warn")

    def _tone(self, label: QLabel, tone: str) -> None:
        """A tinted box for the eye; the words and the shape at their start carry the state."""
        self._tones[label] = tone
        base, text, dark, high = palette_kind(self.palette())
        colour = {"good": GOOD, "warn": WARN}.get(tone, INFO)
        palette = label.palette()
        fill = base if high else mixed(base, colour, 0.28 if dark else 0.12)
        palette.setColor(QPalette.ColorRole.Window, fill)
        palette.setColor(QPalette.ColorRole.WindowText, text)
        label.setPalette(palette)
        label.setAutoFillBackground(True)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            for label, tone in self._tones.items():
                self._tone(label, tone)
