"""`releasedesk plan show`, `plan auto` and `plan deferrals`: the capacity plan, headless.

Releases and teams are named by name, workloads by key, in every output.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from app.cli_deps import _open, _usage


def register(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    plan = sub.add_parser("plan", help="capacity per team and release; the auto-planner")
    psub = plan.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    show = psub.add_parser("show", help="capacity vs committed per team; exit 1 if over")
    common(show)
    show.add_argument("--release", required=True, metavar="R", help="the release's name")
    show.set_defaults(func=cmd_show)
    auto = psub.add_parser("auto", help="fill the upcoming releases by WSJF within capacity")
    common(auto)
    auto.add_argument("--releases", type=int, metavar="N", help="per train (default: policy)")
    auto.add_argument("--apply", action="store_true", help="apply the proposal (one step)")
    auto.set_defaults(func=cmd_auto)
    again = psub.add_parser("reassess", help="re-run the risk rules over all open work")
    common(again)
    again.add_argument("--apply", action="store_true", help="write the new tiers (one step)")
    again.set_defaults(func=cmd_reassess)
    defer = psub.add_parser("deferrals", help="the deferred-work report (backlog health)")
    common(defer)
    defer.add_argument("--releases-back", type=int, default=12, metavar="N")
    defer.set_defaults(func=cmd_deferrals)


def cmd_show(args: argparse.Namespace) -> int:
    from app.services.capacity_report import release_plan

    with _open(args) as db, db.read() as session:
        plan = release_plan(session, args.release)
    if plan is None:
        raise _usage(f"--release: no release named {args.release!r}")
    over = [t for t in plan["teams"] if t["over"]]
    if args.json:
        print(json.dumps(plan, indent=2))
    else:
        print(f"{plan['release']} ({plan['starts']}): {plan['committed']} points committed")
        for t in plan["teams"]:
            limit = "-" if t["capacity"] is None else t["capacity"]
            flag = f"  OVER by {t['over']}" if t["over"] else ""
            print(f"  {t['team']:<24} {t['committed']:>4} / {limit:<4} {t['basis']}{flag}")
    return 1 if over else 0


def cmd_auto(args: argparse.Namespace) -> int:
    from app.planning.autoplan import auto_plan
    from app.services.actor import resolve_actor
    from app.services.capacity_plan import apply_proposal
    from app.services.capacity_queries import load_snapshot, release_names

    if args.releases is not None and args.releases < 1:
        raise _usage("--releases: must be 1 or more")
    with _open(args) as db:
        with db.transaction() if args.apply else db.read() as session:
            snapshot = load_snapshot(session, releases=args.releases)
            proposal = auto_plan(snapshot)
            earlier = {p.moved_from for p in proposal.placements}
            earlier |= {d.moved_from for d in proposal.deferrals}
            names = release_names(session, {i for i in earlier if i is not None})
            if args.apply:
                applied = apply_proposal(session, resolve_actor(session), proposal)
    teams = {t.id: t.name for t in snapshot.teams}
    releases = {r.id: r.name for r in snapshot.releases}
    data: dict[str, Any] = {
        "releases": [r.name for r in snapshot.releases],
        "placements": [
            {
                "workload": p.key,
                "team": teams[p.team],
                "release": releases[p.release],
                "size": p.size,
                "wsjf": p.wsjf,
                "reason": p.reason,
                "from": names.get(p.moved_from),
            }  # fmt: skip
            for p in proposal.placements
        ],
        "deferrals": [
            {
                "workload": d.key,
                "team": teams[d.team],
                "reason": d.reason,
                "from": names.get(d.moved_from),
            }  # fmt: skip
            for d in proposal.deferrals
        ],
        "overcommitted": [
            {
                "team": teams[x.team],
                "release": releases[x.release],
                "committed": x.committed,
                "capacity": x.limit,
            }  # fmt: skip
            for x in proposal.loads
            if x.over
        ],
        "applied": bool(args.apply),
    }
    if args.apply:
        data["moved"] = len(applied.moves)
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        for p in data["placements"]:
            print(f"place {p['workload']:<12} → {p['release']:<12} {p['reason']}")
        for d in data["deferrals"]:
            print(f"defer {d['workload']:<12} {d['reason']}")
        verb = "applied" if args.apply else "proposed (add --apply to apply)"
        print(f"{len(data['placements'])} placements, {len(data['deferrals'])} deferrals {verb}")
    return 0


def cmd_reassess(args: argparse.Namespace) -> int:
    from app.services.actor import resolve_actor
    from app.services.risk_reassess import reassess

    with _open(args) as db:
        with db.transaction() if args.apply else db.read() as session:
            changes = reassess(session, resolve_actor(session), apply=args.apply)
    data = {
        "changed": [
            {"workload": c.workload, "from": c.before, "to": c.after, "reasons": list(c.reasons)}
            for c in changes
        ],
        "applied": bool(args.apply),
    }
    if args.json:
        print(json.dumps(data, indent=2))
        return 0
    for c in changes:
        print(f"{c.workload:<12} {c.before:>6} → {c.after:<6} {'; '.join(c.reasons)}")
    verb = "re-assessed" if args.apply else "would change (add --apply to write them)"
    print(f"{len(changes)} tiers {verb}")
    return 0


def cmd_deferrals(args: argparse.Namespace) -> int:
    from app.planning.deferral_report import health_sentence, report
    from app.services.capacity_queries import deferral_slips

    if args.releases_back < 1:
        raise _usage("--releases-back: must be 1 or more")
    with _open(args) as db, db.read() as session:
        slips = deferral_slips(session, args.releases_back)
    rep = report(slips, datetime.now(UTC))
    if args.json:
        print(json.dumps(dataclasses.asdict(rep), indent=2, default=str))
        return 0
    print(health_sentence(rep))
    print(f"  {'team':<24} {'slips':>5} {'work':>5} {'repeat':>6}  most slipped      median age")
    for row in rep.by_team:
        most = f"{row.most_key} ×{row.most_slips}" if row.most_key else "-"
        age = "-" if row.median_age_days is None else f"{row.median_age_days:.0f} d"
        print(f"  {row.team:<24} {row.slips:>5} {row.workloads:>5} {row.repeat:>6}  "
              f"{most:<17} {age}")  # fmt: skip
    for reason in rep.reasons[:5]:
        print(f"  {reason.count:>4} × {reason.reason}")
    return 0
