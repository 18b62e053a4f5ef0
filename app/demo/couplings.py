"""What couples deployments beyond the component graph: API contract versions, shared
library versions, and feature flags.

The demo leaves the problems these exist to catch in plain sight: consumers still on a
deprecated (some on a sunset) API version, a breaking version scheduled in an upcoming
release while consumers lag, libraries built in several versions at once, and flags that
decouple a feature's deploy from its release, a few of them long forgotten.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from app.demo.world import ComponentRec, Uuids, WorkloadRec, World, entity
from app.domain.enums import ChangeClass, DependencyKind, WorkloadStatus

LIVE = (WorkloadStatus.PLANNED, WorkloadStatus.IN_PROGRESS, WorkloadStatus.DEPLOYED)
RECENT = timedelta(days=90)
FLAG_WORDS = ("rollout", "new-flow", "v2", "beta", "fast-path", "redesign")


def contract_rows(world: World, edges: list[tuple[int, int, str]]) -> tuple[list[Any], list[Any]]:
    """(api_contract rows, contract_consumer rows) for every provider of an API edge."""
    rng = world.rng("contracts")
    uuids = Uuids(world.rng("contract-uuids"))
    consumers: dict[int, list[int]] = {}
    for consumer, provider, kind in edges:
        if kind == DependencyKind.API:
            consumers.setdefault(provider, []).append(consumer)
    contracts: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for provider in sorted(consumers):
        comp = world.components[provider]
        versions = _versions(rng, world, comp)
        ids = world.ids("api_contract", len(versions))
        for row_id, (major, release, deprecated, sunset, compatible) in zip(
            ids, versions, strict=True
        ):
            contracts.append(
                entity(
                    row_id,
                    uuids(),
                    _published(world, release),
                    provider_id=comp.id,
                    name=_api_name(world, comp),
                    api_version=f"v{major}",
                    backward_compatible=compatible,
                    changed_in_id=None if release is None else world.releases[release].id,
                    deprecated_on=deprecated,
                    sunset_on=sunset,
                )
            )
        latest = versions[-1][1]
        upcoming = latest is not None and not world.releases[latest].past
        for consumer in consumers[provider]:
            pick = len(versions) - 1
            if len(versions) > 1 and (upcoming and rng.random() < 0.8 or rng.random() < 0.25):
                pick = rng.randrange(len(versions) - 1)
            links.append({"contract": ids[pick], "consumer": world.components[consumer].id})
    link_ids = world.ids("contract_consumer", len(links))
    rows = [
        entity(
            row_id,
            uuids(),
            world.origin,
            contract_id=link["contract"],
            consumer_id=link["consumer"],
        )
        for row_id, link in zip(link_ids, links, strict=True)
    ]
    return contracts, rows


def _published(world: World, release: int | None) -> datetime:
    """A version is written up a month before the release that ships it, never after today."""
    if release is None:
        return world.origin
    return min(world.releases[release].start - timedelta(days=30), world.anchor - timedelta(days=1))


def _api_name(world: World, comp: ComponentRec) -> str:
    domain = world.teams[comp.team].domain
    if comp.name == f"{domain.slug}-api":
        return f"{domain.team} API"
    return f"{comp.name} API"


def _versions(rng: random.Random, world: World, comp: ComponentRec
              ) -> list[tuple[int, int | None, date | None, date | None, bool]]:  # fmt: skip
    """(major, changed-in release, deprecated on, sunset on, backward compatible), oldest
    first. Each newer major deprecates the one before it the day it ships."""
    count = rng.choices((1, 2, 3), (40, 45, 15))[0]
    first = rng.randrange(1, 4)
    train = world.teams[comp.team].train if comp.track == "train" else None
    past = [i for i, r in enumerate(world.releases) if r.past and r.train == train]
    soon = [i for i, r in enumerate(world.releases) if 0 <= r.period < 3 and r.train == train]
    chosen = sorted(rng.sample(past, min(len(past), count)), key=lambda i: world.releases[i].start)
    if chosen and soon and rng.random() < 0.3:
        chosen[-1] = rng.choice(soon)  # the newest major is still to ship
    out: list[tuple[int, int | None, date | None, date | None, bool]] = []
    for n, release in enumerate(chosen):
        deprecated = sunset = None
        if n + 1 < len(chosen):
            deprecated = world.releases[chosen[n + 1]].start.date()
            sunset = deprecated + timedelta(days=rng.choice((60, 90, 180, 270, 365)))
        compatible = n == 0 or rng.random() < 0.5
        out.append((first + n, release, deprecated, sunset, compatible))
    return out or [(first, None, None, None, True)]


def library_rows(world: World, edges: list[tuple[int, int, str]]) -> Iterator[dict[str, Any]]:
    """Components built against a library, most on its newest version, some lagging."""
    rng = world.rng("libraries")
    uuids = Uuids(world.rng("library-uuids"))
    used = [(c, p) for c, p, kind in edges if kind == DependencyKind.LIBRARY]
    releases: dict[int, list[str]] = {}
    ids = iter(world.ids("library_usage", len(used)))
    for consumer, library in used:
        if library not in releases:
            major, minor = rng.randrange(1, 6), rng.randrange(0, 12)
            releases[library] = [
                f"{major}.{minor - k}.{rng.randrange(0, 9)}" for k in range(min(minor + 1, 4))
            ]
        versions = releases[library]
        version = versions[0] if rng.random() < 0.6 else rng.choice(versions)
        yield entity(
            next(ids),
            uuids(),
            world.origin,
            component_id=world.components[consumer].id,
            library_id=world.components[library].id,
            library_version=version,
        )


def flag_rows(world: World) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(feature_flag rows, flag_state rows): flags on features around the anchor, and a few
    on long-shipped ones nobody removed."""
    rng = world.rng("flags")
    uuids = Uuids(world.rng("flag-uuids"))
    flags: list[dict[str, Any]] = []
    states: list[dict[str, Any]] = []
    for pos, rec in enumerate(world.workloads):
        if rec.change_class != ChangeClass.FEATURE or rec.status not in LIVE:
            continue
        recent = rec.status != WorkloadStatus.DEPLOYED or (
            rec.updated is not None and world.anchor - rec.updated < RECENT
        )
        if rng.random() >= (0.35 if recent else 0.02):
            continue
        flag_id = world.ids("feature_flag", 1)[0]
        prefix, number = rec.key.lower().split("-", 1)
        flags.append(
            entity(
                flag_id,
                uuids(),
                rec.created,
                key=f"{prefix}.{number}-{rng.choice(FLAG_WORDS)}",
                description=f"Guards {rec.key}: {rec.title}"[:500],
                workload_id=rec.id,
                component_dependency_id=_guarded_edge(rng, world, rec),
                workload_dependency_id=_guarded_link(rng, world, pos),
            )
        )
        states.extend(_states(rng, world, rec, flag_id, uuids))
    return flags, states


