"""Ctrl+K: every command of the window in one filterable list, run with Enter.

The palette reads the window's actions when it opens (menus and submenus, walked in menu
order), so a command added anywhere in the menus is reachable without registering it here.
Typing filters by every word of the query, in any order, against "Menu › Command".
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QVBoxLayout,
)

NAVIGATION_KEYS = {
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}


@dataclass(frozen=True)
class Command:
    path: str
    """Where the command lives, e.g. "File › Open Recent › /data/plan.db"."""
    shortcut: str
    action: QAction


def clean(text: str) -> str:
    """Menu text without mnemonics ("&Open" → "Open") or a tab-separated shortcut hint."""
    return text.split("\t", 1)[0].replace("&&", "\0").replace("&", "").replace("\0", "&")


def window_commands(window: QMainWindow) -> list[Command]:
    """The enabled, visible commands of the window's menus, in menu order, each once."""
    seen: set[int] = set()
    commands: list[Command] = []

    def walk(menu: QMenu, trail: str) -> None:
        for action in menu.actions():
            if action.isSeparator() or not action.isVisible() or not action.text():
                continue
            submenu = action.menu()
            label = f"{trail} › {clean(action.text())}" if trail else clean(action.text())
            if isinstance(submenu, QMenu):
                if action.isEnabled():
                    walk(submenu, label)
                continue
            if not action.isEnabled() or id(action) in seen:
                continue
            seen.add(id(action))
            shortcut = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            commands.append(Command(label, shortcut, action))

    for top in window.menuBar().actions():
        submenu = top.menu()
        if isinstance(submenu, QMenu) and top.isEnabled():
            walk(submenu, clean(top.text()))
    return commands


def matches(query: str, path: str) -> bool:
    words = query.casefold().split()
    haystack = path.casefold()
    return all(word in haystack for word in words)


class CommandPalette(QDialog):
    """A popup over the window: a search field above the list of commands."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("commandPalette")
        self.setWindowTitle("Command palette")
        self.setModal(True)
        self._commands = window_commands(window)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Type a command…")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setUniformItemSizes(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.setMinimumSize(420, 240)  # fixed, so the layout never re-sends size hints
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.list.itemActivated.connect(self._run)
        self._filter("")
        width = max(520, window.width() // 2)
        self.resize(width, min(460, max(240, window.height() // 2)))
        self.move(window.geometry().center().x() - width // 2, window.geometry().top() + 80)

    @property
    def commands(self) -> list[Command]:
        return list(self._commands)

    def visible_paths(self) -> list[str]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole).path for i in range(self.list.count())
        ]

    def _filter(self, query: str) -> None:
        self.list.clear()
        for command in self._commands:
            if matches(query, command.path):
                text = f"{command.path}\t{command.shortcut}" if command.shortcut else command.path
                item = QListWidgetItem(text.replace("\t", "    "), self.list)
                item.setData(Qt.ItemDataRole.UserRole, command)
                item.setToolTip(command.action.toolTip())
        if self.list.count():
            self.list.setCurrentRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up/Down/Enter in the search field drive the list, so the hands stay on the keys."""
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = Qt.Key(event.key())
            if key in NAVIGATION_KEYS:
                QCoreApplication.sendEvent(self.list, event)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                item = self.list.currentItem()
                if item is not None:
                    self._run(item)
                return True
        return super().eventFilter(watched, event)

    def _run(self, item: QListWidgetItem) -> None:
        command: Command = item.data(Qt.ItemDataRole.UserRole)
        self.accept()
        command.action.trigger()


def open_palette(window: QMainWindow) -> CommandPalette:
    palette = CommandPalette(window)
    palette.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    palette.open()
    palette.search.setFocus()
    return palette
