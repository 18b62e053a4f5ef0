"""What every view needs from the open database: the data source, who is acting, undo.

The main window makes one `AppContext` per open database and hands it to each view. Views
read through `read()` + `app.services.queries` and write through `write()` + the services;
they never keep an ORM session.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from sqlalchemy.orm import Session

from app.db import Database
from app.db.notify import ChangeWatcher
from app.services.actor import Actor, resolve_actor

T = TypeVar("T")

WATCH_INTERVAL_MS = 2000


class AppContext(QObject):
    data_changed = Signal(str)
    """Emitted with an entity label ("workload", "team", ...) after any write, undo or redo."""

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        with db.read() as session:
            self.actor: Actor = resolve_actor(session)
        self.undo_stack = QUndoStack(self)
        self.known_versions: dict[str, int] = {}
        """Row UUID → the version this client's last write left it at (see ui.undo)."""
        self._watcher = ChangeWatcher(db.location)
        self._watch_timer = QTimer(self)
        self._watch_timer.setInterval(WATCH_INTERVAL_MS)
        self._watch_timer.timeout.connect(self.check_for_changes)
        self._watch_timer.start()

    def check_for_changes(self) -> bool:
        """Refresh the views when another client wrote (another coordinator, a script)."""
        changed = self._watcher.changes()
        for label in sorted(changed):
            self.data_changed.emit(label)
        return bool(changed)

    def close(self) -> None:
        self._watch_timer.stop()
        self._watcher.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.db.read() as session:
            yield session

    def write(self, label: str, work: Callable[[Session, Actor], T]) -> T:
        """Run one service call in one transaction, then tell every view what changed."""
        with self.db.transaction() as session:
            result = work(session, self.actor)
        self.data_changed.emit(label)
        return result
