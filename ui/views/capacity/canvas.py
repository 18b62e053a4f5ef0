"""The board on screen: a scroll area that paints only the visible cells, with the release
headers frozen on top and the team names frozen on the left; selection, keyboard focus,
tooltips, "+N more" and dragging a card to another release.

No widget per card: the layout (`layout.Layout`) is computed once per load, resize or font
change, and a paint (`render.py`) walks only the lanes and columns in view and, in each, only
the cards that fit. A drag asks the move checker once per column it enters (`drag.Drag`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QFocusEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QFrame, QToolTip, QWidget

from app.planning.plan import PlanItem
from ui.views.capacity import cards
from ui.views.capacity.board import Board
from ui.views.capacity.drag import Check, Drag, autoscroll
from ui.views.capacity.layout import BAR, CARD, CELL, LESS, MORE, Focus, Hit, Layout, Rect, step
from ui.views.capacity.paint import Colours, Fonts
from ui.views.capacity.render import BoardPainter


class BoardCanvas(QAbstractScrollArea):
    card_selected = Signal(int)
    selection_cleared = Signal()
    move_requested = Signal(int, object, object)
    """Item id, target release id (None: the backlog) and the consequences a drag already
    knows (None: not asked yet)."""
    context_requested = Signal(int, QPoint)
    """The card under a right-click (-1: none) and where to open the menu."""
    activated = Signal(int)
    status = Signal(str)
    drag_ended = Signal()
    """Dropped or cancelled; a load that landed meanwhile can be shown now."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.setAccessibleName("Capacity board")
        self.setAccessibleDescription(
            "Teams by release. Arrow keys move between cards, Ctrl+Right and Ctrl+Left move "
            "the card a release later or earlier, Ctrl+B sends it to the backlog."
        )
        self.board: Board | None = None
        self.grid: Layout | None = None
        self.check: Check | None = None
        self.can_drag = True
        self.empty_text = "Loading the plan…"
        self.extra: dict[int, int] = {}
        """Team id → rows "+N more" added to its lane."""
        self.current: int | None = None
        self.chosen: set[int] = set()
        """Cards picked for a scope comparison (Ctrl+click, Space); `current` among them."""
        self.focus: Focus | None = None
        self.drag: Drag | None = None
        self._press: tuple[PlanItem, int, int, QPointF, QPointF] | None = None
        self._fonts_changed()

    # ------------------------------------------------------------------ data
    def set_board(self, board: Board | None) -> None:
        """Show a new board, keeping the selection, focus and expanded lanes where they still
        exist."""
        self.board = board
        if board is not None:
            self.chosen = {i for i in self.chosen if i in board.items}
            if self.current is not None and self.current not in board.items:
                self.current = None
                self.selection_cleared.emit()
        self.relayout()

    def relayout(self) -> None:
        board, vp = self.board, self.viewport()
        self.grid = None
        if board is not None and board.teams:
            self.metrics = cards.metrics_for(self.fonts, board)
            self.grid = Layout(board, self.metrics, vp.width(), vp.height(), dict(self.extra))
        self._place_focus()
        self._update_scrollbars()
        vp.update()

    def _place_focus(self) -> None:
        grid = self.grid
        if grid is None:
            self.focus = None
            return
        at = grid.locate(self.current) if self.current is not None else None
        if at is not None and at[2] < grid.shown(at[0], at[1]):
            self.focus = Focus(*at)
        elif self.focus is not None:
            self.focus = self.focus.clamped(grid)

    def _update_scrollbars(self) -> None:
        grid, vp = self.grid, self.viewport()
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        if grid is None:
            h.setRange(0, 0)
            v.setRange(0, 0)
            return
        m = grid.m
        h.setRange(0, max(0, int(grid.total_w - vp.width())))
        h.setPageStep(max(1, int(vp.width() - m.label_w)))
        h.setSingleStep(max(1, int(grid.col_w / 4)))
        v.setRange(0, max(0, int(grid.total_h - vp.height())))
        v.setPageStep(max(1, int(vp.height() - m.header_h)))
        v.setSingleStep(max(1, int(m.pitch / 2)))

    # ------------------------------------------------------------ coordinates
    def to_board(self, pos: QPointF) -> tuple[float, float]:
        """Viewport → board point; the frozen header and lane names do not scroll."""
        m = self.metrics
        x = pos.x() + self.horizontalScrollBar().value() if pos.x() >= m.label_w else pos.x()
        y = pos.y() + self.verticalScrollBar().value() if pos.y() >= m.header_h else pos.y()
        return x, y

    def to_view(self, rect: Rect) -> QRectF:
        """A cell-area board rect in viewport coordinates."""
        dx, dy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        return QRectF(rect.x - dx, rect.y - dy, rect.w, rect.h)

    def card_rect(self, item_id: int) -> QRectF | None:
        """Where a card is drawn now (viewport coordinates); None when it is not shown."""
        grid = self.grid
        at = grid.locate(item_id) if grid is not None else None
        if grid is None or at is None or at[2] >= grid.shown(at[0], at[1]):
            return None
        return self.to_view(grid.card_rect(*at))

    def item(self, item_id: int | None) -> PlanItem | None:
        board = self.board
        return None if board is None or item_id is None else board.items.get(item_id)

    # ------------------------------------------------------------------ picking
    def select(self, item_id: int | None, *, add: bool = False, emit: bool = True) -> None:
        """Make a card current (None: nothing); `add` toggles it in the scope selection."""
        if add and item_id is not None:
            self.chosen ^= {item_id}
        else:
            self.chosen = {item_id} if item_id is not None else set()
        changed = item_id != self.current
        self.current = item_id
        if item_id is not None and self.grid is not None:
            at = self.grid.locate(item_id)
            if at is not None:
                self.reveal(item_id)
                self.focus = Focus(*at)
                self.ensure_visible(self.focus)
        self.viewport().update()
        if changed and emit:
            if item_id is None:
                self.selection_cleared.emit()
            else:
                self.card_selected.emit(item_id)

    def reveal(self, item_id: int) -> None:
        """Open the card's lane far enough to show it (after a move, a search or a pick)."""
        grid, board = self.grid, self.board
        at = grid.locate(item_id) if grid is not None else None
        if grid is None or board is None or at is None:
            return
        lane, _column, index = at
        if index >= grid.lanes[lane].rows:
            team = board.teams[lane].id
            self.extra[team] = self.extra.get(team, 0) + index + 1 - grid.lanes[lane].rows
            self.relayout()

    def expand(self, lane: int, more: bool) -> None:
        """The "+N more" link adds rows to every cell of the lane; "Show fewer" folds it back."""
        if self.board is None or self.grid is None:
            return
        team = self.board.teams[lane].id
        if more:
            self.extra[team] = self.extra.get(team, 0) + self.grid.m.expand_step
        else:
            self.extra.pop(team, None)
        self.relayout()

    def ensure_visible(self, focus: Focus) -> None:
        grid = self.grid
        if grid is None:
            return
        h, v, vp = self.horizontalScrollBar(), self.verticalScrollBar(), self.viewport()
        x, y = grid.scroll_to(focus, h.value(), v.value(), vp.width(), vp.height())
        h.setValue(int(x))
        v.setValue(int(y))

    # ---------------------------------------------------------------- painting
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self.viewport())
        try:
            BoardPainter(self, p).paint()
        finally:
            p.end()

    # ------------------------------------------------------------------ events
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.relayout()

    def scrollContentsBy(self, _dx: int, _dy: int) -> None:
        self.viewport().update()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (
            QEvent.Type.FontChange,
            QEvent.Type.PaletteChange,
            QEvent.Type.StyleChange,
        ):
            self._fonts_changed()
            self.relayout()

    def _fonts_changed(self) -> None:
        """Presentation mode brings larger type and a black palette: every size follows."""
        self.fonts = Fonts.of(self.font())
        self.colours = Colours.of(self.palette())
        self.metrics = cards.metrics_for(self.fonts, self.board)

    def hit_at(self, pos: QPointF) -> Hit | None:
        return None if self.grid is None else self.grid.hit(*self.to_board(pos))

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self.board is not None:
            assert isinstance(event, QHelpEvent)
            text = cards.tip_at(self, QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.grid is None or self.board is None:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        hit = self.grid.hit(*self.to_board(pos))
        if hit is None:
            return
        if hit.kind in (MORE, LESS):
            self.expand(hit.lane, hit.kind == MORE)
            return
        if hit.kind == CARD:
            item = self.board.cell(hit.lane, hit.column)[hit.index]
            add = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            self.select(item.id, add=add)
            if self.can_drag and not add:
                box = self.to_view(self.grid.card_rect(hit.lane, hit.column, hit.index))
                grab = pos - box.topLeft()
                self._press = (item, hit.lane, hit.column, pos, grab)
            return
        if hit.kind in (CELL, BAR):
            self.select(None)
            self.focus = Focus(hit.lane, hit.column, -1)
            self.viewport().update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._press is None:
            hit = self.hit_at(pos)
            over = hit.kind if hit is not None else None
            shape = Qt.CursorShape.ArrowCursor
            if over == CARD and self.can_drag:
                shape = Qt.CursorShape.OpenHandCursor
            elif over in (MORE, LESS):
                shape = Qt.CursorShape.PointingHandCursor
            self.viewport().setCursor(shape)
            return
        item, lane, column, start, grab = self._press
        if self.drag is None:
            if (pos - start).manhattanLength() < QApplication.startDragDistance():
                return
            self.drag = Drag(item, lane, column, grab=grab)
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        autoscroll(self, pos)
        self.drag_to(pos)

    def drag_to(self, pos: QPointF) -> None:
        """Follow the pointer: the column under it is the target (the card keeps its lane)."""
        drag, grid, board = self.drag, self.grid, self.board
        if drag is None or grid is None or board is None:
            return
        drag.pos = pos
        x, _y = self.to_board(pos)
        column = grid.column_at(x) if pos.x() >= grid.m.label_w else None
        release = board.columns[column].id if column is not None else None
        name = board.release_name(release) if column is not None else ""
        if drag.hover(column, release, name, self.check or (lambda _i, _r: [])):
            self.status.emit(drag.lines()[1][0] if drag.moved else "")
        self.viewport().update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        drag, self.drag, self._press = self.drag, None, None
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
        if drag is None:
            return
        self.viewport().update()
        self.drag_ended.emit()
        if drag.moved:
            self.move_requested.emit(drag.item.id, drag.release, list(drag.consequences))
        else:
            self.status.emit("")

    def card_at(self, pos: QPointF) -> PlanItem | None:
        hit = self.hit_at(pos)
        if hit is None or hit.kind != CARD or self.board is None:
            return None
        return self.board.cell(hit.lane, hit.column)[hit.index]

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        item = self.card_at(event.position())
        if item is not None:
            self.activated.emit(item.id)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        item = self.card_at(QPointF(event.pos()))
        if item is not None and item.id not in self.chosen:
            self.select(item.id)
        self.context_requested.emit(item.id if item is not None else -1, event.globalPos())

    def cancel_drag(self) -> bool:
        if self.drag is None and self._press is None:
            return False
        dragging = self.drag is not None
        self.drag, self._press = None, None
        self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
        self.viewport().update()
        self.status.emit("Move cancelled")
        if dragging:
            self.drag_ended.emit()
        return True

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self.drag is not None:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:  # Esc ends the drag, not presentation mode
                event.accept()
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = mods == Qt.KeyboardModifier.NoModifier
        if key == Qt.Key.Key_Escape:
            if not self.cancel_drag():
                if self.current is None and not self.chosen:
                    event.ignore()
                    return
                self.select(None)
            return
        moves = {
            Qt.Key.Key_Left: (-1, 0),
            Qt.Key.Key_Right: (1, 0),
            Qt.Key.Key_Up: (0, -1),
            Qt.Key.Key_Down: (0, 1),
        }
        if plain and Qt.Key(key) in moves and self.grid is not None:
            self._step(*moves[Qt.Key(key)])
        elif plain and key == Qt.Key.Key_Space and self.current is not None:
            self.chosen ^= {self.current}  # pick several cards for a scope comparison
            self.viewport().update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current is not None:
            self.activated.emit(self.current)
        else:
            super().keyPressEvent(event)

    def _step(self, dx: int, dy: int) -> None:
        grid, board = self.grid, self.board
        if grid is None or board is None:
            return
        focus, grow = step(grid, self.focus, dx, dy)
        if grow is not None:
            self.expand(grow, True)
            grid = self.grid
            assert grid is not None
        self.focus = focus
        if focus.index >= 0:
            self.select(board.cell(focus.lane, focus.column)[focus.index].id)
        else:
            self.select(None)
            self.focus = focus
            self.ensure_visible(focus)
        self.viewport().update()

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.viewport().update()  # the focus ring shows only while the board has focus

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.viewport().update()
