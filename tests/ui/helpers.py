"""Data helpers for the GUI tests, built on tests/factories.py and the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.services import crud
from app.services.audit import verify
from app.services.errors import NotFound
from app.services.workloads import WORKLOAD
from tests.factories import Org, workload_values

SIZES = (1, 2, 3, 5, 8, 13)
VALUES = (1, 2, 3, 5, 8, 13, 20)


def add_workloads(org: Org, count: int, prefix: str = "BULK", **over: Any) -> None:
    """Many workloads in one transaction, through the service (so they are audited), with
    WSJF inputs varied so sorting has something to do."""
    with org.db.transaction() as s:
        for i in range(count):
            params = {"size": SIZES[i % 6], "business_value": VALUES[(i * 3) % 7]} | over
            crud.create(s, org.coordinator, WORKLOAD, workload_values(f"{prefix}-{i}", **params))


def audit_ok(org: Org) -> bool:
    with org.db.read() as s:
        return verify(s).ok


def audit_count(org: Org) -> int:
    with org.db.read() as s:
        return verify(s).checked


def workload(org: Org, entity_uuid: str) -> dict[str, Any] | None:
    """A workload's snapshot as the database holds it now, with its version; None if gone."""
    with org.db.read() as s:
        try:
            obj = crud.get(s, WORKLOAD, entity_uuid)
        except NotFound:
            return None
        return WORKLOAD.snapshot(obj) | {"version": obj.version}


def update_behind_the_back(org: Org, entity_uuid: str, **changes: Any) -> None:
    """Someone else (the admin, in another session) edits the row meanwhile."""
    with org.db.transaction() as s:
        obj = crud.get(s, WORKLOAD, entity_uuid)
        crud.update(s, org.admin, WORKLOAD, entity_uuid, obj.version, changes)


@dataclass
class Messages:
    """Every message box the code under test raised, and how questions are answered."""

    shown: list[tuple[str, str]] = field(default_factory=list)
    confirm: bool = True

    def texts(self, kind: str) -> list[str]:
        return [text for k, text in self.shown if k == kind]
