"""Sign-off of the version on screen: who was asked, who signed, and the buttons to ask or sign.

A runbook is relied on only when operations and security have both approved it, as two
different people, neither of them an author. The buttons are offered only to whoever may use
them; when one is unavailable the panel says why in words (an author cannot sign, the draft
must be saved first, the runbook still has problems), and anything the service refuses is
shown the same way. Asking and deciding are approvals, not edits of the runbook: they are
audited, and not on the draft's undo history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.db import DatabaseError
from app.domain.enums import ApprovalState
from app.runbooks.validate import problems
from app.services import approvals
from app.services.actor import Actor
from app.services.errors import ServiceError, ValidationError
from app.services.runbook_queries import RunbookDoc, SignOff
from app.services.runbooks import SIGN_OFF_ROLES, request_sign_off
from ui.context import AppContext
from ui.models.row_table_model import ROW_ROLE, Column, RowTableModel
from ui.views.runbooks.tables import set_up_table

STATE_WORDS = {
    ApprovalState.PENDING: "○ pending",
    ApprovalState.APPROVED: "✔ approved",
    ApprovalState.REJECTED: "✗ rejected",
    ApprovalState.VOID: "⊘ void",
}


RULES = (
    "A runbook is relied on once operations and security have both approved its current "
    "version, as two different people, neither of them an author. Any edit saved after that "
    "makes a new version and voids the approval, so the new version is signed again."
)


def local_time(value: datetime | None) -> str:
    """A stored time (UTC; SQLite hands it back without a zone) in the user's own zone."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return f"{value.astimezone():%Y-%m-%d %H:%M}"


def _who(s: SignOff) -> str:
    if s.decided_by:
        return s.decided_by
    return f"asked by {s.requested_by}" if s.requested_by else "—"


class SignOffTableModel(RowTableModel):
    columns = (
        Column("role", "Role", 110, text=lambda s: s.role.capitalize()),
        Column("state", "State", 110, text=lambda s: STATE_WORDS.get(s.state, s.state)),
        Column("decided_by", "Who", 180, text=_who),
        Column("decided_at", "When", 130, text=lambda s: local_time(s.decided_at)),
        Column(
            "comment",
            "Comment",
            260,
            text=lambda s: s.comment or "—",
            tooltip=lambda s: s.comment or None,
        ),
    )


