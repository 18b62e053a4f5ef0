"""The `releasedesk` entry point: the window, or a headless subcommand without Qt.

`releasedesk` and `releasedesk gui ...` open the window; every other subcommand goes to
`app.cli.main` and never imports PySide6, so scripts and servers without a display (or
without Qt installed at all) can run them. Qt is therefore imported only inside the GUI
functions below, never at module level.
"""

from __future__ import annotations

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


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] != "gui":
        from app.cli import main as cli_main

        return _exit_code(cli_main, args)
    from app.cli import build_parser

    try:
        options = build_parser().parse_args(args or ["gui"])
    except SystemExit as exc:  # argparse already printed the usage error or the help
        return _code(exc)
    return run_gui(options)


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
    if screenshot:
        return _screenshot(window, options)
    target, problem = _startup_target(window, getattr(options, "db", None))
    window.show()
    if problem:
        window.show_error(problem)
    elif target is not None:
        window.open_location(target)
    if view:
        window.show_view(view)
    if getattr(options, "presentation", False):
        window.set_presentation(True)
    code = app.exec()
    _wait_for_workers()
    return code


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
