"""`releasedesk runbook`, `triggers`, `gate` and `rollback`: risk and rollback, headless.

`gate check` and `triggers evaluate` are built to be pipeline steps: exit 0 when the
workload may go on, 1 when it may not (a gate is missing, a trigger fired), 2 on bad input.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from app.cli_deps import _open, _usage


def register(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    rb = sub.add_parser("runbook", help="rollback runbooks: export, versions")
    rsub = rb.add_subparsers(dest="runbook_command", metavar="ACTION", required=True)
    export = rsub.add_parser("export", help="the runbook laid out to be followed on paper")
    common(export)
    _subject(export)
    export.add_argument("--format", choices=("md", "pdf"), required=True)
    export.add_argument("--version", type=int, metavar="N", help="an earlier version")
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    export.set_defaults(func=cmd_export)
    lst = rsub.add_parser("list", help="every runbook with its version and sign-off state")
    common(lst)
    lst.set_defaults(func=cmd_list)
    diff = rsub.add_parser("diff", help="what changed between two versions of a runbook")
    common(diff)
    _subject(diff)
    diff.add_argument("old", type=int, metavar="FROM")
    diff.add_argument("new", type=int, nargs="?", metavar="TO", help="default: the current")
    diff.set_defaults(func=cmd_diff)

    trig = sub.add_parser("triggers", help="rollback triggers against a metrics time series")
    tsub = trig.add_subparsers(dest="triggers_command", metavar="ACTION", required=True)
    ev = tsub.add_parser("evaluate", help="would the triggers have fired? exit 1 if any did")
    common(ev)
    _subject(ev)
    ev.add_argument("--metrics", required=True, metavar="FILE.csv", type=Path)
    ev.set_defaults(func=cmd_evaluate)

    gate = sub.add_parser("gate", help="promotion gates and their evidence")
    gsub = gate.add_subparsers(dest="gate_command", metavar="ACTION", required=True)
    chk = gsub.add_parser(
        "check", help="may the workload be promoted? exit 1 naming what is missing"
    )
    common(chk)
    chk.add_argument("--workload", required=True, metavar="KEY")
    chk.add_argument("--environment", required=True, metavar="ENV")
    chk.add_argument("--wave", metavar="NAME|N", help="the rollout wave (default: the first)")
    chk.add_argument("--artifact", metavar="DIGEST", help="count only this build's evidence")
    chk.set_defaults(func=cmd_gate_check)
    rec = gsub.add_parser("record", help="record a piece of gate evidence")
    common(rec)
    rec.add_argument("--workload", required=True, metavar="KEY")
    rec.add_argument(
        "--kind", required=True, choices=("tests", "peer_review", "restore", "chaos", "canary")
    )
    rec.add_argument("--result", required=True, choices=("pass", "fail"))
    rec.add_argument("--environment", metavar="ENV")
    rec.add_argument("--at", metavar="ISO-8601", help="when it was performed (default: now)")
    rec.add_argument("--by", metavar="LOGIN", help="who performed it (default: you)")
    rec.add_argument("--restore-minutes", type=int, metavar="N")
    rec.add_argument("--score", type=float, metavar="0-100")
    rec.add_argument("--figure", action="append", default=[], metavar="NAME=VALUE")
    rec.add_argument("--summary", default="", metavar="TEXT")
    rec.add_argument("--artifact", metavar="DIGEST")
    rec.set_defaults(func=cmd_gate_record)

    rbk = sub.add_parser("rollback", help="the rollback decision log")
    bsub = rbk.add_subparsers(dest="rollback_command", metavar="ACTION", required=True)
    log = bsub.add_parser("log", help="rollback, roll-forward and hold decisions, newest first")
    common(log)
    log.add_argument("--decision", choices=("rollback", "roll_forward", "hold"))
    log.add_argument("--workload", metavar="KEY")
    log.add_argument("--limit", type=int, default=200, metavar="N")
    log.set_defaults(func=cmd_rollback_log)
    dec = bsub.add_parser("record", help="record a decision taken during a deployment")
    common(dec)
    dec.add_argument("--deployment", required=True, metavar="UUID")
    dec.add_argument("--decision", required=True, choices=("rollback", "roll_forward", "hold"))
    dec.add_argument("--reason", required=True)
    dec.add_argument("--trigger", metavar="TEXT", help="the trigger that fired (default: manual)")
    dec.add_argument("--observed", type=float, metavar="VALUE")
    dec.add_argument("--unit", default="", metavar="UNIT")
    dec.add_argument("--at", metavar="ISO-8601")
    dec.set_defaults(func=cmd_rollback_record)


def _subject(p: argparse.ArgumentParser) -> None:
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--workload", metavar="KEY")
    who.add_argument("--component", metavar="NAME")


def _when(text: str | None, flag: str) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _usage(f"{flag}: {text!r} is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        raise _usage(f"{flag}: {text!r} has no time zone (add Z or +01:00)")
    return moment


def _find(session: Any, args: argparse.Namespace) -> str:
    from app.services.runbook_queries import find_runbook

    try:
        found = find_runbook(session, workload=args.workload, component=args.component)
    except LookupError as exc:
        raise _usage(f"--workload: {exc}") from None
    if found is None:
        what = f"workload {args.workload}" if args.workload else f"component {args.component}"
        raise _usage(f"{what} has no runbook (nor a component template to rely on)")
    return found


def cmd_export(args: argparse.Namespace) -> int:
    from app.cli import _out
    from app.exchange.runbook_markdown import to_markdown
    from app.exchange.runbook_pdf import write_pdf
    from app.services.runbook_queries import body_at, load, people_names

    out = Path(args.output)
    if not out.parent.exists():
        raise _usage(f"-o: folder {out.parent} does not exist")
    with _open(args) as db, db.read() as session:
        doc = load(session, _find(session, args))
        body = doc.body
        status = doc.status
        if args.version is not None and args.version != doc.revision:
            try:
                body = body_at(session, doc.uuid, args.version)
            except LookupError as exc:
                raise _usage(f"--version: {exc}") from None
            status = f"superseded by version {doc.revision}"
        people = people_names(session, {s.owner for s in body.steps if not s.owner_is_role})
    version = args.version or doc.revision
    lines = [s.line for s in doc.sign_offs] if version == doc.revision else []
    kw: dict[str, Any] = {
        "subject": doc.heading,
        "revision": version,
        "status": status,
        "approvals": lines,
        "people": people,
    }
    if args.format == "md":
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(to_markdown(body, **kw), encoding="utf-8")
        tmp.replace(out)
    else:
        write_pdf(out, body, **kw)
    data = {"runbook": body.title, "version": version, "format": args.format, "file": str(out)}
    _out(args, data, f"{body.title} v{version} ({status}) -> {out}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from app.cli import _out
    from app.services.runbook_queries import list_runbooks

    with _open(args) as db, db.read() as session:
        rows = list_runbooks(session)
    data = [
        {
            "runbook": r.title,
            "subject": f"{r.subject_kind} {r.subject}",
            "version": r.revision,
            "approved": r.approved,
            "steps": r.steps,
            "minutes": r.minutes,
            "triggers": r.triggers,
        }
        for r in rows
    ]
    text = "\n".join(
        f"{'approved' if r.approved else 'unsigned':<9} v{r.revision:<3} "
        f"{r.subject_kind:<9} {r.subject:<28} {r.title}"
        for r in rows
    )
    _out(args, data, text or "no runbooks")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from app.cli import _out
    from app.runbooks.diff import diff, render
    from app.services.runbook_queries import body_at, load

    with _open(args) as db, db.read() as session:
        doc = load(session, _find(session, args))
        new = args.new or doc.revision
        try:
            before, after = body_at(session, doc.uuid, args.old), body_at(session, doc.uuid, new)
        except LookupError as exc:
            raise _usage(str(exc)) from None
    changes = diff(before, after)
    data = {
        "runbook": doc.body.title,
        "from": args.old,
        "to": new,
        "changes": [
            {
                "kind": c.kind,
                "subject": c.subject,
                "field": c.field,
                "before": c.before,
                "after": c.after,
            }
            for c in changes
        ],
    }
    _out(args, data, f"{doc.body.title}: version {args.old} → {new}\n{render(changes)}")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from app.cli import _out
    from app.exchange.metrics_csv import read_metrics
    from app.runbooks.body import CUSTOM, METRIC_UNITS
    from app.runbooks.triggers import evaluate
    from app.services.runbook_queries import load

    if not args.metrics.is_file():
        raise _usage(f"--metrics: no file {args.metrics}")
    with _open(args) as db, db.read() as session:
        doc = load(session, _find(session, args))
    triggers = doc.body.triggers
    if not triggers:
        raise _usage(f"runbook '{doc.body.title}' has no rollback triggers to evaluate")
    known = dict(METRIC_UNITS)
    known.update({t.custom_name: t.unit for t in triggers if t.metric == CUSTOM})
    samples = read_metrics(args.metrics, known)
    outcomes = evaluate(triggers, samples)
    fired = [o for o in outcomes if o.fired]
    data = {"runbook": doc.body.title, "version": doc.revision}
    data["triggers"] = [o.to_json() for o in outcomes]
    lines = [f"{doc.body.title} v{doc.revision}: {len(samples)} samples"]
    for o in outcomes:
        state = f"FIRED at {o.at.isoformat()}" if o.fired and o.at else "did not fire"
        peak = max((x.value for x in o.observed), default=None)
        seen = f" (worst window {peak:g} {o.trigger.unit})" if peak is not None else " (no data)"
        lines.append(f"  {o.trigger.describe()}: {state}{seen}")
    _out(args, data, "\n".join(lines))
    return 1 if fired else 0


def cmd_gate_check(args: argparse.Namespace) -> int:
    from app.cli import _out
    from app.services.gates import check_gate

    with _open(args) as db, db.read() as session:
        report = check_gate(
            session, args.workload, args.environment, wave=args.wave, artifact=args.artifact
        )
    v = report.verdict
    where = report.environment + (f", wave '{report.wave}'" if report.wave else "")
    if v.allowed:
        text = f"{report.workload} may be promoted to {where}"
    else:
        text = f"{report.workload} may NOT be promoted to {where}:\n" + "\n".join(
            f"  - {m}" for m in v.missing
        )
    _out(args, report.to_json(), text)
    return 0 if v.allowed else 1


def cmd_gate_record(args: argparse.Namespace) -> int:
    from app.cli import _out
    from app.services.actor import resolve_actor
    from app.services.gates import record_evidence

    figures: dict[str, float] = {}
    for item in args.figure:
        name, _, value = item.partition("=")
        try:
            figures[name.strip()] = float(value)
        except ValueError:
            raise _usage(f"--figure: {item!r} is not NAME=NUMBER") from None
        if not name.strip():
            raise _usage(f"--figure: {item!r} has no name")
    with _open(args) as db, db.transaction() as session:
        row = record_evidence(
            session,
            resolve_actor(session),
            workload=args.workload,
            kind=args.kind,
            passed=args.result == "pass",
            environment=args.environment,
            performed_at=_when(args.at, "--at"),
            performed_by=args.by,
            restore_minutes=args.restore_minutes,
            score=args.score,
            figures=figures or None,
            summary=args.summary,
            artifact=args.artifact,
        )
        uuid = str(row.uuid)
    data = {"evidence": uuid, "workload": args.workload, "kind": args.kind, "result": args.result}
    _out(args, data, f"recorded {args.kind} {args.result} for {args.workload} ({uuid})")
    return 0


def cmd_rollback_log(args: argparse.Namespace) -> int:
    from app.cli import _out
    from app.services.rollback_decisions import list_decisions

    with _open(args) as db, db.read() as session:
        rows = list_decisions(
            session, decision=args.decision, workload=args.workload, limit=args.limit
        )
    data = [
        {
            "decided_at": r.decided_at.isoformat(),
            "decision": r.decision,
            "deployment": r.deployment_uuid,
            "workload": r.workload,
            "environment": r.environment,
            "trigger": r.trigger,
            "observed": r.observed,
            "decided_by": r.decided_by,
            "reason": r.reason,
        }
        for r in rows
    ]
    text = "\n".join(
        f"{r.decided_at:%Y-%m-%d %H:%M} {r.decision:<12} {r.workload:<12} {r.environment:<11} "
        f"{r.trigger} {r.observed}  — {r.decided_by}: {r.reason}"
        for r in rows
    )
    _out(args, data, text or "no rollback decisions")
    return 0


def cmd_rollback_record(args: argparse.Namespace) -> int:
    from app.cli import _out
    from app.services.actor import resolve_actor
    from app.services.rollback_decisions import record_decision

    with _open(args) as db, db.transaction() as session:
        row = record_decision(
            session,
            resolve_actor(session),
            args.deployment,
            args.decision,
            args.reason,
            trigger=args.trigger,
            observed_value=args.observed,
            observed_unit=args.unit,
            decided_at=_when(args.at, "--at"),
        )
        uuid = str(row.uuid)
    _out(args, {"decision": uuid}, f"recorded {args.decision} ({uuid})")
    return 0
