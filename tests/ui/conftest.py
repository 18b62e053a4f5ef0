"""GUI test fixtures: an offscreen Qt, an AppContext on the seeded database, and message boxes
that answer themselves (a modal box would block the test forever).

Qt is imported inside the fixtures so the platform below is chosen before anything can create
the application object.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import Org
from tests.ui.helpers import Messages

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).parent

OFFSCREEN_NOTICE = r"This plugin does not support propagateSizeHints\(\)"
"""The offscreen platform plugin logs this (as a warning) whenever a visible window's minimum
size changes, e.g. a dialog showing a field error. It is a notice about the headless plugin
itself, which lacks the call every real platform implements, not about our code; it is the one
Qt message the GUI tests let through."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOTICE))


@pytest.fixture(autouse=True)
def _application(qapp: Any) -> Any:
    """Every GUI test gets the QApplication, even one that only paints an icon."""
    return qapp


@pytest.fixture
def ctx(seeded: Org, qtbot: Any) -> Iterator[Any]:
    """The coordinator's context on the seeded database.

    On SQLite RELEASEDESK_USER=coordinator already makes it so; on PostgreSQL the database
    user (postgres) is authoritative, so the test names the acting person explicitly.
    """
    from ui.context import AppContext

    context = AppContext(seeded.db)
    context.actor = seeded.coordinator
    yield context
    context.undo_stack.clear()


@pytest.fixture
def viewer_ctx(seeded: Org, qtbot: Any) -> Any:
    from ui.context import AppContext

    context = AppContext(seeded.db)
    context.actor = seeded.viewer
    return context


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> Messages:
    from PySide6.QtWidgets import QMessageBox

    box = Messages()
    yes, no, ok = (
        QMessageBox.StandardButton.Yes,
        QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Ok,
    )

    def record(kind: str) -> Callable[..., Any]:
        def show(_parent: Any, _title: str, text: str, *_a: Any, **_k: Any) -> Any:
            box.shown.append((kind, text))
            if kind == "question":
                return yes if box.confirm else no
            return ok

        return show

    for kind in ("question", "warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(record(kind)))
    return box


@pytest.fixture
def show(qtbot: Any) -> Iterator[Callable[[Any], Any]]:
    """Show a widget at a realistic size and wait until it is on (offscreen) screen.

    The widgets are closed when the test ends, before the database fixtures drop their
    schema: a debounced re-read still pending then stops, instead of querying a database
    that is gone."""
    shown: list[Any] = []

    def _show(widget: Any) -> Any:
        qtbot.addWidget(widget)
        widget.resize(1200, 700)
        widget.show()
        qtbot.waitExposed(widget)
        shown.append(widget)
        return widget

    yield _show
    for widget in reversed(shown):
        with contextlib.suppress(RuntimeError):  # already deleted by the test
            widget.close()
