"""Import workloads: read an .xlsx or .csv, preview what it would create, change and refuse,
then apply it all as one undoable step.

Reading and planning run off the GUI thread (a tracker export can hold thousands of rows).
The preview is what the service would do, not a guess: rows to create, each field to change
(before → after), and every invalid cell with its row and column. Apply stays off while any
row is invalid (the import is all or nothing) or when nothing would change, and says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.exc import SQLAlchemyError

from app.db import DatabaseError
from app.exchange.errors import BadInput
from app.exchange.workload_sheet import WorkloadSheet, read_sheet
from app.services import queries
from app.services.errors import ServiceError, ValidationError
from app.services.workload_import import ImportPlan, PreviewOutdated, plan_import
from ui.context import AppContext
from ui.excel_actions import ImportWorkloadsCommand, remember, start_folder
from ui.models.import_preview_table_model import (
    CREATE_COLUMNS,
    ERROR_COLUMNS,
    UPDATE_COLUMNS,
    ImportPreviewTableModel,
    PreviewCounts,
    PreviewLines,
    counts_of,
    lines_of,
)
from ui.widgets.dialogs.field_errors import ERROR_STYLE
from ui.workers import Cancelled, Report, run_with_progress

SHEET_FILTER = "Workload sheets (*.xlsx *.csv);;Excel workbooks (*.xlsx);;CSV files (*.csv)"
FOLDER_KEY = "import_folder"
LISTED = 12
ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ImportWorkloadsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importWorkloadsDialog")
        self.setWindowTitle("Import Workloads")
        self.ctx = ctx
        self.sheet: WorkloadSheet | None = None
        """The rows read from the file, planned again on redo."""
        self.plan: ImportPlan | None = None
        self.command: ImportWorkloadsCommand | None = None
        """The import applied from here (on the undo stack)."""
        self.source: Path | None = None

        self.banner = QLabel(self)
        self.banner.setObjectName("importBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(ERROR_STYLE)
        self.banner.hide()
        self.path = QLineEdit(self)
        self.path.setAccessibleName("File to import")
        self.path.setPlaceholderText("An .xlsx (our Workloads sheet) or a tracker's .csv")
        self.path.setMinimumWidth(self.fontMetrics().horizontalAdvance("x" * 40))
        self.browse = QPushButton("&Browse…", self)
        self.reload = QPushButton("&Read", self)
        self.reload.setToolTip("Read the file (again, after editing it) and preview the import")
        for button in (self.browse, self.reload):
            button.setAutoDefault(False)
        self.team = QComboBox(self)
        self.team.setAccessibleName("Team of new workloads")
        self.team.addItem("— each row names its team —", None)
        with ctx.read() as session:
            for choice in queries.choices(session, "team"):
                self.team.addItem(choice.label, choice.label)
        self.team.setToolTip("Given to created workloads whose row has no team")
        self.summary = QLabel("Pick a file to preview what it would change.", self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.models = {
            "create": ImportPreviewTableModel(CREATE_COLUMNS, self),
            "update": ImportPreviewTableModel(UPDATE_COLUMNS, self),
            "errors": ImportPreviewTableModel(ERROR_COLUMNS, self),
        }
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("importTabs")
        self.tables = {name: self._table(model) for name, model in self.models.items()}
        self.notes = QPlainTextEdit(self)
        self.notes.setReadOnly(True)
        self.notes.setAccessibleName("Notes about the file")
        for name in ("create", "update", "errors"):
            self.tabs.addTab(self.tables[name], "")
        self.tabs.addTab(self.notes, "")
        self.why = QLabel(" ", self)
        self.why.setObjectName("importWhy")
        self.why.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.apply_button = self.buttons.addButton("&Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._build_layout()
        self.path.installEventFilter(self)
        self.browse.clicked.connect(self.choose_file)
        self.reload.clicked.connect(self.read_again)
        self.team.activated.connect(lambda _i: self.read_again() if self.sheet else None)
        self._show_plan()
        em = self.fontMetrics().height()
        self.tabs.setMinimumHeight(em * 16)
        self.resize(self.fontMetrics().horizontalAdvance("x") * 120, self.sizeHint().height())

    def _table(self, model: ImportPreviewTableModel) -> QTableView:
        table = QTableView(self)
        table.setModel(model)
        table.setSortingEnabled(True)
        table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the file's order until asked
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        rows = table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        scale = max(1.0, self.fontMetrics().height() / 16)
        for i, column in enumerate(model.columns):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
            table.setColumnWidth(i, round(column.width * scale))
        return table

    def _build_layout(self) -> None:
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        file_row.addWidget(self.reload)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        file_label = QLabel("&File:", self)
        file_label.setBuddy(self.path)
        form.addRow(file_label, file_row)
        team_label = QLabel("&Team for new rows:", self)
        team_label.setBuddy(self.team)
        form.addRow(team_label, self.team)
        note = QLabel(
            "Rows are matched to workloads by key: a new key creates a workload, a known "
            "one is updated. Nothing is imported while any row has an error. "
            "Undo (Ctrl+Z) takes the whole import back.",
            self,
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.why)
        layout.addWidget(self.buttons)

    # ---------------------------------------------------------------- reading
    def choose_file(self) -> None:
        current = self.path.text().strip()
        start = str(Path(current).parent) if current else start_folder(FOLDER_KEY)
        chosen, _filter = QFileDialog.getOpenFileName(self, "Import Workloads", start, SHEET_FILTER)
        if chosen:
            self.path.setText(chosen)
            self.load(Path(chosen))

    def read_again(self) -> None:
        text = self.path.text().strip()
        if not text:
            self._show_banner("Pick the file to import first (Browse…).")
            return
        self.load(Path(text).expanduser())

    def load(self, path: Path) -> bool:
        """Read and plan `path` behind a progress dialog; True when a preview is shown."""
        self.banner.hide()
        if self.path.text().strip() != str(path):
            self.path.setText(str(path))
        db, team = self.ctx.db, self.team.currentData()

        def work(report: Report) -> tuple[WorkloadSheet, ImportPlan]:
            report(f"Reading {path.name}…", 0.0)
            sheet = read_sheet(path)
            report(f"Checking {len(sheet.rows):,} rows against the database…", 0.5)
            with db.read() as session:  # this thread's own connection
                plan = plan_import(session, sheet, default_team=team)
            report(f"Checked {len(sheet.rows):,} rows.", 1.0)
            return sheet, plan

        try:
            sheet, plan = run_with_progress(
                work, title="Import Workloads", label=f"Reading {path.name}…", parent=self
            )
        except Cancelled:
            self._show_banner("Reading cancelled: nothing was imported.", error=False)
            return False
        except BadInput as exc:
            self._forget()
            lines = [str(p) for p in exc.problems[:LISTED]]
            if len(exc.problems) > LISTED:
                lines.append(f"… and {len(exc.problems) - LISTED} more")
            self._show_banner(f"{path.name} cannot be imported:\n" + "\n".join(lines))
            return False
        except (ServiceError, DatabaseError, SQLAlchemyError, OSError) as exc:
            self._forget()
            self._show_banner(f"Could not read {path.name}: {exc}")
            return False
        remember(FOLDER_KEY, str(path.parent))
        self.source, self.sheet, self.plan = path, sheet, plan
        self._show_plan()
        return True

    def _forget(self) -> None:
        self.source = self.sheet = self.plan = None
        self._show_plan()

    # --------------------------------------------------------------- preview
    def _show_plan(self) -> None:
        plan = self.plan
        lines = lines_of(plan) if plan is not None else PreviewLines()
        self.models["create"].set_lines(lines.create)
        self.models["update"].set_lines(lines.update)
        self.models["errors"].set_lines(lines.errors)
        self.notes.setPlainText("\n".join(f"• {n}" for n in lines.notes))
        for name in ("update", "errors"):
            self._fit_names(name)
        counts = counts_of(plan) if plan is not None else PreviewCounts()
        self.tabs.setTabText(0, f"To &create ({counts.create:,})")
        self.tabs.setTabText(1, f"To &update ({counts.update:,})")
        self.tabs.setTabText(2, f"&Errors ({counts.errors:,})")
        self.tabs.setTabText(3, f"&Notes ({len(lines.notes):,})")
        if plan is None:
            self.summary.setText("Pick a file to preview what it would change.")
        else:
            name = self.source.name if self.source else "The file"
            self.summary.setText(
                f"{name}: {counts.rows:,} row{'s' if counts.rows != 1 else ''} read — "
                f"{counts.create:,} to create, {counts.update:,} to update, "
                f"{counts.unchanged:,} unchanged, {counts.errors:,} with errors."
            )
            if counts.errors:
                self.tabs.setCurrentIndex(2)
            elif counts.create or not counts.update:
                self.tabs.setCurrentIndex(0)
            else:
                self.tabs.setCurrentIndex(1)
        why = self.why_not(counts, plan is not None)
        self.apply_button.setEnabled(not why)
        self.why.setText(
            why or "Apply (Alt+A) imports every row above in one step; Ctrl+Z undoes it."
        )

    def _fit_names(self, name: str) -> None:
        """Widen the field/column names' column to the longest name (a tracker's headers run
        long: "Custom field (Story Points)"); there are few distinct names, whatever the rows."""
        model, table = self.models[name], self.tables[name]
        at = model.column_of("column")
        names = {line.column for line in model.lines()}
        metrics = table.fontMetrics()
        widest = max((metrics.horizontalAdvance(n) for n in names), default=0)
        if widest:
            width = min(widest + metrics.averageCharWidth() * 3, metrics.averageCharWidth() * 48)
            table.setColumnWidth(at, max(table.columnWidth(at), width))

    @staticmethod
    def why_not(counts: PreviewCounts, planned: bool) -> str:
        """Why Apply is off, in words; "" when it may run."""
        if not planned:
            return "Nothing to apply yet: pick a file."
        if counts.errors:
            n = counts.error_rows
            rows = f"{n:,} row{'s' if n != 1 else ''}"
            return (
                f"⚠ Apply is off: {rows} cannot be imported (see Errors). The import is all or "
                "nothing; fix the file and press Read."
            )
        if not counts.create and not counts.update:
            return "Nothing to change: every row matches."
        return ""

    # ------------------------------------------------------------------ apply
    def accept(self) -> None:
        if self.plan is None or self.source is None or not self.apply_button.isEnabled():
            return
        self.banner.hide()
        command = ImportWorkloadsCommand(self.ctx, self.plan)
        try:
            command.execute()
        except PreviewOutdated as exc:
            self._show_banner(
                f"Nothing was imported: {exc}. Press Read to preview the file against the "
                "database as it is now."
            )
            return
        except ValidationError as exc:
            listed = "\n".join(f"{e.field}: {e.message}" for e in exc.errors[:LISTED])
            self._show_banner(f"Nothing was imported:\n{listed}")
            return
        except (ServiceError, DatabaseError, SQLAlchemyError) as exc:
            self._show_banner(f"Nothing was imported: {exc}")
            return
        self.command = command
        counts = counts_of(self.plan)
        done = (
            f"Imported {self.source.name}: {counts.create:,} created, {counts.update:,} "
            "updated. Ctrl+Z undoes the import."
        )
        window = self.parentWidget().window() if self.parentWidget() else None
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(done, 15_000)
        super().accept()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter in the file field reads the file (again) and goes no further: the dialog
        would otherwise press Apply, which that very read may just have enabled."""
        if (
            watched is self.path
            and event.type() == QEvent.Type.KeyPress
            and cast(QKeyEvent, event).key() in ENTER
        ):
            self.read_again()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter presses the focused button only: Apply is never pressed by surprise."""
        if event.key() in ENTER:
            focus = self.focusWidget()
            if isinstance(focus, QPushButton) and focus.isEnabled():
                focus.click()
            event.accept()
            return
        super().keyPressEvent(event)

    def _show_banner(self, text: str, *, error: bool = True) -> None:
        self.banner.setText(f"⚠ {text}" if error else text)
        self.banner.setStyleSheet(ERROR_STYLE if error else "padding: 3px 6px;")
        self.banner.show()
