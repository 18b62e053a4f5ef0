"""The calendar as an iCalendar file for Outlook, and freezes or windows from one.

Export writes what the coordinator is looking at: the train and team picked in the filters
(the only ones `ExportScope` knows; component and environment filters do not narrow a file,
and the status line says so when they are set) and, by default (Ctrl+E), the range on screen,
or with "all dates" (Ctrl+Shift+E) every date. Two menu entries rather than a question after
the file dialog: the choice is made where the command is picked, and Ctrl+E stays one step.
The file is written in a worker behind a progress dialog; a cancel leaves no file behind (the
writer only renames a complete file into place).

Import reads the whole file first (in a worker) and shows every problem with its line before
asking anything, then asks what the events become: hard or soft freezes, or deployment windows
of one environment. The import is one undoable command.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.db import DatabaseError
from app.exchange.errors import BadInput, Problem
from app.exchange.ical_export import ExportCancelled, write_calendar
from app.exchange.ical_import import ImportedEvent, read_calendar
from app.services.calendar_exchange import ExportScope, calendar_events
from app.services.calendar_queries import filter_choices
from app.services.errors import PermissionDenied, ServiceError
from ui.views.calendar import editing
from ui.views.calendar.commands import ImportCalendarCommand, ImportRefused
from ui.workers import Cancelled, Report, run_with_progress

if TYPE_CHECKING:
    from ui.views.calendar.view import CalendarView

ICS_FILTER = "iCalendar files (*.ics);;All files (*)"
LISTED = 15
"""Problems spelled out in a message; the rest are counted."""
PREVIEWED = 6
"""Event titles the import dialog lists."""

_ERROR_STYLE = (
    "color: #8c1d18; background: #fde7e9; border-left: 3px solid #b3261e; padding: 3px 6px;"
)

Submit = Callable[[str, str | None, bool], None]
"""(kind "freeze" | "window", environment or None, hard): import as chosen, or raise."""


# ----------------------------------------------------------------------------- export
def export_scope(view: CalendarView, *, whole: bool) -> ExportScope:
    """The train and team picked in the filters, and the range on screen unless `whole`."""
    filters = view.current_filters()
    train = next(iter(filters.trains)) if len(filters.trains) == 1 else None
    team = next(iter(filters.teams)) if len(filters.teams) == 1 else None
    after, before = (None, None) if whole else view.canvas.visible_range()
    return ExportScope(team=team, train=train, after=after, before=before)


def file_name(scope: ExportScope) -> str:
    """ "releasedesk-payments-train.ics": the scope's name, safe on every file system."""
    return re.sub(r"[^\w.]+", "-", scope.name()).strip("-").lower() + ".ics"


def export_ical(view: CalendarView, path: str | Path | None = None, *, whole: bool = False) -> int:
    """Write the calendar to `path` (asked for when None); returns the events written, 0 when
    nothing was (cancelled, or refused with a message)."""
    scope = export_scope(view, whole=whole)
    if path is None:
        chosen, _filter = QFileDialog.getSaveFileName(
            view, "Export iCalendar", file_name(scope), ICS_FILTER
        )
        if not chosen:
            return 0
        path = chosen
    target = Path(path)
    if target.suffix.lower() != ".ics":
        target = target.with_name(target.name + ".ics")
    what = "all dates" if whole else view.nav.range_label.text()
    done: list[int] = []
    db = view.ctx.db

    def work(report: Report) -> int:
        def progress(count: int) -> bool:
            try:
                report(f"Exporting {what}: {count:,} events…", 0.0)
            except Cancelled:
                return False
            return True

        with db.read() as session:
            count = write_calendar(calendar_events(session, scope), scope.name(), target, progress)
        done.append(count)
        return count

    try:
        count = run_with_progress(
            work,
            title="Export iCalendar",
            label=f"Exporting {what} to {target.name}…",
            parent=view,
            indeterminate=True,
        )
    except (Cancelled, ExportCancelled):
        if not done:
            view.tell("Export cancelled: no file was written.")
            return 0
        count = done[0]  # the cancel came after the file was complete
    except OSError as exc:
        editing.warn(view, f"Could not write {target}: {exc.strerror or exc}")
        return 0
    except (ServiceError, DatabaseError) as exc:
        editing.warn(view, f"Could not export the calendar: {exc}")
        return 0
    parts = [what] + [f"train {scope.train}"] * bool(scope.train)
    parts += [f"team {scope.team}"] * bool(scope.team)
    filters = view.current_filters()
    note = (
        "; component and environment filters do not apply to files"
        if filters.components or filters.environments
        else ""
    )
    view.tell(
        f"Exported {count:,} event{'s' if count != 1 else ''} to {target.name} "
        f"({', '.join(parts)}{note})."
    )
    return count


# ----------------------------------------------------------------------------- import
def problems_text(problems: list[Problem]) -> str:
    lines = [str(p) for p in problems[:LISTED]]
    if len(problems) > LISTED:
        lines.append(f"… and {len(problems) - LISTED} more")
    return "\n".join(lines)


