"""Asking to let a release or deployment into a freeze: who, why, and until when.

The service judges the request (a justification, an expiry in the future, a known subject);
a refusal shows in the dialog with the user's text intact.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.db import DatabaseError
from app.services.errors import PermissionDenied, ServiceError, ValidationError
from ui.views.calendar.index import DEPLOYMENT, RELEASE, CalendarIndex
from ui.views.calendar.zones import city

Submit = Callable[[str, str, datetime], None]

_ERROR_STYLE = (
    "color: #8c1d18; background: #fde7e9; border-left: 3px solid #b3261e; padding: 3px 6px;"
)


def candidates(index: CalendarIndex, freeze_key: str) -> list[tuple[str, str]]:
    """(label, key) of what may ask to enter a freeze: what conflicts with it first, then
    the releases whose window meets one of its occurrences."""
    found: dict[str, str] = {}
    for conflict in index.data.conflicts:
        if conflict.other == freeze_key:
            ref = index.ref_of(conflict.subject)
            if ref is not None and ref.kind in (RELEASE, DEPLOYMENT):
                found.setdefault(ref.key, conflict.label)
    for release in index.data.releases:
        for occ in index.freezes[freeze_key].occurrences:
            if release.window_start < occ.end and release.window_end > occ.start:
                found.setdefault(release.key, f"Release {release.name}")
    return [(text, key) for key, text in found.items()]


class OverrideDialog(QDialog):
    def __init__(
        self,
        freeze_name: str,
        subjects: list[tuple[str, str]],
        expires: datetime,
        zone: str,
        submit: Submit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Request an override of {freeze_name}")
        self._submit = submit
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(_ERROR_STYLE)
        self.banner.hide()
        intro = QLabel(
            f"An approver (not you) decides. Until then “{freeze_name}” still blocks.", self
        )
        intro.setWordWrap(True)
        self.subject = QComboBox(self)
        self.subject.setAccessibleName("Release or deployment")
        for label, key in subjects:
            self.subject.addItem(label, key)
        self.justification = QPlainTextEdit(self)
        self.justification.setPlaceholderText("Why can this not wait until the freeze ends?")
        self.justification.setTabChangesFocus(True)
        self.expires = QDateTimeEdit(self)
        self.expires.setCalendarPopup(True)
        self.expires.setTimeZone(QTimeZone(zone.encode()))
        self.expires.setDisplayFormat(f"yyyy-MM-dd HH:mm '{city(zone)}'")
        self.expires.setDateTime(QDateTime.fromSecsSinceEpoch(int(expires.timestamp())))
        form = QFormLayout()
        form.addRow("For:", self.subject)
        form.addRow("Justification:", self.justification)
        form.addRow("Expires:", self.expires)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Request")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.expires.dateTime().toSecsSinceEpoch(), UTC)

    def accept(self) -> None:
        """Close only once the service has filed the request."""
        key = self.subject.currentData()
        if key is None:
            self._show("Pick the release or deployment the override is for.")
            return
        try:
            self._submit(str(key), self.justification.toPlainText(), self.expires_at())
        except ValidationError as exc:
            self._show("; ".join(f"{e.field} {e.message}" for e in exc.errors))
            return
        except (PermissionDenied, ServiceError, DatabaseError) as exc:
            self._show(str(exc))
            return
        super().accept()

    def _show(self, text: str) -> None:
        self.banner.setText(f"⚠ {text}")
        self.banner.show()
