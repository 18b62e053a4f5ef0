"""Feature flags with their state per environment (switchable, undoable) and shared-library
version skew with the upgrades that would align it.

Both are ways a dependency stops forcing an order: a flag decouples deploy from release, and an
aligned library version removes a reason to deploy consumers together.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QSplitter, QVBoxLayout, QWidget

from app.db import DatabaseError
from app.planning.contracts import LibrarySkew
from app.services.dependencies import FLAG_STATE
from app.services.errors import ConflictError, ServiceError, ValidationError
from app.services.matrix_queries import EnvironmentRef, FlagEntry, FlagSwitch
from ui.context import AppContext
from ui.models.row_table_model import AnyIndex, dash
from ui.undo import CreateEntityCommand, ServiceCommand, UpdateEntityCommand
from ui.views.matrix.models import SkewRow, SkewTableModel
from ui.views.matrix.neighbourhood import _section
from ui.widgets.tables import make_table

FIXED = (
    ("key", "Flag", 200),
    ("workload", "Owning workload", 120),
    ("release", "Release", 110),
    ("decouples", "Decouples", 240),
)
"""The flag's own columns; the environments sit between the key and the rest, so the
switches are in view without scrolling."""
_CHECK = Qt.ItemDataRole.CheckStateRole


class FlagTableModel(QAbstractTableModel):
    """Flags as rows, environments as checkable columns. A click asks for a toggle
    (`toggled`); the switch changes only once the service has accepted it."""

    toggled = Signal(str, str, bool)
    """Flag UUID, environment name, wanted state."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.envs: list[EnvironmentRef] = []
        self._all: list[FlagEntry] = []
        self._rows: list[FlagEntry] = []
        self._text = ""
        self.editable = False

    def set_flags(self, envs: list[EnvironmentRef], entries: Iterable[FlagEntry]) -> None:
        self.beginResetModel()
        self.envs = list(envs)
        self._all = list(entries)
        self._rows = self._filtered()
        self.endResetModel()

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self._text = text.strip().casefold()
        self._rows = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[FlagEntry]:
        if not self._text:
            return list(self._all)
        t = self._text
        return [
            e
            for e in self._all
            if t in e.key.casefold()
            or t in e.workload.casefold()
            or t in e.decouples.casefold()
            or t in e.release.casefold()
        ]

    def entry_at(self, row: int) -> FlagEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, key: str) -> int:
        return next((i for i, e in enumerate(self._rows) if e.key == key), -1)

    def total(self) -> int:
        return len(self._all)

    def update_switch(self, flag_uuid: str, env: str, switch: FlagSwitch) -> None:
        """Record a switch the service accepted, so the next toggle quotes its new version."""
        for store in (self._all, self._rows):
            for i, entry in enumerate(store):
                if entry.uuid == flag_uuid:
                    switches = dict(entry.switches) | {env: switch}
                    store[i] = dataclasses.replace(entry, switches=switches)
        row = next((i for i, e in enumerate(self._rows) if e.uuid == flag_uuid), -1)
        col = 1 + next((i for i, e in enumerate(self.envs) if e.name == env), 0)
        if row >= 0:
            index = self.index(row, col)
            self.dataChanged.emit(index, index)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(FIXED) + len(self.envs)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        fixed, env = self.fixed_at(section), self.env_at(section)
        if fixed is not None:
            return fixed[1]
        if env is not None:
            return f"{env.name} (prod)" if env.is_production else env.name
        return None

    def env_at(self, column: int) -> EnvironmentRef | None:
        return self.envs[column - 1] if 1 <= column <= len(self.envs) else None

    def fixed_at(self, column: int) -> tuple[str, str, int] | None:
        if column == 0:
            return FIXED[0]
        rest = column - len(self.envs)
        return FIXED[rest] if 1 <= rest < len(FIXED) else None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entry = self.entry_at(index.row()) if index.isValid() else None
        if entry is None:
            return None
        col = index.column()
        fixed, env_ref = self.fixed_at(col), self.env_at(col)
        if fixed is not None:
            value = getattr(entry, fixed[0])
            if role == Qt.ItemDataRole.DisplayRole:
                return dash(value)
            if role == Qt.ItemDataRole.ToolTipRole and (col == 0 and entry.description):
                return entry.description
            if role == Qt.ItemDataRole.ToolTipRole and value:
                return str(value)
            return None
        if env_ref is None:
            return None
        env = env_ref.name
        switch = entry.switches.get(env)
        on = bool(switch and switch.enabled)
        if role == Qt.ItemDataRole.DisplayRole:
            return "on" if on else "off"
        if role == _CHECK:
            return Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{entry.key} is {'on' if on else 'off'} in {env}"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.env_at(index.column()) is not None and self.editable:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        entry = self.entry_at(index.row()) if index.isValid() else None
        env = self.env_at(index.column()) if index.isValid() else None
        if entry is None or env is None or role != _CHECK or not self.editable:
            return False
        wanted = Qt.CheckState(value) == Qt.CheckState.Checked
        self.toggled.emit(entry.uuid, env.name, wanted)
        return True


