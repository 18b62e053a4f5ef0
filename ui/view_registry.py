"""Which screens exist: found by convention, so adding a view needs no edit to the shell.

The area `calendar` is the class `CalendarView` in the module `ui.views.calendar` (a module
or a package). The shell offers an area only when that module imports; an area not built
yet is simply absent from the navigation, never an empty placeholder. Every view follows
the `View` protocol below and is created with the current `AppContext`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtWidgets import QWidget

from ui.context import AppContext

VIEW_NAMES = (
    "workloads",
    "teams",
    "components",
    "calendar",
    "capacity",
    "matrix",
    "runbooks",
    "governance",
    "metrics",
)
"""Navigation order; the first nine get Ctrl+1..9. Also the names `gui --view` accepts."""

ViewFactory = Callable[[AppContext, QWidget | None], QWidget]


class View(Protocol):
    """What the shell calls on a view (the Edit menu, Ctrl+F and F5 forward to these)."""

    name: str
    title: str

    def refresh(self) -> None: ...
    def focus_search(self) -> None: ...
    def new_item(self) -> None: ...
    def edit_selected(self) -> None: ...
    def delete_selected(self) -> None: ...


@dataclass(frozen=True)
class ViewSpec:
    name: str
    """Also the icon: resources/icons/<name>.svg."""
    title: str
    factory: ViewFactory


def view_class_name(name: str) -> str:
    return f"{name.capitalize()}View"


def discover_views(names: Sequence[str] = VIEW_NAMES) -> list[ViewSpec]:
    """The areas whose view exists, in navigation order.

    Only a missing view module is skipped; an import error inside an existing view is a
    bug and is raised, not hidden.
    """
    specs = []
    for name in names:
        module_name = f"ui.views.{name}"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        cls = getattr(module, view_class_name(name), None)
        if cls is not None:
            title = str(getattr(cls, "title", "") or name.capitalize())
            specs.append(ViewSpec(name, title, cls))
    return specs
