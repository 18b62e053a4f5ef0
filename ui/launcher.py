"""The `releasedesk` entry point: the window, or a headless subcommand without Qt.

`releasedesk` and `releasedesk gui ...` open the window; every other subcommand goes to
`app.cli.main` and never imports PySide6, so scripts and servers without a display (or
without Qt installed at all) can run them. Qt is therefore imported only inside the GUI
functions below, never at module level.

With RELEASEDESK_FIRST_PAINT_MARK=1 the window prints `first-paint` on stdout once it has
painted the requested view with its data: the start-up benchmark times process start to
that line (see `ui.workers.FirstPaintMark`). Unset, nothing is installed.

The cyclic garbage collector is paused while the window starts: start-up allocates some
140,000 long-lived objects (modules, classes, ORM mappers, Qt wrappers) and no cyclic
garbage, so the collections it would trigger (about a tenth of the start-up time) find
nothing to free. Once the window is up those objects are frozen (`gc.freeze`) before
collection resumes, so no later collection traverses them again either.
"""

from __future__ import annotations

import gc
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

SCREENSHOT_SIZE = (1440, 900)
FIRST_PAINT_ENV = "RELEASEDESK_FIRST_PAINT_MARK"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] != "gui":
        from app.cli import main as cli_main

        return _exit_code(cli_main, args)
    _pause_gc()
    try:
        from app.cli import build_parser

        try:
            options = build_parser().parse_args(args or ["gui"])
        except SystemExit as exc:  # argparse already printed the usage error or the help
            return _code(exc)
        return run_gui(options)
    finally:
        _resume_gc()


_gc_paused = False


def _pause_gc() -> None:
    global _gc_paused
    if gc.isenabled():  # a caller that disabled it itself keeps it disabled
        gc.disable()
        _gc_paused = True


def _resume_gc(*, started: bool = False) -> None:
    """Collect again; `started`: the window is up, so freeze what start-up built first.

    Only the success paths freeze: after an error or around the first-start demo
    generation there may be garbage, which an ordinary resume lets the collector free.
    """
    global _gc_paused
    if _gc_paused:
        _gc_paused = False
        if started:
            gc.freeze()
        gc.enable()


def _exit_code(cli_main: object, args: list[str]) -> int:
    try:
        return int(cli_main(args))  # type: ignore[operator]
    except SystemExit as exc:
        return _code(exc)


def _code(exc: SystemExit) -> int:
    return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)


def _fail(message: str) -> int:
    print(f"releasedesk: error: {message}", file=sys.stderr)
    return 2


def application() -> QApplication:
    """The one QApplication, set up once with the names QSettings and desktops rely on."""
    from PySide6.QtWidgets import QApplication

    from ui import theme

    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication([sys.argv[0] if sys.argv else "releasedesk"])
    app.setOrganizationName("ReleaseDesk")
    app.setApplicationName("ReleaseDesk")
    app.setDesktopFileName("releasedesk")
    app.setWindowIcon(theme.app_icon())
    theme.apply_theme(app)
    return app


def run_gui(options: argparse.Namespace) -> int:
    view = getattr(options, "view", None)
    screenshot = getattr(options, "screenshot", None)
    app = application()
    from ui.main_window import MainWindow

    window = MainWindow(persist=not screenshot)
    if view and view not in {spec.name for spec in window.specs}:
        window.deleteLater()
        return _fail(f"the {view} view is not available in this version of ReleaseDesk")
    if os.environ.get(FIRST_PAINT_ENV) == "1":
        _mark_first_paint(window, view)
    if screenshot:
        return _screenshot(window, options)
    target, problem = _startup_target(window, getattr(options, "db", None))
    window.show()
    if problem:
        window.show_error(problem)
    elif target is not None:
        window.start_view = view or ""  # build the requested view first, not the last one
        window.open_location(target)
        window.start_view = ""
    if view:
        window.show_view(view)
    if getattr(options, "presentation", False):
        window.set_presentation(True)
    _resume_gc(started=window.current_view() is not None)
    code = app.exec()
    _wait_for_workers()
    return code


def _mark_first_paint(window: MainWindow, view: str | None) -> None:
    from ui.workers import FirstPaintMark, loading_done

    def ready() -> bool:
        shown = window.current_view_name
        return bool(shown) and shown == (view or shown) and loading_done()

    FirstPaintMark(window, ready)


def _startup_target(window: MainWindow, cli_db: str | None) -> tuple[str | None, str]:
    """The database to open, or why there is none.

    On first start the default file does not exist yet: it is created and filled with the
    small demo behind a progress dialog, before the window appears.
    """
    from ui.database_session import startup_location
    from ui.workers import Cancelled

    target, is_default = startup_location(cli_db, window.settings)
    if not is_default or Path(target).exists():
        return target, ""
    try:
        counts = create_default_database(Path(target))
    except Cancelled:
        return None, ""
    except Exception as exc:  # a failed first start must still open the window
        return None, _first_start_problem(target, exc)
    total = sum(counts.values())
    window.statusBar().showMessage(f"Created {target} with {total:,} demo records", 15_000)
    return target, ""


def _first_start_problem(target: str, exc: Exception) -> str:
    from app.db import DatabaseError

    if isinstance(exc, DatabaseError):
        return str(exc)
    traceback.print_exception(exc)
    return f"{target}: the demo data could not be created ({exc})"


def create_default_database(path: Path) -> dict[str, int]:
    """First start: the default file with the small demo, behind a progress dialog."""
    from ui.database_session import create_demo_database
    from ui.workers import run_with_progress

    _resume_gc()  # the generator makes garbage of its own
    return run_with_progress(
        lambda report: create_demo_database(path, report),
        title="Preparing ReleaseDesk",
        label=f"Creating demo data in {path}…",
    )


def _screenshot(window: MainWindow, options: argparse.Namespace) -> int:
    """Render one screen to a PNG and exit: errors go to stderr, never into a dialog."""
    from app.db import DatabaseError
    from ui.database_session import startup_location
    from ui.workers import Cancelled

    target, is_default = startup_location(getattr(options, "db", None), window.settings)
    if is_default and not Path(target).exists():
        try:
            create_default_database(Path(target))
        except Cancelled:
            return _fail("cancelled")
        except Exception as exc:  # the demo generator failed: report it, exit 2
            return _fail(_first_start_problem(target, exc))
    window.start_view = getattr(options, "view", None) or ""
    try:
        window.session.open(target)
    except DatabaseError as exc:
        return _fail(str(exc))
    try:
        return _render(window, options)
    finally:
        window.close()
        window.session.close()
        window.deleteLater()
        _wait_for_workers()


def _render(window: MainWindow, options: argparse.Namespace) -> int:
    from ui.workers import wait_until_idle

    view = getattr(options, "view", None)
    if view and not window.show_view(view):
        return _fail(f"the {view} view is not available in this version of ReleaseDesk")
    window.resize(*SCREENSHOT_SIZE)
    if getattr(options, "presentation", False):
        window.set_presentation(True, full_screen=False)
    window.show()
    if not wait_until_idle():
        return _fail("the window did not finish loading within 30 seconds")
    _resume_gc(started=True)
    path = Path(options.screenshot).expanduser().resolve()
    if not path.parent.is_dir():
        return _fail(f"{path}: folder {path.parent} does not exist")
    if not window.grab().save(str(path), "PNG"):
        return _fail(f"{path}: cannot write the screenshot")
    return 0


def _wait_for_workers() -> None:
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone()


if __name__ == "__main__":
    sys.exit(main())
