"""`releasedesk import workloads FILE.(xlsx|csv) [--apply] [--team NAME] [--json]`.

Without --apply it previews: what would be created, what updated (with the fields), every
invalid row with its row number, column and reason. With --apply it imports everything or
nothing in one audited transaction. Exit 0 when every row is valid, 1 when any is not
(nothing written), 2 when the file cannot be read at all.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli_deps import _open
from app.exchange.workload_columns import WORKLOAD_COLUMNS

if TYPE_CHECKING:
    from app.services.workload_import import ImportPlan

LABELS = {c.field: c.header for c in WORKLOAD_COLUMNS if c.field}
SHOWN = 200
"""Rows listed per section in the text preview; --json always lists all."""


def register(isub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Adds `workloads` to the `import` group's subparsers."""
    p = isub.add_parser(
        "workloads",
        help="create and update workloads from a sheet (.xlsx or .csv): preview, or --apply",
    )
    common(p)
    p.add_argument("file", metavar="FILE.(xlsx|csv)")
    p.add_argument(
        "--apply",
        action="store_true",
        help="import everything or nothing (when any row is invalid: exit 1, nothing written)",
    )
    p.add_argument(
        "--team",
        metavar="NAME",
        default=None,
        help="team of new workloads whose row names none (a tracker's file without a team)",
    )
    p.set_defaults(func=cmd_import_workloads)


def cmd_import_workloads(args: argparse.Namespace) -> int:
    from app.exchange.errors import BadInput
    from app.exchange.workload_sheet import read_sheet
    from app.services.actor import resolve_actor
    from app.services.workload_import import apply_import, plan_import

    path = Path(args.file)
    try:
        sheet = read_sheet(path)
    except BadInput as exc:
        if args.json:
            errors = [{"row": p.line, "column": p.field, "reason": str(p)} for p in exc.problems]
            print(json.dumps({"create": [], "update": [], "errors": errors}, indent=2))
        raise
    with _open(args) as db:
        if not args.apply:
            with db.read() as session:
                plan = plan_import(session, sheet, default_team=args.team)
            _print(args, plan, applied=False)
            return 1 if plan.errors else 0
        with db.transaction() as session:
            plan = plan_import(session, sheet, default_team=args.team)
            if plan.errors:
                _print(args, plan, applied=False)
                return 1
            apply_import(session, resolve_actor(session), plan)
    _print(args, plan, applied=True)
    return 0


def _print(args: argparse.Namespace, plan: ImportPlan, *, applied: bool) -> None:
    if args.json:  # applied or not, the exit code says
        print(json.dumps(plan.as_json(), indent=2, default=str))
    else:
        print(render(plan, applied=applied))


def render(plan: ImportPlan, *, applied: bool = False) -> str:
    """The preview (or the result) in words, one line per row."""
    name = plan.sheet.source
    counts = (
        f"{len(plan.create)} to create, {len(plan.update)} to update, "
        f"{plan.unchanged} unchanged, {len(plan.errors)} problems"
    )
    if applied:
        counts = (
            f"imported: {len(plan.create)} created, {len(plan.update)} updated, "
            f"{plan.unchanged} unchanged"
        )
    elif plan.errors:
        counts += " — nothing can be imported until they are fixed"
    lines = [f"{name}: {counts}"]
    lines += _section("create", [f"row {p.row}: {p.key}" for p in plan.create])
    lines += _section(
        "update",
        [
            f"row {p.row}: {p.key}: {', '.join(LABELS.get(f, f) for f in p.changed_fields)}"
            for p in plan.update
        ],
    )
    lines += _section("problems", [str(e) for e in plan.errors])
    lines += _section("notes", list(plan.notes))
    return "\n".join(lines)


def _section(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    more = [f"  … and {len(items) - SHOWN} more (--json lists all)"] if len(items) > SHOWN else []
    return [f"{title}:"] + [f"  {item}" for item in items[:SHOWN]] + more
