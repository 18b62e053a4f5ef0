"""Reading the calendar off the GUI thread.

A month of the large organisation is thousands of deployments plus the conflict checkers, so
each load runs in the worker pool in its own read session and arrives as one value: the plan
(which answers what-if questions during a drag) and the index the canvases paint from. A newer
load supersedes an older one, whose result is dropped when it lands; until the new one lands
the screen keeps showing the previous picture.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from sqlalchemy.orm import Session

from app.services.calendar_data import Filters
from app.services.calendar_queries import CalendarPlan, filter_choices, load_calendar
from ui.context import AppContext
from ui.views.calendar.index import CalendarIndex
from ui.workers import Report, Worker


@dataclass(frozen=True)
class LoadedCalendar:
    plan: CalendarPlan
    index: CalendarIndex
    filters: Filters


def load(session: Session, after: datetime, before: datetime, filters: Filters) -> LoadedCalendar:
    plan = load_calendar(session, after, before, filters)
    return LoadedCalendar(plan, CalendarIndex.build(plan.data), filters)


def choices(session: Session) -> dict[str, list[str]]:
    return filter_choices(session)


@dataclass(frozen=True)
class Outcome:
    part: str
    generation: int
    value: Any
    error: BaseException | None


class Loader(QObject):
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
