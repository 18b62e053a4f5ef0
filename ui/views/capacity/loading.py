"""Reading the plan off the GUI thread.

The large organisation has tens of thousands of open workloads, so the snapshot, the move
checker's indexes and the board for the train on screen are all built in the worker pool and
arrive as one value; until it lands the board keeps the previous picture.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.planning.move_check import MoveChecker
from app.planning.plan import PlanSnapshot
from app.services.capacity_queries import load_snapshot, train_choices
from ui.views.capacity.board import Board


@dataclass(frozen=True)
class LoadedPlan:
    snapshot: PlanSnapshot
    trains: list[tuple[int, str]]
    """(id, name) by name."""
    checker: MoveChecker
    board: Board
    """For the train and team asked for (the first train when that one is gone)."""


def pick_train(trains: list[tuple[int, str]], wanted: int | None) -> int | None:
    ids = [i for i, _name in trains]
    return wanted if wanted in ids else (ids[0] if ids else None)


def load(session: Session, train: int | None, team: int | None) -> LoadedPlan:
    snapshot = load_snapshot(session)
    trains = sorted(train_choices(session), key=lambda t: (t[1].lower(), t[0]))
    checker = MoveChecker(snapshot, dict(trains))
    chosen = pick_train(trains, train)
    board = Board(snapshot, chosen, team if chosen == train else None, checker.loads())
    return LoadedPlan(snapshot, trains, checker, board)
