"""Long work off the GUI thread: a QRunnable with progress, a cancel flag and result signals.

The work function runs in a QThreadPool thread and gets one argument, `report(stage,
fraction)`, which it calls as it goes. `report` raises `Cancelled` once the user asked to
stop, so work that reports often stops promptly without checking a flag itself. Results,
errors and progress arrive on the GUI thread as queued signals.

Work must not share a SQLite connection with the GUI thread: open what it needs inside the
work function (or use a `Database`, whose pool hands each thread its own connection).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

T = TypeVar("T")
Report = Callable[[str, float], None]

_running: set[Worker[Any]] = set()
"""Workers between start and finish: keeps them alive and lets `wait_until_idle` see them."""


class Cancelled(Exception):
    """The user asked the work to stop; nothing it did should be kept."""


class WorkerSignals(QObject):
    progress = Signal(str, float)
    succeeded = Signal(object)
    failed = Signal(object)
    """The exception the work raised (with its traceback attached)."""
    cancelled = Signal()
    finished = Signal()
    """Always emitted last, after exactly one of succeeded / failed / cancelled."""


class Worker(QRunnable, Generic[T]):
    def __init__(self, work: Callable[[Report], T]) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.signals = WorkerSignals()
        self._work = work
        self._cancel = threading.Event()
        self.signals.finished.connect(self._forget, Qt.ConnectionType.QueuedConnection)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def report(self, stage: str, fraction: float) -> None:
        if self._cancel.is_set():
            raise Cancelled(stage)
        self.signals.progress.emit(stage, max(0.0, min(1.0, float(fraction))))

    def start(self, pool: QThreadPool | None = None) -> Worker[T]:
        _running.add(self)
        (pool or QThreadPool.globalInstance()).start(self)
        return self

    def run(self) -> None:
        try:
            result = self._work(self.report)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # every failure goes back to the GUI thread to be shown
            self.signals.failed.emit(exc)
        else:
            if self._cancel.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()

    def _forget(self) -> None:
        _running.discard(self)


def active_workers() -> int:
    return len(_running)


def run_with_progress(
    work: Callable[[Report], T],
    *,
    title: str,
    label: str,
    parent: QWidget | None = None,
    show_after_ms: int = 300,
    indeterminate: bool = False,
) -> T:
    """Run `work` in the pool behind a modal progress dialog; return its result or raise.

    A local event loop keeps the GUI painting while the work runs. Cancel (button or Esc)
    sets the worker's flag; the call then raises `Cancelled` once the work has stopped.
    """
    worker: Worker[T] = Worker(work)
    dialog = QProgressDialog(label, "Cancel", 0, 1000, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setMinimumDuration(show_after_ms)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumWidth(420)
    if indeterminate:
        dialog.setRange(0, 0)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def on_progress(stage: str, fraction: float) -> None:
        if not worker.cancel_requested:
            dialog.setLabelText(stage)
            if not indeterminate:
                dialog.setValue(int(fraction * 1000))

    def on_cancel() -> None:
        worker.cancel()
        dialog.setLabelText("Cancelling…")

    worker.signals.progress.connect(on_progress)
    worker.signals.succeeded.connect(lambda result: outcome.setdefault("result", result))
    worker.signals.failed.connect(lambda exc: outcome.setdefault("error", exc))
    worker.signals.cancelled.connect(lambda: outcome.setdefault("error", Cancelled(title)))
    worker.signals.finished.connect(loop.quit)
    dialog.canceled.connect(on_cancel)
    dialog.setValue(0)
    worker.start()
    loop.exec()
    dialog.canceled.disconnect(on_cancel)
    dialog.close()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def wait_until_idle(timeout_s: float = 30.0, settle_ms: int = 150) -> bool:
    """Process events until no worker runs and nothing new happened for `settle_ms`.

    Used before a screenshot: views load their data in workers or deferred timers, and the
    picture is only worth taking once that has landed. Returns False on timeout.
    """
    pool = QThreadPool.globalInstance()
    deadline = time.monotonic() + timeout_s
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        busy = bool(_running) or pool.activeThreadCount() > 0
        now = time.monotonic()
        if busy:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif (now - quiet_since) * 1000 >= settle_ms:
            return True
        time.sleep(0.01)
    return False
