"""Always in view beside the steps: how long the rollback takes, where it must stop and check,
and what still stands between the draft and sign-off.

The problems are `app.runbooks.validate.problems` of the draft, recomputed on every edit;
picking one selects the step or trigger it is about and puts the cursor in the field to fix.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.runbooks.body import RunbookBody
from app.runbooks.validate import Issue
from ui.views.runbooks.fonts import accent

ISSUE_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2


def totals_text(body: RunbookBody) -> str:
    """ "12 steps · 95 min"."""
    steps = len(body.steps)
    return f"{steps} step{'s' if steps != 1 else ''} · {body.total_minutes} min"


def checkpoint_line(number: int, title: str, verification: str) -> str:
    """ "step 4 Drain traffic — verify: error rate below 0.5 %"."""
    check = " ".join(verification.split()) or "(say what must hold)"
    return f"step {number} {title.strip() or '(no title)'} — verify: {check}"


def issue_line(issue: Issue) -> str:
    return f"⚠ {issue.where}: {issue.message}"


def _list(name: str, parent: QWidget) -> QListWidget:
    widget = QListWidget(parent)
    widget.setObjectName(name)
    widget.setWordWrap(True)
    widget.setTextElideMode(Qt.TextElideMode.ElideNone)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    widget.setAlternatingRowColors(True)
    widget.setSpacing(2)
    return widget


class Glance(QWidget):
    step_picked = Signal(int)
    issue_picked = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runbookGlance")
        self.totals = QLabel(self)
        self.totals.setObjectName("runbookTotals")
        accent(self.totals, 1.35, bold=True)
        self.totals.setAccessibleName("Expected duration")
        self.checks_title = QLabel(self)
        self.checks = _list("runbookCheckpoints", self)
        self.checks.setAccessibleName("Go/no-go checkpoints")
        self.problems_title = QLabel(self)
        self.problems = _list("runbookProblems", self)
        self.problems.setAccessibleName("Problems to fix before sign-off")
        for label in (self.checks_title, self.problems_title):
            bold = label.font()
            bold.setBold(True)
            label.setFont(bold)
            label.setWordWrap(True)
        self.checks_title.setBuddy(self.checks)
        self.problems_title.setBuddy(self.problems)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.totals)
        layout.addSpacing(6)
        layout.addWidget(self.checks_title)
        layout.addWidget(self.checks, 2)
        layout.addSpacing(6)
        layout.addWidget(self.problems_title)
        layout.addWidget(self.problems, 3)
        self.checks.itemActivated.connect(self._check_chosen)
        self.checks.itemClicked.connect(self._check_chosen)
        self.problems.itemActivated.connect(self._issue_chosen)
        self.problems.itemClicked.connect(self._issue_chosen)

    def show_body(self, body: RunbookBody, issues: Sequence[Issue]) -> None:
        self.totals.setText(totals_text(body))
        checkpoints = body.checkpoints
        self.checks_title.setText(
            f"&Go/no-go checkpoints ({len(checkpoints)})"
            if checkpoints
            else "&Go/no-go checkpoints"
        )
        self.checks.clear()
        for number, step in checkpoints:
            item = QListWidgetItem(checkpoint_line(number, step.title, step.verification))
            item.setData(ROW_ROLE, number - 1)
            self.checks.addItem(item)
        if not checkpoints:
            self.checks.addItem(
                _note("None yet: tick “Go/no-go” on a step where the team must stop and check.")
            )
        self.problems_title.setText(
            f"&Problems before sign-off ({len(issues)})" if issues else "&Problems before sign-off"
        )
        self.problems.clear()
        for issue in issues:
            item = QListWidgetItem(issue_line(issue))
            item.setData(ISSUE_ROLE, issue)
            item.setToolTip(f"{issue.where}: {issue.message}\nEnter or click goes to the field.")
            self.problems.addItem(item)
        if not issues:
            self.problems.addItem(_note("✔ Nothing blocks sign-off."))

    def problem_texts(self) -> list[str]:
        return [
            self.problems.item(i).text()
            for i in range(self.problems.count())
            if self.problems.item(i).data(ISSUE_ROLE) is not None
        ]

    def _check_chosen(self, item: QListWidgetItem) -> None:
        row = item.data(ROW_ROLE)
        if row is not None:
            self.step_picked.emit(int(row))

    def _issue_chosen(self, item: QListWidgetItem) -> None:
        issue = item.data(ISSUE_ROLE)
        if issue is not None:
            self.issue_picked.emit(issue)


def _note(text: str) -> QListWidgetItem:
    item = QListWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
    return item
