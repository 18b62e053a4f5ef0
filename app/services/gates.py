"""Promotion gates: record evidence, and decide whether a workload may enter an environment.

The rules are `app.policy.gates`; this module reads what they need (tier, class, touched
components, sign-offs, relied-on runbooks, evidence, the target wave) in a few batched
queries, so the calendar and the board can show the status of hundreds of workloads.

A canary wave is a wave whose name says "canary", or a release's first wave when it carries
at most CANARY_MAX_PERCENT of traffic.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import (
    Component,
    Environment,
    GateEvidence,
    Person,
    Wave,
    Workload,
    workload_component,
)
from app.domain.enums import Role
from app.policy.approval_paths import missing_roles, path_for
from app.policy.gates import Evidence, EvidenceKind, GateSubject, Target, Verdict, check
from app.services import audit
from app.services.actor import Actor
from app.services.errors import FieldError, PermissionDenied, ValidationError
from app.services.planning_policy import get_policy
from app.services.risk import approved_roles_of
from app.services.runbook_queries import relied_on

CANARY_MAX_PERCENT = 10
RECORDERS = (Role.COORDINATOR, Role.OPERATIONS, Role.SECURITY, Role.ADMIN)


@dataclass(frozen=True)
class GateReport:
    workload: str
    environment: str
    wave: str | None
    verdict: Verdict

    def to_json(self) -> dict[str, Any]:
        return {
            "workload": self.workload,
            "environment": self.environment,
            "allowed": self.verdict.allowed,
            "missing": list(self.verdict.missing),
            "satisfied": list(self.verdict.satisfied),
            **({"wave": self.wave} if self.wave else {}),
        }


def _environments(session: Session) -> list[Environment]:
    return list(session.scalars(select(Environment).order_by(Environment.position)))


def _target(
    envs: Sequence[Environment], env: Environment, waves: Sequence[Wave], wave: str | None
) -> Target:
    before = [e for e in envs if e.position < env.position]
    if env.is_production:  # production regions are promoted to side by side, from staging
        before = [e for e in before if not e.is_production]
    previous = before[-1].name if before else None
    canary = next((w for w in waves if _is_canary(w, waves)), None)
    chosen: Wave | None = None
    if wave is not None:
        chosen = next((w for w in waves if w.name == wave or str(w.position) == wave), None)
        if chosen is None:
            names = ", ".join(f"'{w.name}'" for w in waves) or "none"
            raise ValidationError(FieldError("wave", f"no wave {wave!r} (waves: {names})"))
    elif waves:
        chosen = waves[0]
    after = canary.name if canary and chosen and chosen.position > canary.position else None
    return Target(
        env.name,
        env.is_production,
        previous,
        wave=chosen.name if chosen and env.is_production else None,
        after_canary=after if env.is_production else None,
        release_has_canary=canary is not None,
    )


def _is_canary(w: Wave, waves: Sequence[Wave]) -> bool:
    if "canary" in w.name.lower():
        return True
    return w is waves[0] and w.traffic_percent <= CANARY_MAX_PERCENT


def subjects(session: Session, workload_ids: Iterable[int]) -> dict[int, GateSubject]:
    """What the rules need to know about each workload, in five queries."""
    ids = list(dict.fromkeys(workload_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Workload.id, Workload.key, Workload.risk_tier, Workload.change_class).where(
            Workload.id.in_(ids)
        )
    ).all()
    touched: dict[int, list[tuple[bool, bool]]] = defaultdict(list)
    for wid, stateful, pii, financial, health in session.execute(
        select(
            workload_component.c.workload_id,
            Component.stateful,
            Component.pii,
            Component.financial,
            Component.health,
        )
        .join(Component, Component.id == workload_component.c.component_id)
        .where(workload_component.c.workload_id.in_(ids))
    ):
        touched[wid].append((bool(stateful), bool(pii or financial or health)))
    approved = approved_roles_of(session, Workload.id.in_(ids))
    runbooks = relied_on(session, ids)
    out = {}
    for wid, key, tier, cls in rows:
        stateful = any(s for s, _ in touched[wid])
        regulated = any(r for _, r in touched[wid])
        path = path_for(tier, cls, regulated=regulated, stateful=stateful)
        out[wid] = GateSubject(
            key,
            tier,
            cls,
            stateful,
            regulated,
            missing_roles(path, approved.get(wid, ())),
            tuple(status for _, status in runbooks.get(wid, [])),
        )
    return out


def evidence_of(session: Session, workload_ids: Iterable[int]) -> dict[int, list[Evidence]]:
    ids = list(dict.fromkeys(workload_ids))
    out: dict[int, list[Evidence]] = defaultdict(list)
    if not ids:
        return out
    for wid, kind, passed, at, env, artifact, who in session.execute(
        select(
            GateEvidence.workload_id,
            GateEvidence.kind,
            GateEvidence.passed,
            GateEvidence.performed_at,
            Environment.name,
            GateEvidence.artifact,
            Person.name,
        )
        .outerjoin(Environment, Environment.id == GateEvidence.environment_id)
        .outerjoin(Person, Person.id == GateEvidence.performed_by_id)
        .where(GateEvidence.workload_id.in_(ids))
    ):
        out[wid].append(Evidence(kind, bool(passed), at, env, artifact, who or ""))
    return out


def check_gate(
    session: Session,
    workload: str,
    environment: str,
    *,
    wave: str | None = None,
    artifact: str | None = None,
    now: datetime | None = None,
) -> GateReport:
    """May `workload` (a key) enter `environment` (a name), at `wave` of its release?"""
    return check_gates(session, workload, [environment], wave=wave, artifact=artifact, now=now)[0]


def check_gates(
    session: Session,
    workload: str,
    environments: Sequence[str] | None = None,
    *,
    wave: str | None = None,
    artifact: str | None = None,
    now: datetime | None = None,
) -> list[GateReport]:
    """`check_gate` for several environments (default: all, in promotion order), reading
    the workload, its evidence and its release's waves once."""
    wl = session.scalars(select(Workload).where(Workload.key == workload)).one_or_none()
    if wl is None:
        raise ValidationError(FieldError("workload", f"no workload {workload!r}"))
    envs = _environments(session)
    by_name = {e.name: e for e in envs}
    for name in environments or ():
        if name not in by_name:
            known = ", ".join(e.name for e in envs)
            raise ValidationError(
                FieldError("environment", f"no environment {name!r} (known: {known})")
            )
    chosen = [by_name[n] for n in environments] if environments is not None else envs
    waves = _waves(session, wl.target_release_id)
    subject = subjects(session, [wl.id])[wl.id]
    evidence = evidence_of(session, [wl.id])[wl.id]
    moment = now or datetime.now(UTC)
    max_age = get_policy(session).restore_max_age_days
    reports = []
    for env in chosen:
        target = _target(envs, env, waves, wave)
        verdict = check(
            subject, target, evidence, now=moment, restore_max_age_days=max_age, artifact=artifact
        )
        reports.append(GateReport(wl.key, env.name, target.wave, verdict))
    return reports


