"""Order constraints between workloads, following the component graph.

A change to a consumer usually waits for a change to one of its providers (or to the same
component): schema before service, library before its users. "Together" marks API contract
changes that must ship in the same release. A workload only ever depends on work raised
before it, so the demo's own constraints never form a cycle.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from app.demo.world import Uuids, WorkloadRec, World, entity
from app.domain.enums import WorkloadLink, WorkloadStatus

RECENT = 40
"""How far back among a component's earlier workloads to look for a provider change."""
MAX_GAP = timedelta(days=45)


def build_dependencies(world: World) -> list[tuple[int, int, str]]:
    """(workload position, depends-on position, link), positions into `world.workloads`."""
    rng = world.rng("workload-dependencies")
    by_component: dict[int, list[int]] = {}
    for pos, rec in enumerate(world.workloads):
        if rec.status != WorkloadStatus.CANCELLED:
            for comp in rec.components:
                by_component.setdefault(comp, []).append(pos)
    links: dict[tuple[int, int], str] = {}
    rate = world.scale.dependency_rate
    for pos, rec in enumerate(world.workloads):
        if rec.status == WorkloadStatus.CANCELLED:
            continue
        wanted = rate if rec.release is not None else rate / 4
        if rng.random() >= wanted:
            continue
        found = _provider_change(rng, world, by_component, pos, rec)
        if found is not None and (pos, found[0]) not in links:
            links[(pos, found[0])] = found[1]
    return [(pos, other, link) for (pos, other), link in links.items()]


def _provider_change(rng: random.Random, world: World, by_component: dict[int, list[int]],
                     pos: int, rec: WorkloadRec) -> tuple[int, str] | None:  # fmt: skip
    comp = rng.choice(rec.components)
    providers = list(world.providers.get(comp, ()))
    rng.shuffle(providers)
    for provider in [*providers[:3], comp]:
        earlier = by_component.get(provider, [])
        earlier = earlier[max(0, bisect_left(earlier, pos) - RECENT) : bisect_left(earlier, pos)]
        for other in rng.sample(earlier, min(len(earlier), 6)):
            link = _fits(world, rec, world.workloads[other])
            if link is None:
                continue
            same = rec.release is not None and world.workloads[other].release == rec.release
            if same and provider != comp and rng.random() < 0.5:
                link = WorkloadLink.TOGETHER
            return other, link
    return None


def _fits(world: World, rec: WorkloadRec, other: WorkloadRec) -> str | None:
    """The link `rec` may have to `other`, or None when their timing makes it nonsense."""
    if rec.release is None:
        return WorkloadLink.BEFORE if other.status != WorkloadStatus.DEPLOYED else None
    if other.release is None:
        return None
    if other.release == rec.release:
        return WorkloadLink.BEFORE
    mine, theirs = world.releases[rec.release], world.releases[other.release]
    if timedelta(0) < mine.start - theirs.start <= MAX_GAP:
        return WorkloadLink.BEFORE
    return None


def dependency_rows(world: World, links: list[tuple[int, int, str]]) -> Iterator[dict[str, Any]]:
    uuids = Uuids(world.rng("workload-dependency-uuids"))
    ids = world.ids("workload_dependency", len(links))
    for (pos, other, link), row_id in zip(links, ids, strict=True):
        world.link_ids.setdefault(pos, []).append(row_id)
        rec = world.workloads[pos]
        yield entity(
            row_id,
            uuids(),
            rec.created,
            workload_id=rec.id,
            depends_on_id=world.workloads[other].id,
            link=link,
        )
