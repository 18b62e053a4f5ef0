"""Export to Excel: pick what the workbook covers, the zone its date-times are written in
and the file; the workbook is then written off the GUI thread behind a progress dialog.

A cancel or a failure leaves no file and an older file of the same name untouched (the writer
only moves a complete file into place). A failure keeps this dialog open with the reason in
words, so another folder or name is one step away. Success says what each sheet holds and
what had to be cut, and offers to open the workbook or its folder.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QDate, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.db import DatabaseError
from app.services import queries
from app.services.errors import ServiceError
from ui.context import AppContext
from ui.excel_actions import ExcelScope, remember, remembered, start_folder
from ui.views.calendar.zones import UTC_ZONE, resolve, zone_choices
from ui.widgets.dialogs.field_errors import ERROR_STYLE
from ui.workers import Cancelled, Loader, Report, run_with_progress

XLSX_FILTER = "Excel workbooks (*.xlsx);;All files (*)"
LISTED = 12
"""Problems spelled out in the success message; the rest are in its details."""
FOLDER_KEY = "export_folder"
ZONE_KEY = "export_zone"


def file_name(scope: ExcelScope) -> str:
    """ "release-PLT-26.25.xlsx", "releasedesk-2026-01-01-to-2026-03-31.xlsx" or
    "releasedesk-all.xlsx": the scope's name, safe on every file system."""
    if scope.release:
        stem = f"release-{scope.release}"
    elif scope.start or scope.end:
        stem = f"releasedesk-{scope.start or 'start'}-to-{scope.end or 'end'}"
    else:
        stem = "releasedesk-all"
    return re.sub(r"[^\w.\-]+", "-", stem).strip("-") + ".xlsx"


def scope_words(scope: ExcelScope) -> str:
    if scope.release:
        return f"release {scope.release}"
    if scope.start or scope.end:
        return f"{scope.start or 'the start'} to {scope.end or 'the end'}"
    return "the whole database"


def describe_error(exc: BaseException, path: Path) -> str:
    """The failure in words, naming the file when the file system refused it."""
    if isinstance(exc, PermissionError):
        return f"Permission denied: {path} cannot be written here. Pick another folder."
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        if getattr(exc, "errno", None) == 28:
            reason = "the disk is full"
        return f"Could not write {path}: {reason}. Any older file of that name is unchanged."
    if isinstance(exc, ValueError):  # the writer's ScopeError: a release or zone gone
        return f"Nothing was exported: {exc}"
    if isinstance(exc, (ServiceError, DatabaseError, SQLAlchemyError)):
        return f"Could not read the data to export: {exc}"
    return f"The export failed: {exc or type(exc).__name__}"


class StageCounter:
    """Turns the writer's (sheet, fraction) reports into "Writing Workloads: 12,000 rows".

    The writer reports a sheet once as it starts and again after every `every` rows of it,
    so the rows so far are the repeats times `every`; a stage that already carries figures
    is passed on as it is."""

    def __init__(self, report: Report, every: int, target: str = "") -> None:
        self.report = report
        self.every = every
        self.tail = f"\ninto {target}" if target else ""
        self.stage = ""
        self.repeats = 0

    def __call__(self, stage: str, fraction: float) -> None:
        if stage == self.stage:
            self.repeats += 1
        else:
            self.stage, self.repeats = stage, 0
        if any(ch.isdigit() for ch in stage):
            text = stage
        elif self.repeats:
            text = f"Writing {stage}: {self.repeats * self.every:,} rows"
        else:
            text = f"Writing {stage}…"
        self.report(text + self.tail, fraction)


def team_zones(session: Session) -> dict[str, str]:
    return {t.name: t.timezone for t in queries.team_rows(session)}


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(qd: QDate) -> date:
    return date(qd.year(), qd.month(), qd.day())


