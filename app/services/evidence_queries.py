"""What a screen needs to show a workload's promotion gates: its evidence history as plain
rows, the environments in promotion order, the people who may have performed the work, and
one gate report per environment.

The rules themselves stay in `app.policy.gates` and `app.services.gates`; this module only
reads, so a view can show the status of the one workload picked without knowing the ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.domain import Environment, GateEvidence, Person, Workload
from app.policy.gates import EvidenceKind
from app.services.gates import GateReport, check_gates

KIND_WORDS: dict[str, str] = {
    EvidenceKind.TESTS: "Tests",
    EvidenceKind.PEER_REVIEW: "Peer review",
    EvidenceKind.RESTORE: "Backup-and-restore validation",
    EvidenceKind.CHAOS: "Chaos experiment",
    EvidenceKind.CANARY: "Canary analysis",
}
"""Each evidence kind as a coordinator names it."""

FIGURE_WORDS: dict[str, str] = {
    "passed": "passed",
    "failed": "failed",
    "experiment": "experiment",
    "baseline_error_rate_percent": "baseline errors %",
    "canary_error_rate_percent": "canary errors %",
    "baseline_p99_ms": "baseline p99 ms",
    "canary_p99_ms": "canary p99 ms",
}
"""The figures the evidence dialog records, by the names stored in `GateEvidence.figures`."""


@dataclass(frozen=True)
class EvidenceRow:
    uuid: str
    kind: str
    """An EvidenceKind value."""
    environment: str | None
    passed: bool
    performed_at: datetime
    performed_by: str
    """The person's name ("" when unknown)."""
    recorded_by: str
    restore_minutes: int | None
    score: float | None
    figures: dict[str, Any]
    artifact: str | None
    summary: str

    @property
    def kind_label(self) -> str:
        return KIND_WORDS.get(self.kind, self.kind.replace("_", " ").capitalize())

    @property
    def result(self) -> str:
        return "Passed" if self.passed else "Failed"

    @property
    def figures_text(self) -> str:
        """Restore time, score and figures in a few words, e.g. "restore 42 min"."""
        return describe_figures(self.restore_minutes, self.score, self.figures)


@dataclass(frozen=True)
class EnvironmentInfo:
    name: str
    is_production: bool


@dataclass(frozen=True)
class GateStatus:
    """One workload's gates in every environment, in promotion order."""

    key: str
    title: str
    reports: tuple[GateReport, ...]
    production: frozenset[str] = frozenset()
    """Names of the production environments among them."""

    def production_reports(self) -> list[GateReport]:
        return [r for r in self.reports if r.environment in self.production]


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def describe_figures(
    restore_minutes: int | None, score: float | None, figures: dict[str, Any] | None
) -> str:
    figures = dict(figures or {})
    parts = []
    if restore_minutes is not None:
        parts.append(f"restore {restore_minutes} min")
    if score is not None:
        parts.append(f"score {_number(score)}")
    if "passed" in figures or "failed" in figures:
        passed, failed = figures.pop("passed", None), figures.pop("failed", None)
        counts = [f"{_number(v)} {w}" for v, w in ((passed, "passed"), (failed, "failed")) if v]
        parts.append(", ".join(counts) or "no tests counted")
    for what, unit in (("error_rate_percent", "%"), ("p99_ms", " ms")):
        base, canary = figures.pop(f"baseline_{what}", None), figures.pop(f"canary_{what}", None)
        if base is not None or canary is not None:
            label = "errors" if what.startswith("error") else "p99"
            shown = f"{_number(base) if base is not None else '?'}{unit}"
            shown += f" → {_number(canary) if canary is not None else '?'}{unit}"
            parts.append(f"{label} {shown}")
    if "experiment" in figures:
        parts.append(f"experiment {figures.pop('experiment')}")
    parts += [f"{FIGURE_WORDS.get(k, k)} {_number(v)}" for k, v in sorted(figures.items())]
    return " · ".join(parts)


def evidence_rows(session: Session, workload_key: str) -> list[EvidenceRow]:
    """Every piece of evidence recorded for the workload, newest first."""
    by, rec = aliased(Person), aliased(Person)
    rows = session.execute(
        select(
            GateEvidence.uuid,
            GateEvidence.kind,
            Environment.name,
            GateEvidence.passed,
            GateEvidence.performed_at,
            by.name,
            rec.name,
            GateEvidence.restore_minutes,
            GateEvidence.score,
            GateEvidence.figures,
            GateEvidence.artifact,
            GateEvidence.summary,
        )
        .join(Workload, Workload.id == GateEvidence.workload_id)
        .outerjoin(Environment, Environment.id == GateEvidence.environment_id)
        .outerjoin(by, by.id == GateEvidence.performed_by_id)
        .outerjoin(rec, rec.id == GateEvidence.recorded_by_id)
        .where(Workload.key == workload_key)
        .order_by(GateEvidence.performed_at.desc(), GateEvidence.id.desc())
    ).all()
    return [
        EvidenceRow(
            str(u),
            kind,
            env,
            bool(passed),
            at,
            who or "",
            recorder or "",
            minutes,
            score,
            dict(figures or {}),
            artifact,
            summary or "",
        )
        for u, kind, env, passed, at, who, recorder, minutes, score, figures, artifact, summary in (
            rows
        )
    ]


def environments(session: Session) -> list[EnvironmentInfo]:
    """In promotion order."""
    return [
        EnvironmentInfo(n, bool(p))
        for n, p in session.execute(
            select(Environment.name, Environment.is_production).order_by(Environment.position)
        )
    ]


def people(session: Session) -> list[tuple[str, str]]:
    """(login, name) of everyone, by name: who may have performed a piece of work."""
    return [
        (login, name)
        for login, name in session.execute(
            select(Person.login, Person.name).order_by(Person.name, Person.login)
        )
    ]


def gate_status(session: Session, workload_key: str) -> GateStatus | None:
    """The workload's gate report for every environment; None when there is no such key."""
    title = session.scalar(select(Workload.title).where(Workload.key == workload_key))
    if title is None:
        return None
    envs = environments(session)
    reports = tuple(check_gates(session, workload_key, [env.name for env in envs]))
    production = frozenset(env.name for env in envs if env.is_production)
    return GateStatus(workload_key, title, reports, production)
