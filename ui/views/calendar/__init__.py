"""The Calendar screen (see `view.py`)."""

from ui.views.calendar.view import CalendarView

__all__ = ["CalendarView"]