def _waves(session: Session, release_id: int | None) -> list[Wave]:
    if release_id is None:
        return []
    return list(
        session.scalars(select(Wave).where(Wave.release_id == release_id).order_by(Wave.position))
    )


def production_verdicts(
    session: Session, workload_ids: Iterable[int], now: datetime | None = None
) -> dict[int, Verdict]:
    """Whether each workload may enter production (its release's first wave): what the
    workload list, the calendar and the capacity board show."""
    ids = list(dict.fromkeys(workload_ids))
    envs = _environments(session)
    prod = next((e for e in envs if e.is_production), None)
    if prod is None or not ids:
        return {}
    target = _target(envs, prod, [], None)
    canary_releases = _releases_with_canary(session, ids)
    subs = subjects(session, ids)
    ev = evidence_of(session, ids)
    moment = now or datetime.now(UTC)
    max_age = get_policy(session).restore_max_age_days
    out = {}
    for wid, subject in subs.items():
        t = Target(
            target.environment,
            True,
            target.previous_environment,
            release_has_canary=wid in canary_releases,
        )
        out[wid] = check(subject, t, ev[wid], now=moment, restore_max_age_days=max_age)
    return out


def _releases_with_canary(session: Session, ids: list[int]) -> set[int]:
    rows = session.execute(
        select(Workload.id, Wave)
        .join(Wave, Wave.release_id == Workload.target_release_id)
        .where(Workload.id.in_(ids))
        .order_by(Workload.id, Wave.position)
    ).all()
    waves: dict[int, list[Wave]] = defaultdict(list)
    for wid, w in rows:
        waves[wid].append(w)
    return {wid for wid, ws in waves.items() if any(_is_canary(w, ws) for w in ws)}


