"""A runbook draft's rollback triggers as a table, edited in place.

Like the steps table, edits go to the editor's draft through `commit` (one undoable change of
the whole body) and come back through `set_triggers`. A standard metric fixes its unit, so the
unit cell is filled in and locked for it; the custom name only means something for a custom
metric and is locked otherwise.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt

from app.runbooks.body import COMPARATOR_WORDS, CUSTOM, METRIC_LABELS, METRIC_UNITS, Trigger
from app.runbooks.validate import Issue, trigger_text
from ui.models.row_table_model import AnyIndex
from ui.models.runbook_parts_table_model import (
    ISSUES_ROLE,
    ITEM_ROLE,
    RunbookPartsTableModel,
    group_issues,
    problem_brush,
    warning_icon,
)

METRIC, CUSTOM_NAME, COMPARATOR, THRESHOLD, UNIT, WINDOW, CONSECUTIVE = range(7)
FIELDS = (
    "metric",
    "custom_name",
    "comparator",
    "threshold",
    "unit",
    "window_minutes",
    "consecutive",
)
HEADERS = ("Metric", "Custom name", "Fires when", "Threshold", "Unit", "Window", "In a row")
WIDTHS = (130, 130, 110, 80, 56, 70, 84)
TRIGGER_ROLE = ITEM_ROLE

Commit = Callable[[int, Trigger, str], bool]


def comparator_label(comparator: str) -> str:
    """ "> above": the symbol for the eye, the word for the reader."""
    words = COMPARATOR_WORDS.get(comparator)
    return f"{comparator}  {words}" if words else comparator


_HEADER_TIPS = (
    "The metric watched: a standard SLO metric or a custom one from the metrics file",
    "A custom metric's name as it appears in the metrics file",
    "Which side of the threshold is a breach",
    "The limit, in the unit beside it",
    "Fixed for the standard metrics",
    "Values inside the window are averaged for each evaluation",
    "How many evaluations in a row must breach before the trigger fires",
)


class RunbookTriggersTableModel(RunbookPartsTableModel):
    HEADERS = HEADERS
    HEADER_TIPS = _HEADER_TIPS
    NUMERIC = (THRESHOLD, WINDOW, CONSECUTIVE)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.commit: Commit | None = None

    def set_triggers(self, triggers: Sequence[Trigger], issues: Iterable[Issue] = ()) -> None:
        self._show(triggers, group_issues(issues, lambda issue: issue.trigger))

    def trigger_at(self, row: int) -> Trigger | None:
        trigger: Trigger | None = self._item_at(row)
        return trigger

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        trigger = self.trigger_at(index.row()) if index.isValid() else None
        if trigger is None:
            return None
        column = index.column()
        problems = self._issues.get(index.row(), {}).get(FIELDS[column], [])
        if role == Qt.ItemDataRole.DisplayRole:
            text = self._display(index.row(), column, trigger)
            return text or ("missing" if problems else "")
        if role == Qt.ItemDataRole.EditRole:
            return getattr(trigger, FIELDS[column])
        if role == Qt.ItemDataRole.DecorationRole and column == METRIC and self._any(index.row()):
            return warning_icon()
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [trigger_text(trigger).capitalize()] if column == METRIC else []
            if column == METRIC:
                lines += [m for ms in self._issues.get(index.row(), {}).values() for m in ms]
            else:
                lines += problems
            if column == UNIT and trigger.metric in METRIC_UNITS:
                lines.append(
                    f"{METRIC_LABELS[trigger.metric]} is always measured in {trigger.unit}"
                )
            return "\n".join(lines) or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(column)
        if role == Qt.ItemDataRole.BackgroundRole and problems:
            return problem_brush()
        if role == TRIGGER_ROLE:
            return trigger
        if role == ISSUES_ROLE:
            return list(problems)
        return None

    def _any(self, row: int) -> bool:
        return any(self._issues.get(row, {}).values())

    def _display(self, row: int, column: int, trigger: Trigger) -> str:
        if column == METRIC:
            label = METRIC_LABELS.get(trigger.metric, trigger.metric)
            return label
        if column == CUSTOM_NAME:
            return trigger.custom_name if trigger.metric == CUSTOM else "—"
        if column == COMPARATOR:
            return comparator_label(trigger.comparator)
        if column == THRESHOLD:
            return f"{trigger.threshold:g}" if math.isfinite(trigger.threshold) else "?"
        if column == WINDOW:
            return f"{trigger.window_minutes} min"
        if column == CONSECUTIVE:
            n = trigger.consecutive
            return f"{n} check" if n == 1 else f"{n} checks"
        return str(trigger.unit)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        trigger = self.trigger_at(index.row())
        if not self.editable or trigger is None:
            return flags
        custom = trigger.metric == CUSTOM or trigger.metric not in METRIC_UNITS
        if index.column() in (CUSTOM_NAME, UNIT) and not custom:
            return flags
        return flags | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        trigger = self.trigger_at(index.row()) if index.isValid() else None
        if trigger is None or role != Qt.ItemDataRole.EditRole or not self.editable:
            return False
        new = self._edited(trigger, index.column(), value)
        if new is None:
            return False
        if new == trigger:
            return True
        return self.apply(index.row(), new, FIELDS[index.column()])

    def _edited(self, trigger: Trigger, column: int, value: Any) -> Trigger | None:
        field = FIELDS[column]
        if column == METRIC:  # a standard metric brings its unit; custom keeps the one typed
            metric = str(value)
            unit = METRIC_UNITS.get(metric, trigger.unit)
            return dataclasses.replace(trigger, metric=metric, unit=unit)
        try:
            if column == THRESHOLD:
                number = float(str(value).replace(",", "."))
                return dataclasses.replace(trigger, threshold=number)
            if column in (WINDOW, CONSECUTIVE):
                return dataclasses.replace(trigger, **{field: int(value)})
        except (TypeError, ValueError):
            return None
        return dataclasses.replace(trigger, **{field: str(value or "").strip()})
