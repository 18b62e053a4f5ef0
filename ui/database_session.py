"""Which database is open, switching to another, the recent list and remembered passwords.

Also what the window says about the open database (title, status bar, errors) and the
dialogs that pick another one, so the window only wires them to its menus. The session is
the only place that opens a `Database` for the window. An attempt that fails
raises `DatabaseError` *before* anything changes, so the window keeps working on what it had.
Passwords for PostgreSQL go to the OS keyring and never into settings; the recent list
holds URLs without password, and reopening one looks its password up in the keyring.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from app.db import Database, DatabaseError, DbUrl, open_database, parse_db_url
from app.db.engine import describe_connect_error, remove_sqlite_files
from app.db.url import default_location
from app.domain.enums import Role
from app.services.actor import WRITERS, Actor
from ui.context import AppContext
from ui.settings import AppSettings
from ui.workers import Cancelled, Report, run_with_progress

if TYPE_CHECKING:
    from ui.widgets.dialogs.connect_dialog import PostgresLogin

SQLITE_FILTER = "ReleaseDesk databases (*.db *.sqlite *.sqlite3);;All files (*)"
KEYRING_SERVICE = "ReleaseDesk"
DEFAULT_PG_PORT = 5432
NO_KEYRING = (
    "No system keyring is available on this computer, so the password cannot be remembered."
)

Progress = Callable[[str, float], None]
Runner = Callable[[Callable[[], Database]], Database]


def startup_location(cli_db: str | None, settings: AppSettings) -> tuple[str, bool]:
    """What to open at start: --db, $RELEASEDESK_DB, the last database, the default file.

    The flag says whether it is the default file, the only one created (with demo data)
    when missing; any other missing database is an error the user should see.
    """
    if cli_db and cli_db.strip():
        return cli_db.strip(), False
    env = os.environ.get("RELEASEDESK_DB", "").strip()
    if env:
        return env, False
    if settings.last_database:
        return settings.last_database, False
    return default_location(), True


def public_url(location: DbUrl) -> str:
    """The location as a user would type it again, without any password."""
    if location.path is not None:
        return str(location.path)
    u = location.url  # URL.set(password=None) keeps the password: build it afresh
    url = URL.create(u.drivername, u.username, None, u.host, u.port, u.database, u.query)
    return url.render_as_string(hide_password=False).replace("postgresql+psycopg", "postgresql")


def person_text(actor: Actor) -> str:
    if actor.person_id is None:
        return f"{actor.login} · viewer (read-only)"
    roles = ", ".join(role for role in Role if role in actor.roles)
    read_only = "" if actor.has(*WRITERS) else " (read-only)"
    return f"{actor.label} · {roles}{read_only}"


def status_texts(ctx: AppContext | None) -> tuple[str, str, str]:
    """The status bar's database, person and schema texts."""
    if ctx is None:
        return "No database open", "", ""
    location = ctx.db.location
    kind = "SQLite" if location.is_sqlite else "PostgreSQL"
    return (
        f"{kind}: {location.display()}",
        f"Signed in: {person_text(ctx.actor)}",
        f"Schema {ctx.db.schema_revision() or '—'}",
    )


def window_title(ctx: AppContext | None) -> str:
    if ctx is None:
        return "ReleaseDesk"
    location = ctx.db.location
    where = (
        location.path.name if location.path else f"{location.url.database} on {location.url.host}"
    )
    return f"{where} — ReleaseDesk"


def error_box(parent: QWidget, title: str, message: str, ctx: AppContext | None) -> QMessageBox:
    """A window-modal warning about another database, saying what the window still shows."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    if ctx is not None:
        box.setInformativeText(f"ReleaseDesk is still using {ctx.db.location.display()}.")
    else:
        box.setInformativeText("Open a SQLite file or connect to a PostgreSQL database.")
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    return box


def ask_for_file(parent: QWidget, ctx: AppContext | None) -> str:
    """A SQLite file the user picked ("" if none), starting in the open file's folder."""
    start = ctx.db.location.path if ctx else None
    folder = str(start.parent) if start is not None else ""
    path, _ = QFileDialog.getOpenFileName(parent, "Open SQLite File", folder, SQLITE_FILTER)
    return path


def ask_for_server(
    parent: QWidget, ctx: AppContext | None, initial_url: str = ""
) -> PostgresLogin | None:
    """The server login the user entered, prefilled with the open server; None if cancelled."""
    from ui.widgets.dialogs.connect_dialog import ConnectDialog  # imported when asked for

    current = ctx.db.location if ctx else None
    if not initial_url and current is not None and not current.is_sqlite:
        initial_url = public_url(current)
    dialog = ConnectDialog(parent, initial_url)
    if dialog.exec() != ConnectDialog.DialogCode.Accepted:
        return None
    return dialog.login()


def keyring_username(location: DbUrl) -> str:
    url = location.url
    host = url.host or "localhost"
    return f"{url.username or ''}@{host}:{url.port or DEFAULT_PG_PORT}/{url.database}"


