"""What to do when a save finds that someone else changed (or deleted) the row meanwhile.

The user sees, per field that now differs, the value they loaded, their value and the value
in the database, and picks per field (or all at once). Nothing is overwritten silently: the
caller re-saves the chosen values against the version the database holds now.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.services.fields import Field
from ui.widgets.dialogs.field_editors import field_label, same

Describe = Callable[[Field, Any], str]

KEEP_MINE = "mine"
TAKE_THEIRS = "theirs"
MERGE = "merge"
RECREATE = "recreate"
DISCARD = "discard"


class ConflictDialog(QDialog):
    """`resolution` says what the user chose (None if they went back to editing);
    `merged()` is the full set of values to save for KEEP_MINE, MERGE and RECREATE."""

    def __init__(
        self,
        title: str,
        fields: Sequence[Field],
        base: dict[str, Any],
        mine: dict[str, Any],
        theirs: dict[str, Any] | None,
        describe: Describe,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Someone else changed this meanwhile")
        self.resolution: str | None = None
        self._fields = list(fields)
        self._base, self._mine, self._theirs = base, mine, theirs
        self._describe = describe
        self._groups: dict[str, QButtonGroup] = {}
        layout = QVBoxLayout(self)
        self.message = _plain("", self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(self)
        if theirs is None:
            self.message.setText(
                f"“{title}” was deleted by someone else while you were editing it.\n\n"
                "Re-create it with your values (it keeps its identity, so calendars and "
                "exports still recognise it), or discard your changes?"
            )
            self.recreate_button = self._button(buttons, "Re-create with my values", RECREATE)
            self.discard_button = self._button(buttons, "Discard my changes", DISCARD)
            self.recreate_button.setDefault(True)
            layout.addStretch(1)
        else:
            self.message.setText(
                f"“{title}” was changed by someone else while you were editing it. For each "
                "field that now differs, choose the value to keep; ⚠ marks fields you both "
                "changed."
            )
            layout.addWidget(self._comparison(), 1)
            self.merge_button = self._button(buttons, "Save chosen values", MERGE)
            self.keep_mine_button = self._button(buttons, "Keep all mine", KEEP_MINE)
            self.take_theirs_button = self._button(buttons, "Take all theirs", TAKE_THEIRS)
            self.merge_button.setDefault(True)
        back = buttons.addButton("Back to editing", QDialogButtonBox.ButtonRole.RejectRole)
        back.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720 if theirs else 600, 170 + 32 * len(self._groups))

    @property
    def differing(self) -> list[str]:
        """Fields whose value in the database is not the user's."""
        return list(self._groups)

    def choose(self, field: str, side: str) -> None:
        """Pick KEEP_MINE's or TAKE_THEIRS's value for one field."""
        group = self._groups[field]
        group.button(0 if side == KEEP_MINE else 1).setChecked(True)

    def choice(self, field: str) -> str:
        return KEEP_MINE if self._groups[field].checkedId() == 0 else TAKE_THEIRS

    def merged(self) -> dict[str, Any]:
        if self._theirs is None or self.resolution in (KEEP_MINE, RECREATE):
            return dict(self._mine)
        if self.resolution == TAKE_THEIRS:
            return dict(self._theirs)
        out = dict(self._theirs)
        for name in self._groups:
            if self.choice(name) == KEEP_MINE:
                out[name] = self._mine.get(name)
        return out

    def _button(self, box: QDialogButtonBox, text: str, resolution: str) -> QPushButton:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        button.clicked.connect(lambda: self._finish(resolution))
        return button

    def _finish(self, resolution: str) -> None:
        self.resolution = resolution
        self.accept()

    def _comparison(self) -> QWidget:
        assert self._theirs is not None
        grid_host = QWidget(self)
        grid = QGridLayout(grid_host)
        grid.setHorizontalSpacing(16)
        for col, text in enumerate(("Field", "When you opened it", "Yours", "Theirs (now)")):
            head = QLabel(f"<b>{text}</b>", grid_host)
            grid.addWidget(head, 0, col)
        row = 1
        for f in self._fields:
            base, mine = self._base.get(f.name), self._mine.get(f.name)
            theirs = self._theirs.get(f.name)
            if same(f, mine, theirs):
                continue
            both = not same(f, mine, base) and not same(f, theirs, base)
            label = _plain(("⚠ " if both else "") + field_label(f), grid_host)
            if both:
                label.setToolTip("You and someone else both changed this field")
            grid.addWidget(label, row, 0)
            grid.addWidget(_plain(self._describe(f, base), grid_host), row, 1)
            group = QButtonGroup(self)
            for side, value in enumerate((mine, theirs)):
                radio = QRadioButton(self._describe(f, value), grid_host)
                radio.setObjectName(f"{f.name}_{'mine' if side == 0 else 'theirs'}")
                group.addButton(radio, side)
                grid.addWidget(radio, row, 2 + side)
            # Default: whoever actually changed the field wins; if both did, the user does.
            group.button(0 if not same(f, mine, base) else 1).setChecked(True)
            self._groups[f.name] = group
            row += 1
        grid.setRowStretch(row, 1)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(3, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(grid_host)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return scroll


def _plain(text: str, parent: QWidget) -> QLabel:
    """A label that never interprets user data as HTML."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
