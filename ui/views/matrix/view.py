"""The Dependencies screen: the design structure matrix with its filters, the picked item's
neighbourhood, and the release's plan, contracts, flags and library skew beside it.

Reading 1,000 components and a release's plan takes seconds on the large dataset, so every
load runs in a worker and lands when ready (older loads are dropped); the matrix keeps showing
the previous picture meanwhile. Edits go through undoable service calls as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.domain.enums import DependencyKind
from app.services import queries
from app.services.catalog import COMPONENT_DEPENDENCY
from app.services.matrix_queries import (
    COMPONENTS,
    WORKLOADS,
    DependencyFacts,
    InvolvedWorkload,
    MatrixQuery,
    MatrixSnapshot,
    base_key,
    dependency_between,
)
from ui.context import AppContext
from ui.views.matrix.canvas import MatrixCanvas
from ui.views.matrix.contracts_panel import ContractsPanel
from ui.views.matrix.editing import DependencyDialog, remove_dependency
from ui.views.matrix.export import ExportRequest, export_with_progress
from ui.views.matrix.flags_panel import FlagsPanel
from ui.views.matrix.loading import (
    LoadedMatrix,
    describe_cell,
    edge_workloads,
    load_facts,
    load_snapshot,
    release_pair,
)
from ui.views.matrix.marks import Legend, kind_label
from ui.views.matrix.neighbourhood import NeighbourhoodPanel
from ui.views.matrix.paint import Colours
from ui.views.matrix.release_panel import ReleasePanel
from ui.widgets.filter_bar import FilterBar
from ui.workers import Loader

FACT_LABELS = {"feature flag", "flag state", "api contract", "contract consumer", "library usage"}
"""Edits that leave the matrix as it is; anything else re-reads both."""


class MatrixView(QWidget):
    name = "matrix"
    title = "Dependencies"

    loaded = Signal()
    """A matrix load has landed and is on screen."""
    facts_loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("matrixView")
        self.ctx = ctx
        self.snapshot: MatrixSnapshot | None = None
        self.facts: DependencyFacts | None = None
        self.dialog: DependencyDialog | None = None
        self._stale: set[str] = set()
        self._query: MatrixQuery | None = None
        self._find = ""
        self._edge_text = ""
        self._sized = False
        self.loader = Loader(ctx, self)
        self.loader.landed.connect(self._landed)
        self.loader.failed.connect(self._failed)
        self.canvas = MatrixCanvas(self)
        self.canvas.describe = self._describe
        self.filter_bar = self._make_filters()
        self.toolbar = self._make_toolbar()
        self.legend = Legend(self)
        self.status = QLabel("Hover a cell for details; double-click to edit.", self)
        self.status.setObjectName("matrixStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.neighbourhood = NeighbourhoodPanel(self)
        self.release_panel = ReleasePanel(self)
        self.contracts_panel = ContractsPanel(self)
        self.flags_panel = FlagsPanel(ctx, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.neighbourhood, "Neighbourhood")
        self.tabs.addTab(self.release_panel, "Release plan")
        self.tabs.addTab(self.contracts_panel, "Contracts")
        self.tabs.addTab(self.flags_panel, "Flags && libraries")
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.canvas, 1)
        left_layout.addWidget(self.legend)
        left_layout.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(left)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([760, 520])
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.filter_bar)
        layout.addWidget(split, 1)
        self.setFocusProxy(self.canvas)
        self.canvas.current_changed.connect(self._picked)
        self.canvas.hovered.connect(self._hovered)
        self.canvas.activated.connect(self.edit_cell)
        self.canvas.delete_requested.connect(lambda _r, _c: self.delete_selected())
        self.neighbourhood.item_activated.connect(self.show_item)
        self.release_panel.workload_activated.connect(self.show_item)
        self.flags_panel.stale.connect(lambda: self._load({"facts"}))
        ctx.data_changed.connect(self._data_changed)
        self._refresh_choices(initial=True)
        self.refresh()

    # ------------------------------------------------ contract with the main window
    @property
    def can_edit(self) -> bool:
        return self.ctx.actor.has(*COMPONENT_DEPENDENCY.roles)

    @property
    def busy(self) -> bool:
        return self.loader.busy

    def refresh(self) -> None:
        self._stale.clear()
        self._refresh_choices()
        self._load({"matrix", "facts"})

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    def new_item(self) -> None:
        """Add a dependency: for the cell under the cursor when it is empty, else any pair."""
        row, col = self.canvas.current
        m = self.canvas.matrix
        if row >= 0 and row != col and (row, col) not in m.cells:
            self.edit_cell(row, col)
        elif self._editable_here():
            consumer = m.names[row] if row >= 0 else None
            self._open_dialog(consumer, None, None, pick_ends=True)

    def edit_selected(self) -> None:
        row, col = self.canvas.current
        if row >= 0 and col >= 0 and row != col:
            self.edit_cell(row, col)

    def delete_selected(self) -> None:
        row, col = self.canvas.current
        m = self.canvas.matrix
        if row < 0 or row == col or (row, col) not in m.cells or not self._editable_here():
            return
        if not remove_dependency(self, self.ctx, m.names[row], m.names[col]):
            self._load({"matrix"})

    # ------------------------------------------------------------------ public
    def current_query(self) -> MatrixQuery:
        bar = self.filter_bar
        return MatrixQuery(
            mode=bar.value("mode") or COMPONENTS,
            team=bar.value("team"),
            kind=bar.value("kind"),
            release=bar.value("release"),
            group_by_team=self.group_box.isChecked(),
        )

    def show_item(self, name: str) -> bool:
        """Scroll the matrix to an item and pick it; False when it is not shown."""
        row = self.canvas.position(name)
        if row >= 0:
            self.canvas.set_current(row, row)
        return row >= 0

    def find_item(self, text: str, after: int = -1) -> bool:
        """Pick the next item whose name contains `text` (case-insensitive)."""
        needle = text.strip().casefold()
        names = self.canvas.matrix.names
        if not needle or not names:
            return False
        order = list(range(after + 1, len(names))) + list(range(0, after + 1))
        hit = next((i for i in order if needle in names[i].casefold()), -1)
        if hit >= 0:
            self.canvas.set_current(hit, hit)
        self.filter_bar.search.setStyleSheet("" if hit >= 0 else "color: #b3261e;")
        self.filter_bar.search.setToolTip("" if hit >= 0 else f"No item contains “{text}”")
        return hit >= 0

    def export(self, fmt: str, path: str | Path) -> None:
        """Write the whole matrix (as filtered) to a PNG or SVG file, off the GUI thread."""
        snap = self.snapshot
        what = "Workloads" if snap and snap.query.mode == WORKLOADS else "Components"
        parts = [f"{what} dependency matrix"]
        if snap and snap.release_name:
            parts.append(f"release {snap.release_name}")
        parts.append(f"exported {date.today():%Y-%m-%d}; rows depend on columns")
        request = ExportRequest(
            self.canvas.matrix,
            Colours.of(self.canvas.palette()),
            self.canvas.font(),
            " — ".join(parts),
            self.group_box.isChecked(),
            self.canvas.hl.changing,
        )
        export_with_progress(request, fmt, path, self)

    def edit_cell(self, row: int, col: int) -> None:
        """Double-click / Enter on a cell: add the dependency, or change or remove it."""
        m = self.canvas.matrix
        if not (0 <= row < len(m.names) and 0 <= col < len(m.names)) or row == col:
            return
        if self.snapshot is not None and self.snapshot.query.mode == WORKLOADS:
            self.status.setText(
                "This matrix is derived from component dependencies and workload links; "
                "change them in the components matrix or on the workload."
            )
            return
        consumer, provider = m.names[row], m.names[col]
        with self.ctx.read() as session:
            record = dependency_between(session, consumer, provider)
        if record is None and not self.can_edit:
            self._warn(f"Read only: {self._why_read_only()}.")
            return
        self._open_dialog(consumer, provider, record)

    # ----------------------------------------------------------------- private
    def _make_filters(self) -> FilterBar:
        bar = FilterBar("Find component (Ctrl+F); Enter for the next match", self)
        bar.search.setAccessibleName("Find component")
        bar.add_combo("mode", "Components", [("Workloads of the release", WORKLOADS)])
        bar.add_combo("release", "No release")
        bar.add_combo("team", "All teams")
        bar.add_combo("kind", "All kinds", [(kind_label(k), k) for k in DependencyKind.choices()])
        bar.changed.connect(self._filters_changed)
        bar.search.returnPressed.connect(lambda: self.find_item(bar.text(), self.canvas.current[0]))
        return bar

    def _make_toolbar(self) -> QToolBar:
        bar = QToolBar(self)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.group_box = QCheckBox("Group by team", bar)
        self.group_box.setToolTip("Order by team first, then providers before consumers")
        self.group_box.toggled.connect(lambda _on: self._filters_changed())
        self.add_action = self._action("Add dependency…", self.new_item)
        self.edit_action = self._action("Edit dependency…", self.edit_selected)
        self.delete_action = self._action("Remove dependency", self.delete_selected)
        for action in (self.add_action, self.edit_action, self.delete_action):
            bar.addAction(action)
        bar.addSeparator()
        bar.addWidget(self.group_box)
        bar.addSeparator()
        zoom = QKeySequence.StandardKey
        keys: list[tuple[str, Callable[[], object], list[QKeySequence]]] = [
            ("Zoom in", self.canvas.zoom_in, [QKeySequence(zoom.ZoomIn), QKeySequence("Ctrl+=")]),
            (
                "Zoom out",
                self.canvas.zoom_out,
                [QKeySequence(zoom.ZoomOut), QKeySequence("Ctrl+-")],
            ),
            ("Fit", self.canvas.fit, [QKeySequence("Ctrl+0")]),
        ]
        for text, slot, shortcuts in keys:
            action = self._action(text, slot)
            unique = {k.toString(): k for k in shortcuts}
            action.setShortcuts(list(unique.values()))  # the platform's own may repeat ours
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
            bar.addAction(action)
        bar.addSeparator()
        bar.addAction(self._action("Export PNG…", lambda: self._export_dialog("png")))
        bar.addAction(self._action("Export SVG…", lambda: self._export_dialog("svg")))
        if not self.can_edit:
            note = QLabel(f"  Read only ({self.ctx.actor.login})", bar)
            note.setObjectName("readOnlyNote")
            note.setToolTip(f"Read only: {self._why_read_only()}.")
            bar.addWidget(note)
        return bar

    def _action(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(slot)
        return action

    def _why_read_only(self) -> str:
        return (
            f"you are signed in as {self.ctx.actor.label}, and changing dependencies needs "
            "the coordinator or admin role"
        )

    def _editable_here(self) -> bool:
        if not self.can_edit:
            self._warn(f"Read only: {self._why_read_only()}.")
            return False
        if self.snapshot is not None and self.snapshot.query.mode == WORKLOADS:
            self._warn("Switch to the components matrix to change dependencies.")
            return False
        return True

    def _update_actions(self) -> None:
        row, col = self.canvas.current
        components = self.snapshot is None or self.snapshot.query.mode == COMPONENTS
        marked = row >= 0 and row != col and (row, col) in self.canvas.matrix.cells
        self.add_action.setEnabled(self.can_edit and components)
        self.edit_action.setEnabled(components and row >= 0 and row != col)
        self.delete_action.setEnabled(self.can_edit and components and marked)

    def _refresh_choices(self, initial: bool = False) -> None:
        with self.ctx.read() as session:
            teams = queries.choices(session, "team")
            releases = queries.choices(session, "release")
            upcoming = queries.upcoming_releases(session, datetime.now(UTC), 1) if initial else []
        bar = self.filter_bar
        for combo in ("team", "release"):
            bar.combo(combo).blockSignals(True)
        bar.set_items("team", [(c.label, c.uuid) for c in teams])
        bar.set_items("release", [(c.label, c.uuid) for c in releases])
        if upcoming:
            bar.set_value("release", upcoming[0].uuid)
        for combo in ("team", "release"):
            bar.combo(combo).blockSignals(False)

    def _filters_changed(self) -> None:
        query = self.current_query()
        if query != self._query:
            release_changed = self._query is None or query.release != self._query.release
            self._load({"matrix", "facts"} if release_changed else {"matrix"})
        text = self.filter_bar.text()
        if text != self._find:
            self._find = text
            self.find_item(text)

    def _load(self, parts: set[str]) -> None:
        if "matrix" in parts:
            self._query = query = self.current_query()
            self.loader.start("matrix", lambda s: load_snapshot(s, query))
        if "facts" in parts:
            release = self.filter_bar.value("release")
            self.loader.start("facts", lambda s: load_facts(s, release, date.today()))

    def _landed(self, part: str, result: object) -> None:
        if part == "edge":
            self.neighbourhood.show_edge(self._edge_text, cast(list[InvolvedWorkload], result))
            return
        if part == "facts":
            assert isinstance(result, DependencyFacts)
            self._show_facts(result)
            self.facts_loaded.emit()
            return
        self._show_snapshot(cast(LoadedMatrix, result))
        self.loaded.emit()

    def _show_snapshot(self, loaded: LoadedMatrix) -> None:
        self.snapshot = snapshot = loaded.snapshot
        index = loaded.index
        query = snapshot.query
        self.canvas.empty_text = (
            "Pick a release to see its workloads."
            if query.mode == WORKLOADS and not query.release
            else "Nothing matches these filters."
        )
        self.canvas.set_matrix(snapshot.matrix, index, grouped=query.group_by_team)
        if query.mode == COMPONENTS:
            self.canvas.set_changing(snapshot.changing)
        self.legend.set_kinds(list(index.kinds) or ["api", "schema", "library", "data"])
        m = snapshot.matrix
        if query.mode == WORKLOADS:
            keys = {base_key(n) for n in m.names}
            steps = f" ({len(m.names):,} steps)" if len(m.names) != len(keys) else ""
            self.filter_bar.count_label.setText(f"{len(keys):,} workloads{steps}")
        else:
            self.filter_bar.set_count(len(m.names), snapshot.total, "components")
        if self.canvas.current[0] < 0:
            self.status.setText("Hover a cell for details; double-click to edit.")
        self.release_panel.show_plan(snapshot.plan, loaded.groups, loaded.group_index)
        self._picked(*self.canvas.current)
        if self._find and self.canvas.current[0] < 0:
            self.find_item(self._find)

    def _show_facts(self, facts: DependencyFacts) -> None:
        self.facts = facts
        release = self.snapshot.release_name if self.snapshot else ""
        self.contracts_panel.show_contracts(
            facts.contracts, facts.findings, facts.releases, facts.today, release
        )
        self.flags_panel.show_flags(facts.environments, facts.flags, facts.skews, facts.changing)

    def _failed(self, part: str, exc: BaseException) -> None:
        what = "matrix" if part == "matrix" else "contracts, flags and libraries"
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        self.status.setText(f"⚠ Could not load the {what}: {first[:200]}")
        self.status.setToolTip(str(exc))

    def _picked(self, row: int, col: int) -> None:
        self._update_actions()
        snap = self.snapshot
        if snap is None:
            return
        self.neighbourhood.show_item(snap, self.canvas.index, row)
        if row < 0 or row == col:
            self.neighbourhood.show_edge("Click a marked cell to see the dependency.", None)
            return
        text = describe_cell(snap, row, col, can_edit=False)
        self.status.setText(text.replace("\n", " · "))
        if (row, col) not in snap.matrix.cells:
            self.neighbourhood.show_edge(text, None)
        elif snap.query.mode == WORKLOADS:
            self.neighbourhood.show_edge(text, release_pair(snap, row, col))
        else:
            self.neighbourhood.show_edge(text, [])
            self._edge_text = text
            self.loader.start("edge", lambda s: edge_workloads(s, snap, row, col))

    def _hovered(self, row: int, col: int) -> None:
        text = self._describe(row, col) if max(row, col) >= 0 else ""
        self.status.setText(text.replace("\n", " · ") if text else " ")

    def _describe(self, row: int, col: int) -> str:
        if self.snapshot is None:
            return ""
        return describe_cell(self.snapshot, row, col, self.can_edit)

    def _open_dialog(self, consumer: str | None, provider: str | None, record: object,
                     *, pick_ends: bool = False) -> None:  # fmt: skip
        if self.dialog is not None:
            self.dialog.deleteLater()
        names = self.canvas.matrix.names
        dialog = DependencyDialog(
            self.ctx,
            names,
            None if pick_ends else consumer,
            provider,
            record,  # type: ignore[arg-type]
            read_only=not self.can_edit,
            read_only_reason=self._why_read_only(),
            parent=self,
        )
        dialog.stale.connect(lambda: self._load({"matrix"}))
        self.dialog = dialog
        dialog.open()

    def _data_changed(self, label: str) -> None:
        """Only a visible screen re-reads at once; a hidden one catches up when shown."""
        parts = {"facts"} if label in FACT_LABELS else {"matrix", "facts"}
        if self.isVisible():
            self._load(parts)
        else:
            self._stale |= parts

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:  # the matrix gets the larger share, whatever the panels ask for
            self._sized = True
            width = self.splitter.width()
            self.splitter.setSizes([int(width * 0.63), width - int(width * 0.63)])
        if self._stale:
            parts, self._stale = self._stale, set()
            self._load(parts)

    def _export_dialog(self, fmt: str) -> None:
        suffix = fmt.upper()
        path, _filter = QFileDialog.getSaveFileName(
            self, f"Export the matrix as {suffix}", f"dependencies.{fmt}", f"{suffix} (*.{fmt})"
        )
        if not path:
            return
        try:
            self.export(fmt, path)
        except Exception as exc:  # a failed export is reported, never a crash
            self._warn(f"Could not export: {exc}")

    def _warn(self, text: str) -> None:
        QMessageBox.warning(self, self.title, text)