def import_ical(view: CalendarView, path: str | Path | None = None) -> ImportDialog | None:
    """Read an .ics file (asked for when `path` is None) and open the dialog that imports it;
    None when there is nothing to ask about (read only, cancelled, unreadable, empty)."""
    if not view.can_edit:
        editing.warn(view, f"Read only: {view.editor.why_read_only()}.")
        return None
    if path is None:
        chosen, _filter = QFileDialog.getOpenFileName(view, "Import iCalendar", "", ICS_FILTER)
        if not chosen:
            return None
        path = chosen
    source = Path(path)
    try:
        data = source.read_bytes()
    except OSError as exc:
        editing.warn(view, f"Could not read {source}: {exc.strerror or exc}")
        return None
    try:
        events = run_with_progress(
            lambda _report: read_calendar(data, source.name),
            title="Import iCalendar",
            label=f"Reading {source.name}…",
            parent=view,
            indeterminate=True,
        )
    except Cancelled:
        view.tell("Import cancelled: nothing was imported.")
        return None
    except BadInput as exc:
        editing.warn(
            view, f"Nothing was imported from {source.name}:\n\n{problems_text(exc.problems)}"
        )
        return None
    if not events:
        QMessageBox.information(
            view, "Calendar", f"{source.name} holds no events: there is nothing to import."
        )
        return None
    try:
        with view.ctx.read() as session:
            environments = filter_choices(session)["environments"]
    except DatabaseError as exc:
        editing.warn(view, f"Could not read the environments: {exc}")
        return None

    def submit(kind: str, environment: str | None, hard: bool) -> None:
        command = ImportCalendarCommand(
            view.ctx, events, source=source.name, kind=kind, environment=environment, hard=hard
        )
        command.execute()
        summary = command.summary
        assert summary is not None
        view.tell(
            f"{source.name}: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged ({_kind_words(kind, hard)})."
        )

    dialog = ImportDialog(events, source.name, environments, submit, view)
    view.editor.show(dialog)
    return dialog


def _kind_words(kind: str, hard: bool) -> str:
    if kind == "window":
        return "deployment windows"
    return "hard freezes" if hard else "soft freezes"


class ImportDialog(QDialog):
    """What the file's events become; stays open with the refusal shown if the service
    refuses (nothing was imported then)."""

    def __init__(
        self,
        events: list[ImportedEvent],
        source: str,
        environments: list[str],
        submit: Submit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import {source}")
        self._submit = submit
        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(_ERROR_STYLE)
        self.banner.hide()
        count = len(events)
        titles = [f"• {e.summary or e.uid}" for e in events[:PREVIEWED]]
        if count > PREVIEWED:
            titles.append(f"… and {count - PREVIEWED} more")
        intro = QLabel(
            f"{count} event{'s' if count != 1 else ''} in {source}:\n" + "\n".join(titles), self
        )
        intro.setWordWrap(True)
        self.freezes = QRadioButton("&Freezes", self)
        self.windows = QRadioButton("Deployment &windows", self)
        self.hard = QRadioButton("&Hard: blocks deployments", self)
        self.soft = QRadioButton("&Soft: deployments need a second look", self)
        self.environment = QComboBox(self)
        self.environment.setAccessibleName("Environment of the windows")
        self.environment.addItem("Every environment", None)
        for name in environments:
            self.environment.addItem(name, name)
        kinds, strengths = QButtonGroup(self), QButtonGroup(self)
        for button in (self.freezes, self.windows):
            kinds.addButton(button)
        for button in (self.hard, self.soft):
            strengths.addButton(button)
        self.freezes.setChecked(True)  # once grouped: siblings are one exclusive set until then
        self.hard.setChecked(True)
        self.freezes.toggled.connect(self._kind_changed)
        form = QFormLayout()
        form.addRow("Import as:", _row(self, self.freezes, self.windows))
        form.addRow("Freezes are:", _column(self, self.hard, self.soft))
        self.environment_label = QLabel("&Environment:", self)
        self.environment_label.setBuddy(self.environment)
        form.addRow(self.environment_label, self.environment)
        note = QLabel(
            "An event imported before (same UID) is updated, not duplicated. "
            "Undo (Ctrl+Z) takes the whole import back.",
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self._kind_changed()

    def choice(self) -> tuple[str, str | None, bool]:
        """(kind, environment, hard) as picked."""
        if self.windows.isChecked():
            return "window", self.environment.currentData(), True
        return "freeze", None, self.hard.isChecked()

    def accept(self) -> None:
        self.banner.hide()
        kind, environment, hard = self.choice()
        try:
            self._submit(kind, environment, hard)
        except ImportRefused as exc:
            self._show(f"Nothing was imported:\n{problems_text(exc.problems)}")
            return
        except (PermissionDenied, ServiceError, DatabaseError) as exc:
            self._show(f"Nothing was imported: {exc}")
            return
        super().accept()

    def _kind_changed(self) -> None:
        freezes = self.freezes.isChecked()
        for widget in (self.hard, self.soft):
            widget.setEnabled(freezes)
        self.environment.setEnabled(not freezes)
        self.environment_label.setEnabled(not freezes)

    def _show(self, text: str) -> None:
        self.banner.setText(f"⚠ {text}")
        self.banner.show()


def _row(parent: QWidget, *widgets: QWidget) -> QWidget:
    box = QWidget(parent)
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return box


def _column(parent: QWidget, *widgets: QWidget) -> QWidget:
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    for widget in widgets:
        layout.addWidget(widget)
    return box
