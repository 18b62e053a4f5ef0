"""What the window shows with no database open: the only sensible next steps.

This happens on a first start whose database could not be created, or when the database
to open was refused (a newer schema, a damaged file, a server that is down). The page
offers exactly what the File menu offers: open a file, connect to a server, or a recent one.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

VISIBLE_RECENT = 8


class EmptyState(QWidget):
    open_file = Signal()
    connect_server = Signal()
    recent_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        title = QLabel("No database is open", self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        hint = QLabel(
            "Open a ReleaseDesk SQLite file, or connect to the PostgreSQL database your "
            "release organisation shares.",
            self,
        )
        hint.setWordWrap(True)
        open_button = QPushButton("Open SQLite File…", self)
        open_button.clicked.connect(self.open_file)
        connect_button = QPushButton("Connect to PostgreSQL…", self)
        connect_button.clicked.connect(self.connect_server)
        buttons = QHBoxLayout()
        buttons.addWidget(open_button)
        buttons.addWidget(connect_button)
        buttons.addStretch(1)
        self.recent_title = QLabel("Recent databases", self)
        self.recent = QListWidget(self)
        self.recent.setObjectName("recentList")
        self.recent.itemActivated.connect(lambda item: self.recent_chosen.emit(item.text()))
        column = QVBoxLayout()
        column.addStretch(1)
        for widget in (title, hint):
            column.addWidget(widget)
        column.addSpacing(12)
        column.addLayout(buttons)
        column.addSpacing(18)
        column.addWidget(self.recent_title)
        column.addWidget(self.recent)
        column.addStretch(2)
        holder = QWidget(self)
        holder.setLayout(column)
        holder.setMaximumWidth(620)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(holder, 4)
        outer.addStretch(1)

    def set_recent(self, entries: Sequence[str]) -> None:
        self.recent.clear()
        self.recent.addItems(list(entries))
        self.recent_title.setVisible(bool(entries))
        self.recent.setVisible(bool(entries))
        if entries:  # as tall as its entries, so the page does not end in an empty box
            self.recent.ensurePolished()
            rows = self.recent.sizeHintForRow(0) * min(len(entries), VISIBLE_RECENT)
            self.recent.setFixedHeight(rows + 2 * self.recent.frameWidth() + 6)
