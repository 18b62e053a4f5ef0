"""Search box plus filter combos above a list, announcing one `changed` per user intent.

Typing is debounced so a fast typist triggers one query, not one per key; a combo change
applies at once because it is a single deliberate click.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget

DEBOUNCE_MS = 250

Item = tuple[str, str] | tuple[str, str, QIcon]
"""(label, value) or (label, value, icon)."""


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.search.setAccessibleName("Search")
        self._combos: dict[str, QComboBox] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.changed)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self.apply_now)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("rowCount")
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self.search, 2)
        self._layout.addStretch(1)
        self._layout.addWidget(self.count_label)

    def add_combo(self, name: str, all_label: str, items: Sequence[Item] = ()) -> QComboBox:
        """A combo whose first entry (value None) means "no filter on this"."""
        combo = QComboBox(self)
        combo.setObjectName(f"filter_{name}")
        combo.setAccessibleName(all_label)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setMinimumContentsLength(10)
        combo.setMaxVisibleItems(20)
        combo.addItem(all_label, None)
        self._combos[name] = combo
        self.set_items(name, items)
        combo.currentIndexChanged.connect(self._combo_changed)
        self._layout.insertWidget(self._layout.count() - 2, combo)
        return combo

    def combo(self, name: str) -> QComboBox:
        return self._combos[name]

    def set_items(self, name: str, items: Sequence[Item]) -> None:
        """Replace the choices, keeping the current one if it still exists, silently."""
        combo = self._combos[name]
        current = combo.currentData()
        combo.blockSignals(True)
        try:
            while combo.count() > 1:
                combo.removeItem(1)
            for item in items:
                if len(item) == 3:
                    combo.addItem(item[2], item[0], item[1])
                else:
                    combo.addItem(item[0], item[1])
            found = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(found, 0))
        finally:
            combo.blockSignals(False)
        if current is not None and combo.currentData() != current:
            self.changed.emit()

    def value(self, name: str) -> str | None:
        data = self._combos[name].currentData()
        return None if data is None else str(data)

    def set_value(self, name: str, value: str | None) -> None:
        combo = self._combos[name]
        combo.setCurrentIndex(max(combo.findData(value), 0) if value is not None else 0)

    def text(self) -> str:
        return self.search.text()

    def apply_now(self) -> None:
        """Skip the debounce (Enter in the search box, or a test that does not want to wait)."""
        if self._timer.isActive():
            self._timer.stop()
            self.changed.emit()

    def set_count(self, shown: int, total: int, noun: str) -> None:
        self.count_label.setText(f"{shown:,} of {total:,} {noun}")

    def _combo_changed(self) -> None:
        self._timer.stop()
        self.changed.emit()
