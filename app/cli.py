"""The headless command line. Never imports Qt; `ui.launcher` hands it every subcommand but gui.

Conventions: `--db URL` everywhere (default `RELEASEDESK_DB` or the user's data file),
human output or `--json`, exit 0 on success, 1 when a check fails, 2 on bad usage or input
with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app import __version__
from app.cli_calendar import register as register_calendar
from app.cli_deps import register as register_deps
from app.cli_export_xlsx import register as register_export_xlsx
from app.cli_import_workloads import register as register_import_workloads
from app.cli_plan import register as register_plan
from app.cli_runbooks import register as register_runbooks
from app.db import Database, DatabaseError, migrate, open_database
from app.db.engine import connect
from app.db.url import default_location
from app.exchange.errors import BadInput
from app.services.errors import ServiceError

VIEWS = (
    "workloads",
    "teams",
    "components",
    "calendar",
    "capacity",
    "matrix",
    "runbooks",
    "governance",
    "metrics",
)


class UsageError(Exception):
    """Bad input: reported in one line, exit code 2."""


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="URL",
        default=None,
        help="SQLite file or postgresql://user@host:port/db (default: $RELEASEDESK_DB "
        "or the file in your data directory)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="releasedesk",
        description="Plan what ships in which release, when, in what order, by whom, "
        "with what risk. Without a subcommand the application window opens.",
    )
    parser.add_argument("--version", action="version", version=f"releasedesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the application window")
    gui.add_argument("--db", metavar="URL", default=None, help="database to open")
    gui.add_argument("--view", choices=VIEWS, default=None, help="screen to show first")
    gui.add_argument(
        "--screenshot",
        metavar="FILE.png",
        default=None,
        help="render the window, save it as PNG and exit",
    )
    gui.add_argument(
        "--presentation",
        action="store_true",
        help="start in presentation mode (full screen, large type)",
    )

    demo = sub.add_parser("demo", help="create a database filled with realistic demo data")
    _common(demo)
    demo.add_argument("--scale", choices=("small", "large"), default="small")
    demo.add_argument("--seed", type=int, default=7, help="same seed, same data (default 7)")
    demo.set_defaults(func=cmd_demo)

    dbp = sub.add_parser("db", help="database administration: status, upgrade, backup")
    dbsub = dbp.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    status = dbsub.add_parser("status", help="where the database is and its schema revision")
    _common(status)
    status.set_defaults(func=cmd_db_status)
    upgrade = dbsub.add_parser("upgrade", help="create or upgrade the schema to this version")
    _common(upgrade)
    upgrade.set_defaults(func=cmd_db_upgrade)
    backup = dbsub.add_parser("backup", help="copy a SQLite database safely, even while in use")
    _common(backup)
    backup.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=None,
        help="backup file (default: beside the database, time-stamped)",
    )
    backup.set_defaults(func=cmd_db_backup)

    audit = sub.add_parser("audit", help="the tamper-evident audit trail")
    asub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = asub.add_parser("verify", help="re-walk the hash chain; exit 1 if anything changed")
    _common(verify)
    verify.set_defaults(func=cmd_audit_verify)
    log = asub.add_parser("log", help="the latest audit events")
    _common(log)
    log.add_argument("--limit", type=int, default=20)
    log.set_defaults(func=cmd_audit_log)

    register_deps(sub, _common)
    esub, isub = register_calendar(sub, _common)
    register_export_xlsx(esub, _common)
    register_import_workloads(isub, _common)
    register_plan(sub, _common)
    register_runbooks(sub, _common)

    who = sub.add_parser("whoami", help="who you act as on this database, with which roles")
    _common(who)
    who.set_defaults(func=cmd_whoami)
    return parser


def _out(args: argparse.Namespace, data: Any, text: str) -> None:
    print(json.dumps(data, indent=2, default=str) if args.json else text)


def _open(args: argparse.Namespace, **kw: Any) -> Database:
    return open_database(args.db or default_location(), **kw)


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo import generate

    last = [-1]

    def progress(stage: str, fraction: float) -> None:
        pct = int(fraction * 100)
        if not args.json and pct // 10 != last[0]:
            last[0] = pct // 10
            print(f"  {pct:3d}%  {stage}", file=sys.stderr)

    with _open(args, create=True) as db:
        try:
            counts = generate(db, scale=args.scale, seed=args.seed, progress=progress)
        except ValueError as exc:
            raise UsageError(f"{db.location.display()}: {exc}") from None
    lines = [f"demo data ({args.scale}, seed {args.seed}) in {db.location.display()}:"]
    lines += [f"  {name:<24} {count:>9,}" for name, count in counts.items()]
    _out(args, {"database": db.location.display(), "counts": counts}, "\n".join(lines))
    return 0


def cmd_db_status(args: argparse.Namespace) -> int:
    with connect(args.db or default_location()) as db:
        current = db.schema_revision()
    head = migrate.head_revision()
    if current is None:
        state = "empty: run `releasedesk db upgrade` to create the schema"
    elif current == head:
        state = "up to date"
    elif current in migrate.known_revisions():
        state = "outdated: run `releasedesk db upgrade`"
    else:
        state = "newer than this client: update ReleaseDesk"
    data = {
        "database": db.location.display(),
        "backend": db.dialect,
        "revision": current,
        "head": head,
        "state": state,
    }
    _out(args, data, "\n".join(f"{k:<9} {v}" for k, v in data.items()))
    return 0 if current == head else 1


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    with connect(args.db or default_location(), create=True) as db:
        current = db.schema_revision()
        if current is not None and current not in migrate.known_revisions():
            raise DatabaseError(
                f"{db.location.display()}: schema {current} is newer than this client"
            )
        backup = None
        if current is not None and current != migrate.head_revision() and db.location.is_sqlite:
            backup = migrate.backup(db)
        before, after = migrate.upgrade(db)
    data = {"database": db.location.display(), "from": before, "to": after, "backup": backup}
    text = (
        f"{db.location.display()}: schema already at {after}"
        if before == after
        else f"{db.location.display()}: schema {before or 'none'} -> {after}"
        + (f" (backup: {backup})" if backup else "")
    )
    _out(args, data, text)
    return 0


def cmd_db_backup(args: argparse.Namespace) -> int:
    with _open(args) as db:
        target = migrate.backup(db, Path(args.output).resolve() if args.output else None)
    _out(args, {"database": db.location.display(), "backup": str(target)}, f"backup: {target}")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from app.services import audit

    with _open(args) as db:
        with db.read() as session:
            result = audit.verify(session)
    data = {
        "ok": result.ok,
        "checked": result.checked,
        "broken_event": result.broken_seq,
        "reason": result.reason,
    }
    if result.ok:
        text = f"audit trail intact: {result.checked:,} events verified"
    else:
        text = f"audit trail BROKEN at event {result.broken_seq}: {result.reason}"
    _out(args, data, text)
    return 0 if result.ok else 1


def cmd_audit_log(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.domain import AuditEvent

    if args.limit < 1:
        raise UsageError(f"--limit: must be at least 1, not {args.limit}")
    with _open(args) as db:
        with db.read() as session:
            events = session.scalars(
                select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(args.limit)
            ).all()
    events = list(reversed(events))
    rows = [
        {
            "seq": e.seq,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "entity_type": e.entity_type,
            "entity_uuid": e.entity_uuid,
        }
        for e in events
    ]
    text = "\n".join(
        f"{e.seq:>6}  {e.at:%Y-%m-%d %H:%M:%S}  {e.actor:<14} {e.action:<8} "
        f"{e.entity_type} {e.entity_uuid}"
        for e in events
    )
    _out(args, rows, text or "no audit events")
    return 0


def cmd_whoami(args: argparse.Namespace) -> int:
    from app.services.actor import resolve_actor

    with _open(args) as db:
        with db.read() as session:
            actor = resolve_actor(session)
    data = {
        "login": actor.login,
        "name": actor.name,
        "roles": sorted(actor.roles),
        "known": actor.person_id is not None,
    }
    suffix = "" if actor.person_id else " (unknown login: read-only viewer)"
    _out(args, data, f"{actor.label}: {', '.join(sorted(actor.roles))}{suffix}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "gui":
        print("releasedesk: the window opens from `releasedesk gui`", file=sys.stderr)
        return 2
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (DatabaseError, ServiceError, UsageError, BadInput) as exc:
        print(f"releasedesk: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("releasedesk: interrupted; nothing was committed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
