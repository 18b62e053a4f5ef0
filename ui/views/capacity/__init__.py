"""The Capacity screen: the board of a train's teams by release (see `view.py`)."""

from ui.views.capacity.view import CapacityView

__all__ = ["CapacityView"]
