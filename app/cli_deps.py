"""`releasedesk deps …`: import an edge list, print the deployment order, write the matrix."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.domain.enums import DependencyKind

Opener = Callable[..., Any]


def register(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    deps = sub.add_parser("deps", help="component dependencies: import, order, matrix")
    dsub = deps.add_subparsers(dest="deps_command", metavar="ACTION", required=True)

    imp = dsub.add_parser("import", help="read caller,callee rows (the caller depends on callee)")
    common(imp)
    imp.add_argument("file", metavar="EDGES.csv")
    imp.add_argument("--strict", action="store_true", help="refuse names that are not components")
    imp.add_argument("--team", default="Unassigned", help="owner of components it creates")
    imp.add_argument("--kind", choices=DependencyKind.choices(), default="api")
    imp.set_defaults(func=cmd_import)

    order = dsub.add_parser("order", help="deployment order in parallel stages; exit 1 on cycles")
    common(order)
    order.add_argument("--release", metavar="R", help="order the workloads of this release")
    order.set_defaults(func=cmd_order)

    matrix = dsub.add_parser("matrix", help="write the dependency structure matrix to a file")
    common(matrix)
    matrix.add_argument("--release", metavar="R", help="the workloads of this release")
    matrix.add_argument("-o", "--output", required=True, metavar="FILE.(png|svg|xlsx)")
    matrix.set_defaults(func=cmd_matrix)


def _usage(message: str) -> Exception:
    from app.cli import UsageError

    return UsageError(message)


def _open(args: argparse.Namespace) -> Any:
    from app.cli import _open as open_db

    return open_db(args)


def cmd_import(args: argparse.Namespace) -> int:
    from app.exchange.edges_csv import read_edges
    from app.exchange.errors import BadInput
    from app.services.actor import resolve_actor
    from app.services.dependency_import import import_edges

    try:
        edges = read_edges(Path(args.file))
    except BadInput as exc:
        if args.json:
            print(json.dumps({"errors": [str(p) for p in exc.problems]}, indent=2))
        raise _usage(str(exc)) from None
    with _open(args) as db:
        with db.transaction() as session:
            summary = import_edges(
                session,
                resolve_actor(session),
                edges,
                strict=args.strict,
                team=args.team,
                kind=args.kind,
            )
    data = {
        "created_components": summary.created_components,
        "created_edges": summary.created_edges,
        "existing_edges": summary.existing_edges,
        "duplicates": [
            {"line": ln, "caller": a, "callee": b, "first_line": first}
            for ln, a, b, first in summary.duplicates
        ],
        "self_dependencies": [{"line": ln, "name": n} for ln, n in summary.self_loops],
    }
    lines = [
        f"{args.file}: {summary.created_edges} dependencies imported, "
        f"{summary.existing_edges} already known, "
        f"{len(summary.created_components)} components created (team {summary.team})"
    ]
    lines += [
        f"  line {ln}: duplicate of line {first}: {a} -> {b}"
        for ln, a, b, first in summary.duplicates
    ]
    lines += [f"  line {ln}: {n} depends on itself; skipped" for ln, n in summary.self_loops]
    print(json.dumps(data, indent=2) if args.json else "\n".join(lines))
    return 0


def _order_inputs(session: Any, release: str | None) -> tuple[list[str], list[Any], dict[str, str]]:
    from app.planning.release_dependencies import nodes_of, ordering_edges
    from app.services import dependency_queries as dq

    if release is None:
        graph = dq.component_graph(session)
        return list(graph.teams), graph.edges, graph.teams
    try:
        snap = dq.release_snapshot(session, release)
    except LookupError as exc:
        raise _usage(f"--release: {exc.args[0]}") from None
    edges = ordering_edges(snap.workloads, snap.component_edges, snap.databases)
    teams = {}
    for item in snap.workloads:
        for name in nodes_of([item]):
            teams[name] = snap.teams[item.key]
    return nodes_of(snap.workloads), edges, teams


def cmd_order(args: argparse.Namespace) -> int:
    from app.planning.dependency_order import deployment_order

    with _open(args) as db:
        with db.read() as session:
            nodes, edges, _teams = _order_inputs(session, args.release)
    order = deployment_order(nodes, edges)
    if args.json:
        print(json.dumps(order.as_json(), indent=2))
    else:
        for i, stage in enumerate(order.stages, start=1):
            print(f"stage {i}: {', '.join(stage)}")
        for cycle in order.cycles:
            print(f"cycle (deploy together): {' <-> '.join(cycle)}")
    return 1 if order.cycles else 0


def cmd_matrix(args: argparse.Namespace) -> int:
    from app.exchange.matrix_files import write_matrix
    from app.planning.dsm import build_matrix

    target = Path(args.output)
    if target.suffix.lower() not in (".png", ".svg", ".xlsx"):
        raise _usage(f"{target}: choose a .png, .svg or .xlsx file")
    if not target.parent.resolve().is_dir():
        raise _usage(f"{target}: folder {target.parent} does not exist")
    with _open(args) as db:
        with db.read() as session:
            _nodes, edges, teams = _order_inputs(session, args.release)
    matrix = build_matrix(teams, edges)
    title = f"Release {args.release}" if args.release else "Component dependencies"
    tmp = target.with_name(f".{target.name}.partial{target.suffix}")
    try:
        write_matrix(matrix, tmp, title)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _usage(f"{target}: cannot write ({exc.strerror})") from None
    data = {
        "file": str(target),
        "items": len(matrix.names),
        "dependencies": len(matrix.cells),
        "cycles": [list(b.names) for b in matrix.blocks],
    }
    print(
        json.dumps(data, indent=2)
        if args.json
        else f"{target}: {len(matrix.names)} items, {len(matrix.cells)} dependencies, "
        f"{len(matrix.blocks)} cycles"
    )
    return 0