def skew_rows(skews: list[LibrarySkew], changing: Iterable[str]) -> list[SkewRow]:
    moving = set(changing)
    rows = []
    for s in skews:
        counts = Counter(s.versions.values())
        versions = ", ".join(f"{v} ({n})" for v, n in sorted(counts.items()))
        upgrades = "; ".join(f"{c} {a} → {b}" for c, a, b in s.upgrades)
        in_release = ", ".join(c for c, _a, _b in s.upgrades if c in moving)
        rows.append(SkewRow(s.library, s.library, versions, s.target, upgrades, in_release))
    return rows


class FlagsPanel(QWidget):
    stale = Signal()
    """The shown states no longer match the database (someone else changed a switch)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = FlagTableModel(self)
        self.model.editable = ctx.actor.has(*FLAG_STATE.roles)
        self.model.toggled.connect(self.toggle)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter flags by key, workload, release or dependency")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.table = make_table(self.model, self, "Feature flags")
        self.table.setSortingEnabled(False)
        self.title = _section("Feature flags", self)
        self.read_only = QLabel(self)
        self.read_only.setObjectName("readOnlyNote")
        if not self.model.editable:
            self.read_only.setText(
                f"Read only: you are signed in as {ctx.actor.label}; switching flags needs "
                "the coordinator or admin role."
            )
        self.skew_model = SkewTableModel(self)
        self.skew_table = make_table(self.skew_model, self, "Library version skew")
        self.skew_title = _section("Library version skew", self)
        split = QSplitter(Qt.Orientation.Vertical, self)
        top = QWidget(split)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.search, self.read_only, self.table):
            top_layout.addWidget(widget)
        bottom = QWidget(split)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.skew_title)
        bottom_layout.addWidget(self.skew_table)
        split.setSizes([380, 220])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(split)

    def show_flags(
        self,
        envs: list[EnvironmentRef],
        entries: list[FlagEntry],
        skews: list[LibrarySkew],
        changing: Iterable[str],
    ) -> None:
        self.model.set_flags(envs, entries)
        for col in range(self.model.columnCount()):
            env, fixed = self.model.env_at(col), self.model.fixed_at(col)
            header = self.model.headerData(col, Qt.Orientation.Horizontal) or ""
            width = self.fontMetrics().horizontalAdvance(str(header)) + 40
            self.table.setColumnWidth(col, width if env is not None else fixed[2] if fixed else 100)
        self._count()
        self.skew_model.set_rows(skew_rows(skews, changing))
        self.skew_title.setText(
            f"Library version skew ({len(skews)} libraries in more than "
            "one version; aligning means moving to the newest in use)"
        )

    def toggle(self, flag_uuid: str, env: str, enabled: bool) -> None:
        """Switch one flag in one environment as an undoable edit."""
        entry = next(
            (
                e
                for i in range(self.model.rowCount())
                if (e := self.model.entry_at(i)) and e.uuid == flag_uuid
            ),
            None,
        )
        env_ref = next((e for e in self.model.envs if e.name == env), None)
        if entry is None or env_ref is None:
            return
        switch = entry.switches.get(env, FlagSwitch(None, 0, False))
        command: ServiceCommand
        if switch.uuid is None:
            values = {"flag": entry.uuid, "environment": env_ref.uuid, "enabled": enabled}
            command = CreateEntityCommand(self.ctx, FLAG_STATE, values)
            command.setText(f"Switch {entry.key} {'on' if enabled else 'off'} in {env}")
        else:
            command = UpdateEntityCommand(
                self.ctx,
                FLAG_STATE,
                switch.uuid,
                switch.version,
                {"enabled": enabled},
                {"enabled": switch.enabled},
                title=f"{entry.key} in {env}",
            )
            command.setText(f"Switch {entry.key} {'on' if enabled else 'off'} in {env}")
        try:
            command.execute()
        except ValidationError as exc:
            self._warn("; ".join(e.message for e in exc.errors))
            return
        except ConflictError:
            self._warn(
                f"{entry.key} in {env} was changed by someone else; the list is "
                "refreshed, check it and switch again if still needed."
            )
            self.stale.emit()
            return
        except (ServiceError, DatabaseError) as exc:
            self._warn(str(exc))
            return
        version = int(getattr(command, "version", 0))
        self.model.update_switch(flag_uuid, env, FlagSwitch(command.uuid, version, enabled))

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._count()

    def _count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total()
        self.title.setText(
            f"Feature flags ({shown:,} of {total:,}): a ticked box means on in that environment"
        )

    def _warn(self, text: str) -> None:
        QMessageBox.warning(self, "Feature flags", f"Cannot switch the flag: {text}")
