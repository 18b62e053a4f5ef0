"""The Capacity screen: one train's teams as lanes and its upcoming releases as columns, each
cell the cards planned there with the team's load against its limit; the picked card's
details and the team backlogs beside it; moves by mouse or keyboard, each one undoable.

The plan loads in a worker and lands when ready (older loads are dropped). A move is checked
against the loaded plan before it happens, asks for a reason when the rules block it, runs as
one audited service call, and shows at once; the reload it triggers then confirms it.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.planning.plan import Consequence
from app.services.actor import WRITERS
from ui.context import AppContext
from ui.views.capacity import actions, confirm
from ui.views.capacity.board import Board
from ui.views.capacity.canvas import BoardCanvas
from ui.views.capacity.commands import Mover
from ui.views.capacity.details import CardDetails
from ui.views.capacity.loading import LoadedPlan, load, pick_train
from ui.views.capacity.state import CapacityState, load_state, save_state
from ui.widgets.splits import share
from ui.workers import Loader

RELOAD_ON = frozenset(
    {
        "*",
        "workload",
        "workload dependency",
        "team",
        "release",
        "release train",
        "deferral",
        "planning_policy",
        "freeze",
        "freeze override",
        "approval",
        "component",
        "gate evidence",
        "runbook",
    }
)
"""Labels of the writes that change what the board shows ("*": another client wrote)."""
DEEP_BACKLOG = 60
"""A card picked further down its cell than this is shown in the details, not unfolded."""


class CapacityView(QWidget):
    name = "capacity"
    title = "Capacity"

    loaded = Signal()
    """A load has landed and is on screen."""
    card_selected = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("capacityView")
        self.ctx = ctx
        self.state: CapacityState = load_state()
        self.board: Board | None = None
        self.trains: list[tuple[int, str]] = []
        self.dialog: QWidget | None = None
        """The dialog last opened here (tests and screen readers find it)."""
        self.context_menu: QMenu | None = None
        self.ask_override: confirm.AskOverride = confirm.ask_override
        """Asks for the reason to go ahead with a blocked move (tests answer it themselves)."""
        self.mover = Mover(self)
        self._stale = False
        self._notice = ""
        self._pending: LoadedPlan | None = None
        """A load that landed during a drag, shown when the drag ends."""
        self.loader = Loader(ctx, self)
        self.loader.landed.connect(self._landed)
        self.loader.failed.connect(self._failed)

        self.canvas = BoardCanvas(self)
        self.canvas.can_drag = self.can_edit
        self.canvas.check = self.check
        self.details = CardDetails(self)
        self.backlog_panel = self._make_backlog_panel()
        self.train_combo, self.filter_bar = actions.pickers(self)
        self.status = QLabel(" ", self)
        self.status.setObjectName("capacityStatus")
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.toolbar = actions.build(self)
        self._build_layout()
        self._connect()
        self._load()

    # ------------------------------------------------ contract with the main window
    @property
    def can_edit(self) -> bool:
        return self.ctx.actor.has(*WRITERS)

    @property
    def busy(self) -> bool:
        return self.loader.busy

    def refresh(self) -> None:
        self._stale = False
        self._load()

    def focus_search(self) -> None:
        self.filter_bar.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search.selectAll()

    def new_item(self) -> None:
        self.tell("New workloads are made on the Workloads screen; here they are planned.")

    def edit_selected(self) -> None:
        item = self.canvas.item(self.canvas.current)
        if item is not None:
            self.tell(
                f"{item.key}: Ctrl+→ / Ctrl+← move it a release, Ctrl+B to the backlog; "
                "change its fields on the Workloads screen."
            )

    def delete_selected(self) -> None:
        self.edit_selected()

    def tell(self, text: str) -> None:
        """Put a result in the status line, where it stays past the reload it caused."""
        self.status.setText(text or " ")
        self._notice = text if self.loader.busy else ""

    # ------------------------------------------------------------------ picking
    def select_item(self, item_id: int | None) -> None:
        """Pick a card (from the board, the backlog panel or a search)."""
        board = self.board
        item = board.items.get(item_id) if board is not None and item_id is not None else None
        grid = self.canvas.grid
        at = grid.locate(item.id) if grid is not None and item is not None else None
        if item is not None and (at is None or at[2] >= DEEP_BACKLOG):
            self.canvas.select(None, emit=False)
            self._show_details(item.id)
            if at is not None:
                self.tell(f"{item.key} is number {at[2] + 1:,} by WSJF in its cell")
            self.card_selected.emit(item.id)
            return
        self.canvas.select(item_id)

    def find_card(self, text: str) -> bool:
        """Pick the next card whose key or title contains `text`."""
        found = self.board.find(text) if self.board is not None else []
        if not found:
            self.tell(f"No card on this board contains “{text}”.")
            return False
        ids = [i.id for i in found]
        current = self.canvas.current
        at = ids.index(current) + 1 if current in ids else 0
        self.select_item(ids[at % len(ids)])
        self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def selected_ids(self) -> list[int]:
        canvas = self.canvas
        picked = sorted(canvas.chosen)
        if canvas.current is not None and canvas.current not in picked:
            picked.append(canvas.current)
        if not picked and self.details.item is not None:
            picked = [self.details.item.id]
        return picked

    # -------------------------------------------------------------------- moving
    def check(self, item_id: int, release: int | None) -> list[Consequence]:
        return self.mover.check(item_id, release)

    def move_focused(self, direction: int | None) -> None:
        self.mover.step(direction)

    def request_move(
        self, item_id: int, release: int | None, consequences: list[Consequence] | None = None
    ) -> bool:
        return self.mover.request(item_id, release, consequences)

    def apply_move(self, item_id: int, release: int | None, status: str) -> None:
        """Show a move (or its undo) before the reload confirms it."""
        board = self.board
        if board is None or item_id not in board.items:
            return
        board.move(item_id, release, status)
        current = self.canvas.current
        self.canvas.set_board(board)
        if current == item_id:
            self.canvas.select(item_id, emit=False)
        self._show_details(current)
        self._show_backlog()
        self._update_counts()

    # ------------------------------------------------------------------ building
    def _make_backlog_panel(self) -> QWidget | None:
        try:
            from ui.views.capacity.backlog_panel import BacklogPanel
        except ModuleNotFoundError as exc:
            if exc.name != "ui.views.capacity.backlog_panel":
                raise
            return None
        panel = BacklogPanel(self.ctx, self)
        panel.card_selected.connect(self.select_item)
        return cast(QWidget, panel)

    def _build_layout(self) -> None:
        side = QSplitter(Qt.Orientation.Vertical, self)
        side.addWidget(self.details)
        if self.backlog_panel is not None:
            side.addWidget(self.backlog_panel)
        side.setChildrenCollapsible(False)
        self.side = side
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.canvas)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        self.splitter = split
        self._sized = False
        row = QHBoxLayout()
        train_label = QLabel("&Train:", self)
        train_label.setBuddy(self.train_combo)
        row.addWidget(train_label)
        row.addWidget(self.train_combo)
        row.addSpacing(8)
        row.addWidget(self.filter_bar, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.addWidget(self.toolbar)
        layout.addLayout(row)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

    def _connect(self) -> None:
        canvas = self.canvas
        canvas.card_selected.connect(self._card_picked)
        canvas.selection_cleared.connect(lambda: self._show_details(None))
        canvas.move_requested.connect(self.request_move)
        canvas.context_requested.connect(self._context_menu)
        canvas.status.connect(lambda text: self.status.setText(text or " "))
        canvas.drag_ended.connect(self._drag_ended)
        canvas.activated.connect(lambda _item: self.edit_selected())
        self.train_combo.activated.connect(lambda _i: self._train_chosen())
        self.filter_bar.changed.connect(self._team_chosen)
        self.filter_bar.search.returnPressed.connect(lambda: self.find_card(self.filter_bar.text()))
        self.ctx.data_changed.connect(self._data_changed)

    # ------------------------------------------------------------------- loading
    def _load(self) -> None:
        self.status.setText("Loading…")
        if self.board is None:
            self.canvas.empty_text = "Loading the plan…"
            self.canvas.viewport().update()
        train, team = self.state.train, self.state.team
        self.loader.start("plan", lambda s: load(s, train, team))

    def _landed(self, _part: str, result: object) -> None:
        loaded = cast(LoadedPlan, result)
        if self.canvas.drag is not None:  # not under the user's hand: once the drag ends
            self._pending = loaded
            return
        self._pending = None
        self.trains = loaded.trains
        self.mover.checker_for = loaded.checker
        self._show_board(loaded.board)
        self.status.setText(self._notice or " ")
        self.status.setToolTip("")
        self._notice = ""
        self.loaded.emit()

    def _drag_ended(self) -> None:
        if self._pending is not None:
            self._landed("plan", self._pending)

    def _failed(self, _part: str, exc: BaseException) -> None:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        self.status.setText(f"⚠ Could not load the plan: {first[:200]}")
        self.status.setToolTip(str(exc))
        if self.board is None:
            self.canvas.empty_text = "The plan could not be loaded; F5 tries again."
            self.canvas.viewport().update()

    def _show_board(self, board: Board) -> None:
        self.board = board
        if board.train != self.state.train or board.team_filter != self.state.team:
            self.state.train, self.state.team = board.train, board.team_filter
            save_state(self.state)
        actions.show_choices(self)
        self.canvas.empty_text = self._empty_text(board)
        self.canvas.set_board(board)
        self._show_details(self.canvas.current if self.canvas.current else None)
        self._show_backlog()
        self._update_counts()
        actions.update(self)

    def _empty_text(self, board: Board) -> str:
        if not self.trains:
            return (
                "No release trains yet. Create a release train, then give teams a train "
                "on the Teams screen to plan their capacity here."
            )
        if not board.train_teams:
            name = dict(self.trains).get(board.train or 0, "this")
            return (
                f"No team ships with the {name} train. Set a team's release train on the "
                "Teams screen, or pick another train."
            )
        return "Nothing to show."

    def _train_chosen(self) -> None:
        train = self.train_combo.currentData()
        if train is None or self.board is None or train == self.board.train:
            return
        self.state.train, self.state.team = int(train), None
        save_state(self.state)
        self._rebuild()

    def _team_chosen(self) -> None:
        value = self.filter_bar.value("team")
        team = int(value) if value else None
        if self.board is None or team == self.board.team_filter:
            return
        self.state.team = team
        save_state(self.state)
        self._rebuild()

    def _rebuild(self) -> None:
        """Another train or team from the plan already loaded, shown at once; another train's
        production gates follow with a reload (they are read for the train on screen)."""
        checker = self.mover.checker()
        if self.board is None or checker is None:
            return
        train = pick_train(self.trains, self.state.train)
        old = self.board
        self._show_board(Board(old.snapshot, train, self.state.team, checker.loads(), old.gates))
        if train != old.train:
            self._load()  # another train's production gates are read with the plan

    def _data_changed(self, label: str) -> None:
        """Only a visible screen re-reads at once; a hidden one catches up when shown."""
        if label not in RELOAD_ON:
            return
        if self.isVisible():
            self._load()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            share(self.splitter, 0.72)
            share(self.side, 0.36)
        if self._stale:
            self.refresh()

    # ---------------------------------------------------------------- reactions
    def _card_picked(self, item_id: int) -> None:
        self._show_details(item_id)
        actions.update(self)
        self.card_selected.emit(item_id)

    def _show_details(self, item_id: int | None) -> None:
        board = self.board
        item = board.items.get(item_id) if board is not None and item_id is not None else None
        self.details.show_item(board, item)
        actions.update(self)

    def _show_backlog(self) -> None:
        panel, board = self.backlog_panel, self.board
        if panel is not None and board is not None:
            panel.show_snapshot(board.snapshot, board.train)  # type: ignore[attr-defined]

    def _update_counts(self) -> None:
        board = self.board
        if board is None:
            return
        self.filter_bar.count_label.setText(board.overview())

    def context_menu_for(self, item_id: int) -> QMenu:
        """The menu a right-click opens: the card's moves and dialogs, then the board's."""
        if self.context_menu is not None:
            self.context_menu.deleteLater()
        self.context_menu = actions.context_menu(self, item_id)
        return self.context_menu

    def _context_menu(self, item_id: int, where: QPoint) -> None:
        self.context_menu_for(item_id).popup(where)

    def action(self, name: str) -> QAction:
        return cast(QAction, getattr(self, f"{name}_action"))
