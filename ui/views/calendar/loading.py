"""Reading the calendar off the GUI thread.

A month of the large organisation is thousands of deployments plus the conflict checkers, so
each load runs in the worker pool in its own read session and arrives as one value: the plan
(which answers what-if questions during a drag) and the index the canvases paint from. A newer
load supersedes an older one, whose result is dropped when it lands; until the new one lands
the screen keeps showing the previous picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from app.services.calendar_data import Filters
from app.services.calendar_queries import CalendarPlan, load_calendar
from ui.views.calendar.index import CalendarIndex


@dataclass(frozen=True)
class LoadedCalendar:
    plan: CalendarPlan
    index: CalendarIndex
    filters: Filters


def load(session: Session, after: datetime, before: datetime, filters: Filters) -> LoadedCalendar:
    plan = load_calendar(session, after, before, filters)
    return LoadedCalendar(plan, CalendarIndex.build(plan.data), filters)
