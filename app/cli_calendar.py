"""`releasedesk export ical`, `import ical` and `calendar conflicts`.

The `export` and `import` groups are shared: other formats register their actions on the
parsers `register` returns.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from app.cli_deps import _open, _usage


def register(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> tuple[Any, Any]:
    """Adds the groups; returns the `export` and `import` action parsers for other formats."""
    export = sub.add_parser("export", help="write the plan to a file others can open")
    esub = export.add_subparsers(dest="export_command", metavar="FORMAT", required=True)
    ical = esub.add_parser("ical", help="the calendar as an iCalendar (.ics) file for Outlook")
    common(ical)
    _scope(ical)
    ical.add_argument("-o", "--output", required=True, metavar="FILE.ics")
    ical.set_defaults(func=cmd_export_ical)

    imp = sub.add_parser("import", help="bring data in from another tool's file")
    isub = imp.add_subparsers(dest="import_command", metavar="FORMAT", required=True)
    ical_in = isub.add_parser("ical", help="freezes or windows from an iCalendar (.ics) file")
    common(ical_in)
    ical_in.add_argument("file", metavar="FILE.ics")
    ical_in.add_argument("--as", dest="kind", choices=("freeze", "window"), default="freeze")
    ical_in.add_argument("--environment", metavar="ENV", help="the windows' environment")
    ical_in.add_argument("--soft", action="store_true", help="import freezes as soft (warn)")
    ical_in.set_defaults(func=cmd_import_ical)

    cal = sub.add_parser("calendar", help="scheduling conflicts on the calendar")
    csub = cal.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    conflicts = csub.add_parser("conflicts", help="every conflict in a range; exit 1 if any block")
    common(conflicts)
    conflicts.add_argument("--from", dest="start", metavar="DATE", help="default: today")
    conflicts.add_argument("--to", dest="end", metavar="DATE", help="default: 30 days on")
    conflicts.set_defaults(func=cmd_conflicts)
    plan = csub.add_parser("plan", help="plan a deployment, as long as history says")
    common(plan)
    plan.add_argument("--workload", required=True, metavar="KEY")
    plan.add_argument("--environment", required=True, metavar="ENV")
    plan.add_argument("--start", required=True, metavar="TIME", help="e.g. 2027-03-09T21:00Z")
    plan.add_argument("--owner", metavar="LOGIN", help="the deployment owner")
    plan.add_argument("--minutes", type=int, help="default: from planned-vs-actual history")
    plan.set_defaults(func=cmd_plan)
    durations = csub.add_parser("durations", help="planned vs actual rollout time, last year")
    common(durations)
    durations.add_argument("--by", choices=("team", "component"), default="team")
    durations.set_defaults(func=cmd_durations)
    return esub, isub


def _scope(p: argparse.ArgumentParser) -> None:
    p.add_argument("--team", metavar="T", help="only what this team is part of")
    p.add_argument("--train", metavar="N", help="only this release train")
    p.add_argument("--from", dest="start", metavar="DATE", help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last day, inclusive")


def _day(text: str | None, flag: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _usage(f"{flag}: {text!r} is not a date (YYYY-MM-DD)") from None


def _range(args: argparse.Namespace) -> tuple[datetime | None, datetime | None]:
    first, last = _day(args.start, "--from"), _day(args.end, "--to")
    if first and last and last < first:
        raise _usage(f"--to: {last} is before --from {first}")
    after = datetime.combine(first, time(), UTC) if first else None
    before = datetime.combine(last + timedelta(days=1), time(), UTC) if last else None
    return after, before


def cmd_export_ical(args: argparse.Namespace) -> int:
    from app.exchange.ical_export import write_calendar
    from app.services.calendar_exchange import ExportScope, calendar_events

    target = Path(args.output)
    if target.suffix.lower() != ".ics":
        raise _usage(f"{target}: an iCalendar file ends in .ics")
    after, before = _range(args)
    scope = ExportScope(team=args.team, train=args.train, after=after, before=before)
    with _open(args) as db:
        with db.read() as session:
            try:
                count = write_calendar(calendar_events(session, scope), scope.name(), target)
            except OSError as exc:
                raise _usage(f"{target}: cannot write: {exc.strerror or exc}") from None
    data = {"file": str(target), "events": count}
    print(json.dumps(data, indent=2) if args.json else f"{target}: {count} events")
    return 0


def cmd_import_ical(args: argparse.Namespace) -> int:
    from app.exchange.ical_import import read_calendar
    from app.services.actor import resolve_actor
    from app.services.calendar_exchange import import_events

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _usage(f"{path}: cannot read: {exc.strerror or exc}") from None
    events = read_calendar(data, str(path))
    if args.kind == "freeze" and args.environment:
        raise _usage("--environment: only windows belong to an environment (use --as window)")
    with _open(args) as db:
        with db.transaction() as session:
            summary = import_events(
                session,
                resolve_actor(session),
                events,
                source=str(path),
                kind=args.kind,
                environment=args.environment,
                hard=not args.soft,
            )
    result = summary.as_json()
    text = (
        f"{path}: {summary.created} created, {summary.updated} updated, "
        f"{summary.unchanged} unchanged ({args.kind}s)"
    )
    print(json.dumps(result, indent=2) if args.json else text)
    return 0


def cmd_conflicts(args: argparse.Namespace) -> int:
    from app.services.calendar_queries import load_calendar

    after, before = _range(args)
    after = after or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    before = before or after + timedelta(days=30)
    with _open(args) as db:
        with db.read() as session:
            plan = load_calendar(session, after, before)
    conflicts = plan.data.conflicts
    blocking = [c for c in conflicts if c.severity == "blocking"]
    if args.json:
        rows = [
            {
                "kind": c.kind,
                "severity": c.severity,
                "subject": c.subject,
                "label": c.label,
                "reason": c.reason,
                "start": c.start.isoformat(),
                "end": c.end.isoformat(),
                "next_free": c.next_free.isoformat() if c.next_free else None,
            }
            for c in conflicts
        ]
        print(json.dumps({"from": after.isoformat(), "to": before.isoformat(),
                          "conflicts": rows}, indent=2))  # fmt: skip
    else:
        for c in conflicts:
            free = f" (next free: {c.next_free:%Y-%m-%d %H:%M} UTC)" if c.next_free else ""
            print(f"{c.severity:8} {c.reason}{free}")
        print(f"{len(conflicts)} conflicts, {len(blocking)} blocking", file=sys.stderr)
    return 1 if blocking else 0


def cmd_durations(args: argparse.Namespace) -> int:
    from app.services.deployments import variance_report

    with _open(args) as db:
        with db.read() as session:
            teams, components = variance_report(session, datetime.now(UTC))
    report = teams if args.by == "team" else components
    rows = [
        {
            args.by: name,
            "count": v.count,
            "median_planned": round(v.median_planned, 1),
            "median_actual": round(v.median_actual, 1),
            "median_overrun": round(v.median_overrun, 1),
            "p80_overrun": round(v.p80_overrun, 1),
        }
        for name, v in sorted(report.items())
    ]
    if args.json:
        print(json.dumps({"by": args.by, "minutes": rows}, indent=2))
        return 0
    print(f"{args.by:<28} {'count':>6} {'planned':>8} {'actual':>8} {'overrun':>8} {'p80':>8}")
    for r in rows:
        print(
            f"{r[args.by]:<28} {r['count']:>6} {r['median_planned']:>8} {r['median_actual']:>8} "
            f"{r['median_overrun']:>+8} {r['p80_overrun']:>+8}"
        )
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from app.services.actor import resolve_actor
    from app.services.deployments import plan_deployment

    try:
        start = datetime.fromisoformat(args.start.replace("Z", "+00:00"))
    except ValueError:
        raise _usage(f"--start: {args.start!r} is not a date and time") from None
    if start.tzinfo is None:
        raise _usage(f"--start: {args.start!r} has no zone (add Z or an offset)")
    if args.minutes is not None and args.minutes < 1:
        raise _usage(f"--minutes: must be at least 1, not {args.minutes}")
    with _open(args) as db:
        with db.transaction() as session:
            dep, basis = plan_deployment(
                session,
                resolve_actor(session),
                args.workload,
                args.environment,
                start,
                owner=args.owner,
                minutes=args.minutes,
            )
            data = {
                "deployment": str(dep.uuid),
                "workload": args.workload,
                "environment": args.environment,
                "planned_start": dep.planned_start.isoformat(),
                "planned_end": dep.planned_end.isoformat(),
                "basis": basis,
            }
    text = (
        f"{args.workload} → {args.environment}: {data['planned_start']} – "
        f"{data['planned_end']} ({basis})"
    )
    print(json.dumps(data, indent=2) if args.json else text)
    return 0