def keyring_problem() -> str | None:
    """Why passwords cannot be remembered here, or None when a usable keyring exists."""
    import keyring  # imported when needed: probing backends costs start-up time
    from keyring.backends import fail

    try:
        backend = keyring.get_keyring()
        usable = not isinstance(backend, fail.Keyring) and type(backend).priority > 0
    except Exception:  # a backend probing its platform may raise anything
        usable = False
    return None if usable else NO_KEYRING


def remember_password(location: DbUrl, password: str) -> str | None:
    """Store the password; returns why it could not be stored, or None."""
    import keyring

    try:
        keyring.set_password(KEYRING_SERVICE, keyring_username(location), password)
    except Exception as exc:  # keyring backends raise their own error types
        return f"The password was not remembered: {exc or type(exc).__name__}"
    return None


def stored_password(location: DbUrl) -> str | None:
    if location.is_sqlite:
        return None
    import keyring

    try:
        return keyring.get_password(KEYRING_SERVICE, keyring_username(location))
    except Exception:  # no keyring, a locked one, or a backend error: just ask the server
        return None


def with_password(location: DbUrl, password: str | None) -> DbUrl:
    """The location with the password to connect with: given, in the URL, or remembered."""
    if location.is_sqlite:
        return location
    password = password or location.url.password or stored_password(location)
    return DbUrl(location.url.set(password=password), None) if password else location


def open_checked(location: DbUrl, *, create: bool = False) -> Database:
    """`open_database`, with every driver or file error turned into one readable message."""
    try:
        return open_database(location, create=create)
    except DatabaseError:
        raise
    except SQLAlchemyError as exc:
        raise DatabaseError(describe_connect_error(location, exc)) from None
    except OSError as exc:
        raise DatabaseError(f"{location.display()}: {exc.strerror or exc}") from None


def create_demo_database(path: Path, progress: Progress) -> dict[str, int]:
    """Create the default database and fill it with the small demo; all or nothing.

    Runs in a worker thread: it opens its own connection and closes it before returning,
    so no SQLite connection crosses threads. A failure or a cancel removes the new file, and
    the next start tries again.
    """
    from app.demo import generate

    location = parse_db_url(str(path))
    db = open_checked(location, create=True)
    try:
        counts = generate(db, scale="small", seed=7, progress=progress)
    except BaseException:
        db.dispose()
        remove_sqlite_files(path)
        raise
    db.dispose()
    return counts


def background_opener(parent: QWidget) -> Runner:
    """Opens in a worker behind a progress dialog that appears only if it takes a while.

    Connecting to a server that does not answer, or upgrading a large SQLite file, must
    not freeze the window. A cancel that arrives after the database opened closes it again.
    """

    def run(open_it: Callable[[], Database]) -> Database:
        def work(report: Report) -> Database:
            db = open_it()
            try:
                report("Opened", 1.0)
            except Cancelled:
                db.dispose()
                raise
            return db

        return run_with_progress(
            work,
            title="Opening database",
            label="Connecting and checking the database…",
            parent=parent,
            show_after_ms=400,
            indeterminate=True,
        )

    return run


class DatabaseSession(QObject):
    """Owns the open database and its `AppContext`; tells the window when it changes."""

    context_changed = Signal(object)
    """The new `AppContext`, or None when no database is open."""
    notice = Signal(str)
    """Something worth telling the user that is not an error (e.g. keyring unavailable)."""

    def __init__(self, settings: AppSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.context: AppContext | None = None

    def open(
        self,
        text: str,
        *,
        password: str | None = None,
        remember: bool = False,
        run: Runner | None = None,
    ) -> AppContext:
        """Open `text` and make it current; on any failure nothing changes.

        `run` performs the blocking part (connecting, checking, upgrading a SQLite file);
        the window passes one that does it in a worker behind a progress dialog.
        """
        location = with_password(parse_db_url(text), password)
        db = run(lambda: open_checked(location)) if run else open_checked(location)
        ctx = self._adopt(db)
        if remember and password and not location.is_sqlite:
            problem = remember_password(location, password)
            if problem:
                self.notice.emit(problem)
        return ctx

    def adopt(self, db: Database) -> AppContext:
        """Make an already opened database current (start-up, tests, a fresh demo file)."""
        return self._adopt(db)

    def close(self) -> None:
        old, self.context = self.context, None
        self.context_changed.emit(None)
        if old is not None:
            _release(old)

    def forget(self, entry: str) -> None:
        self.settings.forget_database(entry)

    def _adopt(self, db: Database) -> AppContext:
        try:
            ctx = AppContext(db)
        except SQLAlchemyError as exc:
            db.dispose()
            raise DatabaseError(describe_connect_error(db.location, exc)) from None
        except BaseException:
            db.dispose()
            raise
        old, self.context = self.context, ctx
        self.settings.remember_database(public_url(db.location))
        self.context_changed.emit(ctx)
        if old is not None and old.db is not db:
            _release(old)
        return ctx


def _release(ctx: AppContext) -> None:
    """Dispose the old engine after the views that used it have been replaced."""
    ctx.close()
    ctx.db.dispose()
    ctx.deleteLater()
