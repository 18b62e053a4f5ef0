"""Whether a workload may be promoted into an environment, and every reason it may not.

The rules, cited everywhere else:

- tests: entering any environment after the first needs the latest test result recorded
  in the environment before it to be a pass (promotion by test outcome, never by time);
  production environments (regions) all count the last non-production one as before them.
- Into a production environment, additionally:
  - sign-off: every role on the workload's approval path (app.policy.approval_paths).
  - rollback runbook: every runbook the workload relies on (its own, or else the
    templates of its components) approved by operations and security; medium- and
    high-risk work and emergencies need one at all.
  - restore validated: a stateful workload needs a passing backup-and-restore validation
    performed within `restore_max_age_days`.
  - chaos experiment: a high-risk workload needs its latest chaos experiment passed.
  - canary analysis: a wave that follows a canary wave needs a passing canary analysis in
    that environment; high-risk work on a release without a canary wave needs one anyway.
  - peer review: a workload touching regulated data needs its latest peer review passed.

Evidence recorded for another artifact than the one being promoted does not count; the
latest evidence of a kind decides (a failed re-run withdraws an earlier pass).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.base import StrEnum
from app.domain.enums import ChangeClass, RiskTier
from app.policy.approval_paths import (
    CANARY_ANALYSIS,
    CHAOS_EXPERIMENT,
    PEER_REVIEW,
    RESTORE_VALIDATED,
    TESTS,
)


class EvidenceKind(StrEnum):
    TESTS = "tests"
    PEER_REVIEW = "peer_review"
    RESTORE = "restore"
    CHAOS = "chaos"
    CANARY = "canary"


GATE_OF_KIND = {
    EvidenceKind.TESTS: TESTS,
    EvidenceKind.PEER_REVIEW: PEER_REVIEW,
    EvidenceKind.RESTORE: RESTORE_VALIDATED,
    EvidenceKind.CHAOS: CHAOS_EXPERIMENT,
    EvidenceKind.CANARY: CANARY_ANALYSIS,
}
"""Evidence kinds as the approval paths name the gates they satisfy."""

DEFAULT_RESTORE_MAX_AGE_DAYS = 30


@dataclass(frozen=True)
class Evidence:
    kind: str
    """An EvidenceKind value."""
    passed: bool
    performed_at: datetime
    environment: str | None = None
    artifact: str | None = None
    performed_by: str = ""


@dataclass(frozen=True)
class Target:
    """Where the workload is going."""

    environment: str
    is_production: bool
    previous_environment: str | None
    """The environment before it in the promotion order; None for the first."""
    wave: str | None = None
    after_canary: str | None = None
    """The canary wave this wave follows, if it follows one."""
    release_has_canary: bool = False


@dataclass(frozen=True)
class RunbookStatus:
    title: str
    approved: bool
    missing: tuple[str, ...] = ()
    """What its approval still lacks, in words."""


@dataclass(frozen=True)
class GateSubject:
    key: str
    tier: str
    change_class: str
    stateful: bool
    regulated: bool
    missing_roles: tuple[str, ...] = ()
    runbooks: tuple[RunbookStatus, ...] = ()


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    missing: tuple[str, ...]
    satisfied: tuple[str, ...]

    @property
    def short(self) -> str:
        """For a card or a calendar label: "gates ok" or "2 gates missing"."""
        if self.allowed:
            return "gates ok"
        n = len(self.missing)
        return f"{n} gate{'s' if n != 1 else ''} missing"


def latest(
    evidence: Iterable[Evidence], kind: str, environment: str | None = None
) -> Evidence | None:
    """The most recent evidence of a kind (in one environment when given)."""
    best: Evidence | None = None
    for e in evidence:
        if e.kind != kind or (environment is not None and e.environment != environment):
            continue
        if best is None or e.performed_at > best.performed_at:
            best = e
    return best


def check(
    subject: GateSubject,
    target: Target,
    evidence: Sequence[Evidence],
    *,
    now: datetime,
    restore_max_age_days: int = DEFAULT_RESTORE_MAX_AGE_DAYS,
    artifact: str | None = None,
) -> Verdict:
    usable = [e for e in evidence if artifact is None or e.artifact in (None, artifact)]
    missing: list[str] = []
    ok: list[str] = []

    def need(gate: str, found: Evidence | None, what: str, where: str = "") -> None:
        place = f" in {where}" if where else ""
        if found is None:
            missing.append(f"{gate}: no {what} recorded{place}")
        elif not found.passed:
            missing.append(f"{gate}: the latest {what}{place} failed ({_day(found)})")
        else:
            ok.append(f"{gate}: passed {_day(found)}{place}")

    if target.previous_environment is not None:
        prev = target.previous_environment
        need(TESTS, latest(usable, EvidenceKind.TESTS, prev), "test result", prev)
    if not target.is_production:
        return Verdict(not missing, tuple(missing), tuple(ok))

    for role in subject.missing_roles:
        missing.append(f"sign-off: {role} has not approved")
    if subject.missing_roles == ():
        ok.append("sign-off: complete")
    needs_runbook = subject.tier != RiskTier.LOW or subject.change_class == ChangeClass.EMERGENCY
    if not subject.runbooks and needs_runbook:
        missing.append(f"runbook: a {subject.tier}-risk change needs an approved rollback runbook")
    for rb in subject.runbooks:
        if rb.approved:
            ok.append(f"runbook: '{rb.title}' approved")
        else:
            lacks = f" ({'; '.join(rb.missing)})" if rb.missing else ""
            missing.append(f"runbook: '{rb.title}' is not approved{lacks}")

    if subject.stateful:
        found = latest(usable, EvidenceKind.RESTORE)
        if found is not None and found.passed:
            age = now - found.performed_at
            if age > timedelta(days=restore_max_age_days):
                missing.append(
                    f"{RESTORE_VALIDATED}: the last passing restore was {age.days} days ago "
                    f"({_day(found)}); it must be within {restore_max_age_days} days"
                )
            else:
                ok.append(f"{RESTORE_VALIDATED}: passed {_day(found)}")
        else:
            need(RESTORE_VALIDATED, found, "backup-and-restore validation")
    if subject.tier == RiskTier.HIGH:
        need(CHAOS_EXPERIMENT, latest(usable, EvidenceKind.CHAOS), "chaos experiment")
    canary_env = target.environment
    if target.after_canary is not None:
        found = latest(usable, EvidenceKind.CANARY, canary_env)
        if found is None or not found.passed:
            state = "none is recorded" if found is None else f"the latest failed ({_day(found)})"
            missing.append(
                f"{CANARY_ANALYSIS}: wave '{target.wave}' follows the canary wave "
                f"'{target.after_canary}' and needs a passing canary analysis; {state}"
            )
        else:
            ok.append(f"{CANARY_ANALYSIS}: passed {_day(found)}")
    elif subject.tier == RiskTier.HIGH and not target.release_has_canary:
        need(CANARY_ANALYSIS, latest(usable, EvidenceKind.CANARY), "canary analysis")
    if subject.regulated:
        need(PEER_REVIEW, latest(usable, EvidenceKind.PEER_REVIEW), "peer review")
    return Verdict(not missing, tuple(missing), tuple(ok))


def _day(e: Evidence) -> str:
    by = f" by {e.performed_by}" if e.performed_by else ""
    return f"{e.performed_at:%Y-%m-%d}{by}"


def runbook_approval(
    authors: Iterable[str | None], decisions: Iterable[tuple[str, str, str | None]]
) -> tuple[bool, tuple[str, ...]]:
    """Whether a runbook revision is approved, and what it lacks.

    `decisions` are (role, state, decided_by login) of the revision's approvals. It needs an
    approved operations and an approved security sign-off by two different people, neither
    of them an author.
    """
    excluded = {a for a in authors if a}
    by_role: dict[str, set[str]] = {"operations": set(), "security": set()}
    for role, state, who in decisions:
        if state == "approved" and role in by_role and who and who not in excluded:
            by_role[role].add(who)
    ops, sec = by_role["operations"], by_role["security"]
    lacks = []
    if not ops:
        lacks.append("operations sign-off")
    if not sec:
        lacks.append("security sign-off")
    if ops and sec and not any(a != b for a in ops for b in sec):
        lacks.append("a second person: operations and security signed by the same person")
    return (not lacks, tuple(lacks))
