"""Long work off the GUI thread: a QRunnable with progress, a cancel flag and result signals.

The work function runs in a QThreadPool thread and gets one argument, `report(stage,
fraction)`, which it calls as it goes. `report` raises `Cancelled` once the user asked to
stop, so work that reports often stops promptly without checking a flag itself. Results,
errors and progress arrive on the GUI thread as queued signals.

Work must not share a SQLite connection with the GUI thread: open what it needs inside the
work function (or use a `Database`, whose pool hands each thread its own connection).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QObject,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ui.context import AppContext

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


def loading_done() -> bool:
    """Nothing the window started is still on its way: no worker, no pending one-shot timer.

    Views load in `Worker`s or behind a widget-owned single-shot `QTimer` (a debounce, a
    deferred load); both are visible from here, so "done" needs no guessing or waiting.
    """
    if _running or QThreadPool.globalInstance().activeThreadCount() > 0:
        return False
    for top in QApplication.topLevelWidgets():
        for timer in top.findChildren(QTimer):
            if timer.isSingleShot() and timer.isActive():
                return False
    return True


def wait_until_idle(timeout_s: float = 30.0) -> bool:
    """Process events until the window's loading is done; False after `timeout_s`.

    Used before a screenshot: the picture is only worth taking once every load has landed.
    While something is pending the GUI thread blocks in the event dispatcher (which releases
    the GIL) until a worker's queued signal or a timer wakes it, so there is no sleep-polling
    and no fixed settle time; "idle" is two event passes in a row with nothing pending (the
    second catches work that a slot of the first queued). A foreign runnable in the pool
    sends no event when it ends, so that case waits on the pool itself.
    """
    alarm = QTimer()  # the deadline; it also wakes a blocked wait (parentless: not "pending")
    alarm.setTimerType(Qt.TimerType.PreciseTimer)
    alarm.setSingleShot(True)
    alarm.start(int(timeout_s * 1000))
    pool = QThreadPool.globalInstance()
    quiet = 0
    try:
        while alarm.isActive():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
            if loading_done():
                quiet += 1
                if quiet >= 2:
                    return True
                continue
            quiet = 0
            if not _running and pool.activeThreadCount() > 0:
                pool.waitForDone(max(1, min(50, alarm.remainingTime())))
            else:
                QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        return False
    finally:
        alarm.stop()


class FirstPaintMark(QObject):
    """Prints `first-paint` once the window has painted the requested view with its data.

    For the start-up benchmark (RELEASEDESK_FIRST_PAINT_MARK=1; never installed otherwise).
    An event filter on the window watches its Paint and UpdateRequest events, which start
    each repaint pass of the window; the first pass after the view is current and its
    loading is done is the one that shows the data. The line is written by a zero timer,
    i.e. once that pass (children included) has been painted and flushed.
    """

    LINE = "first-paint"

    def __init__(self, window: QWidget, ready: Callable[[], bool]) -> None:
        super().__init__(window)
        self._ready = ready
        self.emitted = False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if (kind == QEvent.Type.Paint or kind == QEvent.Type.UpdateRequest) and self._ready():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._emit)
        return False

    def _emit(self) -> None:
        if not self.emitted:
            self.emitted = True
            sys.stdout.write(self.LINE + "\n")
            sys.stdout.flush()


@dataclass(frozen=True)
class Outcome:
    part: str
    generation: int
    value: Any
    error: BaseException | None


class Loader(QObject):
    """Reads for a screen in the pool, each in its own read session; a newer load of the same
    part supersedes an older one, whose result is dropped when it lands, so the screen keeps
    its previous picture until the newest one arrives."""

    landed = Signal(str, object)
    """Part name and its result, for the newest load of that part only."""
    failed = Signal(str, object)

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._generation: dict[str, int] = {}
        self._workers: dict[tuple[str, int], Worker[Outcome]] = {}
        """Held until they have finished (results included): a worker freed earlier takes
        its queued signals with it, and the result would never land."""

    @property
    def busy(self) -> bool:
        return bool(self._workers)

    def start(self, part: str, work: Callable[[Session], Any]) -> None:
        generation = self._generation.get(part, 0) + 1
        self._generation[part] = generation
        db = self.ctx.db

        def job(_report: Report) -> Outcome:
            try:
                with db.read() as session:
                    return Outcome(part, generation, work(session), None)
            except Exception as exc:  # every outcome comes back as a result, errors too
                return Outcome(part, generation, None, exc)

        worker: Worker[Outcome] = Worker(job)
        key = (part, generation)
        # Queued explicitly, as the worker's own bookkeeping is: with an automatic connection
        # a result now and then never arrived (about one load in thirty under test).
        queued = Qt.ConnectionType.QueuedConnection
        worker.signals.succeeded.connect(self._done, queued)
        worker.signals.finished.connect(partial(self._workers.pop, key, None), queued)
        self._workers[key] = worker
        worker.start()

    def _done(self, outcome: Outcome) -> None:
        if self._generation.get(outcome.part) != outcome.generation:
            return
        if outcome.error is not None:
            self.failed.emit(outcome.part, outcome.error)
        else:
            self.landed.emit(outcome.part, outcome.value)
