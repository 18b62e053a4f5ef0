"""What the month, week and timeline canvases share: the data and zone they paint, the selected
item and the day cursor, hit-testing, tooltips, keys, and the drag of a release or wave.

Each mode paints itself and records, as it paints, the rectangle of every item it drew
(`Hit`); clicks, tooltips, keyboard selection and drags all work from those records, so what
reacts is exactly what is on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QHelpEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QFrame, QToolTip, QWidget

from ui.views.calendar import paint
from ui.views.calendar.drag import EDGE_PX, MOVE, RESIZE, Drag, WhatIf, paint_label
from ui.views.calendar.index import RELEASE, WAVE, WINDOW, CalendarIndex, Ref
from ui.views.calendar.paint import Colours
from ui.views.calendar.zones import local, now

Describe = Callable[[Ref], str]


@dataclass(frozen=True)
class Hit:
    ref: Ref
    rect: QRectF
    start: datetime | None = None
    end: datetime | None = None
    """The span the rectangle stands for, when dragging it makes sense."""
    days: tuple[date, ...] = ()
    """The local days the rectangle covers, for Tab to step through a day's items."""
    resizable: bool = True
    """Its right end is the end of what a drag resizes (not so for a code-freeze mark)."""


@dataclass(frozen=True)
class More:
    """A "+N more" label (the items of one day that did not fit), or a day's deployment
    count (`refs` empty), which opens that day in the week."""

    rect: QRectF
    day: date
    refs: tuple[Ref, ...] = ()
    text: str = ""