class ExportXlsxDialog(QDialog):
    def __init__(self, ctx: AppContext, scope: ExcelScope, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportXlsxDialog")
        self.setWindowTitle("Export to Excel")
        self.ctx = ctx
        self.result_box: QMessageBox | None = None
        """The success message last shown (window-modal; tests and screen readers find it)."""
        self.exported: Any = None
        """The writer's result of the last export that completed."""
        self._named_by_hand = False
        with ctx.read() as session:
            releases = [c.label for c in queries.choices(session, "release")]  # newest first
        self._team_zones: dict[str, str] = {}
        self.loader = Loader(ctx, self)
        """Reads the teams' zones (counting each team's work costs a moment on a big plan)."""
        self.loader.landed.connect(self._zones_landed)

        self.banner = QLabel(self)
        self.banner.setObjectName("exportBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(ERROR_STYLE)
        self.banner.hide()

        self.whole = QRadioButton("&Whole database", self)
        self.one_release = QRadioButton("One &release:", self)
        self.period = QRadioButton("A &period:", self)
        self.scopes = QButtonGroup(self)
        for button in (self.whole, self.one_release, self.period):
            self.scopes.addButton(button)
        self.release = self._release_combo(releases)
        today = date.today()
        self.start = self._date_edit("From", scope.start or today.replace(day=1))
        self.end = self._date_edit("To", scope.end or today.replace(day=1) + timedelta(days=90))
        self.zone = QComboBox(self)
        self.zone.setAccessibleName("Time zone of date-times")
        self._zone_picked = False
        self.zone.activated.connect(lambda _i: setattr(self, "_zone_picked", True))
        self._show_zones(remembered(ZONE_KEY, UTC_ZONE))
        self.loader.start("zones", team_zones)
        self.path = QLineEdit(self)
        self.path.setAccessibleName("Workbook file")
        self.path.setMinimumWidth(self.fontMetrics().horizontalAdvance("x" * 44))
        self.browse = QPushButton("&Browse…", self)
        self.browse.setAutoDefault(False)

        if scope.release and scope.release in releases:
            self.one_release.setChecked(True)
            self.release.setCurrentIndex(releases.index(scope.release))
        elif scope.start or scope.end:
            self.period.setChecked(True)
        else:
            self.whole.setChecked(True)
        self.one_release.setEnabled(bool(releases))
        self._build_layout()
        self._suggest_name()
        self.scopes.buttonToggled.connect(self._scope_toggled)
        self.release.currentTextChanged.connect(lambda _t: self._suggest_name())
        self.start.dateChanged.connect(lambda _d: self._suggest_name())
        self.end.dateChanged.connect(lambda _d: self._suggest_name())
        self.path.textEdited.connect(self._path_edited)
        self.browse.clicked.connect(self.choose_file)
        self._scope_toggled()

    # ---------------------------------------------------------------- building
    def _release_combo(self, releases: list[str]) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName("exportRelease")
        combo.setAccessibleName("Release")
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.addItems(releases)
        combo.setMinimumContentsLength(16)
        completer = QCompleter(releases, combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        combo.lineEdit().setPlaceholderText("Type to search release names")
        combo.setToolTip("Newest first; type any part of a name to find it")
        return combo

    def _date_edit(self, name: str, day: date) -> QDateEdit:
        edit = QDateEdit(_qdate(day), self)
        edit.setAccessibleName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _build_layout(self) -> None:
        scope = QGridLayout()
        scope.setColumnStretch(1, 1)
        scope.addWidget(self.whole, 0, 0, 1, 2)
        scope.addWidget(self.one_release, 1, 0)
        scope.addWidget(self.release, 1, 1)
        scope.addWidget(self.period, 2, 0)
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        to = QLabel("&to", self)
        to.setBuddy(self.end)
        dates.addWidget(to)
        dates.addWidget(self.end)
        dates.addStretch(1)
        scope.addLayout(dates, 2, 1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Export:", scope)
        zone_label = QLabel("Date-times &in:", self)
        zone_label.setBuddy(self.zone)
        form.addRow(zone_label, self.zone)
        file_label = QLabel("&File:", self)
        file_label.setBuddy(self.path)
        form.addRow(file_label, file_row)
        note = QLabel(
            "Sheets: Summary, Releases, Workloads, Capacity, Dependency matrix, Calendar, "
            "Runbooks, Approvals and Audit. Date-times are written in the zone picked here, "
            "and each column header names it. Large exports can be cancelled; a cancelled "
            "export writes nothing.",
            self,
        )
        note.setWordWrap(True)
        note.setObjectName("exportNote")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("&Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)

    def _show_zones(self, wanted: str) -> None:
        """Mine, UTC and each team's zone; `wanted` (a remembered choice) stays picked, or
        UTC when it is not on offer (yet)."""
        self.zone.clear()
        for choice in zone_choices(self._team_zones):
            self.zone.addItem(choice.label, choice.value)
        at = self.zone.findData(wanted)
        self.zone.setCurrentIndex(at if at >= 0 else max(0, self.zone.findData(UTC_ZONE)))

    def _zones_landed(self, _part: str, zones: object) -> None:
        picked = self._zone_picked
        wanted = str(self.zone.currentData()) if picked else remembered(ZONE_KEY, UTC_ZONE)
        self._team_zones = dict(cast(dict[str, str], zones))
        self._show_zones(wanted)

    # ------------------------------------------------------------------- choices
    def scope(self) -> ExcelScope:
        """The scope as picked; a release only when its name is one the database has."""
        if self.one_release.isChecked():
            return ExcelScope(release=self._release_name())
        if self.period.isChecked():
            return ExcelScope(start=_pydate(self.start.date()), end=_pydate(self.end.date()))
        return ExcelScope()

    def _release_name(self) -> str | None:
        typed = self.release.currentText().strip().casefold()
        for i in range(self.release.count()):
            if self.release.itemText(i).casefold() == typed:
                return self.release.itemText(i)
        return None

    def zone_id(self) -> str:
        return resolve(str(self.zone.currentData()), self._team_zones)

    def target(self) -> Path | None:
        text = self.path.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")

    def _scope_toggled(self, *_args: Any) -> None:
        self.release.setEnabled(self.one_release.isChecked())
        for edit in (self.start, self.end):
            edit.setEnabled(self.period.isChecked())
        self._suggest_name()

    def _path_edited(self, _text: str) -> None:
        self._named_by_hand = True

    def _suggest_name(self) -> None:
        """The name follows the scope until the user names the file themselves."""
        if self._named_by_hand:
            return
        scope = self.scope()
        if self.one_release.isChecked() and scope.release is None:
            return  # half-typed release name: keep the last good suggestion
        current = self.target()
        folder = str(current.parent) if current is not None else start_folder(FOLDER_KEY)
        self.path.setText(str(Path(folder) / file_name(scope)))

    def choose_file(self) -> None:
        current = self.target()
        start = str(current) if current is not None else start_folder(FOLDER_KEY)
        chosen, _filter = QFileDialog.getSaveFileName(self, "Export to Excel", start, XLSX_FILTER)
        if chosen:
            self.path.setText(chosen)
            self._named_by_hand = True

    # --------------------------------------------------------------------- export
    def accept(self) -> None:
        self.banner.hide()
        scope = self.scope()
        problem = self._check(scope)
        if problem:
            self.show_problem(problem)
            return
        target = self.target()
        assert target is not None
        if target.exists() and not self._replace(target):
            return
        remember(FOLDER_KEY, str(target.parent))
        remember(ZONE_KEY, str(self.zone.currentData()))
        if self.export(scope, target):
            super().accept()

    def _check(self, scope: ExcelScope) -> str:
        if self.one_release.isChecked() and scope.release is None:
            typed = self.release.currentText().strip()
            return f"No release is called “{typed}”: pick one from the list."
        if scope.start and scope.end and scope.start > scope.end:
            return "The period ends before it starts: swap the dates."
        target = self.target()
        if target is None:
            return "Name the file to write (Browse… picks a folder)."
        if not target.parent.is_dir():
            return f"The folder {target.parent} does not exist."
        return ""

    def _replace(self, target: Path) -> bool:
        answer = QMessageBox.question(
            self,
            "Export to Excel",
            f"{target.name} already exists in {target.parent}. Replace it?",
        )
        return answer == QMessageBox.StandardButton.Yes

    def export(self, scope: ExcelScope, target: Path) -> bool:
        """Write the workbook behind a progress dialog; True once the file is complete."""
        db, zone = self.ctx.db, self.zone_id()

        def work(report: Report) -> Any:
            from app.exchange.release_workbook import EVERY, export_workbook

            with db.read() as session:  # this thread's own connection
                return export_workbook(
                    session,
                    target,
                    release=scope.release,
                    start=scope.start,
                    end=scope.end,
                    zone=zone,
                    progress=StageCounter(report, EVERY, target.name),
                )

        try:
            result = run_with_progress(
                work,
                title="Export to Excel",
                label=f"Exporting {scope_words(scope)} to {target.name}…",
                parent=self,
                show_after_ms=0,
            )
        except Cancelled:
            self.show_problem("Export cancelled: no file was written.", error=False)
            return False
        except Exception as exc:  # every failure is told in words; the dialog stays open
            self.show_problem(describe_error(exc, target))
            return False
        self.exported = result
        self.result_box = show_result(self.parentWidget() or self, result, target)
        return True

    def show_problem(self, text: str, *, error: bool = True) -> None:
        self.banner.setText(f"⚠ {text}" if error else text)
        self.banner.setStyleSheet(ERROR_STYLE if error else "padding: 3px 6px;")
        self.banner.show()


def result_text(result: Any) -> tuple[str, str]:
    """(rows per sheet and the first problems, every problem when there are more)."""
    sheets: dict[str, int] = dict(getattr(result, "sheets", {}) or {})
    problems: list[str] = list(getattr(result, "problems", []) or [])
    lines = [f"{name}: {rows:,} row{'s' if rows != 1 else ''}" for name, rows in sheets.items()]
    if problems:
        shown = problems[:LISTED]
        lines.append("")
        lines.append(f"⚠ Cut or left out ({len(problems):,}):")
        lines += [f"• {p}" for p in shown]
        if len(problems) > LISTED:
            lines.append(f"… and {len(problems) - LISTED} more (Show Details…)")
    details = "\n".join(problems) if len(problems) > LISTED else ""
    return "\n".join(lines), details


def show_result(parent: QWidget, result: Any, target: Path) -> QMessageBox:
    """Rows per sheet and what was cut, with Open / Show in folder / Close; window-modal."""
    info, details = result_text(result)
    box = QMessageBox(parent)
    box.setObjectName("exportResult")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("Export to Excel")
    box.setText(f"Exported to {target.name} in {target.parent}.")
    box.setInformativeText(info)
    if details:
        box.setDetailedText(details)
    open_button = box.addButton("&Open", QMessageBox.ButtonRole.AcceptRole)
    folder_button = box.addButton("Show in &Folder", QMessageBox.ButtonRole.ActionRole)
    close_button = box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(open_button)
    box.setEscapeButton(close_button)

    def clicked(button: QAbstractButton) -> None:
        if button is open_button:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))
        elif button is folder_button:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target.parent)))

    box.buttonClicked.connect(clicked)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.open()
    return box
