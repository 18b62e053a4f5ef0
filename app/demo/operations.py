"""What actually happened: deployments along the promotion path, and the incidents after.

Deployments follow each workload's release: dev and test before the code freeze, staging
after it, then production in two staggered waves inside the window. Actual times drift from
the plan, riskier work fails more often, and every failed or rolled-back rollout is retried
the next day, so change failure rate and time to restore come out believable. Incidents are
partly caused by those rollouts (opened shortly after them) and partly unrelated.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from app.demo.titles import incident_title
from app.demo.vocabulary import INCIDENTS
from app.demo.world import ReleaseRec, Uuids, WorkloadRec, World, entity
from app.domain.enums import ChangeClass, DeploymentResult, Role, WorkloadStatus

FAILURE = {"low": 0.025, "medium": 0.05, "high": 0.09}
SHORT_PATH = (ChangeClass.CONFIGURATION, ChangeClass.EMERGENCY)
RESTORE_HOURS = {1: 1.5, 2: 4.0, 3: 24.0, 4: 72.0}
"""Median hours to resolve an incident, by priority."""
MINUTE = timedelta(minutes=1)
LAYER_STEP = 25
"""Minutes between component layers in a production rollout: providers go first."""


class Operations:
    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.rng("deployments")
        self.uuids = Uuids(world.rng("deployment-uuids"))
        self.operators = world.people_with(Role.OPERATIONS)
        self.next_id = world.ids("deployment", 0).start
        self.failures: list[tuple[int, int, datetime, str]] = []
        """Failed production rollouts: (deployment id, component index, actual start, tier)."""
        self.calls: list[tuple[int, str, datetime, int | None]] = []
        """The same rollouts as (deployment id, result, actual start, owner index): the
        moments someone decided to roll back, roll forward or hold."""
        self.halted = timedelta(0)
        """How far a failed production wave pushed the workload's later waves."""
        self.quiet: list[tuple[int, int, datetime]] = []
        """A sample of successful production rollouts that may still cause a late incident."""

    def deployments(self) -> Iterator[dict[str, Any]]:
        world = self.world
        live = (WorkloadStatus.DEPLOYED, WorkloadStatus.IN_PROGRESS)
        order = sorted(
            (w for w in world.workloads if w.release is not None and w.status in live),
            key=lambda w: (world.releases[w.release or 0].start, w.id),
        )
        for rec in order:
            release = world.releases[rec.release or 0]
            envs = world.environments
            if rec.change_class in SHORT_PATH:
                envs = envs[2:]
            for position, (env_id, _name, production) in enumerate(
                envs, len(world.environments) - len(envs)
            ):
                start = self._planned_start(rec, release, position) + self.halted
                yield from self._rollout(rec, env_id, production, start)
            self.halted = timedelta(0)
        world.first_ids["deployment"] = self.next_id

    def _planned_start(self, rec: WorkloadRec, release: ReleaseRec, position: int) -> datetime:
        """Dev and test before the freeze (never before the work was raised), staging after
        it, production in two waves two hours apart inside the window, lower layers (the
        providers) first."""
        rng, window = self.rng, release.start
        freeze = release.freeze or window - timedelta(hours=6)
        if position >= 3:
            layer = max(self.world.components[c].layer for c in rec.components)
            offset = LAYER_STEP * max(0, layer - 1) + rng.randrange(0, 15, 5)
            base = window + timedelta(hours=2 * (position - 3), minutes=offset)
        elif position == 2:
            after_freeze = freeze + timedelta(hours=rng.uniform(4, 40))
            base = after_freeze if release.freeze else window - timedelta(hours=rng.uniform(2, 6))
        else:
            hours = rng.uniform(48, 216) if position == 0 else rng.uniform(6, 40)
            base = freeze - timedelta(hours=hours)
            earliest = rec.created + timedelta(hours=2)
            if base < earliest:
                base = earliest + timedelta(hours=rng.uniform(0, 24))
        return base.replace(second=0, microsecond=0)

    def _rollout(self, rec: WorkloadRec, env_id: int, production: bool,
                 start: datetime) -> Iterator[dict[str, Any]]:  # fmt: skip
        rng, world = self.rng, self.world
        stateful = any(world.components[c].stateful for c in rec.components)
        minutes = (30 if production else 15) + 2 * rec.size + (20 if stateful else 0)
        planned_end = start + timedelta(minutes=5 * round(minutes / 5))
        owner = rec.owner
        if production and self.operators and rng.random() < 0.5:
            owner = rng.choice(self.operators)
        if start >= world.anchor - timedelta(hours=1):
            yield self._row(
                rec, env_id, owner, start, planned_end, None, None, DeploymentResult.PLANNED
            )
            return
        chance = FAILURE[rec.risk_tier] + (0.03 if rec.change_class == ChangeClass.EMERGENCY else 0)
        failed = rng.random() < (chance if production else 0.02)
        actual_start = start + timedelta(minutes=max(-10.0, rng.gauss(6, 10)))
        spread = rng.uniform(0.3, 1.0) if failed else rng.lognormvariate(0, 0.35)
        actual_end = actual_start + (planned_end - start) * spread
        result = DeploymentResult.SUCCEEDED
        if failed:
            result = (
                DeploymentResult.ROLLED_BACK if rng.random() < 0.65 else DeploymentResult.FAILED
            )
        row = self._row(rec, env_id, owner, start, planned_end, actual_start, actual_end, result)
        yield row
        if production:
            comp = rec.components[0]
            if failed:
                self.failures.append((row["id"], comp, actual_start, rec.risk_tier))
                self.calls.append((row["id"], result, actual_start, owner))
            elif rng.random() < 0.02:
                self.quiet.append((row["id"], comp, actual_end))
        if failed:
            retry = start + (
                timedelta(days=1) if production else timedelta(hours=rng.uniform(2, 6))
            )
            if production:
                self.halted += timedelta(days=1)
            yield from self._rollout_retry(rec, env_id, owner, retry, planned_end - start)

    def _rollout_retry(self, rec: WorkloadRec, env_id: int, owner: int | None, start: datetime,
                       length: timedelta) -> Iterator[dict[str, Any]]:  # fmt: skip
        if start >= self.world.anchor - timedelta(hours=1):
            yield self._row(
                rec, env_id, owner, start, start + length, None, None, DeploymentResult.PLANNED
            )
            return
        actual = start + timedelta(minutes=self.rng.randrange(0, 15))
        end = actual + length * self.rng.lognormvariate(0, 0.25)
        yield self._row(
            rec, env_id, owner, start, start + length, actual, end, DeploymentResult.SUCCEEDED
        )

    def _row(self, rec: WorkloadRec, env_id: int, owner: int | None, planned_start: datetime,
             planned_end: datetime, actual_start: datetime | None, actual_end: datetime | None,
             result: str) -> dict[str, Any]:  # fmt: skip
        row_id, self.next_id = self.next_id, self.next_id + 1
        scheduled = min(planned_start - timedelta(days=3), self.world.anchor - timedelta(hours=1))
        created = max(rec.created, scheduled)
        return entity(
            row_id,
            self.uuids(),
            created,
            updated_at=_second(actual_end) if actual_end else None,
            workload_id=rec.id,
            environment_id=env_id,
            owner_id=None if owner is None else self.world.people[owner].id,
            planned_start=planned_start,
            planned_end=planned_end,
            actual_start=_second(actual_start) if actual_start else None,
            actual_end=_second(actual_end) if actual_end else None,
            result=result,
        )

    def incidents(self) -> Iterator[dict[str, Any]]:
        """Caused by failed rollouts (soon after), by a few quiet ones (later), or unrelated;
        the last days' incidents are still open, as they would be on the anchor day."""
        world, rng = self.world, self.world.rng("incidents")
        total = world.scale.incidents
        still_open = max(2, total // 60)
        caused = rng.sample(self.failures, min(int(len(self.failures) * 0.85), int(total * 0.4)))
        late = rng.sample(self.quiet, min(len(self.quiet), int(total * 0.1)))
        found: list[tuple[datetime, int, int | None, int, bool]] = []
        for failed_id, comp, started, tier in caused:
            priority = rng.choices((1, 2, 3), (25, 50, 25) if tier == "high" else (10, 40, 50))[0]
            opened = started + timedelta(minutes=rng.uniform(5, 45))
            found.append((opened, comp, failed_id, priority, False))
        for quiet_id, comp, ended in late:
            opened = min(ended + timedelta(hours=rng.uniform(1, 96)), world.anchor - MINUTE)
            found.append((opened, comp, quiet_id, rng.choices((2, 3, 4), (20, 50, 30))[0], False))
        history = world.releases[0].start if world.releases else world.origin
        span = (world.anchor - history).total_seconds()
        services = [i for i, c in enumerate(world.components) if c.kind != "library"]
        while len(found) < total - still_open:
            opened = history + timedelta(seconds=rng.uniform(0, span))
            priority = rng.choices((1, 2, 3, 4), (3, 12, 45, 40))[0]
            found.append((opened, rng.choice(services), None, priority, False))
        while len(found) < total:
            opened = world.anchor - timedelta(hours=rng.uniform(2, 72))
            found.append((opened, rng.choice(services), None, rng.choice((2, 3, 3, 4)), True))
        found.sort(key=lambda f: (f[0], f[1]))
        yield from self._incident_rows(rng, found)

    def _incident_rows(self, rng: random.Random,
                       found: list[tuple[datetime, int, int | None, int, bool]]
                       ) -> Iterator[dict[str, Any]]:  # fmt: skip
        world = self.world
        uuids = Uuids(world.rng("incident-uuids"))
        number = 10_000 + rng.randrange(5_000)
        ids = world.ids("incident", len(found))
        for (opened, comp, dep_id, priority, is_open), row_id in zip(found, ids, strict=True):
            opened = _second(opened)
            restore = timedelta(hours=RESTORE_HOURS[priority] * rng.lognormvariate(0, 0.6))
            resolved = None if is_open else _second(opened + restore)
            if resolved is not None and resolved >= world.anchor:
                resolved = None
            component = world.components[comp]
            noun = rng.choice(world.teams[component.team].domain.nouns)
            number += rng.choice((1, 1, 2, 3, 7))
            yield entity(
                row_id,
                uuids(),
                opened,
                updated_at=resolved,
                number=f"INC{number:07d}",
                title=incident_title(rng, rng.choice(INCIDENTS), component.name, noun),
                component_id=component.id,
                priority=priority,
                opened_at=opened,
                resolved_at=resolved,
                caused_by_deployment_id=dep_id,
            )


def _second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)