class CalendarCanvas(QAbstractScrollArea):
    selection_changed = Signal(object)
    """The picked Ref, or None."""
    activated = Signal(object)
    """Double-click or Enter on an item: edit it."""
    delete_requested = Signal(object)
    cursor_moved = Signal(object)
    """The focused day (a date) moved; the view follows it to another page if need be."""
    page_requested = Signal(int)
    today_requested = Signal()
    mode_requested = Signal(str)
    dropped = Signal(object, object, object)
    """Ref, new start, new end: a drag ended somewhere new."""
    more_requested = Signal(object, object, object)
    """Day, the hidden Refs, and the global point of the "+N more" label."""
    day_requested = Signal(object)
    """Open this day in the week (a click on a day's deployment count)."""
    range_requested = Signal()
    """The visible time range moved past what is loaded (timeline panning)."""
    status = Signal(str)
    zoomed = Signal()
    """The scale changed (timeline days, week hours): worth remembering."""
    context_requested = Signal(object, object)
    """Ref and global QPoint: a right-click on an item, or the menu key on the picked one."""

    snap = timedelta(minutes=15)
    mode_name = ""
    _ready = False
    """Set once a subclass is fully built; Qt sends change events before that."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(True)
        self.viewport().setBackgroundRole(self.viewport().palette().ColorRole.Base)
        self.setBackgroundRole(self.palette().ColorRole.Base)
        self.index: CalendarIndex | None = None
        self.zone = "UTC"
        self.selected: Ref | None = None
        self.focus_day = date.today()
        self.clock: Callable[[], datetime] = now
        """Where "now" is; tests pin it."""
        self.what_if: WhatIf | None = None
        self.can_drag = True
        self.describe: Describe | None = None
        self.drag: Drag | None = None
        self.hovered: Ref | None = None
        self._press: tuple[Hit, QPointF, str] | None = None
        self._hits: list[Hit] = []
        self._more: list[More] = []
        self._hits_dirty = True
        self._colours = Colours.of(self.palette())

    # ------------------------------------------------------------------ data
    def set_index(self, index: CalendarIndex | None) -> None:
        self.index = index
        self.refresh()

    def set_zone(self, zone_id: str) -> None:
        self.zone = zone_id
        self.refresh()

    def set_selected(self, ref: Ref | None, *, emit: bool = True) -> None:
        changed = ref != self.selected
        self.selected = ref
        self.refresh()
        if changed and emit:
            self.selection_changed.emit(ref)

    def set_focus_day(self, day: date) -> None:
        self.focus_day = day
        self.refresh()

    def refresh(self) -> None:
        self._hits_dirty = True
        self.viewport().update()

    @property
    def colours(self) -> Colours:
        return self._colours

    def today(self) -> date:
        return local(self.clock(), self.zone).date()

    # --------------------------------------------------------------- subclass
    def visible_range(self) -> tuple[datetime, datetime]:
        """The UTC span on screen."""
        raise NotImplementedError

    def show_date(self, day: date) -> None:
        """Bring `day` on screen (the view has already chosen the page)."""
        self.set_focus_day(day)

    def paint_canvas(self, p: QPainter, width: float, height: float) -> None:
        raise NotImplementedError

    def paint_ghost(self, p: QPainter, drag: Drag) -> None:
        """Draw where the dragged item would land."""

    def time_at(self, pos: QPointF) -> datetime | None:
        raise NotImplementedError

    def day_at(self, pos: QPointF) -> date | None:
        at = self.time_at(pos)
        return None if at is None else local(at, self.zone).date()

    def cursor_step(self, key: int) -> int:
        """Days the arrow `key` moves the focused day by (0: not a day move here)."""
        return {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}.get(Qt.Key(key), 0)

    def zoom(self, _steps: int) -> None:
        """Ctrl+= / Ctrl+-: only modes with a zoom change anything."""

    def reset_zoom(self) -> None:
        """Ctrl+0."""

    def drag_delta(self, press: QPointF, pos: QPointF) -> timedelta | None:
        a, b = self.time_at(press), self.time_at(pos)
        return None if a is None or b is None else b - a

    def drag_span(self, hit: Hit) -> tuple[datetime, datetime] | None:
        """The span a drag of `hit` moves: a release's window, a wave's run."""
        if self.index is None:
            return None
        if hit.ref.kind == RELEASE and hit.ref.key in self.index.releases:
            release = self.index.releases[hit.ref.key]
            return release.window_start, release.window_end
        if hit.ref.kind == WAVE and hit.ref.key in self.index.waves:
            wave = self.index.waves[hit.ref.key]
            return wave.start, wave.end
        return None

    def draggable(self, ref: Ref) -> bool:
        return ref.kind in (RELEASE, WAVE)

    # ----------------------------------------------------------- hit testing
    def add_hit(self, hit: Hit) -> None:
        self._hits.append(hit)

    def add_more(self, more: More) -> None:
        self._more.append(more)

    def hits(self) -> list[Hit]:
        """Everything drawn in the last paint, bottom-most first."""
        self._ensure_hits()
        return list(self._hits)

    def hit_at(self, pos: QPointF) -> Hit | None:
        self._ensure_hits()
        return next((h for h in reversed(self._hits) if h.rect.contains(pos)), None)

    def more_at(self, pos: QPointF) -> More | None:
        self._ensure_hits()
        return next((m for m in self._more if m.rect.contains(pos)), None)

    def item_rect(self, ref: Ref, day: date | None = None) -> QRectF | None:
        """Where `ref` is drawn now: its piece on `day`, or its main piece (the one that
        stands for its own span, not a code-freeze mark)."""
        self._ensure_hits()
        pieces = [h for h in self._hits if h.ref == ref and (day is None or day in h.days)]
        main = [h for h in pieces if h.resizable]
        return (main or pieces)[0].rect if pieces else None

    def refs_on(self, day: date) -> list[Ref]:
        """The items drawn on `day`, for Tab to step through: the bars in drawing order, then
        the window bands behind them."""
        self._ensure_hits()
        found: list[Ref] = []
        for hit in self._hits:
            if day in hit.days and hit.ref not in found:
                found.append(hit.ref)
        return sorted(found, key=lambda ref: ref.kind == WINDOW)  # the bands behind come last

    def _ensure_hits(self) -> None:
        if not self._hits_dirty:
            return
        size = self.viewport().size()
        image = QImage(max(1, size.width()), max(1, size.height()), QImage.Format.Format_RGB32)
        p = QPainter(image)
        self._paint_all(p)
        p.end()

    def _paint_all(self, p: QPainter) -> None:
        self._hits = []
        self._more = []
        vp = self.viewport()
        p.fillRect(QRectF(0, 0, vp.width(), vp.height()), self._colours.base)
        self.paint_canvas(p, vp.width(), vp.height())
        if self.drag is not None and self.drag.moved:
            self.paint_ghost(p, self.drag)
        if self.drag is not None:
            bounds = QRectF(0, 0, vp.width(), vp.height()).adjusted(4, 4, -4, -4)
            paint_label(p, self.drag, self.zone, bounds, self._colours, self.font())
        self._hits_dirty = False

    # ---------------------------------------------------------------- events
    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self.viewport())
        self._paint_all(p)
        p.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (
            QEvent.Type.PaletteChange,
            QEvent.Type.FontChange,
            QEvent.Type.StyleChange,
        ):
            self._colours = Colours.of(self.palette())
            if self._ready:
                self.fonts_changed()
                self.refresh()

    def fonts_changed(self) -> None:
        """Metrics that follow the font (presentation mode enlarges it)."""

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            pos = QPointF(event.pos())
            hit = self.hit_at(pos)
            more = self.more_at(pos)
            text = ""
            if hit is not None and self.describe is not None:
                text = self.describe(hit.ref)
            elif more is not None:
                text = more.text or f"{len(more.refs)} more on this day; click to list them"
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        pos = event.position()
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        more = self.more_at(pos)
        if more is not None:
            if more.refs:
                where = event.globalPosition().toPoint()
                self.more_requested.emit(more.day, list(more.refs), where)
            else:
                self.day_requested.emit(more.day)
            return
        day = self.day_at(pos)
        if day is not None and day != self.focus_day:
            self.focus_day = day
            self.cursor_moved.emit(day)
        hit = self.hit_at(pos)
        self.set_selected(hit.ref if hit else None)
        if hit is not None and self.can_drag and self.draggable(hit.ref):
            self._press = (hit, pos, RESIZE if self._on_edge(hit, pos) else MOVE)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._press is not None:
            hit, start, mode = self._press
            if self.drag is None:
                far = (pos - start).manhattanLength() >= QApplication.startDragDistance()
                span = self.drag_span(hit)
                if far and span is not None:
                    self.drag = Drag.begin(hit.ref, mode, span[0], span[1], self.snap)
            if self.drag is not None:
                self.drag.pos = pos
                delta = self.drag_delta(start, pos)
                if delta is not None:
                    self.drag.follow(delta, self.what_if)
                self.refresh()
                return
        over = self.hit_at(pos)
        movable = over is not None and self.can_drag and self.draggable(over.ref)
        edge = movable and over is not None and self._on_edge(over, pos)
        shape = Qt.CursorShape.SizeHorCursor if edge else Qt.CursorShape.ArrowCursor
        if movable and not edge:
            shape = Qt.CursorShape.OpenHandCursor
        self.viewport().setCursor(shape)
        ref = over.ref if over else None
        if ref != self.hovered:
            self.hovered = ref
            self.status.emit(self.describe(ref).split("\n")[0] if ref and self.describe else "")

    def _on_edge(self, hit: Hit, pos: QPointF) -> bool:
        """A press this close to the right end resizes instead of moving."""
        zone = min(EDGE_PX, hit.rect.width() / 3)
        return hit.resizable and hit.rect.width() >= 9 and hit.rect.right() - pos.x() <= zone

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        drag, self.drag, self._press = self.drag, None, None
        if drag is not None:
            self.refresh()
            if drag.moved:
                self.dropped.emit(drag.ref, drag.new_start, drag.new_end)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        hit = self.hit_at(event.position())
        if hit is not None:
            self.set_selected(hit.ref)
            self.activated.emit(hit.ref)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            hit = self.hit_at(QPointF(event.pos()))
            ref = hit.ref if hit is not None else None
            if ref is not None:
                self.set_selected(ref)
            where: QPoint | None = event.globalPos()
        else:
            ref = self.selected
            where = self.global_point(ref) if ref is not None else None
        if ref is None or where is None:
            event.ignore()
            return
        self.context_requested.emit(ref, where)

    def cancel_drag(self) -> bool:
        if self.drag is None and self._press is None:
            return False
        self.drag, self._press = None, None
        self.refresh()
        self.status.emit("Move cancelled")
        return True

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and self.drag is not None:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape:  # Esc ends the drag, not presentation mode
                event.accept()
                return True
        if kind == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and self._step_item(
                -1 if event.key() == Qt.Key.Key_Backtab else 1
            ):
                return True
        return super().event(event)

    def _step_item(self, direction: int) -> bool:
        """Tab / Shift+Tab pick the focused day's items in turn; past the last, focus moves
        on as usual, so the keyboard is never trapped here."""
        refs = self.refs_on(self.focus_day)
        if not refs:
            return False
        if self.selected in refs:
            i = refs.index(self.selected) + direction
        else:
            i = 0 if direction > 0 else len(refs) - 1
        if not 0 <= i < len(refs):
            return False
        self.set_selected(refs[i])
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = mods == Qt.KeyboardModifier.NoModifier
        ctrl = mods == Qt.KeyboardModifier.ControlModifier
        if key == Qt.Key.Key_Escape:
            if not self.cancel_drag() and self.selected is not None:
                self.set_selected(None)
            elif self.drag is None:
                event.ignore()
            return
        if ctrl and key in (Qt.Key.Key_Equal, Qt.Key.Key_Plus):
            self.zoom(1)
        elif ctrl and key == Qt.Key.Key_Minus:
            self.zoom(-1)
        elif ctrl and key == Qt.Key.Key_0:
            self.reset_zoom()
        elif key == Qt.Key.Key_PageUp and plain:
            self.page_requested.emit(-1)
        elif key == Qt.Key.Key_PageDown and plain:
            self.page_requested.emit(1)
        elif key == Qt.Key.Key_T and plain:
            self.today_requested.emit()
        elif key in (Qt.Key.Key_M, Qt.Key.Key_W, Qt.Key.Key_L) and plain:
            self.mode_requested.emit(
                {Qt.Key.Key_M: "month", Qt.Key.Key_W: "week"}.get(Qt.Key(key), "timeline")
            )
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain and self.selected:
            self.activated.emit(self.selected)
        elif key == Qt.Key.Key_Delete and plain and self.selected:
            self.delete_requested.emit(self.selected)
        elif plain and self.cursor_step(key):
            day = self.focus_day + timedelta(days=self.cursor_step(key))
            self.focus_day = day
            self.refresh()
            self.cursor_moved.emit(day)
        else:
            super().keyPressEvent(event)

    def global_point(self, ref: Ref) -> QPoint | None:
        rect = self.item_rect(ref)
        return None if rect is None else self.viewport().mapToGlobal(rect.center().toPoint())

    def paint_empty(self, p: QPainter, rect: QRectF, text: str) -> None:
        paint.text_in(
            p, rect, text, self._colours.muted, self.font(), Qt.AlignmentFlag.AlignHCenter
        )
