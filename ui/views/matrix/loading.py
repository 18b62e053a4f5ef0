"""Getting the Dependencies screen's data, and putting its cells into words.

Loads run in the worker pool, each in its own read session; a newer load of the same part
supersedes an older one, whose result is dropped when it lands. The wording of a cell (tooltip,
status line, edge panel) lives here too, so all three say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.planning.dsm import Matrix
from app.services.matrix_queries import (
    WORKLOADS,
    DependencyFacts,
    InvolvedWorkload,
    MatrixQuery,
    MatrixSnapshot,
    base_key,
    dependency_facts,
    load_matrix,
    workloads_touching,
)
from ui.views.matrix.marks import kind_label
from ui.views.matrix.paint import CellIndex
from ui.views.matrix.release_panel import group_matrix


@dataclass(frozen=True)
class LoadedMatrix:
    """A snapshot with everything derived from it that is too slow for the GUI thread: the
    sparse indexes and the integration-test matrix (a big release has 300,000 pairs)."""

    snapshot: MatrixSnapshot
    index: CellIndex
    groups: Matrix | None = None
    group_index: CellIndex | None = None


def load_snapshot(session: Session, query: MatrixQuery) -> LoadedMatrix:
    snapshot = load_matrix(session, query)
    if snapshot.plan is None:
        return LoadedMatrix(snapshot, CellIndex.of(snapshot.matrix))
    groups = group_matrix(snapshot.plan)
    return LoadedMatrix(snapshot, CellIndex.of(snapshot.matrix), groups, CellIndex.of(groups))


def load_facts(session: Session, release: str | None, today: date) -> DependencyFacts:
    return dependency_facts(session, release, today)


def few(items: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _block_of(snapshot: MatrixSnapshot, row: int) -> tuple[int, tuple[str, ...]] | None:
    for number, block in enumerate(snapshot.matrix.blocks, 1):
        if block.start <= row <= block.end:
            return number, block.names
    return None


def describe_cell(snapshot: MatrixSnapshot, row: int, col: int, can_edit: bool) -> str:
    """What a cell (or, with -1 on one side, a header) means, in a few lines."""
    m = snapshot.matrix
    n = len(m.names)
    workloads = snapshot.query.mode == WORKLOADS
    release = snapshot.release_name
    if row >= n or col >= n or (row < 0 and col < 0):
        return ""
    if row < 0 or col < 0 or row == col:
        i = max(row, col)
        name = m.names[i]
        detail = snapshot.details.get(name, "")
        lines = [f"{name} — {m.teams[i]}" + (f" · {detail}" if detail else "")]
        lines.append(f"Deployment stage {m.stages[i] + 1}")
        changing = list(snapshot.changing.get(name, ()))
        if changing:
            lines.append(("Changes: " if workloads else f"Changing in {release}: ") + few(changing))
        block = _block_of(snapshot, i)
        if block:
            lines.append(f"In cycle C{block[0]}: deploys together with {few(block[1])}")
        return "\n".join(lines)
    consumer, provider = m.names[row], m.names[col]
    edge = m.cells.get((row, col))
    editable = can_edit and not workloads
    if edge is None:
        text = f"{consumer} does not depend on {provider}"
        return text + ("\nDouble-click or Enter to add this dependency" if editable else "")
    verb = "deploys after" if workloads else "depends on"
    lines = [f"{consumer} {verb} {provider}", f"Kind: {kind_label(edge.kind)}"]
    lines.append(f"Teams: {m.teams[row]} → {m.teams[col]}")
    flag = snapshot.flags.get((consumer, provider))
    if flag or edge.decoupled:
        by = f"feature flag {flag}" if flag else "a compatible contract or flag"
        lines.append(f"Decoupled by {by}: imposes no deployment order")
    block_row, block_col = _block_of(snapshot, row), _block_of(snapshot, col)
    if block_row and block_row == block_col:
        lines.append(f"Part of cycle C{block_row[0]}: these deploy together")
    for end in (consumer, provider):
        changing = list(snapshot.changing.get(end, ()))
        if changing and not workloads:
            lines.append(f"Changing in {release}: {end} ({few(changing, 4)})")
    if editable:
        lines.append("Double-click or Enter to change or remove")
    return "\n".join(lines)


def release_pair(snapshot: MatrixSnapshot, row: int, col: int) -> list[InvolvedWorkload]:
    """In the workloads matrix the two ends are the workloads involved (from the snapshot)."""
    m = snapshot.matrix
    keys = dict.fromkeys(base_key(n) for n in (m.names[row], m.names[col]))
    found = []
    for key in keys:
        steps = (key, f"{key} (expand)")
        title = next((snapshot.details[s] for s in steps if s in snapshot.details), "")
        changes = next((snapshot.changing[s] for s in steps if s in snapshot.changing), ())
        found.append(InvolvedWorkload(key, title, "", snapshot.release_name, tuple(changes)))
    return found


def edge_workloads(
    session: Session, snapshot: MatrixSnapshot, row: int, col: int
) -> list[InvolvedWorkload]:
    """Open workloads changing either end of a component dependency (the release's only,
    when one is picked); run in a worker: a hub component has thousands."""
    m = snapshot.matrix
    release = snapshot.query.release or None
    return workloads_touching(session, [m.names[row], m.names[col]], release)
