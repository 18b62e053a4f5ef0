"""Moving a card as one undoable, audited step: checked against the plan on screen first,
confirmed with a reason when the rules block it, then one service call that moves the
workload (and records a deferral when it slips); undo is the service's compensating call.

The board shows the new place at once: after each step the command tells the view where the
card now is, and the reload that the write triggers replaces that guess with the truth.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy.exc import SQLAlchemyError

from app.db import DatabaseError
from app.planning.move_check import MoveChecker
from app.planning.plan import Consequence
from app.services.capacity_plan import Move, move_workload, undo_move
from app.services.errors import ServiceError
from app.services.workloads import WORKLOAD
from ui.context import AppContext
from ui.undo import Reporter, ServiceCommand
from ui.views.capacity.board import BACKLOG

if TYPE_CHECKING:
    from ui.views.capacity.view import CapacityView

Applied = Callable[[int, int | None, str], None]
"""Item id, the release it is now in (None: the backlog) and its status."""


def move_text(key: str, release_name: str | None) -> str:
    return f"Move {key} to {release_name}" if release_name else f"Move {key} to the backlog"


class MoveWorkloadCommand(ServiceCommand):
    def __init__(
        self,
        ctx: AppContext,
        item_id: int,
        key: str,
        release: int | None,
        release_name: str | None,
        *,
        reason: str = "",
        applied: Applied | None = None,
        report: Reporter | None = None,
    ) -> None:
        super().__init__(ctx, WORKLOAD, "", move_text(key, release_name), report)
        self.item_id = item_id
        self.release = release
        self.reason = reason
        self.move: Move | None = None
        self._applied = _weak(applied)

    def _forward(self) -> None:
        move = self._write(
            lambda s, a: move_workload(s, a, self.item_id, self.release, self.reason)
        )
        self.move = move
        self.uuid = move.workload_uuid
        self._tell(move.to_release, move.to_status)

    def _backward(self) -> None:
        move = self.move
        assert move is not None, "undo before the move ran"
        self._write(lambda s, a: undo_move(s, a, move))
        self._tell(move.from_release, move.from_status)

    def _tell(self, release: int | None, status: str) -> None:
        applied = self._applied()
        if applied is not None:
            with contextlib.suppress(RuntimeError):  # a closed view: the next one loads afresh
                applied(self.item_id, release, status)


def _weak(applied: Applied | None) -> Callable[[], Applied | None]:
    """The undo stack outlives views: hold the view's callback without keeping it alive."""
    if applied is None:
        return lambda: None
    try:
        return weakref.WeakMethod(applied)
    except TypeError:
        return lambda: applied


class Mover:
    """Moves cards for a view: by drag, by keys or from a menu."""

    def __init__(self, view: CapacityView) -> None:
        self.view = view
        self.checker_for: MoveChecker | None = None
        """The checker of the plan last loaded or moved on."""

    def checker(self) -> MoveChecker | None:
        """The checker over the plan as it is on screen, rebuilt after a move made here."""
        view = self.view
        board = view.board
        if board is None:
            return None
        if self.checker_for is None or self.checker_for.snapshot is not board.snapshot:
            self.checker_for = MoveChecker(board.snapshot, dict(view.trains))
        return self.checker_for

    def check(self, item_id: int, release: int | None) -> list[Consequence]:
        checker = self.checker()
        return [] if checker is None else checker.check(item_id, release)

    def step(self, direction: int | None) -> None:
        """Ctrl+→ / Ctrl+←: a release later or earlier (the Backlog comes before the first
        release); `direction` None: Ctrl+B, to the backlog."""
        view = self.view
        board, item = view.board, view.canvas.item(view.canvas.current)
        if board is None or item is None:
            view.tell("Pick a card first (click it, or move to it with the arrow keys).")
            return
        column = board.column_of(item.release)
        if column is None:
            return
        target = BACKLOG if direction is None else column + direction
        if target == column:
            view.tell(f"{item.key} is already in the backlog.")
            return
        if not 0 <= target < len(board.columns):
            where = "last release shown" if direction and direction > 0 else "backlog"
            view.tell(f"{item.key} is already in the {where}.")
            return
        self.request(item.id, board.columns[target].id)

    def request(
        self, item_id: int, release: int | None, consequences: list[Consequence] | None = None
    ) -> bool:
        """Check, confirm when blocked, move; True once the move is done."""
        view = self.view
        board = view.board
        item = board.items.get(item_id) if board is not None else None
        if board is None or item is None:
            return False
        if not view.can_edit:
            view.tell(f"Read only: {view.ctx.actor.login} may not plan workloads.")
            return False
        if consequences is None:
            consequences = self.check(item_id, release)
        target = board.release_name(release)
        view.status.setText(summary(item.key, target, consequences))
        reason = ""
        if any(c.blocking for c in consequences):
            answer = view.ask_override(view, item.key, target, consequences, view.can_edit)
            if answer is None:
                view.tell(f"{item.key} stays in {board.release_name(item.release)}.")
                return False
            reason = answer
        name = None if release is None else target
        command = MoveWorkloadCommand(
            view.ctx, item_id, item.key, release, name, reason=reason, applied=view.apply_move
        )
        try:
            command.execute()
        except (ServiceError, DatabaseError, SQLAlchemyError) as exc:
            view.tell(f"⚠ {item.key} was not moved: {exc}")
            return False
        view.tell(summary(item.key, target, consequences))  # stays past the reload
        return True


def summary(key: str, target: str, consequences: list[Consequence]) -> str:
    """The status line for a move: where to, and what the rules say about it."""
    head = f"Move {key} to {target}"
    if not consequences:
        return f"{head}: nothing stands against it."
    blocking = [c for c in consequences if c.blocking]
    shown = blocking or consequences
    text = "; ".join(c.text for c in shown[:3])
    return f"{head}: {'BLOCKED — ' if blocking else ''}{text}"
