"""One editor widget per field kind, all speaking the service's snapshot format.

Every editor's `value()` is what `EntitySpec.snapshot` would hold (references as UUID strings,
dates as ISO text), so the dialog can diff it against the loaded row, hand it straight to the
service, and the undo stack can replay it. Editors do not validate: the service does, and its
messages are shown next to the field.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.services.fields import Field, zones
from ui.models.row_table_model import human

Choice = tuple[str, Any]
"""(label, stored value) for a picker."""


class FieldEditor(QWidget):
    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        raise NotImplementedError

    def set_read_only(self, read_only: bool) -> None:
        for child in self.findChildren(QWidget):
            child.setEnabled(not read_only)


class TextEditor(FieldEditor):
    def __init__(self, field: Field, *, blank_is_none: bool, parent: QWidget | None = None):
        super().__init__(field, parent)
        self.edit = QLineEdit(self)
        self.edit.setMaxLength(field.max_len)
        self._blank_is_none = blank_is_none
        self._layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def value(self) -> str | None:
        text = self.edit.text().strip()
        return None if not text and self._blank_is_none else text

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


class ListTextEditor(FieldEditor):
    """A short list typed as comma-separated text (e.g. skipped dates)."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QLineEdit(self)
        self.edit.setMaxLength(4000)
        self.edit.setPlaceholderText("e.g. 2026-12-22T22:00, 2026-12-29T22:00")
        self._layout.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def value(self) -> list[str]:
        text = self.edit.text().replace(";", ",")
        return [item.strip() for item in text.split(",") if item.strip()]

    def set_value(self, value: Any) -> None:
        self.edit.setText(", ".join(value or []))

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


