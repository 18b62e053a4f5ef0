"""The application shell as a coordinator uses it: what it shows, what it refuses, what it keeps.

The views are small stand-ins defined here, so these tests exercise the shell only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette, QUndoCommand
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMessageBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import text

from app.db import Database, open_database
from app.db.migrate import head_revision
from tests.conftest import PG_URL
from tests.factories import Org, seed_small_org
from tests.ui.keyrings import MemoryKeyring, using_keyring
from ui import theme
from ui.context import AppContext
from ui.database_session import KEYRING_SERVICE, keyring_username, public_url
from ui.main_window import MainWindow
from ui.settings import SettingsStore
from ui.view_registry import ViewSpec
from ui.widgets.command_palette import CommandPalette
from ui.widgets.dialogs.connect_dialog import ConnectDialog

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class StandInView(QWidget):
    """Records what the shell asks of a view."""

    name = "stand-in"
    title = "Stand-in"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.calls: list[str] = []
        self.table = QTableWidget(3, 2, self)
        self.table.horizontalHeader().resizeSection(0, 100)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{self.title} on {ctx.db.location.display()}"))
        layout.addWidget(self.table)

    def refresh(self) -> None:
        self.calls.append("refresh")

    def focus_search(self) -> None:
        self.calls.append("focus_search")

    def new_item(self) -> None:
        self.calls.append("new_item")

    def edit_selected(self) -> None:
        self.calls.append("edit_selected")

    def delete_selected(self) -> None:
        self.calls.append("delete_selected")


class WorkloadsStandIn(StandInView):
    name, title = "workloads", "Workloads"


class TeamsStandIn(StandInView):
    name, title = "teams", "Teams"


VIEWS = [ViewSpec(v.name, v.title, v) for v in (WorkloadsStandIn, TeamsStandIn)]


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    with using_keyring(MemoryKeyring()) as backend:
        yield backend  # type: ignore[misc]


@pytest.fixture
def no_keyring() -> Iterator[None]:
    with using_keyring(fail.Keyring()):
        yield


@pytest.fixture
def make_window(qtbot: Any) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(db: Database | None = None, **kw: Any) -> MainWindow:
        window = MainWindow(views=kw.pop("views", VIEWS), **kw)
        qtbot.addWidget(window)
        windows.append(window)
        if db is not None:
            window.use_database(db)
        return window

    yield make
    for window in windows:
        window.session.close()


def shown(qtbot: Any, window: MainWindow) -> MainWindow:
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def error_boxes(window: MainWindow) -> list[QMessageBox]:
    return [box for box in window.findChildren(QMessageBox) if box.isVisible()]


def sqlite_file(tmp_path: Path, name: str) -> Database:
    return open_database(str(tmp_path / name), create=True)


def test_status_bar_shows_database_person_and_schema(seeded: Org, make_window: Any) -> None:
    window = make_window(seeded.db)
    db_text = window.db_label.text()
    assert seeded.db.location.display() in db_text
    assert window.schema_label.text() == f"Schema {head_revision()}"
    if seeded.db.location.is_sqlite:
        assert window.person_label.text() == (
            "Signed in: Cora Coordinator (coordinator) · coordinator"
        )
    else:  # the PostgreSQL login of the test server is no Person: a read-only viewer
        assert window.person_label.text().endswith("· viewer (read-only)")


def test_unknown_login_is_shown_as_read_only_viewer(
    make_window: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    db = sqlite_file(tmp_path, "org.db")  # on PostgreSQL the server login decides
    seed_small_org(db)
    monkeypatch.setenv("RELEASEDESK_USER", "stranger")
    window = make_window(db)
    assert window.person_label.text() == "Signed in: stranger · viewer (read-only)"


def test_navigation_lists_only_registered_views_and_switches(
    db: Database, make_window: Any, qtbot: Any
) -> None:
    window = shown(qtbot, make_window(db))
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "Workloads",
        "Teams",
    ]
    assert not window.nav.item(0).icon().isNull()
    assert window.current_view_name == "workloads"
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view_name == "teams"
    assert isinstance(window.current_view(), TeamsStandIn)
    assert window.nav.currentRow() == 1
    window.nav.setCurrentRow(0)
    assert window.current_view_name == "workloads"


def test_edit_commands_go_to_the_current_view(db: Database, make_window: Any, qtbot: Any) -> None:
    window = shown(qtbot, make_window(db))
    view = window.current_view()
    assert isinstance(view, StandInView)
    view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert view.calls == ["new_item", "focus_search", "edit_selected", "delete_selected", "refresh"]


def test_undo_and_redo_act_on_the_contexts_undo_stack(
    db: Database, make_window: Any, qtbot: Any
) -> None:
    window = shown(qtbot, make_window(db))
    done: list[str] = []

    class Rename(QUndoCommand):
        def redo(self) -> None:
            done.append("redo")

        def undo(self) -> None:
            done.append("undo")

    assert window.context is not None
    window.context.undo_stack.push(Rename("Rename team"))
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_Z, shift_ctrl)
    assert done == ["redo", "undo", "redo"]


def test_opening_a_non_sqlite_file_says_so_and_keeps_the_current_database(
    db: Database, make_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = shown(qtbot, make_window(db))
    notes = tmp_path / "notes.db"
    notes.write_text("meeting notes, not a database\n")
    assert not window.open_location(str(notes))
    [box] = error_boxes(window)
    assert "is not a SQLite database" in box.text()
    assert str(notes) in box.text()
    assert "still using" in box.informativeText()
    assert window.context is not None and window.context.db is db
    assert db.location.display() in window.db_label.text()
    assert notes.read_text() == "meeting notes, not a database\n"
    assert str(notes) not in window.settings.recent


def test_a_database_with_a_newer_schema_is_refused(
    db: Database, make_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    current = sqlite_file(tmp_path, "current.db")
    window = shown(qtbot, make_window(current))
    with db.transaction() as session:
        session.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    assert not window.open_location(public_url(db.location))
    [box] = error_boxes(window)
    assert "newer than this version of ReleaseDesk" in box.text()
    assert window.context is not None and window.context.db is current
    with db.read() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == "ffff"


def test_an_unreachable_server_is_reported_and_the_current_database_kept(
    make_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    current = sqlite_file(tmp_path, "current.db")
    window = shown(qtbot, make_window(current))
    assert not window.open_location("postgresql://cora@127.0.0.1:1/releases", password="pw")
    [box] = error_boxes(window)
    assert "cannot reach the database server" in box.text()
    assert "pw" not in box.text().replace("postgresql", "")
    assert window.context is not None and window.context.db is current
    assert window.settings.recent == [str(tmp_path / "current.db")]


def test_switching_databases_recreates_views_on_the_new_context(
    make_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    first = sqlite_file(tmp_path, "first.db")
    window = shown(qtbot, make_window(first))
    old_view = window.current_view()
    second = tmp_path / "second.db"
    open_database(str(second), create=True).dispose()
    assert window.open_location(str(second))
    new_view = window.current_view()
    assert isinstance(new_view, StandInView) and new_view is not old_view
    assert new_view.ctx.db.location.path == second
    assert window.settings.recent[:2] == [str(second), str(tmp_path / "first.db")]
    assert window.windowTitle() == "second.db — ReleaseDesk"


def test_without_a_database_only_opening_one_is_offered(
    make_window: Any, qtbot: Any, tmp_path: Path
) -> None:
    window = shown(qtbot, make_window())
    assert not window.open_location(str(tmp_path / "missing.db"))
    [box] = error_boxes(window)
    assert "no such database file" in box.text()
    assert window.stack.currentWidget() is window.empty
    assert window.open_action.isEnabled() and window.connect_action.isEnabled()
    assert not window.edit_menu.isEnabled()
    assert window.nav.isHidden()
    assert not any(a.isEnabled() for a in window.area_actions.values())
    assert window.db_label.text() == "No database open"


def test_presentation_mode_is_full_screen_without_chrome_and_esc_leaves(
    db: Database, make_window: Any, qtbot: Any
) -> None:
    window = shown(qtbot, make_window(db))
    normal_size = window.font().pointSizeF()
    view = window.current_view()
    assert isinstance(view, StandInView)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    assert window.presenting
    assert view.table.horizontalHeader().sectionSize(0) == 150, "columns widen with the type"
    assert window.menuBar().isHidden() and window.statusBar().isHidden()
    assert window.nav.isHidden()
    assert window.font().pointSizeF() == pytest.approx(normal_size * 1.5)
    assert "#ffd400" in window.styleSheet()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isFullScreen())
    assert not window.presenting
    assert window.menuBar().isVisible() and window.statusBar().isVisible()
    assert window.nav.isVisible()
    assert window.font().pointSizeF() == pytest.approx(normal_size)
    assert window.styleSheet() == ""
    assert view.table.horizontalHeader().sectionSize(0) == 100
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen())


def test_geometry_and_current_view_persist_across_windows(
    db: Database, make_window: Any, qtbot: Any
) -> None:
    first = shown(qtbot, make_window(db))
    first.resize(730, 510)
    first.move(40, 30)
    first.show_view("teams")
    first.close()
    second = make_window()
    assert second.size().toTuple() == (730, 510)
    assert second.settings.current_view == "teams"
    second.use_database(db)
    assert second.current_view_name == "teams"
    assert SettingsStore().load().window_geometry


def test_command_palette_filters_every_command_and_enter_runs_it(
    db: Database, make_window: Any, qtbot: Any
) -> None:
    window = shown(qtbot, make_window(db))
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window.findChild(CommandPalette)
    assert palette is not None and palette.isVisible()
    paths = palette.visible_paths()
    assert "File › Open SQLite File…" in paths and "View › Presentation Mode" in paths
    assert any(p.startswith("File › Open Recent › ") for p in paths)
    qtbot.keyClicks(palette.search, "view team")
    assert palette.visible_paths() == ["View › Teams"]
    qtbot.keyClick(palette.search, Qt.Key.Key_Return)
    assert window.current_view_name == "teams"
    assert not palette.isVisible()


def test_connect_dialog_builds_a_url_without_password(
    qtbot: Any, memory_keyring: MemoryKeyring
) -> None:
    dialog = ConnectDialog(initial_url="postgresql://cora@db.example:5433/releases")
    qtbot.addWidget(dialog)
    assert dialog.remember.isEnabled() and dialog.keyring_note.isHidden()
    dialog.password.setText("s3cret")
    dialog.remember.setChecked(True)
    login = dialog.login()
    assert login.url == "postgresql://cora@db.example:5433/releases"
    assert (login.password, login.remember) == ("s3cret", True)
    dialog.database.clear()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()


def test_connect_dialog_says_when_passwords_cannot_be_remembered(
    qtbot: Any, no_keyring: None
) -> None:
    dialog = ConnectDialog()
    qtbot.addWidget(dialog)
    assert not dialog.remember.isEnabled()
    assert not dialog.keyring_note.isHidden()
    assert "keyring" in dialog.keyring_note.text()
    dialog.remember.setChecked(True)
    assert dialog.login().remember is False


@pytest.mark.skipif(not PG_URL, reason="needs RELEASEDESK_TEST_PG_URL")
def test_postgres_password_goes_to_the_keyring_and_back_never_to_settings(
    db: Database, make_window: Any, qtbot: Any, memory_keyring: MemoryKeyring
) -> None:
    if db.location.is_sqlite:
        pytest.skip("PostgreSQL only")
    window = shown(qtbot, make_window())
    url = public_url(db.location)
    assert window.open_location(url, password="s3cret", remember=True)
    key = (KEYRING_SERVICE, keyring_username(db.location))
    assert memory_keyring.passwords == {key: "s3cret"}
    assert window.settings.recent == [url]
    assert "s3cret" not in window.db_label.text()
    window.close()
    settings_file = Path(SettingsStore().file_name).read_text()
    assert url in settings_file and "s3cret" not in settings_file
    window.session.close()
    assert window.open_location(window.settings.recent[0])
    assert window.context is not None
    assert window.context.db.engine.url.password == "s3cret"


def test_palette_follows_the_os_colour_scheme(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    window_role = QPalette.ColorRole.Window
    original = qapp.palette()
    try:
        monkeypatch.setattr(theme, "is_dark", lambda _app: True)
        theme.apply_palette(qapp)
        dark = qapp.palette()
        assert dark.color(window_role).lightness() < 60
        assert dark.color(QPalette.ColorRole.WindowText).lightness() > 200
        monkeypatch.setattr(theme, "is_dark", lambda _app: False)
        theme.apply_palette(qapp)
        assert qapp.palette().color(window_role).lightness() > 200
    finally:
        qapp.setPalette(original)


def test_icons_are_drawn_in_the_palettes_text_colour() -> None:
    light = theme.icon("teams", QColor("#1b1f24")).pixmap(48, 48).toImage()
    dark = theme.icon("teams", QColor("#e6e8eb")).pixmap(48, 48).toImage()
    ink = [
        (light.pixelColor(x, y), dark.pixelColor(x, y))
        for x in range(48)
        for y in range(48)
        if light.pixelColor(x, y).alpha() == 255
    ]
    assert ink, "the icon draws something"
    assert all(a.lightness() < 60 and b.lightness() > 200 for a, b in ink)
    assert not theme.app_icon().isNull()
