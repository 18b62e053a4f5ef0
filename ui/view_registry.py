"""Which screens exist: found by convention, so adding a view needs no edit to the shell.

The area `calendar` is the class `CalendarView` in the module `ui.views.calendar` (a module
or a package). The shell offers an area only when that module exists; an area not built
yet is simply absent from the navigation, never an empty placeholder. Every view follows
the `View` protocol below and is created with the current `AppContext`.

Finding a view does not import it: a view module is imported when its area is first shown.
Start-up then pays only for the view it opens on (the Dependencies matrix alone costs
tens of milliseconds to import). The navigation needs each area's title before that, so
titles that are not simply the capitalised name are listed in `TITLES`; the tests check
that every view class says the same.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from app.cli import VIEWS

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext

VIEW_NAMES = VIEWS
"""Navigation order; the first nine get Ctrl+1..9. The same names `gui --view` accepts."""

TITLES = {"matrix": "Dependencies"}
"""Navigation titles that differ from the capitalised area name (the view's `title`)."""

ViewFactory = Callable[["AppContext", "QWidget | None"], "QWidget"]


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


def view_title(name: str) -> str:
    return TITLES.get(name, name.capitalize())


def module_name(name: str) -> str:
    return f"ui.views.{name}"


def view_class(name: str) -> type[QWidget]:
    """Import the area's module and return its view class.

    An import error inside the module is raised as it is: the module exists, so the error
    is a bug. So is a module without its class.
    """
    module = importlib.import_module(module_name(name))
    cls = getattr(module, view_class_name(name), None)
    if cls is None:
        raise ImportError(f"{module.__name__} does not define {view_class_name(name)}")
    result: type[QWidget] = cls
    return result


@dataclass(frozen=True)
class LazyView:
    """A view factory that imports the view's module on the first call, not before."""

    name: str

    def __call__(self, ctx: AppContext, parent: QWidget | None = None) -> QWidget:
        return view_class(self.name)(ctx, parent)  # type: ignore[call-arg]


def discover_views(names: Sequence[str] = VIEW_NAMES) -> list[ViewSpec]:
    """The areas whose view module exists, in navigation order, without importing them."""
    return [
        ViewSpec(name, view_title(name), LazyView(name))
        for name in names
        if importlib.util.find_spec(module_name(name)) is not None
    ]