class IntEditor(FieldEditor):
    """A spin box; an optional number gets a "none" step just below its minimum."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.spin = QSpinBox(self)
        low = field.minimum if field.minimum is not None else 0
        self._none = low - 1 if not field.required else None
        self.spin.setRange(low if self._none is None else self._none, field.maximum or 1_000_000)
        if self._none is not None:
            self.spin.setSpecialValueText("none")
        self.spin.setGroupSeparatorShown(True)
        self._layout.addWidget(self.spin)
        self._layout.addStretch(1)
        self.setFocusProxy(self.spin)

    def value(self) -> int | None:
        value = self.spin.value()
        return None if value == self._none else value

    def set_value(self, value: Any) -> None:
        self.spin.setValue(self.spin.minimum() if value is None else int(value))


class ComboEditor(FieldEditor):
    """A fixed list of (label, value); a stored value missing from the list is still shown
    (marked), so opening an old row never silently changes it."""

    def __init__(
        self,
        field: Field,
        items: Sequence[Choice],
        parent: QWidget | None = None,
        missing: str = "not on the list",
    ) -> None:
        super().__init__(field, parent)
        self._missing = missing
        self.combo = QComboBox(self)
        self.combo.setMaxVisibleItems(20)
        if not field.required:
            self.combo.addItem("(none)", None)
        else:
            self.combo.setPlaceholderText("Choose…")
        for label, value in items:
            self.combo.addItem(label, value)
        self.combo.setCurrentIndex(-1 if field.required else 0)
        self._layout.addWidget(self.combo, 1)
        self.setFocusProxy(self.combo)

    def value(self) -> Any:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        """None on a required field leaves the choice to the user rather than guessing."""
        found = self.combo.findData(value)
        if found < 0 and value is not None:
            self.combo.addItem(f"{value} ({self._missing})", value)
            found = self.combo.count() - 1
        self.combo.setCurrentIndex(found if found >= 0 or self.field.required else 0)


class ZoneEditor(FieldEditor):
    """Several hundred IANA zones: typing any part ("berl") narrows the list."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(sorted(zones()))
        completer = QCompleter(self.combo.model(), self.combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.combo.setCompleter(completer)
        self._layout.addWidget(self.combo, 1)
        self.setFocusProxy(self.combo)

    def value(self) -> str:
        return self.combo.currentText().strip()

    def set_value(self, value: Any) -> None:
        self.combo.setCurrentText("" if value is None else str(value))


class RefsEditor(FieldEditor):
    """Pick any number from a list that may be long: a filter box over checkable rows."""

    def __init__(self, field: Field, items: Sequence[Choice], parent: QWidget | None = None):
        super().__init__(field, parent)
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.list = QListWidget(self)
        self.list.setUniformItemSizes(True)
        self.list.setMinimumHeight(90)
        self.list.setMaximumHeight(130)
        for label, value in items:
            item = QListWidgetItem(label, self.list)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        self.search.setVisible(len(items) > 8)
        box.addWidget(self.search)
        box.addWidget(self.list)
        self._layout.addLayout(box)
        self.setFocusProxy(self.search if len(items) > 8 else self.list)

    def value(self) -> list[str]:
        return sorted(
            str(self.list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        )

    def set_value(self, value: Any) -> None:
        """Tick the given values and list them first, so what is chosen is seen at once."""
        wanted = {str(v) for v in value or []}
        items = [self.list.takeItem(0) for _ in range(self.list.count())]
        items.sort(key=lambda item: str(item.data(Qt.ItemDataRole.UserRole)) not in wanted)
        for item in items:
            checked = str(item.data(Qt.ItemDataRole.UserRole)) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self._filter(self.search.text())

    def set_read_only(self, read_only: bool) -> None:
        """Still scrollable and searchable when read-only; only the ticks are frozen."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            flag = Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(item.flags() & ~flag if read_only else item.flags() | flag)

    def _filter(self, text: str) -> None:
        needle = text.strip().casefold()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())


def _optional_check(editor: FieldEditor, inner: QWidget) -> QCheckBox | None:
    """A "set" check box in front of an optional date: unticked means no date at all."""
    if editor.field.required:
        return None
    check = QCheckBox("set", editor)
    check.setToolTip("Untick for no date")
    check.toggled.connect(inner.setEnabled)
    inner.setEnabled(False)
    editor._layout.addWidget(check)
    return check


class DateEditor(FieldEditor):
    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QDateEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDate(QDate.currentDate())
        self.check = _optional_check(self, self.edit)
        self._layout.addWidget(self.edit)
        self._layout.addStretch(1)
        self.setFocusProxy(self.check or self.edit)

    def value(self) -> str | None:
        if self.check is not None and not self.check.isChecked():
            return None
        return self.edit.date().toPython().isoformat()

    def set_value(self, value: Any) -> None:
        if self.check is not None:
            self.check.setChecked(value is not None)
            self.edit.setEnabled(value is not None)
        if value is not None:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
            self.edit.setDate(QDate(day.year, day.month, day.day))


class DateTimeEditor(FieldEditor):
    """Shown and stored in UTC, labelled so, so nobody guesses which zone a time is in."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QDateTimeEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setTimeZone(QTimeZone.utc())
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm 'UTC'")
        self.edit.setDateTime(QDateTime.currentDateTimeUtc())
        self.check = _optional_check(self, self.edit)
        self._layout.addWidget(self.edit)
        self._layout.addStretch(1)
        self.setFocusProxy(self.check or self.edit)

    def value(self) -> str | None:
        if self.check is not None and not self.check.isChecked():
            return None
        secs = self.edit.dateTime().toSecsSinceEpoch()
        return datetime.fromtimestamp(secs, UTC).isoformat()

    def set_value(self, value: Any) -> None:
        if self.check is not None:
            self.check.setChecked(value is not None)
            self.edit.setEnabled(value is not None)
        if value is not None:
            moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
            self.edit.setDateTime(
                QDateTime.fromSecsSinceEpoch(int(moment.timestamp()), QTimeZone.utc())
            )


class BoolEditor(FieldEditor):
    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.check = QCheckBox(self)
        self.check.setAccessibleName(field.label or field.name)
        self._layout.addWidget(self.check)
        self.setFocusProxy(self.check)

    def value(self) -> bool:
        return self.check.isChecked()

    def set_value(self, value: Any) -> None:
        self.check.setChecked(bool(value))


class LocalDateTimeEditor(FieldEditor):
    """Wall-clock time in the row's own zone (picked in its zone field), so no zone here."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.edit = QDateTimeEdit(self)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd HH:mm '(local)'")
        now = datetime.now().replace(minute=0, second=0, microsecond=0)
        self.edit.setDateTime(QDateTime(QDate(now.year, now.month, now.day), QTime(now.hour, 0)))
        self._layout.addWidget(self.edit)
        self._layout.addStretch(1)
        self.setFocusProxy(self.edit)

    def value(self) -> str:
        d, t = self.edit.date(), self.edit.time()
        return f"{d.year():04d}-{d.month():02d}-{d.day():02d}T{t.hour():02d}:{t.minute():02d}"

    def set_value(self, value: Any) -> None:
        if value is None:
            return
        v = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        self.edit.setDateTime(QDateTime(QDate(v.year, v.month, v.day), QTime(v.hour, v.minute)))


def field_label(f: Field) -> str:
    return f.label or f.name.replace("_", " ").capitalize()


def same(field: Field, a: Any, b: Any) -> bool:
    """Whether two snapshot values mean the same thing (blank text and None are equal)."""
    if field.kind == "str":
        return (a or "") == (b or "")
    if field.kind in ("refs", "roles", "localdates"):
        return sorted(map(str, a or [])) == sorted(map(str, b or []))
    if field.kind == "local" and a is not None and b is not None:
        return datetime.fromisoformat(str(a)) == datetime.fromisoformat(str(b))
    if field.kind == "datetime" and a is not None and b is not None:
        return datetime.fromisoformat(str(a)) == datetime.fromisoformat(str(b))
    return bool(a == b)


def make_editor(
    field: Field,
    *,
    refs: Sequence[Choice] = (),
    scale: Sequence[int] = (),
    nullable: bool = True,
    parent: QWidget | None = None,
) -> FieldEditor:
    """The widget for one field; `refs` are the picker's choices, `scale` a fixed number
    scale (Fibonacci estimates) shown as a combo instead of a spin box."""
    kind = field.kind
    if kind == "int" and scale:
        return ComboEditor(field, [(str(n), n) for n in scale], parent, "off the scale")
    if kind == "int":
        return IntEditor(field, parent)
    if kind == "bool":
        return BoolEditor(field, parent)
    if kind == "choice":
        return ComboEditor(field, [(human(c), c) for c in field.choices], parent)
    if kind == "zone":
        return ZoneEditor(field, parent)
    if kind == "ref":
        return ComboEditor(field, refs, parent)
    if kind == "refs":
        return RefsEditor(field, refs, parent)
    if kind == "roles":
        return RefsEditor(field, [(human(c), c) for c in field.choices], parent)
    if kind == "date":
        return DateEditor(field, parent)
    if kind == "datetime":
        return DateTimeEditor(field, parent)
    if kind == "local":
        return LocalDateTimeEditor(field, parent)
    if kind == "localdates":
        return ListTextEditor(field, parent)
    return TextEditor(field, blank_is_none=not field.required and nullable, parent=parent)
