"""Which sign-offs and which evidence a change needs before it reaches production.

The risk tier (see app.policy.risk) and the change class pick one path:

- configuration-only and low risk -> "standard change": pre-approved, no sign-off;
  gates: tests. The lighter path, for routine changes with a known outcome.
- any other low-risk change -> "normal change, low risk": no sign-off; gates: tests,
  peer review.
- medium -> "normal change": approver; gates: tests, peer review, and "restore validated"
  when a stateful component is touched.
- high -> "CAB": approver and operations, plus security for regulated data; gates: tests,
  peer review, chaos experiment, canary analysis, and "restore validated" when stateful.
- emergency class, whatever the tier -> "emergency exception": approver, plus security for
  regulated data; gates: tests, and "restore validated" when stateful. It bypasses the train
  as an independent release, takes none of the train's capacity, and is reviewed after the
  fact.

Regulated data (PII, financial, health) adds the "peer review" gate on every path that lacks it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.domain.enums import ChangeClass, RiskTier, Role

TESTS = "tests"
PEER_REVIEW = "peer review"
RESTORE_VALIDATED = "restore validated"
CHAOS_EXPERIMENT = "chaos experiment"
CANARY_ANALYSIS = "canary analysis"
GATES = (TESTS, PEER_REVIEW, RESTORE_VALIDATED, CHAOS_EXPERIMENT, CANARY_ANALYSIS)

STANDARD = "standard change"
NORMAL_LOW = "normal change, low risk"
NORMAL = "normal change"
CAB = "CAB"
EMERGENCY = "emergency exception"


@dataclass(frozen=True)
class ApprovalPath:
    name: str
    roles: tuple[str, ...]
    """Role values whose sign-off is required, in the order they are asked."""
    gates: tuple[str, ...]
    """Evidence required before production, from GATES."""
    summary: str
    """One sentence for the card or tooltip."""


def path_for(
    tier: str, change_class: str, *, regulated: bool = False, stateful: bool = False
) -> ApprovalPath:
    """The path for a change; raises ValueError on an unknown tier or change class."""
    RiskTier(tier)
    ChangeClass(change_class)
    security = (Role.SECURITY.value,) if regulated else ()
    restore = (RESTORE_VALIDATED,) if stateful else ()
    roles: tuple[str, ...]
    gates: tuple[str, ...]
    if change_class == ChangeClass.EMERGENCY:
        name, roles, gates = EMERGENCY, (Role.APPROVER.value, *security), (TESTS, *restore)
    elif tier == RiskTier.LOW and change_class == ChangeClass.CONFIGURATION:
        name, roles, gates = STANDARD, (), (TESTS,)
    elif tier == RiskTier.LOW:
        name, roles, gates = NORMAL_LOW, (), (TESTS, PEER_REVIEW)
    elif tier == RiskTier.MEDIUM:
        name, roles, gates = NORMAL, (Role.APPROVER.value,), (TESTS, PEER_REVIEW, *restore)
    else:
        name = CAB
        roles = (Role.APPROVER.value, Role.OPERATIONS.value, *security)
        gates = (TESTS, PEER_REVIEW, CHAOS_EXPERIMENT, CANARY_ANALYSIS, *restore)
    if regulated and PEER_REVIEW not in gates:
        gates = (gates[0], PEER_REVIEW, *gates[1:])  # reviewed right after the tests pass
    return ApprovalPath(name, roles, gates, _summary(name, roles, gates))


_LEADS = {
    STANDARD: "Pre-approved routine change",
    NORMAL_LOW: "Low-risk change",
    NORMAL: "Medium-risk change",
    CAB: "High-risk change for the change advisory board",
    EMERGENCY: (
        "Emergency patch that bypasses the train as an independent release, uses none of the "
        "train's capacity and is reviewed after the fact"
    ),
}


def _summary(name: str, roles: tuple[str, ...], gates: tuple[str, ...]) -> str:
    """Built from the roles and gates themselves, so the card can never contradict them."""
    sign_off = f"sign-off by {_join(roles)}" if roles else "no sign-off"
    return f"{_LEADS[name]}; {sign_off}; needs {_join(gates)} before production."


def missing_roles(path: ApprovalPath, approved_roles: Iterable[str]) -> tuple[str, ...]:
    """The path's roles not yet signed off, in the path's order."""
    approved = set(approved_roles)
    return tuple(role for role in path.roles if role not in approved)


def _join(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