def _guarded_link(rng: random.Random, world: World, pos: int) -> int | None:
    """Half the flagged features behind a dependency ship dark, so that order is relaxed."""
    links = world.link_ids.get(pos, [])
    return rng.choice(links) if links and rng.random() < 0.5 else None


def _guarded_edge(rng: random.Random, world: World, rec: WorkloadRec) -> int | None:
    if rng.random() >= 0.4:
        return None
    candidates = [
        world.edge_ids[(c, p)]
        for c in rec.components
        for p in world.providers.get(c, ())
        if (c, p) in world.edge_ids
    ]
    return rng.choice(candidates) if candidates else None


def _states(rng: random.Random, world: World, rec: WorkloadRec, flag_id: int, uuids: Uuids
            ) -> Iterator[dict[str, Any]]:  # fmt: skip
    """Deployed: on up to production, the second production region sometimes still off;
    in progress: on in dev and test; planned: on in dev at most."""
    if rec.status == WorkloadStatus.DEPLOYED:
        staggered = rng.random() < 0.3  # the last region not switched on yet
        enabled_up_to = len(world.environments) - staggered
    elif rec.status == WorkloadStatus.IN_PROGRESS:
        enabled_up_to = 2
    else:
        enabled_up_to = rng.choice((0, 1))
    ids = world.ids("flag_state", len(world.environments))
    for position, ((env_id, _name, _prod), row_id) in enumerate(
        zip(world.environments, ids, strict=True)
    ):
        yield entity(
            row_id,
            uuids(),
            rec.created,
            flag_id=flag_id,
            environment_id=env_id,
            enabled=position < enabled_up_to,
        )