def refusal(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(e.message for e in exc.errors)
    return str(exc)


class SignOffPanel(QWidget):
    changed = Signal()
    """A sign-off was asked for or decided: the view reads the runbook again."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signOffPanel")
        self.ctx = ctx
        self.doc: RunbookDoc | None = None
        self.dirty = False
        self.ask_comment: Callable[[bool, SignOff], str | None] = self._ask_comment
        """Asks for the decision's comment; None cancels (tests answer it themselves)."""
        self.heading = QLabel(self)
        bold = self.heading.font()
        bold.setBold(True)
        self.heading.setFont(bold)
        self.heading.setWordWrap(True)
        self.model = SignOffTableModel(self)
        self.table = QTableView(self)
        set_up_table(
            self.table,
            self.model,
            name="signOffs",
            accessible="Sign-offs of this version",
            widths=[column.width for column in self.model.columns],
            selection=QAbstractItemView.SelectionMode.SingleSelection,
            editable=False,
        )
        self.ask_buttons = {role: QPushButton(f"Ask {role}", self) for role in SIGN_OFF_ROLES}
        self.approve_button = QPushButton("Approve…", self)
        self.reject_button = QPushButton("Reject…", self)
        self.why = QLabel(self)
        self.why.setObjectName("signOffWhy")
        self.why.setWordWrap(True)
        self.why.setTextFormat(Qt.TextFormat.PlainText)
        self.outcome = QLabel(self)
        self.outcome.setObjectName("signOffOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout()
        for button in self.ask_buttons.values():
            row.addWidget(button)
        row.addSpacing(16)
        row.addWidget(self.approve_button)
        row.addWidget(self.reject_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.rules = QLabel(RULES, self)
        self.rules.setObjectName("signOffRules")
        self.rules.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addWidget(self.why)
        layout.addWidget(self.outcome)
        layout.addSpacing(12)
        layout.addWidget(self.rules)
        layout.addStretch(1)
        for role, button in self.ask_buttons.items():
            button.clicked.connect(lambda _c=False, r=role: self.ask(r))
        self.approve_button.clicked.connect(lambda: self.decide(True))
        self.reject_button.clicked.connect(lambda: self.decide(False))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update())

    def show_doc(self, doc: RunbookDoc | None, dirty: bool) -> None:
        keep = self.selected()
        self.doc, self.dirty = doc, dirty
        self.model.set_rows(list(doc.sign_offs) if doc is not None else [])
        self._fit_table()
        if doc is not None:
            state = "approved" if doc.approved else "lacks " + " and ".join(doc.lacks)
            self.heading.setText(f"Sign-off of version {doc.revision}: {state}")
        pick = self.model.row_of(keep.uuid) if keep is not None else -1
        if pick < 0:
            pick = next(
                (i for i, s in enumerate(doc.sign_offs if doc else ()) if self._can_decide(s)[0]),
                -1,
            )
        if pick >= 0:
            self.table.selectRow(pick)
        self._update()

    def _fit_table(self) -> None:
        """As tall as its rows (at least two, the two roles), so the buttons sit beneath."""
        rows = max(2, self.model.rowCount())
        line = self.table.verticalHeader().defaultSectionSize()
        header = self.table.horizontalHeader().sizeHint().height()
        frame = 2 * self.table.frameWidth()
        scroll = self.table.horizontalScrollBar().sizeHint().height()
        self.table.setFixedHeight(header + rows * line + frame + scroll)

    def selected(self) -> SignOff | None:
        rows = self.table.selectionModel().selectedRows()
        row: Any = self.model.data(rows[0], ROW_ROLE) if rows else None
        return row if isinstance(row, SignOff) else None

    # ---------------------------------------------------------------- rules
    def _can_ask(self, role: str) -> tuple[bool, str]:
        doc, actor = self.doc, self.ctx.actor
        if doc is None:
            return False, ""
        if not actor.has(*approvals.REQUESTERS) or actor.person_id is None:
            return False, f"{actor.label} may not ask for sign-off"
        if self.dirty:
            return False, "Save your changes first: a sign-off is for a saved version"
        if any(
            s.role == role and s.state in (ApprovalState.PENDING, ApprovalState.APPROVED)
            for s in doc.sign_offs
        ):
            return False, ""
        found = problems(doc.body)
        if found:
            return False, (
                f"Fix the {len(found)} problem{'s' if len(found) != 1 else ''} listed on the "
                "Editor tab before asking for sign-off"
            )
        return True, ""

    def _can_decide(self, s: SignOff | None) -> tuple[bool, str]:
        doc, actor = self.doc, self.ctx.actor
        if doc is None or s is None:
            return False, ""
        if s.state != ApprovalState.PENDING:
            return False, ""
        if not actor.has(s.role):
            return False, f"Only {s.role} can decide this sign-off; you are {actor.label}"
        authors = {doc.author_login, doc.author}
        latest = doc.history[-1].author if doc.history else ""
        if actor.login in authors or (actor.name and actor.name in {doc.author, latest}):
            return False, "You wrote this runbook: an author cannot sign it off"
        if any(
            o.state == ApprovalState.APPROVED and o.decided_by and o.decided_by == actor.name
            for o in doc.sign_offs
        ):
            return False, "You already signed this version: the other role needs another person"
        return True, ""

    def _update(self) -> None:
        reasons: list[str] = []
        for role, button in self.ask_buttons.items():
            ok, why = self._can_ask(role)
            button.setEnabled(ok)
            button.setToolTip(why or f"Ask {role} to sign off this version")
            if why and why not in reasons:
                reasons.append(why)
        ok, why = self._can_decide(self.selected())
        for button in (self.approve_button, self.reject_button):
            button.setEnabled(ok)
            button.setToolTip(why or "Decide the picked sign-off")
        if why:
            reasons.append(why)
        self.why.setText("\n".join(f"ⓘ {r}" for r in reasons))
        self.why.setVisible(bool(reasons))

    # ---------------------------------------------------------------- writes
    def ask(self, role: str) -> bool:
        doc = self.doc
        if doc is None:
            return False
        uuid = doc.uuid
        return self._run(
            lambda s, a: request_sign_off(s, a, uuid, role),
            f"Asked {role} to sign off version {doc.revision}.",
        )

    def decide(self, approve: bool) -> bool:
        picked = self.selected()
        if picked is None or self.doc is None:
            return False
        comment = self.ask_comment(approve, picked)
        if comment is None:
            return False
        verb = "Approved" if approve else "Rejected"
        return self._run(
            lambda s, a: approvals.decide(s, a, picked.uuid, picked.version, approve, comment),
            f"{verb} the {picked.role} sign-off of version {self.doc.revision}.",
        )

    def _run(self, work: Callable[[Session, Actor], object], done: str) -> bool:
        """One audited approval write; the result is shown in words, a refusal included."""
        try:
            self.ctx.write("approval", work)
        except (ServiceError, DatabaseError) as exc:
            self.outcome.setText(f"⚠ Not done: {refusal(exc)}")
            return False
        self.outcome.setText(f"✔ {done}")
        self.changed.emit()
        return True

    def _ask_comment(self, approve: bool, s: SignOff) -> str | None:
        title = "Approve sign-off" if approve else "Reject sign-off"
        label = (
            f"Comment on your {s.role} approval (optional):"
            if approve
            else f"Why is the {s.role} sign-off rejected? (required: the author needs to know)"
        )
        text, ok = QInputDialog.getMultiLineText(self, title, label)
        return text if ok else None
