"""A plausible microservice architecture: front ends, a gateway, domain services and their
stores, shared libraries and infrastructure, wired consumer to provider.

Dependencies point from higher layers to lower ones, and between domain services along a
random ranking, so the graph is acyclic by construction; then exactly one small cycle of
three services is closed on purpose, because real estates have one and the dependency views
must find it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from app.demo.vocabulary import (
    LIBRARY_SUFFIXES,
    SERVICE_SUFFIXES,
    SHARED,
    STORE_SUFFIXES,
    Domain,
)
from app.demo.world import ComponentRec, Uuids, World, entity
from app.domain.enums import ComponentKind, DependencyKind, Track

LAYER = {"web": 5, "mobile": 5, "edge": 4, "api": 3, "service": 2, "database": 1}
CYCLE_LENGTH = 3


def build_components(world: World) -> None:
    rng = world.rng("components")
    by_team = {t.domain.team: i for i, t in enumerate(world.teams)}
    for n, (name, kind, owner, data, description) in enumerate(SHARED):
        team = by_team.get(owner, n % len(world.teams))
        layer = _shared_layer(name, kind)
        track = Track.INDEPENDENT if kind in ("mobile", "infrastructure", "library") else "train"
        _add(world, name, kind, team, track, kind == "infrastructure", data, layer, description)
    remaining = max(0, world.scale.components - len(SHARED))
    total_weight = sum(t.weight for t in world.teams)
    quotas = [max(2, round(remaining * t.weight / total_weight)) for t in world.teams]
    while sum(quotas) > remaining and max(quotas) > 2:
        quotas[quotas.index(max(quotas))] -= 1
    while sum(quotas) < remaining:
        quotas[rng.randrange(len(quotas))] += 1
    for t_index, quota in enumerate(quotas):
        domain = world.teams[t_index].domain
        for name, kind, layer, description in _team_components(rng, domain, quota):
            data = world.teams[t_index].domain.data
            stateful = kind == ComponentKind.DATABASE
            if kind == ComponentKind.LIBRARY:
                data, track = "", rng.choice((Track.TRAIN, Track.INDEPENDENT))
            else:
                track = Track.INDEPENDENT if rng.random() < 0.2 else Track.TRAIN
                data = data if stateful or rng.random() < 0.6 else ""
            _add(world, name, kind, t_index, track, stateful, data, layer, description)
    for index, (comp, row_id) in enumerate(
        zip(world.components, world.ids("component", len(world.components)), strict=True)
    ):
        comp.id = row_id
        world.teams[comp.team].components.append(index)


def _shared_layer(name: str, kind: str) -> int:
    if kind in ("web", "mobile"):
        return LAYER[kind]
    if name == "api-gateway":
        return LAYER["edge"]
    if name == "auth-service":
        return LAYER["service"]
    return 0


def _team_components(
    rng: random.Random, domain: Domain, quota: int
) -> Iterator[tuple[str, str, int, str]]:
    """The domain API and its main store first, then a service per business noun, then
    workers and the like, with a further store or a client library now and then."""
    slug, team = domain.slug, domain.team
    nouns = [(_slug(n), f"{team}: {n}") for n in domain.nouns]
    suffixes = [s for s in SERVICE_SUFFIXES[2:] if s not in {n for n, _ in nouns}]
    rng.shuffle(suffixes)
    services = iter([*nouns, *((s, f"{team} {s.replace('-', ' ')}") for s in suffixes)])
    stores = iter(STORE_SUFFIXES[1:])
    libraries = iter(LIBRARY_SUFFIXES)
    yield f"{slug}-api", ComponentKind.SERVICE, LAYER["api"], f"{team} API"
    if quota > 1:
        yield f"{slug}-db", ComponentKind.DATABASE, LAYER["database"], f"{team} main database"
    for n in range(2, quota):
        if n % 6 == 5 and (store := next(stores, None)):
            yield f"{slug}-{store}", ComponentKind.DATABASE, LAYER["database"], f"{team} {store}"
        elif n % 7 == 6 and (lib := next(libraries, None)):
            yield f"{slug}-{lib}", ComponentKind.LIBRARY, 0, f"{team} client {lib}"
        else:
            suffix, description = next(services, None) or (f"service-{n}", f"{team} service")
            yield f"{slug}-{suffix}", ComponentKind.SERVICE, LAYER["service"], description


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-").replace("--", "-")


def _add(world: World, name: str, kind: str, team: int, track: str, stateful: bool,
         data: str, layer: int, description: str) -> None:  # fmt: skip
    rec = ComponentRec(0, name, kind, team, track, stateful, data, layer, description)
    world.components.append(rec)


def build_dependencies(world: World) -> list[tuple[int, int, str]]:
    """(consumer index, provider index, kind) edges; also fills `world.providers`."""
    rng = world.rng("component-dependencies")
    comps = world.components
    named = {c.name: i for i, c in enumerate(comps)}
    edges: dict[tuple[int, int], str] = {}

    def link(consumer: int | None, provider: int | None, kind: str) -> None:
        if consumer is None or provider is None or consumer == provider:
            return
        if comps[consumer].layer < comps[provider].layer:
            return  # never upwards: the graph stays acyclic until the one deliberate cycle
        if (consumer, provider) not in edges and (provider, consumer) not in edges:
            edges[(consumer, provider)] = kind

    apis = [i for i, c in enumerate(comps) if c.name.endswith("-api") and c.layer == LAYER["api"]]
    rank = {a: r for r, a in enumerate(rng.sample(apis, len(apis)))}
    for i, comp in enumerate(comps):
        own = [j for j in world.teams[comp.team].components if j != i]
        own_stores = [j for j in own if comps[j].kind == ComponentKind.DATABASE]
        own_libs = [j for j in own if comps[j].kind == ComponentKind.LIBRARY]
        if comp.kind in ("web", "mobile"):
            link(i, named.get("api-gateway"), DependencyKind.API)
            link(i, named.get("auth-service"), DependencyKind.API)
            if comp.kind == "web":
                link(i, named.get("ui-kit"), DependencyKind.LIBRARY)
        elif comp.name == "api-gateway":
            for a in apis:
                link(i, a, DependencyKind.API)
            link(i, named.get("auth-service"), DependencyKind.API)
            link(i, named.get("k8s-platform"), DependencyKind.INFRASTRUCTURE)
        elif comp.kind == ComponentKind.SERVICE:
            services = [j for j in own if comps[j].kind == ComponentKind.SERVICE]
            _service_edges(rng, link, named, i, comp.layer == LAYER["api"], services, own_stores)
            for lib in own_libs:
                link(i, lib, DependencyKind.LIBRARY)
            if i in rank:
                lower = [a for a in apis if rank[a] < rank[i]]
                for a in rng.sample(lower, min(len(lower), rng.choice((0, 1, 1, 2, 3)))):
                    link(i, a, DependencyKind.API)
            if comp.name.endswith(("reporting", "exporter", "projector")):
                others = [
                    j for j, c in enumerate(comps) if c.kind == "database" and c.team != comp.team
                ]
                for j in rng.sample(others, min(len(others), 2)):
                    link(i, j, DependencyKind.DATA)
        elif comp.kind == ComponentKind.LIBRARY and comp.name != "common-http":
            link(i, named.get("common-http"), DependencyKind.LIBRARY)
        elif comp.kind == ComponentKind.DATABASE:
            link(i, named.get("k8s-platform"), DependencyKind.INFRASTRUCTURE)
    _close_one_cycle(rng, edges, apis, rank)
    world.providers = {i: [] for i in range(len(comps))}
    for consumer, provider in edges:
        world.providers[consumer].append(provider)
    return [(c, p, k) for (c, p), k in edges.items()]


def _service_edges(rng: random.Random, link: Any, named: dict[str, int], i: int, is_api: bool,
                   own_services: list[int], own_stores: list[int]) -> None:  # fmt: skip
    if is_api:
        for store in own_stores[:1]:
            link(i, store, DependencyKind.SCHEMA)
        for j in own_services:
            if rng.random() < 0.3:
                link(i, j, DependencyKind.API)
        link(i, named.get("auth-service"), DependencyKind.API)
    else:
        for store in own_stores[:2]:
            link(i, store, DependencyKind.DATA)
        link(i, named.get("kafka-cluster"), DependencyKind.INFRASTRUCTURE)
    link(i, named.get("k8s-platform"), DependencyKind.INFRASTRUCTURE)
    if rng.random() < 0.6:
        link(i, named.get("common-http"), DependencyKind.LIBRARY)
    if rng.random() < 0.5:
        link(i, named.get("proto-contracts"), DependencyKind.LIBRARY)
    if rng.random() < 0.25:
        link(i, named.get("redis-cache"), DependencyKind.INFRASTRUCTURE)
    if rng.random() < 0.2:
        link(i, named.get("vault-secrets"), DependencyKind.INFRASTRUCTURE)


def _close_one_cycle(rng: random.Random, edges: dict[tuple[int, int], str], apis: list[int],
                     rank: dict[int, int]) -> None:  # fmt: skip
    """Add a -> b -> c -> a among domain APIs such that no other component joins the cycle."""
    out: dict[int, set[int]] = {}
    for consumer, provider in edges:
        out.setdefault(consumer, set()).add(provider)
    ordered = sorted(apis, key=rank.__getitem__, reverse=True)
    for _attempt in range(200):
        if len(ordered) < CYCLE_LENGTH:
            return
        a, b, c = sorted(rng.sample(ordered, CYCLE_LENGTH), key=rank.__getitem__, reverse=True)
        trial = {k: set(v) for k, v in out.items()}
        for x, y in ((a, b), (b, c)):
            trial.setdefault(x, set()).add(y)
        on_paths = _reach(trial, a) & _reach(_reverse(trial), c)
        if on_paths == {a, b, c} and (a, c) not in edges:
            for x, y in ((a, b), (b, c), (c, a)):
                edges.setdefault((x, y), DependencyKind.API)
            return


def _reach(graph: dict[int, set[int]], start: int) -> set[int]:
    seen, stack = {start}, [start]
    while stack:
        for nxt in graph.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _reverse(graph: dict[int, set[int]]) -> dict[int, set[int]]:
    rev: dict[int, set[int]] = {}
    for src, targets in graph.items():
        for dst in targets:
            rev.setdefault(dst, set()).add(src)
    return rev


def component_rows(world: World) -> Iterator[dict[str, Any]]:
    uuids = Uuids(world.rng("component-uuids"))
    for comp in world.components:
        team = world.teams[comp.team]
        yield entity(
            comp.id,
            uuids(),
            world.origin,
            name=comp.name,
            kind=comp.kind,
            team_id=team.id,
            track=comp.track,
            stateful=comp.stateful,
            pii="p" in comp.data,
            financial="f" in comp.data,
            health="h" in comp.data,
            description=comp.description,
        )


def dependency_rows(world: World, edges: list[tuple[int, int, str]]) -> Iterator[dict[str, Any]]:
    uuids = Uuids(world.rng("component-dependency-uuids"))
    ids = world.ids("component_dependency", len(edges))
    for (consumer, provider, kind), row_id in zip(edges, ids, strict=True):
        world.edge_ids[(consumer, provider)] = row_id
        yield entity(
            row_id,
            uuids(),
            world.origin,
            consumer_id=world.components[consumer].id,
            provider_id=world.components[provider].id,
            kind=kind,
        )
