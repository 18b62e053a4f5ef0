"""Rollback runbooks, gate evidence and rollback decisions for the demo, in every state.

Most production components get a template runbook with triggers; some are approved by
operations and security, some were edited after approval (their sign-offs void), some wait
for security, some were never sent for sign-off. Risky upcoming work gets its own runbook
started from a template. Upcoming work in the next two releases carries gate evidence
(test runs, restores, some stale or failed, chaos experiments, canaries, peer reviews), and
every failed production rollout has the rollback or roll-forward call that followed it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from app.demo.runbook_steps import (
    BY_KIND,
    CLOSING,
    OPENING,
    SUMMARIES,
    WORKLOAD_STEP,
    StepText,
)
from app.demo.world import ComponentRec, Uuids, WorkloadRec, World, entity
from app.domain.enums import ApprovalState, DeploymentResult, Role, RollbackChoice, WorkloadStatus
from app.policy.gates import EvidenceKind
from app.runbooks.body import PRESETS, RunbookBody, Step, Trigger

TEMPLATE_SHARE = 0.85
"""Share of services, databases and web front ends with a template runbook."""
WORKLOAD_SHARE = 0.35
"""Share of upcoming high-risk work with a runbook of its own."""
TRIGGERS_BY_KIND = {
    "service": ("Error rate above 1 % over 5 minutes", "p99 latency above 500 ms"),
    "database": ("Saturation above 90 % over 10 minutes",),
    "web": ("Availability below 99.9 % over 5 minutes", "Error rate above 1 % over 5 minutes"),
    "infrastructure": ("Saturation above 90 % over 10 minutes",),
}
REPLICATION_LAG = Trigger("", "custom", ">", 30.0, "s", 5, 2, custom_name="replication_lag")
ROLLBACK_REASONS = (
    "Error rate kept climbing after the canary; rolled back before the second wave.",
    "Checkout failures reported by support within minutes; no quick fix in sight.",
    "Latency doubled on the hot path; previous version known good.",
    "Migration locked a large table; rolled back to release the lock.",
)
FORWARD_REASONS = (
    "Root cause found (missing config key); a one-line fix is faster than a rollback.",
    "Rollback would lose writes already made in the new schema; fixing forward.",
    "Only the admin screens affected; hotfix within the hour.",
)
HOLD_REASONS = (
    "Spike coincides with a partner outage; holding the rollout until it is clear.",
    "Holding the second wave while the canary error budget is checked.",
)


@dataclass
class Rows:
    runbooks: list[dict[str, Any]] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    approvals: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)


class Runbooks:
    def __init__(self, world: World) -> None:
        self.world = world
        self.rng = world.rng("runbooks")
        self.uuids = Uuids(world.rng("runbook-uuids"))
        self.rows = Rows()
        self.ops = world.people_with(Role.OPERATIONS)
        self.sec = world.people_with(Role.SECURITY)
        self.editors = sorted(set(self.ops) | set(world.people_with(Role.COORDINATOR)))
        self.templates: dict[int, tuple[int, RunbookBody]] = {}
        """Component index → (runbook id, current body)."""

    def build(self, calls: list[tuple[int, str, datetime, int | None]]) -> Rows:
        for index, comp in enumerate(self.world.components):
            if comp.kind in BY_KIND and self.rng.random() < TEMPLATE_SHARE:
                self._template(index, comp)
        for rec in self.world.workloads:
            if (
                rec.status in (WorkloadStatus.PLANNED, WorkloadStatus.IN_PROGRESS)
                and rec.risk_tier == "high"
                and self.rng.random() < WORKLOAD_SHARE
            ):
                self._workload_runbook(rec)
        self._evidence()
        self._decisions(calls)
        return self.rows

    # runbooks -----------------------------------------------------------------------------

    def _body(
        self, comp: ComponentRec, title: str, extra: tuple[StepText, ...] = ()
    ) -> RunbookBody:
        rng = self.rng
        texts = OPENING + extra + BY_KIND[comp.kind] + CLOSING
        steps = tuple(
            Step(
                f"{rng.getrandbits(48):012x}",
                t,
                instructions=i.format(name=comp.name, key=title.split()[-1]),
                command=c.format(name=comp.name, key=title.split()[-1]),
                owner=o[5:] if o.startswith("role:") else self._owner_login(comp),
                owner_is_role=o.startswith("role:"),
                expected_minutes=m,
                verification=v,
                checkpoint=cp,
            )
            for t, o, m, i, c, v, cp in texts
        )
        triggers = [PRESETS[name] for name in TRIGGERS_BY_KIND[comp.kind]]
        if comp.kind == "database" and comp.stateful:
            triggers.append(REPLICATION_LAG)
        return RunbookBody(
            title,
            SUMMARIES[comp.kind].format(name=comp.name),
            steps,
            tuple(_with_id(t, f"{rng.getrandbits(48):012x}") for t in triggers),
        )

    def _owner_login(self, comp: ComponentRec) -> str:
        members = self.world.teams[comp.team].members
        return self.world.people[members[0]].login if members else ""

    def _template(self, index: int, comp: ComponentRec) -> None:
        body = self._body(comp, f"Roll back {comp.name}")
        versions = 1 + (self.rng.random() < 0.45) + (self.rng.random() < 0.2)
        rb_id = self._runbook(body, versions, component_id=comp.id)
        self.templates[index] = (rb_id, body)

    def _workload_runbook(self, rec: WorkloadRec) -> None:
        first = next((c for c in rec.components if c in self.templates), None)
        if first is None:
            return
        comp = self.world.components[first]
        body = self._body(comp, f"Roll back {rec.key}", extra=(WORKLOAD_STEP,))
        self._runbook(
            body, 1, workload_id=rec.id, template_id=self.templates[first][0], since=rec.created
        )

    def _runbook(self, body: RunbookBody, versions: int, *, component_id: int | None = None,
                 workload_id: int | None = None, template_id: int | None = None,
                 since: datetime | None = None) -> int:  # fmt: skip
        rng, world = self.rng, self.world
        rb_id = world.ids("runbook", 1)[0]
        author = rng.choice(self.editors)
        start = world.anchor - timedelta(days=rng.uniform(30, 240))
        if since is not None:
            start = max(start, since + timedelta(hours=2))
        start = min(start, world.anchor - timedelta(days=versions * 3 + 1)).replace(microsecond=0)
        fate = rng.random()
        times = [start + timedelta(days=3 * n + rng.uniform(0, 2)) for n in range(versions)]
        rev_uuids = []
        for number, at in enumerate(times, 1):
            rev_id, rev_uuid = world.ids("runbook_revision", 1)[0], self.uuids()
            rev_uuids.append(rev_uuid)
            shown = body if number == versions else _earlier(body, versions - number)
            self.rows.revisions.append(
                entity(rev_id, rev_uuid, at, runbook_id=rb_id, number=number,
                       body=shown.to_json(), author_id=world.people[author].id,
                       note="created" if number == 1 else "steps and timings revised")
            )  # fmt: skip
        if versions > 1 and fate < 0.7:  # the previous version was signed, then edited
            self._sign(rev_uuids[-2], author, times[-2], void_at=times[-1], number=versions)
        if fate < 0.65:
            self._sign(rev_uuids[-1], author, times[-1])
        elif fate < 0.85:
            self._sign(rev_uuids[-1], author, times[-1], security_pending=True)
        self.rows.runbooks.append(
            entity(rb_id, self.uuids(), start, updated_at=times[-1], component_id=component_id,
                   workload_id=workload_id, template_id=template_id, title=body.title,
                   author_id=world.people[author].id, revision=versions)
        )  # fmt: skip
        return rb_id

    def _sign(self, rev_uuid: Any, author: int, at: datetime, *, void_at: datetime | None = None,
              number: int = 0, security_pending: bool = False) -> None:  # fmt: skip
        rng, world = self.rng, self.world
        ops = [p for p in self.ops if p != author]
        if not ops:
            return
        op = rng.choice(ops)
        secs = [p for p in self.sec if p not in (author, op)]
        if not secs:
            return
        sec = rng.choice(secs)
        requested = at + timedelta(hours=1)
        for role, who, pending in (
            (Role.OPERATIONS, op, False),
            (Role.SECURITY, sec, security_pending),
        ):
            decided = None if pending else requested + timedelta(hours=rng.uniform(2, 40))
            state = ApprovalState.PENDING if pending else ApprovalState.APPROVED
            comment = "" if pending else "Steps, owners and triggers reviewed."
            if void_at is not None:
                state = ApprovalState.VOID
                comment = f"voided: version {number} replaced version {number - 1}"
                decided = min(decided or void_at, void_at - timedelta(minutes=5))
            self.rows.approvals.append(
                entity(world.ids("approval", 1)[0], self.uuids(), requested,
                       updated_at=void_at or decided, subject_type="runbook_revision",
                       subject_uuid=rev_uuid, required_role=role,
                       reason=f"{role.capitalize()} sign-off of the rollback runbook",
                       requested_by_id=world.people[author].id, state=state,
                       decided_by_id=None if pending else world.people[who].id,
                       decided_at=decided, comment=comment)
            )  # fmt: skip

    # evidence and decisions ---------------------------------------------------------------

    def _evidence(self) -> None:
        world, rng = self.world, self.rng
        envs = {name: env_id for env_id, name, _ in world.environments}
        prods = [env_id for env_id, _, production in world.environments if production]
        for rec in world.workloads:
            if rec.release is None or rec.status not in (
                WorkloadStatus.PLANNED,
                WorkloadStatus.IN_PROGRESS,
            ):
                continue
            if not 0 <= world.releases[rec.release].period <= 1:
                continue
            comps = [world.components[c] for c in rec.components]
            add = self._adder(rec)
            for env in ("test", "staging"):
                if rng.random() < 0.9:
                    failed = rng.randrange(0, 4) if rng.random() < 0.12 else 0
                    add(EvidenceKind.TESTS, failed == 0, rng.uniform(1, 6), envs.get(env),
                        figures={"passed": rng.randrange(180, 2400), "failed": failed})  # fmt: skip
            if any(c.stateful for c in comps) and rng.random() < 0.85:
                days = rng.uniform(2, 25) if rng.random() < 0.8 else rng.uniform(35, 70)
                add(EvidenceKind.RESTORE, rng.random() < 0.93, days, None,
                    restore_minutes=rng.randrange(12, 95))  # fmt: skip
            if rec.risk_tier == "high" and rng.random() < 0.8:
                add(
                    EvidenceKind.CHAOS,
                    rng.random() < 0.85,
                    rng.uniform(3, 20),
                    envs.get("staging"),
                    summary="Killed one zone's pods under load; p99 stayed under 450 ms.",
                )
            if rec.risk_tier == "high" and prods and rng.random() < 0.35:
                score, figures = _canary(rng)
                add(EvidenceKind.CANARY, score >= 75, rng.uniform(0.2, 2), prods[0],
                    score=score, figures=figures)  # fmt: skip
            if any(c.data for c in comps) and rng.random() < 0.8:
                add(EvidenceKind.PEER_REVIEW, rng.random() < 0.95, rng.uniform(2, 12), None,
                    summary="Reviewed the data handling and the migration.")  # fmt: skip

    def _adder(self, rec: WorkloadRec) -> Any:
        world, rng = self.world, self.rng
        team = world.teams[rec.team].members
        reviewers = [p for p in team if p != rec.owner] or [p for p in self.ops if p != rec.owner]

        def add(kind: str, passed: bool, days_ago: float, env_id: int | None, *,
                restore_minutes: int | None = None, score: float | None = None,
                figures: dict[str, Any] | None = None, summary: str = "") -> None:  # fmt: skip
            at = (world.anchor - timedelta(days=days_ago)).replace(microsecond=0)
            who = rng.choice(reviewers if kind == EvidenceKind.PEER_REVIEW else (self.ops or team))
            self.rows.evidence.append(
                entity(world.ids("gate_evidence", 1)[0], self.uuids(), at, workload_id=rec.id,
                       environment_id=env_id, artifact=None, kind=kind, passed=passed,
                       performed_at=at, performed_by_id=world.people[who].id,
                       recorded_by_id=world.people[who].id, restore_minutes=restore_minutes,
                       score=score, figures=figures, summary=summary)
            )  # fmt: skip

        return add

    def _decisions(self, calls: list[tuple[int, str, datetime, int | None]]) -> None:
        world, rng = self.world, self.rng
        for dep_id, result, started, owner in calls:
            who = owner if owner is not None and owner in self.ops else None
            decider = world.people[who if who is not None else rng.choice(self.ops)].id
            at = started + timedelta(minutes=rng.uniform(4, 25))
            if result == DeploymentResult.ROLLED_BACK:
                if rng.random() < 0.6:
                    trig, value, unit = _breach(rng)
                else:
                    trig, value, unit = None, None, ""
                self._decision(dep_id, RollbackChoice.ROLLBACK, rng.choice(ROLLBACK_REASONS),
                               decider, at, trig, value, unit)  # fmt: skip
            else:
                if rng.random() < 0.3:
                    self._decision(dep_id, RollbackChoice.HOLD, rng.choice(HOLD_REASONS), decider,
                                   at - timedelta(minutes=3), None, None, "")  # fmt: skip
                self._decision(dep_id, RollbackChoice.ROLL_FORWARD, rng.choice(FORWARD_REASONS),
                               decider, at, None, None, "")  # fmt: skip

    def _decision(self, dep_id: int, choice: str, reason: str, decider: int, at: datetime,
                  trig: str | None, value: float | None, unit: str) -> None:  # fmt: skip
        at = min(at, self.world.anchor - timedelta(minutes=1)).replace(microsecond=0)
        self.rows.decisions.append(
            entity(self.world.ids("rollback_decision", 1)[0], self.uuids(), at,
                   deployment_id=dep_id, decision=choice, trigger=trig, observed_value=value,
                   observed_unit=unit, decided_by_id=decider, decided_at=at, reason=reason)
        )  # fmt: skip


def _canary(rng: random.Random) -> tuple[float, dict[str, float]]:
    base_err, base_p99 = rng.uniform(0.1, 0.5), rng.uniform(180, 320)
    figures = {
        "baseline_error_rate": round(base_err, 2),
        "canary_error_rate": round(base_err * rng.uniform(0.8, 2.5), 2),
        "baseline_p99_ms": round(base_p99),
        "canary_p99_ms": round(base_p99 * rng.uniform(0.9, 1.4)),
    }
    return round(rng.uniform(60, 99), 1), figures


def _breach(rng: random.Random) -> tuple[str, float, str]:
    if rng.random() < 0.6:
        trig = PRESETS["Error rate above 1 % over 5 minutes"]
        return trig.describe(), round(rng.uniform(1.4, 9.0), 2), "%"
    trig = PRESETS["p99 latency above 500 ms"]
    return trig.describe(), float(rng.randrange(620, 1900, 10)), "ms"


def _with_id(t: Trigger, ident: str) -> Trigger:
    from dataclasses import replace

    return replace(t, id=ident)


def _earlier(body: RunbookBody, back: int) -> RunbookBody:
    """An earlier version: fewer steps and rougher timings, so versions diff meaningfully."""
    from dataclasses import replace

    steps = list(body.steps)
    for _ in range(back):
        if len(steps) > 3:
            steps.pop(-2)
    steps = [replace(s, expected_minutes=max(1, s.expected_minutes - 2 * back)) for s in steps]
    return replace(body, steps=tuple(steps), triggers=body.triggers[:1])


def runbook_rows(
    world: World, calls: list[tuple[int, str, datetime, int | None]]
) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    rows = Runbooks(world).build(calls)
    yield "runbook", rows.runbooks
    yield "runbook_revision", rows.revisions
    yield "approval", rows.approvals
    yield "gate_evidence", rows.evidence
    yield "rollback_decision", rows.decisions
