"""The application window: navigation, the views, menus, status bar, presentation mode.

The areas come from `ui.view_registry` (only views that exist are offered). A view is
created on its first visit with the current `AppContext`, and all views are dropped and
recreated lazily when another database is opened, so no view ever holds a stale context.
Every command is a QAction on the window, which is what the command palette lists and
what keeps shortcuts working while presentation mode hides the menu bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import QByteArray, QEvent, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app.db import Database, DatabaseError
from ui import excel_actions, theme
from ui.context import AppContext
from ui.database_session import (
    DatabaseSession,
    ask_for_file,
    ask_for_server,
    background_opener,
    error_box,
    status_texts,
    window_title,
)
from ui.settings import AppSettings, SettingsStore
from ui.view_registry import ViewSpec, discover_views
from ui.widgets.empty_state import EmptyState
from ui.workers import Cancelled

MINIMUM_SIZE = (720, 480)
Key = str | Qt.Key | QKeySequence.StandardKey


class MainWindow(QMainWindow):
    def __init__(
        self,
        *,
        views: Sequence[ViewSpec] | None = None,
        store: SettingsStore | None = None,
        persist: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        if QApplication.windowIcon().isNull():  # else the window shows the application's
            self.setWindowIcon(theme.app_icon())
        # An explicit minimum keeps the layout from re-sending size hints on every change.
        self.setMinimumSize(*MINIMUM_SIZE)
        self._store = (store or SettingsStore()) if persist else None
        self.settings: AppSettings = self._store.load() if self._store else AppSettings()
        self.session = DatabaseSession(self.settings, self)
        self.specs = list(discover_views() if views is None else views)
        self._views: dict[str, QWidget] = {}
        self._current = ""
        self.start_view = ""
        """Shown instead of the remembered view when the next database opens (`gui --view`)."""
        self._undo_actions: list[QAction] = []

        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setStyleSheet(theme.shell_stylesheet())
        self.nav.setUniformItemSizes(True)
        self.stack = QStackedWidget(self)
        self.empty = EmptyState(self)
        self.empty.setStyleSheet(theme.shell_stylesheet())
        self.stack.addWidget(self.empty)
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self._build_actions()
        self._build_menus()
        self._build_navigation()
        self._build_status_bar()
        self.presentation = theme.PresentationMode(self, [self.menuBar(), self.statusBar()])
        self.session.context_changed.connect(self._on_context_changed)
        self.session.notice.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.empty.open_file.connect(self.open_action.trigger)
        self.empty.connect_server.connect(self.connect_action.trigger)
        self.empty.recent_chosen.connect(self.open_location)
        self._restore_geometry()
        self._on_context_changed(None)

    # -- building -------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], object], *keys: Key) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # keeps shortcuts alive while the menu bar is hidden
        return action

    def _build_actions(self) -> None:
        self.open_action = self._action("&Open SQLite File…", self.choose_file, "Ctrl+O")
        self.connect_action = self._action("&Connect to PostgreSQL…", self.choose_server)
        self.clear_recent_action = self._action("&Clear Recent", self._clear_recent)
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.new_action = self._action("&New…", lambda: self._forward("new_item"), "Ctrl+N")
        self.edit_action = self._action(
            "&Edit Selected…",
            lambda: self._forward("edit_selected"),
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        )
        self.delete_action = self._action(
            "&Delete Selected", lambda: self._forward("delete_selected"), "Del"
        )
        for action in (self.edit_action, self.delete_action):
            # Enter and Delete act on the view only; in the navigation they mean nothing.
            self.removeAction(action)
            self.stack.addAction(action)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.find_action = self._action("&Find", lambda: self._forward("focus_search"), "Ctrl+F")
        self.refresh_action = self._action("&Reload", lambda: self._forward("refresh"), "F5")
        self.presentation_action = self._action(
            "&Presentation Mode", self._toggle_presentation, "F11"
        )
        self.presentation_action.setCheckable(True)
        self.palette_action = self._action("Command &Palette…", self._open_palette, "Ctrl+K")
        self._leave_presentation = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self._leave_presentation.activated.connect(lambda: self.set_presentation(False))
        self._leave_presentation.setEnabled(False)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(self.open_action)
        file_menu.addAction(self.connect_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        file_menu.addSeparator()
        excel_actions.install(self, file_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.edit_menu = bar.addMenu("&Edit")
        self._undo_anchor = self.edit_menu.addSeparator()
        for action in (self.new_action, self.edit_action, self.delete_action):
            self.edit_menu.addAction(action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.find_action)
        self.view_menu = bar.addMenu("&View")

    def _build_navigation(self) -> None:
        self.area_group = QActionGroup(self)
        self.area_actions: dict[str, QAction] = {}
        for i, spec in enumerate(self.specs):
            keys = [f"Ctrl+{i + 1}"] if i < 9 else []
            action = self._action(spec.title, partial(self.show_view, spec.name), *keys)
            action.setCheckable(True)
            action.setActionGroup(self.area_group)
            self.view_menu.addAction(action)
            self.area_actions[spec.name] = action
            QListWidgetItem(spec.title, self.nav).setData(Qt.ItemDataRole.UserRole, spec.name)
        self.view_menu.addSeparator()
        for action in (self.refresh_action, self.presentation_action, self.palette_action):
            self.view_menu.addAction(action)
        self._update_icons()
        self.nav.currentRowChanged.connect(self._on_nav_row)
        widest = max(
            (self.nav.fontMetrics().horizontalAdvance(s.title) for s in self.specs), default=0
        )
        self.nav.setFixedWidth(max(170, widest + 80))

    def _build_status_bar(self) -> None:
        self.db_label = QLabel(self)
        self.person_label = QLabel(self)
        self.schema_label = QLabel(self)
        for label in (self.db_label, self.person_label, self.schema_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setContentsMargins(10, 0, 10, 0)
            self.statusBar().addPermanentWidget(label)

    def _update_icons(self) -> None:
        colour = self.palette().color(self.palette().ColorRole.WindowText)
        for row, spec in enumerate(self.specs):
            icon = theme.icon(spec.name, colour)
            self.nav.item(row).setIcon(icon)
            self.area_actions[spec.name].setIcon(icon)

    # -- databases ------------------------------------------------------------------------

    @property
    def context(self) -> AppContext | None:
        return self.session.context

    def use_database(self, db: Database) -> AppContext:
        return self.session.adopt(db)

    def open_location(
        self, text: str, *, password: str | None = None, remember: bool = False
    ) -> bool:
        """Open another database; on failure say why and keep the current one."""
        try:
            self.session.open(
                text, password=password, remember=remember, run=background_opener(self)
            )
        except Cancelled:
            self.statusBar().showMessage("Opening cancelled", 5000)
            return False
        except DatabaseError as exc:
            self.show_error(str(exc))
            return False
        return True

    def choose_file(self) -> None:
        path = ask_for_file(self, self.context)
        if path:
            self.open_location(path)

    def choose_server(self, initial_url: str = "") -> None:
        login = ask_for_server(self, self.context, initial_url)
        if login is not None:
            self.open_location(login.url, password=login.password or None, remember=login.remember)

    def show_error(self, message: str, title: str = "Cannot open the database") -> QMessageBox:
        box = error_box(self, title, message, self.context)
        box.open()
        return box

    def _clear_recent(self) -> None:
        self.settings.recent.clear()
        self._refresh_recent()
        self._save_settings()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for entry in self.settings.recent:
            action = self.recent_menu.addAction(entry.replace("&", "&&"))
            action.triggered.connect(lambda _checked=False, e=entry: self.open_location(e))
        if self.settings.recent:
            self.recent_menu.addSeparator()
        self.recent_menu.addAction(self.clear_recent_action)
        self.clear_recent_action.setEnabled(bool(self.settings.recent))
        self.empty.set_recent(self.settings.recent)

    def _on_context_changed(self, ctx: AppContext | None) -> None:
        for view in self._views.values():
            self.stack.removeWidget(view)
            view.deleteLater()
        self._views.clear()
        self._current = ""
        self._install_undo(ctx)
        self._update_status(ctx)
        for action in (self.new_action, self.edit_action, self.delete_action, self.find_action):
            action.setEnabled(ctx is not None)
        self.edit_menu.setEnabled(ctx is not None)
        self.refresh_action.setEnabled(ctx is not None)
        self.area_group.setEnabled(ctx is not None)
        self._update_navigation_visibility()
        self._refresh_recent()
        self.setWindowTitle(window_title(ctx))
        if ctx is None:
            self.nav.clearSelection()
            self.stack.setCurrentWidget(self.empty)
            return
        names = [s.name for s in self.specs]
        first = next((n for n in (self.start_view, self.settings.current_view) if n in names), "")
        self.start_view = ""
        if names:
            self.show_view(first or names[0])
        self._save_settings()

    def _install_undo(self, ctx: AppContext | None) -> None:
        for action in self._undo_actions:
            self.edit_menu.removeAction(action)
            self.removeAction(action)
            action.deleteLater()
        self._undo_actions = []
        if ctx is None:
            return
        undo = ctx.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo = ctx.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        for action in (undo, redo):
            self.edit_menu.insertAction(self._undo_anchor, action)
            self.addAction(action)
        self._undo_actions = [undo, redo]

    def _update_status(self, ctx: AppContext | None) -> None:
        labels = (self.db_label, self.person_label, self.schema_label)
        for label, text in zip(labels, status_texts(ctx), strict=True):
            label.setText(text)

    # -- views ----------------------------------------------------------------------------

    @property
    def current_view_name(self) -> str:
        return self._current

    def current_view(self) -> QWidget | None:
        return self._views.get(self._current)

    def show_view(self, name: str) -> bool:
        """Switch to the area `name`; False when no database is open or no such view exists."""
        spec = next((s for s in self.specs if s.name == name), None)
        ctx = self.context
        if spec is None or ctx is None:
            return False
        view = self._views.get(name)
        if view is None:
            view = spec.factory(ctx, self.stack)
            self._views[name] = view
            self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        if view.focusProxy() is not None and not self.nav.hasFocus():
            view.setFocus(Qt.FocusReason.OtherFocusReason)
        self._current = name
        self.settings.current_view = name
        self.area_actions[name].setChecked(True)
        row = self.specs.index(spec)
        if self.nav.currentRow() != row:
            self.nav.blockSignals(True)
            self.nav.setCurrentRow(row)
            self.nav.blockSignals(False)
        return True

    def _on_nav_row(self, row: int) -> None:
        if 0 <= row < len(self.specs):
            self.show_view(self.specs[row].name)

    def _open_palette(self) -> None:
        from ui.widgets.command_palette import open_palette  # only when asked for

        open_palette(self)

    def _forward(self, method: str) -> None:
        view = self.current_view()
        handler = getattr(view, method, None)
        if callable(handler):
            handler()

    # -- presentation mode ----------------------------------------------------------------

    @property
    def presenting(self) -> bool:
        return self.presentation.active

    def set_presentation(self, on: bool, *, full_screen: bool = True) -> None:
        """Full screen, large high-contrast type, no chrome; F11 toggles, Esc leaves."""
        if on:
            self.presentation.enter(self.settings.presentation_font_scale, full_screen=full_screen)
        else:
            self.presentation.leave()
        self._update_navigation_visibility()
        self._leave_presentation.setEnabled(on)
        self.presentation_action.setChecked(on)

    def _update_navigation_visibility(self) -> None:
        """The navigation shows only with a database open and outside presentation mode."""
        visible = bool(self.specs) and self.context is not None and not self.presenting
        self.nav.setVisible(visible)

    def _toggle_presentation(self) -> None:
        self.set_presentation(not self.presenting)

    # -- persistence ----------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        if not (
            self.settings.window_geometry
            and self.restoreGeometry(QByteArray(self.settings.window_geometry))
        ):
            self.resize(1280, 800)
        if self.settings.window_state:
            self.restoreState(QByteArray(self.settings.window_state))

    def _save_settings(self) -> None:
        if self._store is not None:
            self._store.save(self.settings)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._update_icons()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.window_geometry = bytes(self.presentation.normal_geometry().data())
        self.settings.window_state = bytes(self.saveState().data())
        self._save_settings()
        super().closeEvent(event)
        self.session.close()  # release the file or the server connections now, not at exit
