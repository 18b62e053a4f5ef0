"""The picked item in full: its schedule in plain words, the local times of the teams
involved, its conflicts, and for a freeze its overrides with the actions to request or decide
one."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal, SignalInstance
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.calendar_data import OverrideItem
from ui.views.calendar.describe import Details, override_line, severity_word
from ui.views.calendar.index import DEPLOYMENT, FREEZE

OVERRIDE_ROLE = Qt.ItemDataRole.UserRole + 1
MAX_CONFLICTS = 8


class DetailsPanel(QWidget):
    edit_requested = Signal()
    delete_requested = Signal()
    override_requested = Signal(str)
    """Freeze key."""
    decision_requested = Signal(object, bool)
    """The OverrideItem and approve (True) or reject."""
    rollback_log_requested = Signal(str)
    """Deployment key: show its rollback decisions."""
    rollback_record_requested = Signal(str)
    """Deployment key: record a rollback decision for it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details: Details | None = None
        self.can_edit = False
        self.can_request = False
        self.can_decide = False
        self.can_record = False
        """May record rollback decisions (operations, coordinator, admin)."""
        self.title = QLabel("Nothing selected", self)
        self.title.setObjectName("detailsTitle")
        self._style_title()
        self.title.setWordWrap(True)
        self.kind = QLabel("Click an item, or use Tab on the focused day.", self)
        self.kind.setWordWrap(True)
        self.body = QLabel(self)
        self.body.setObjectName("detailsBody")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.overrides_title = QLabel("Overrides", self)
        self.overrides = QListWidget(self)
        self.overrides.setWordWrap(True)
        self.overrides.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.overrides.setAccessibleName("Overrides of this freeze")
        self.overrides.setMaximumHeight(130)
        self.edit_button = QPushButton("Edit…", self)
        self.delete_button = QPushButton("Delete", self)
        self.request_button = QPushButton("Request override…", self)
        self.approve_button = QPushButton("Approve", self)
        self.reject_button = QPushButton("Reject…", self)
        self.edit_button.setToolTip("Change this item (Enter)")
        self.delete_button.setToolTip("Delete this item (Delete); undoable")
        self.request_button.setToolTip("Ask an approver to let a release or deployment in")
        self.log_button = QPushButton("Rollback decisions…", self)
        self.record_button = QPushButton("Record rollback decision…", self)
        self.log_button.setToolTip("The rollback, roll-forward and hold calls made for it")
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        decide = QHBoxLayout()
        decide.addWidget(self.request_button)
        decide.addStretch(1)
        decide.addWidget(self.approve_button)
        decide.addWidget(self.reject_button)
        rollback = QHBoxLayout()
        rollback.addWidget(self.log_button)
        rollback.addWidget(self.record_button)
        rollback.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.kind)
        scroll = QScrollArea(self)
        scroll.setWidget(self.body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.overrides_title)
        layout.addWidget(self.overrides)
        layout.addLayout(decide)
        layout.addLayout(rollback)
        layout.addLayout(buttons)
        self.edit_button.clicked.connect(self.edit_requested)
        self.delete_button.clicked.connect(self.delete_requested)
        self.request_button.clicked.connect(self._request)
        self.approve_button.clicked.connect(lambda: self._decide(True))
        self.reject_button.clicked.connect(lambda: self._decide(False))
        self.log_button.clicked.connect(lambda: self._for_deployment(self.rollback_log_requested))
        self.record_button.clicked.connect(
            lambda: self._for_deployment(self.rollback_record_requested)
        )
        self.overrides.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.show_details(None)

    def _style_title(self) -> None:
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode enlarges the type
            self._style_title()

    def show_details(self, details: Details | None) -> None:
        self.details = details
        freeze = details is not None and details.ref.kind == FREEZE
        self.overrides_title.setVisible(freeze)
        self.overrides.setVisible(freeze)
        self.request_button.setVisible(freeze)
        self.approve_button.setVisible(freeze)
        self.reject_button.setVisible(freeze)
        self.overrides.clear()
        if details is None:
            self.title.setText("Nothing selected")
            self.kind.setText("Click an item, or use Tab on the focused day.")
            self.body.setText("")
            self._update_buttons()
            return
        self.title.setText(details.title)
        self.kind.setText(details.kind)
        self.body.setText(_body_html(details))
        if freeze:
            for override in details.overrides:
                item = QListWidgetItem(override_line(override), self.overrides)
                item.setData(OVERRIDE_ROLE, override)
                item.setToolTip(override_line(override))
            if not details.overrides:
                QListWidgetItem("No overrides requested.", self.overrides).setFlags(
                    Qt.ItemFlag.NoItemFlags
                )
        self._update_buttons()

    def body_text(self) -> str:
        """The details as plain text (what a screen reader gets)."""
        return self.body.text()

    def selected_override(self) -> OverrideItem | None:
        item = self.overrides.currentItem()
        value = item.data(OVERRIDE_ROLE) if item is not None else None
        return value if isinstance(value, OverrideItem) else None

    def _update_buttons(self) -> None:
        editable = self.details is not None
        record = self.details is not None and self.details.ref.kind == DEPLOYMENT
        self.edit_button.setVisible(editable)
        self.delete_button.setVisible(editable and not record)
        self.log_button.setVisible(record)
        self.record_button.setVisible(record)
        self.record_button.setEnabled(self.can_record)
        self.record_button.setToolTip(
            "Record a rollback, roll-forward or hold call (never undone)"
            if self.can_record
            else "Recording a rollback decision needs the operations, coordinator or admin role"
        )
        self.edit_button.setText("Edit…" if self.can_edit else "View…")
        self.delete_button.setEnabled(editable and self.can_edit)
        self.request_button.setEnabled(self.can_request)
        pending = self.selected_override()
        open_request = pending is not None and pending.status == "requested"
        self.approve_button.setEnabled(self.can_decide and open_request)
        self.reject_button.setEnabled(self.can_decide and open_request)

    def _request(self) -> None:
        if self.details is not None:
            self.override_requested.emit(self.details.ref.key)

    def _for_deployment(self, signal: SignalInstance) -> None:
        if self.details is not None and self.details.ref.kind == DEPLOYMENT:
            signal.emit(self.details.ref.key)

    def _decide(self, approve: bool) -> None:
        override = self.selected_override()
        if override is not None:
            self.decision_requested.emit(override, approve)


def _body_html(details: Details) -> str:
    rows = "".join(
        f"<tr><td style='padding-right:10px; vertical-align:top'><b>{html.escape(label)}</b>"
        f"</td><td>{html.escape(text).replace(chr(10), '<br>')}</td></tr>"
        for label, text in details.facts
    )
    parts = [f"<table cellspacing='2'>{rows}</table>"]
    if details.conflicts:
        items = "".join(
            f"<li><b>{'✖' if severity_word(c) == 'Blocking' else '⚠'} {severity_word(c)}:</b> "
            f"{html.escape(c.reason)}</li>"
            for c in details.conflicts[:MAX_CONFLICTS]
        )
        more = len(details.conflicts) - MAX_CONFLICTS
        extra = f"<p>… and {more} more (see the conflict list)</p>" if more > 0 else ""
        count = len(details.conflicts)
        parts.append(f"<p><b>{count} conflict{'s' if count != 1 else ''}</b></p><ul>{items}</ul>")
        parts.append(extra)
    else:
        parts.append("<p>✓ No conflicts.</p>")
    return "".join(parts)
