"""The workloads: every change class and risk tier, sized and scored, placed in time.

Past work targeted a released release and was deployed (or cancelled), near-future work
fills the next few releases of each team's train, and the rest waits in the backlog. Ids
follow creation time and keys are issued per team in the same order, the way a tracker
issues them, so sorting by key means sorting by when the work was raised.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from app.demo.titles import title_for
from app.demo.world import Uuids, WorkloadRec, World, entity
from app.domain.enums import FIBONACCI, ChangeClass, RiskTier, WorkloadStatus
from app.domain.workloads import natural_key, wsjf
from app.policy.risk import ComponentRisk, assess, blast_radius

SCALE = tuple(n for n in FIBONACCI if n <= 20)
DATA_CLASSES = {"p": "pii", "f": "financial", "h": "health"}
OVERRIDE_SHARE = 0.02
"""Share of work whose tier a coordinator raised above the rules, with a reason."""
RAISED_REASONS = (
    "Touches the same code path as last quarter's outage; treat as one tier higher.",
    "Vendor SDK upgrade underneath; the rules cannot see it.",
    "First change by a new team to this service.",
    "Customer-facing during the sales campaign; CAB asked for the higher tier.",
)
EMERGENCY_REASONS = (
    "Sev-1 incident: payment failures for a share of customers; cannot wait for the train.",
    "Actively exploited vulnerability (CVE) in a dependency.",
    "Data corruption in production; hotfix stops further damage.",
    "Regulator deadline moved forward; fix must be live this week.",
    "Certificate expiring before the next train window.",
)
CLASSES = {
    ChangeClass.FEATURE: 34,
    ChangeClass.BUG_FIX: 22,
    ChangeClass.TECH_DEBT: 15,
    ChangeClass.CONFIGURATION: 12,
    ChangeClass.COMPLIANCE: 8,
    ChangeClass.EMERGENCY: 9,
}
TIERS = (RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH)
SIZE_WEIGHTS = {
    ChangeClass.CONFIGURATION: (30, 30, 20, 12, 6, 2, 0),
    ChangeClass.EMERGENCY: (25, 35, 25, 12, 3, 0, 0),
}
DEFAULT_SIZES = (8, 15, 22, 25, 17, 9, 4)
# Weights over SCALE for business value, time criticality, risk reduction (in that order).
HIGH, MID, LOW = (2, 5, 12, 20, 25, 20, 16), (15, 20, 25, 20, 12, 6, 2), (30, 30, 20, 12, 6, 2, 0)
URGENT, LITTLE = (0, 0, 2, 8, 20, 30, 40), (40, 30, 15, 10, 5, 0, 0)
WSJF_WEIGHTS = {
    ChangeClass.FEATURE: (HIGH, MID, LOW),
    ChangeClass.BUG_FIX: (MID, HIGH, MID),
    ChangeClass.TECH_DEBT: (LITTLE, LITTLE, HIGH),
    ChangeClass.CONFIGURATION: (LOW, MID, MID),
    ChangeClass.COMPLIANCE: (MID, URGENT, MID),
    ChangeClass.EMERGENCY: (MID, URGENT, HIGH),
}
SCHEMA_CLASSES = {
    ChangeClass.FEATURE,
    ChangeClass.TECH_DEBT,
    ChangeClass.BUG_FIX,
    ChangeClass.COMPLIANCE,
}
"""Classes of work that migrate a schema when they touch a database."""
CHANGE_REQUESTS: dict[str, float] = {
    WorkloadStatus.DEPLOYED: 0.92,
    WorkloadStatus.IN_PROGRESS: 0.8,
    WorkloadStatus.PLANNED: 0.55,
    WorkloadStatus.BACKLOG: 0.03,
}
"""Share of work with a change request raised, by status: most once it is scheduled."""


class Slots:
    """Where a team's work can land: its train's releases, or the weekly independent ones."""

    def __init__(self, world: World) -> None:
        horizon = world.scale.horizon
        self.past: dict[int | None, list[int]] = {}
        self.upcoming: dict[int | None, list[int]] = {}
        self.far: dict[int | None, list[int]] = {}
        for index, rec in enumerate(world.releases):
            if rec.past:
                bucket = self.past
            elif rec.period < horizon:
                bucket = self.upcoming
            else:
                bucket = self.far
            bucket.setdefault(rec.train, []).append(index)
        for bucket in (self.past, self.upcoming, self.far):
            for releases in bucket.values():
                releases.sort(key=lambda i: world.releases[i].start)
        self.near_weights = {
            k: [len(v) - n for n in range(len(v))] for k, v in self.upcoming.items()
        }

    def pick_past(self, rng: random.Random, train: int | None) -> int:
        return rng.choice(self.past[train])

    def pick_upcoming(self, rng: random.Random, train: int | None) -> int:
        return rng.choices(self.upcoming[train], self.near_weights[train])[0]

    def pick_far(self, rng: random.Random, train: int | None) -> int:
        return rng.choice(self.far.get(train) or self.upcoming[train])


def build_workloads(world: World) -> None:
    rng = world.rng("workloads")
    scale = world.scale
    slots = Slots(world)
    classes, class_weights = list(CLASSES), list(CLASSES.values())
    team_of = rng.choices(
        range(len(world.teams)), [t.weight for t in world.teams], k=scale.workloads
    )
    radius = blast_radius((c, p) for c, ps in world.providers.items() for p in ps)
    for team_index in team_of:
        cls = rng.choices(classes, class_weights)[0]
        comps = _components(rng, world, team_index)
        sizes = SIZE_WEIGHTS.get(cls, DEFAULT_SIZES)
        inputs = tuple(rng.choices(SCALE, w)[0] for w in WSJF_WEIGHTS[cls])
        team = world.teams[team_index]
        independent = (
            cls == ChangeClass.EMERGENCY or world.components[comps[0]].track == "independent"
        )
        train = None if independent else team.train
        rec = WorkloadRec(
            team=team_index,
            change_class=cls,
            risk_tier=RiskTier.LOW,
            size=rng.choices(SCALE, sizes)[0],
            wsjf=(inputs[0], inputs[1], inputs[2]),
            components=comps,
            release=None,
            status=WorkloadStatus.BACKLOG,
            owner=rng.choice(team.members) if team.members else None,
            created=world.anchor,
        )
        stores = any(world.components[c].kind == "database" for c in comps)
        rec.schema_change = stores and cls in SCHEMA_CLASSES and rng.random() < 0.6
        _tier(rng, world, radius, rec)
        _place(rng, world, slots, rec, train)
        rec.title = title_for(rng, world, rec)
        world.workloads.append(rec)
    _issue(world)


def _tier(rng: random.Random, world: World, radius: dict[int, int], rec: WorkloadRec) -> None:
    """The tier the rules give (the demo has no incident history yet when work is raised);
    now and then a coordinator judged otherwise and wrote down why."""
    touched = [
        ComponentRisk(
            name=world.components[c].name,
            stateful=world.components[c].stateful,
            data_classes=frozenset(DATA_CLASSES[f] for f in world.components[c].data),
            dependents=radius.get(c, 0),
        )
        for c in rec.components
    ]
    rec.risk_tier = assess(rec.change_class, touched, rec.schema_change).tier
    if rec.change_class == ChangeClass.EMERGENCY:
        rec.exception_reason = rng.choice(EMERGENCY_REASONS)
    if rng.random() < OVERRIDE_SHARE:
        tiers = list(TIERS)
        up = tiers.index(RiskTier(rec.risk_tier)) + 1
        if up < len(tiers):
            rec.risk_tier = tiers[up]
            rec.risk_override_reason = rng.choice(RAISED_REASONS)


def _components(rng: random.Random, world: World, team_index: int) -> tuple[int, ...]:
    own = world.teams[team_index].components
    weights = [0.3 if world.components[c].kind == "library" else 1.0 for c in own]
    chosen = [rng.choices(own, weights)[0]]
    for _ in range(rng.choices((0, 1, 2), (60, 30, 10))[0]):
        providers = world.providers.get(chosen[0], [])
        pool = providers if providers and rng.random() < 0.5 else own
        extra = rng.choice(pool)
        if extra not in chosen:
            chosen.append(extra)
    return tuple(chosen)


def _place(
    rng: random.Random, world: World, slots: Slots, rec: WorkloadRec, train: int | None
) -> None:
    """Target release, status and dates, from the share of past, planned and backlog work."""
    scale, anchor = world.scale, world.anchor
    draw = rng.random()
    if rec.change_class == ChangeClass.EMERGENCY:
        slot = "past" if draw < 0.9 else "planned"
    elif draw < scale.share_past:
        slot = "past"
    else:
        slot = "planned" if draw < scale.share_past + scale.share_planned else "backlog"
    if slot == "past":
        rec.release = slots.pick_past(rng, train)
        release = world.releases[rec.release]
        rec.created = _before(rng, release.freeze or release.start, 7, 25, world.origin)
        if rng.random() < 0.03:
            rec.status, rec.release = WorkloadStatus.CANCELLED, None
            rec.updated = _between(rng, rec.created, release.start)
        else:
            rec.status = WorkloadStatus.DEPLOYED
            rec.updated = release.end + timedelta(minutes=rng.randrange(30, 240))
    elif slot == "planned":
        far = rec.change_class == ChangeClass.COMPLIANCE and rng.random() < 0.15
        rec.release = slots.pick_far(rng, train) if far else slots.pick_upcoming(rng, train)
        started = {0: 0.7, 1: 0.25}.get(world.releases[rec.release].period, 0.0)
        rec.status = (
            WorkloadStatus.IN_PROGRESS if rng.random() < started else WorkloadStatus.PLANNED
        )
        rec.created = _before(rng, anchor, 1, 30, world.origin)
        rec.updated = _between(rng, rec.created, anchor - timedelta(hours=1))
    else:
        rec.created = _before(rng, anchor, 1, 7 * scale.past_periods, world.origin)
        rec.updated = _between(rng, rec.created, anchor - timedelta(hours=1))
        if rng.random() < 0.03:
            rec.status = WorkloadStatus.CANCELLED
    if rec.change_class == ChangeClass.COMPLIANCE:
        rec.must_ship_by = _deadline(rng, world, rec)


def _before(
    rng: random.Random, when: datetime, minimum: int, mean: int, floor: datetime
) -> datetime:
    """A moment `minimum` days or more before `when`, typically `mean` days more, never
    before `floor`: the tail wraps around instead of piling up on one instant."""
    room = max((when - floor).total_seconds() / 86400 - minimum - 1, 1.0)
    days = minimum + rng.expovariate(1 / mean) % room
    return (when - timedelta(days=days)).replace(microsecond=0)


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max((end - start).total_seconds(), 0)
    return start + timedelta(seconds=int(rng.random() * min(span, 30 * 86400)))


def _deadline(rng: random.Random, world: World, rec: WorkloadRec) -> date:
    if rec.release is not None:
        day = world.releases[rec.release].start.date()
        slack = (
            rng.randrange(-3, 30) if rec.status == WorkloadStatus.DEPLOYED else rng.randrange(0, 28)
        )
        return day + timedelta(days=slack)
    return world.anchor_day + timedelta(days=rng.randrange(20, 300))


def _issue(world: World) -> None:
    """Ids, keys and change request numbers in the order the work was raised."""
    rng = world.rng("keys")
    uuids = Uuids(world.rng("workload-uuids"))
    world.workloads.sort(key=lambda w: w.created)
    next_key = {i: rng.randrange(100, 1900) for i in range(len(world.teams))}
    change = 31_000 + rng.randrange(1000)
    ids = world.ids("workload", len(world.workloads))
    for rec, row_id in zip(world.workloads, ids, strict=True):
        rec.id, rec.uuid = row_id, uuids()
        rec.key = f"{world.teams[rec.team].domain.prefix}-{next_key[rec.team]}"
        next_key[rec.team] += rng.choice((1, 1, 1, 1, 2, 3))
        if rng.random() < CHANGE_REQUESTS.get(rec.status, 0.0):
            change += rng.choice((1, 2, 3, 5, 8))
            rec.change_request = f"CHG{change:07d}"


def workload_rows(world: World) -> Iterator[dict[str, Any]]:
    for rec in world.workloads:
        assert rec.uuid is not None
        release = None if rec.release is None else world.releases[rec.release].id
        owner = None if rec.owner is None else world.people[rec.owner].id
        yield entity(
            rec.id,
            rec.uuid,
            rec.created,
            updated_at=rec.updated,
            key=rec.key,
            title=rec.title,
            change_class=rec.change_class,
            team_id=world.teams[rec.team].id,
            size=rec.size,
            business_value=rec.wsjf[0],
            time_criticality=rec.wsjf[1],
            risk_reduction=rec.wsjf[2],
            risk_tier=rec.risk_tier,
            owner_id=owner,
            target_release_id=release,
            status=rec.status,
            change_request=rec.change_request,
            must_ship_by=rec.must_ship_by,
            schema_change=rec.schema_change,
            risk_override_reason=rec.risk_override_reason,
            exception_reason=rec.exception_reason,
            key_sort=natural_key(rec.key),
            wsjf_score=wsjf(rec.wsjf[0], rec.wsjf[1], rec.wsjf[2], rec.size),
        )


def workload_component_rows(world: World) -> Iterator[dict[str, Any]]:
    for rec in world.workloads:
        for comp in rec.components:
            yield {"workload_id": rec.id, "component_id": world.components[comp].id}
