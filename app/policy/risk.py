"""The risk tier of a change, scored from what it touches, with a reason for every point.

These rules are written down here and nowhere else; every other place cites them.

Points, added up over the components a change touches:

- change class: emergency +2; feature, bug_fix, tech_debt, compliance +1; configuration 0.
- data classes over all touched components (each class counted once): health +2,
  financial +2, pii +1; the data total is capped at +3.
- a stateful component touched: +2 (once, however many).
- blast radius, the largest `dependents` among the touched components: >= 25 -> +2,
  >= 5 -> +1.
- failure history, the incidents summed over the touched components within
  FAILURE_WINDOW_DAYS: >= 3 -> +2, >= 1 -> +1.
- schema change: +1.

Tier: score >= 5 -> high, >= 2 -> medium, else low.

No rule subtracts, so touching more, or touching something riskier, never lowers the tier.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.domain.enums import ChangeClass, RiskTier

FAILURE_WINDOW_DAYS = 180

CLASS_POINTS: dict[str, int] = {
    ChangeClass.EMERGENCY: 2,
    ChangeClass.FEATURE: 1,
    ChangeClass.BUG_FIX: 1,
    ChangeClass.TECH_DEBT: 1,
    ChangeClass.COMPLIANCE: 1,
    ChangeClass.CONFIGURATION: 0,
}
DATA_POINTS: dict[str, int] = {"health": 2, "financial": 2, "pii": 1}
"""In the order reasons list them: the heaviest first."""
DATA_CAP = 3
STATEFUL_POINTS = 2
BLAST_RADIUS_STEPS = ((25, 2), (5, 1))
FAILURE_STEPS = ((3, 2), (1, 1))
SCHEMA_POINTS = 1
TIER_STEPS = ((5, RiskTier.HIGH), (2, RiskTier.MEDIUM))
MAX_NAMES = 3


@dataclass(frozen=True)
class ComponentRisk:
    name: str
    stateful: bool = False
    data_classes: frozenset[str] = frozenset()
    """A subset of {"pii", "financial", "health"}."""
    dependents: int = 0
    """Components that depend on it, directly or transitively (its blast radius)."""
    incidents: int = 0
    """Incidents on it within the last FAILURE_WINDOW_DAYS."""


@dataclass(frozen=True)
class RiskAssessment:
    tier: str
    """A RiskTier value."""
    score: int
    reasons: tuple[str, ...]
    """One line per rule that contributed, ending in its points, e.g. "stateful: ledger-db (+2)"."""


def assess(
    change_class: str, components: Sequence[ComponentRisk], schema_change: bool = False
) -> RiskAssessment:
    """Score a change; raises ValueError on an unknown change class or data class."""
    if change_class not in CLASS_POINTS:
        raise ValueError(f"unknown change class {change_class!r}")
    reasons: list[str] = []
    score = 0

    def add(points: int, reason: str, note: str = "") -> None:
        nonlocal score
        if points:
            score += points
            reasons.append(f"{reason} (+{points}{note})")

    add(CLASS_POINTS[change_class], f"{change_class.replace('_', ' ')} change")

    classes = {k for c in components for k in c.data_classes}
    unknown = classes - DATA_POINTS.keys()
    if unknown:
        raise ValueError(f"unknown data class {sorted(unknown)[0]!r}")
    if classes:
        ordered = [k for k in DATA_POINTS if k in classes]
        raw = sum(DATA_POINTS[k] for k in ordered)
        points = min(raw, DATA_CAP)
        holders = _names(c for c in components if c.data_classes)
        note = f", capped from +{raw}" if raw > DATA_CAP else ""
        add(points, f"{'/'.join(ordered)} data: {holders}", note)

    stateful = [c for c in components if c.stateful]
    if stateful:
        add(STATEFUL_POINTS, f"stateful: {_names(stateful)}")

    widest = max((c.dependents for c in components), default=0)
    points = _step(widest, BLAST_RADIUS_STEPS)
    if points:
        holders = _names(c for c in components if c.dependents == widest)
        add(points, f"blast radius {widest} dependents: {holders}")

    incidents = sum(c.incidents for c in components)
    points = _step(incidents, FAILURE_STEPS)
    if points:
        noun = "incident" if incidents == 1 else "incidents"
        holders = _names(c for c in components if c.incidents > 0)
        add(points, f"{incidents} {noun} in {FAILURE_WINDOW_DAYS} days: {holders}")

    if schema_change:
        add(SCHEMA_POINTS, "schema change")

    return RiskAssessment(tier_for(score), score, tuple(reasons))


def tier_for(score: int) -> str:
    for floor, tier in TIER_STEPS:
        if score >= floor:
            return tier.value
    return RiskTier.LOW.value


_REASON = re.compile(r"^(?P<head>.*?)(?:: (?P<detail>.*))? \((?P<points>\+\d+)[^)]*\)$")


def summary(a: RiskAssessment) -> str:
    """One line for a card: "high (score 6): stateful ledger-db +2, financial data +2, ...".

    A reason keeps its component only when it names just one; lists stay in the tooltip.
    """
    parts = []
    for reason in a.reasons:
        m = _REASON.match(reason)
        if m is None:  # a hand-written reason: show it as it is
            parts.append(reason)
            continue
        head, detail = m["head"], m["detail"]
        if detail and ", " not in detail:  # one name; "a, b and 2 more" stays in the tooltip
            head = f"{head} {detail}"
        parts.append(f"{head} {m['points']}")
    return f"{a.tier} (score {a.score}): {', '.join(parts) or 'no risk factors'}"


def blast_radius(edges: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Component id -> how many other components depend on it, directly or transitively.

    Edges are (consumer_id, provider_id); only ids on some edge appear (others have 0).
    Cycles collapse to one node of the condensation and the transitive consumers are then
    gathered as bit sets, consumers first, so 1,000 components with 5,000 edges take
    milliseconds instead of one graph search per component.
    """
    import networkx as nx  # imported on first use: it costs start-up a quarter second

    graph = nx.DiGraph()
    graph.add_edges_from(edges)  # consumer -> provider
    condensed = nx.condensation(graph)
    bit = {node: 1 << i for i, node in enumerate(graph)}
    members: dict[int, int] = {
        scc: sum(bit[node] for node in condensed.nodes[scc]["members"]) for scc in condensed
    }
    below: dict[int, int] = {}  # scc -> bits of the components in the sccs that consume it
    for scc in nx.topological_sort(condensed):  # consumers come before their providers
        mask = 0
        for consumer in condensed.predecessors(scc):
            mask |= below[consumer] | members[consumer]
        below[scc] = mask
    result: dict[int, int] = {}
    for scc in condensed:
        # the others in its own cycle depend on it too; the component itself does not count
        count = (below[scc] | members[scc]).bit_count() - 1
        for node in condensed.nodes[scc]["members"]:
            result[node] = count
    return result


def _step(value: int, steps: tuple[tuple[int, int], ...]) -> int:
    for floor, points in steps:
        if value >= floor:
            return points
    return 0


def _names(components: Iterable[ComponentRisk]) -> str:
    """At most MAX_NAMES names, then "and N more", so a reason stays one readable line."""
    names = list(dict.fromkeys(c.name for c in components))
    if len(names) <= MAX_NAMES:
        return ", ".join(names)
    return f"{', '.join(names[:MAX_NAMES])} and {len(names) - MAX_NAMES} more"
