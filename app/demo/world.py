"""The demo organisation as plain records, shared by the generators before it is written.

Generators work on these small records rather than ORM objects so a 100,000-workload
organisation fits in memory and is written with Core bulk inserts; every value derives from
the seed and the anchor, so the same inputs give the same rows on either backend.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from app.demo.scale import Scale, anchor_instant
from app.demo.vocabulary import Domain


@dataclass(slots=True)
class TeamRec:
    id: int
    domain: Domain
    zone: str
    weight: float
    train: int
    """Index of the release train the team ships with."""
    members: list[int] = field(default_factory=list)
    """Indexes into `World.people`."""
    components: list[int] = field(default_factory=list)
    """Indexes into `World.components`."""


@dataclass(slots=True)
class PersonRec:
    id: int
    login: str
    name: str
    team: int | None
    roles: list[str]


@dataclass(slots=True)
class ComponentRec:
    id: int
    name: str
    kind: str
    team: int
    track: str
    stateful: bool
    data: str
    """Data classes held, as in `Domain.data`."""
    layer: int
    """Higher layers call lower ones; dependencies point downwards (bar one cycle)."""
    description: str


@dataclass(slots=True)
class ReleaseRec:
    id: int
    name: str
    train: int | None
    freeze: datetime | None
    start: datetime
    end: datetime
    period: int
    """Offset in train periods (or weeks, for independent releases) from the anchor."""

    @property
    def past(self) -> bool:
        return self.period < 0


@dataclass(slots=True)
class WorkloadRec:
    team: int
    change_class: str
    risk_tier: str
    size: int
    wsjf: tuple[int, int, int]
    components: tuple[int, ...]
    release: int | None
    """Index into `World.releases`."""
    status: str
    owner: int | None
    created: datetime
    title: str = ""
    id: int = 0
    key: str = ""
    uuid: uuid.UUID | None = None
    change_request: str | None = None
    must_ship_by: date | None = None
    updated: datetime | None = None
    schema_change: bool = False
    risk_override_reason: str | None = None
    exception_reason: str | None = None


class World:
    """Everything generated so far, plus the seeded sources of randomness and identity."""

    def __init__(self, scale: Scale, seed: int, anchor: date, first_ids: dict[str, int]):
        self.scale = scale
        self.seed = seed
        self.anchor_day = anchor
        self.anchor = anchor_instant(anchor)
        self.first_ids = first_ids
        self.teams: list[TeamRec] = []
        self.people: list[PersonRec] = []
        self.actor_person: int = -1
        """Index of the acting login's person (or -1 when it already existed)."""
        self.components: list[ComponentRec] = []
        self.providers: dict[int, list[int]] = {}
        """Component index to the indexes of the components it depends on."""
        self.edge_ids: dict[tuple[int, int], int] = {}
        """(consumer, provider) component indexes to the component dependency's row id."""
        self.link_ids: dict[int, list[int]] = {}
        """Workload position to the row ids of its workload dependencies."""
        self.environments: list[tuple[int, str, bool]] = []
        self.train_ids: list[int] = []
        self.releases: list[ReleaseRec] = []
        self.workloads: list[WorkloadRec] = []
        self.origin = self.anchor - timedelta(days=7 * (2 * scale.past_periods + 30))
        """When the organisation started using ReleaseDesk: before any demo history."""

    def rng(self, section: str) -> random.Random:
        """An independent stream per section, so growing one section leaves the others be."""
        return random.Random(f"releasedesk-demo:{self.seed}:{section}")

    def ids(self, table: str, count: int) -> range:
        start = self.first_ids.get(table, 1)
        self.first_ids[table] = start + count
        return range(start, start + count)

    def people_with(self, role: str) -> list[int]:
        return [i for i, p in enumerate(self.people) if role in p.roles]


class Uuids:
    """Version-4 UUIDs drawn from a seeded stream, so exported keys repeat with the seed."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def __call__(self) -> uuid.UUID:
        return uuid.UUID(int=self._rng.getrandbits(128), version=4)


def entity(row_id: int, row_uuid: uuid.UUID, created: datetime, **values: Any) -> dict[str, Any]:
    """A full row for an `Entity` table: bulk inserts bypass the ORM's version counter."""
    updated = values.pop("updated_at", None) or created
    return {
        "id": row_id,
        "uuid": row_uuid,
        "version": 1,
        "created_at": created,
        "updated_at": updated,
        **values,
    }
