"""Reading the plan off the GUI thread.

The large organisation has tens of thousands of open workloads, so the snapshot, the move
checker's indexes and the board for the train on screen are all built in the worker pool and
arrive as one value; until it lands the board keeps the previous picture. The production
gates of the train's planned cards are read in the same trip, in one batched call: planned
work is what is about to be promoted, and the backlog (most of the cards) is not.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.planning.move_check import MoveChecker
from app.planning.plan import PlanSnapshot
from app.services.capacity_queries import load_snapshot, train_choices
from app.services.gates import production_verdicts
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


def gate_ids(snapshot: PlanSnapshot, train: int | None) -> list[int]:
    """The cards planned into the train's releases, whatever the team filter: the ones whose
    production gates the board shows."""
    ours = {r.id for r in snapshot.releases if train is not None and r.train == train}
    return [i.id for i in snapshot.items if i.release in ours]


def load(session: Session, train: int | None, team: int | None) -> LoadedPlan:
    snapshot = load_snapshot(session)
    trains = sorted(train_choices(session), key=lambda t: (t[1].lower(), t[0]))
    checker = MoveChecker(snapshot, dict(trains))
    chosen = pick_train(trains, train)
    gates = production_verdicts(session, gate_ids(snapshot, chosen))
    board = Board(snapshot, chosen, team if chosen == train else None, checker.loads(), gates)
    return LoadedPlan(snapshot, trains, checker, board)