def record_evidence(
    session: Session,
    actor: Actor,
    *,
    workload: str,
    kind: str,
    passed: bool,
    environment: str | None = None,
    performed_at: datetime | None = None,
    performed_by: str | None = None,
    restore_minutes: int | None = None,
    score: float | None = None,
    figures: dict[str, Any] | None = None,
    summary: str = "",
    artifact: str | None = None,
) -> GateEvidence:
    """Add one piece of evidence; it is never edited afterwards (a re-run is a new row)."""
    actor.require(*RECORDERS, to="record gate evidence")
    errors: list[FieldError] = []
    wl = session.scalars(select(Workload).where(Workload.key == workload)).one_or_none()
    if wl is None:
        errors.append(FieldError("workload", f"no workload {workload!r}"))
    if kind not in EvidenceKind.choices():
        errors.append(
            FieldError("kind", f"{kind!r} is not one of {', '.join(EvidenceKind.choices())}")
        )
    env_id = None
    if environment:
        env_id = session.scalar(select(Environment.id).where(Environment.name == environment))
        if env_id is None:
            errors.append(FieldError("environment", f"no environment {environment!r}"))
    elif kind in (EvidenceKind.TESTS, EvidenceKind.CANARY):
        errors.append(FieldError("environment", f"{kind} evidence belongs to an environment"))
    who = actor.person_id
    if performed_by:
        who = session.scalar(select(Person.id).where(Person.login == performed_by))
        if who is None:
            errors.append(FieldError("performed_by", f"no person with login {performed_by!r}"))
    moment = performed_at or datetime.now(UTC)
    if moment.tzinfo is None:
        errors.append(FieldError("performed_at", "give a time zone (e.g. Z or +01:00)"))
    elif moment > datetime.now(UTC):
        errors.append(FieldError("performed_at", "evidence cannot come from the future"))
    if kind == EvidenceKind.RESTORE and (restore_minutes is None or restore_minutes < 0):
        errors.append(FieldError("restore_minutes", "say how many minutes the restore took"))
    if kind == EvidenceKind.CANARY and score is None:
        errors.append(FieldError("score", "a canary analysis has a score (0-100)"))
    if score is not None and not 0 <= score <= 100:
        errors.append(FieldError("score", "must be between 0 and 100"))
    if (
        kind == EvidenceKind.PEER_REVIEW
        and wl is not None
        and who is not None
        and who == wl.owner_id
    ):
        errors.append(FieldError("performed_by", "nobody peer-reviews their own change"))
    if errors:
        raise ValidationError(errors, "gate evidence")
    if actor.person_id is None:
        raise PermissionDenied(f"{actor.login} is not a known person and cannot record evidence")
    assert wl is not None
    row = GateEvidence(
        workload_id=wl.id,
        environment_id=env_id,
        artifact=(artifact or "").strip() or None,
        kind=kind,
        passed=passed,
        performed_at=moment,
        performed_by_id=who,
        recorded_by_id=actor.person_id,
        restore_minutes=restore_minutes,
        score=score,
        figures=figures,
        summary=summary.strip()[:1000],
    )
    session.add(row)
    session.flush()
    after = {
        "workload": wl.key,
        "kind": kind,
        "passed": passed,
        "environment": environment,
        "performed_at": moment.isoformat(),
        "performed_by": performed_by or actor.login,
        "restore_minutes": restore_minutes,
        "score": score,
        "figures": figures,
        "summary": row.summary,
        "artifact": row.artifact,
    }
    audit.append(session, actor, "record", "gate_evidence", str(row.uuid), None, after)
    return row
