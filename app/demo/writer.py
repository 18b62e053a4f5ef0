"""Core bulk inserts in batches, with progress, inside the caller's single transaction.

ORM objects cost far too much for 100,000 workloads and 200,000 deployments; executemany
over plain dicts keeps the large organisation to minutes. Ids are precomputed (children
reference parents without a round trip), so PostgreSQL sequences must be moved past them
afterwards or the next ordinary insert would collide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.orm import Session

from app.domain import Base

Progress = Callable[[str, float], None]
BATCH = 5_000

ID_TABLES = (
    "team",
    "person",
    "environment",
    "component",
    "component_dependency",
    "release_train",
    "release",
    "workload",
    "workload_dependency",
    "approval",
    "deferral",
    "deployment",
    "incident",
    "api_contract",
    "contract_consumer",
    "library_usage",
    "feature_flag",
    "flag_state",
    "deployment_window",
    "freeze_period",
    "freeze_override",
    "wave",
    "runbook",
    "runbook_revision",
    "gate_evidence",
    "rollback_decision",
)
"""Tables with an integer `id` the demo precomputes."""

LABELS = {
    "team": "teams",
    "person": "people",
    "environment": "environments",
    "component": "components",
    "component_dependency": "component dependencies",
    "release_train": "release trains",
    "release": "releases",
    "workload": "workloads",
    "workload_component": "workload components",
    "workload_dependency": "workload dependencies",
    "approval": "approvals",
    "deferral": "deferrals",
    "deployment": "deployments",
    "incident": "incidents",
    "api_contract": "API contracts",
    "contract_consumer": "contract consumers",
    "library_usage": "library usages",
    "feature_flag": "feature flags",
    "flag_state": "flag states",
    "deployment_window": "deployment windows",
    "freeze_period": "freezes",
    "freeze_team": "freeze teams",
    "freeze_component": "freeze components",
    "freeze_override": "freeze overrides",
    "wave": "waves",
    "wave_component": "wave components",
    "runbook": "runbooks",
    "runbook_revision": "runbook versions",
    "gate_evidence": "gate evidence",
    "rollback_decision": "rollback decisions",
}


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def next_ids(session: Session) -> dict[str, int]:
    """The first free id per table, so demo rows never collide with rows already there."""
    return {
        name: int(session.scalar(select(func.coalesce(func.max(table(name).c.id), 0))) or 0) + 1
        for name in ID_TABLES
    }


class BulkWriter:
    def __init__(
        self, session: Session, progress: Progress | None, expected_rows: int, start: float = 0.0
    ) -> None:
        self.session = session
        self.start = start
        self.progress = progress
        self.expected = max(expected_rows, 1)
        self.written = 0
        self.counts: dict[str, int] = {}

    def write(self, name: str, rows: Iterable[dict[str, Any]]) -> int:
        """Insert every row of one table; returns how many were written."""
        target = table(name)
        stmt = insert(target)
        it = iter(rows)
        count = 0
        while batch := list(islice(it, BATCH)):
            self.session.execute(stmt, batch)
            count += len(batch)
            self.written += len(batch)
            self.report(f"Writing {LABELS.get(name, name)}: {count:,}")
        self.counts[name] = self.counts.get(name, 0) + count
        return count

    def report(self, message: str) -> None:
        if self.progress is not None:
            done = self.start + (1 - self.start) * self.written / self.expected
            self.progress(message, min(done, 0.99))

    def fix_sequences(self) -> None:
        """Move PostgreSQL id sequences past the precomputed ids (SQLite needs nothing)."""
        if self.session.get_bind().dialect.name != "postgresql":
            return
        for name in ID_TABLES:
            self.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{name}"), false)'
                )
            )
