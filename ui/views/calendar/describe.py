"""Calendar items in words: the short label on a bar, and the details a tooltip and the side
panel show (plain-language schedule, local times of the teams involved, conflicts, overrides).

Tooltip and panel read the same `Details`, so they never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from app.planning.durations import Variance
from app.planning.schedule import BLOCKING, Conflict
from app.services.calendar_data import DeploymentItem, OverrideItem
from ui.views.calendar.index import (
    DEPLOYMENT,
    FREEZE,
    RELEASE,
    WAVE,
    WINDOW,
    CalendarIndex,
    Ref,
)
from ui.views.calendar.zones import clock, local, span_text, when, zones_line

KIND_WORDS = {
    RELEASE: "Release",
    WAVE: "Rollout wave",
    WINDOW: "Deployment window",
    FREEZE: "Freeze",
    DEPLOYMENT: "Deployment",
}


@dataclass(frozen=True)
class Details:
    ref: Ref
    title: str
    kind: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    """(label, text) lines: schedule, local times, scope..."""
    conflicts: list[Conflict] = field(default_factory=list)
    overrides: list[OverrideItem] = field(default_factory=list)

    def text(self, limit: int = 3) -> str:
        """Plain text for a tooltip or a status line."""
        lines = [f"{self.title} — {self.kind}"]
        lines += [f"{label}: {text}" for label, text in self.facts]
        for conflict in self.conflicts[:limit]:
            lines.append(f"{severity_word(conflict)}: {conflict.reason}")
        if len(self.conflicts) > limit:
            lines.append(f"… and {len(self.conflicts) - limit} more conflicts")
        for override in self.overrides[:limit]:
            lines.append(override_line(override))
        return "\n".join(lines)


def severity_word(conflict: Conflict) -> str:
    return "Blocking" if conflict.severity == BLOCKING else "Warning"


def override_line(override: OverrideItem) -> str:
    status = {"approved": "✓ Approved", "rejected": "✖ Rejected"}.get(
        override.status, "… Requested"
    )
    by = f" by {override.decided_by}" if override.decided_by else ""
    return (
        f"{status} override for {override.subject}{by} (asked by {override.requested_by}, "
        f"expires {override.expires_at:%Y-%m-%d %H:%M} UTC): {override.justification}"
    )


def team_zone_ids(index: CalendarIndex, teams: tuple[str, ...] | list[str]) -> list[str]:
    zones = index.data.team_zones
    return [zones[t] for t in teams if t in zones]


def involved_zones(index: CalendarIndex, ref: Ref, display: str) -> list[str]:
    """Whose clocks matter for an item: the display zone first, then its own zone, then its
    teams' (every team's for something that concerns everybody)."""
    item = index.item(ref)
    found = [display]
    if item is None:
        return found
    every = list(index.data.team_zones.values())
    if ref.kind == RELEASE:
        release = index.releases[ref.key]
        found += [release.zone, *team_zone_ids(index, release.teams)]
    elif ref.kind == DEPLOYMENT:
        dep = index.deployments[ref.key]
        found += team_zone_ids(index, [dep.team] if dep.team else [])
    elif ref.kind == WAVE:
        wave = index.waves[ref.key]
        owner = index.releases.get(wave.release)
        if owner is not None:
            found += [owner.zone, *team_zone_ids(index, owner.teams)]
    elif ref.kind == FREEZE:
        freeze = index.freezes[ref.key]
        found += [freeze.zone, *(team_zone_ids(index, freeze.teams) or every)]
    elif ref.kind == WINDOW:
        found += [index.windows[ref.key].zone, *every]
    return list(dict.fromkeys(z for z in found if z))


def label(index: CalendarIndex, ref: Ref, zone: str) -> str:
    """The few words on a bar."""
    if ref.kind == RELEASE:
        release = index.releases[ref.key]
        return f"{release.name} · {clock(release.window_start, zone)}"
    if ref.kind == WAVE:
        wave = index.waves[ref.key]
        owner = index.releases.get(wave.release)
        return f"{wave.name}" + (f" · {owner.name}" if owner else "")
    if ref.kind == DEPLOYMENT:
        dep = index.deployments[ref.key]
        return f"{clock(dep.planned_start, zone)} {dep.label}"
    if ref.kind == FREEZE:
        return index.freezes[ref.key].name
    if ref.kind == WINDOW:
        return index.windows[ref.key].name
    return ref.key


def details(
    index: CalendarIndex, ref: Ref, zone: str, durations: Mapping[str, Variance] = {}
) -> Details | None:
    """`durations`: rollout time per team (and "" for all), beside what sizes a window."""
    item = index.item(ref)
    if item is None:
        return None
    kind = KIND_WORDS[ref.kind]
    zones = involved_zones(index, ref, zone)
    facts: list[tuple[str, str]] = []
    overrides: list[OverrideItem] = []
    conflicts = list(index.conflicts(ref))
    if ref.kind == RELEASE:
        release = index.releases[ref.key]
        title = release.name
        facts.append(("Train", release.train or "independent release"))
        facts.append(("Status", release.status.replace("_", " ")))
        if release.code_freeze_at is not None:
            facts.append(("Code freeze", f"{when(release.code_freeze_at, zone)}"))
        facts.append(("Window", span_text(release.window_start, release.window_end, zone)))
        facts.append(("Local times", zones_line(release.window_start, zones)))
        facts.append(("Waves", _waves(index, ref.key, zone)))
        if release.teams:
            facts.append(("Teams", ", ".join(release.teams)))
        facts.append(("Workloads", str(release.workloads)))
        facts += _rollout_times(durations, release.teams)
        conflicts = list(index.release_conflicts.get(ref.key, []))
    elif ref.kind == WAVE:
        wave = index.waves[ref.key]
        owner = index.releases.get(wave.release)
        title = f"{wave.name}" + (f" ({owner.name})" if owner else "")
        facts.append(("Position", f"wave {wave.position}, {wave.traffic_percent} % of traffic"))
        facts.append(("Runs", span_text(wave.start, wave.end, zone)))
        facts.append(("Local times", zones_line(wave.start, zones)))
        if wave.bake_minutes:
            facts.append(("Bake", f"{wave.bake_minutes} min before the next wave"))
        if wave.components:
            facts.append(("Components", ", ".join(wave.components)))
    elif ref.kind == DEPLOYMENT:
        dep = index.deployments[ref.key]
        title = dep.label
        facts.append(("Workload", dep.workload + (f" · team {dep.team}" if dep.team else "")))
        facts.append(("Planned", span_text(dep.planned_start, dep.planned_end, zone)))
        if dep.actual_start is not None:
            end = dep.actual_end or dep.actual_start
            facts.append(("Actual", span_text(dep.actual_start, end, zone) + f" · {dep.result}"))
        facts.append(("Local times", zones_line(dep.planned_start, zones)))
        facts.append(("Owner", dep.owner or "nobody yet"))
        minutes = round((dep.planned_end - dep.planned_start).total_seconds() / 60)
        facts.append(("Planned length", f"{minutes} min"))
        facts += _rollout_times(durations, (dep.team,) if dep.team else ())
        if dep.components:
            facts.append(("Components", ", ".join(dep.components)))
        facts += _gates(dep) + _decisions(dep, zone)
        owner = index.releases.get(dep.release or "")
        if owner is not None:
            facts.append(("Release", owner.name))
    elif ref.kind == FREEZE:
        freeze = index.freezes[ref.key]
        title = freeze.name
        kind = "Hard freeze (blocks)" if freeze.hard else "Soft freeze (warns)"
        facts.append(("When", freeze.plain))
        first = _next_occurrence(freeze.occurrences, index)
        if first is not None:
            facts.append(("Shown", span_text(first[0], first[1], zone)))
            facts.append(("Local times", zones_line(first[0], zones)))
        facts.append(("Scope", freeze.scope))
        if freeze.reason:
            facts.append(("Reason", freeze.reason))
        overrides = list(index.overrides_of.get(ref.key, []))
    else:
        window = index.windows[ref.key]
        title = window.name
        facts.append(("When", window.plain))
        facts.append(("Environment", window.environment or "every environment"))
        first = _next_occurrence(window.occurrences, index)
        if first is not None:
            facts.append(("Shown", span_text(first[0], first[1], zone)))
            facts.append(("Local times", zones_line(first[0], zones)))
        facts += _rollout_times(durations, ("",))
    return Details(ref, title, kind, facts, conflicts, overrides)


MAX_TEAMS = 4
MAX_DECISIONS = 3
GATES_BLOCKED = "✖ gates"
GATES_CLEAR = "✔"
DECISION_NAMES = {"rollback": "rollback", "roll_forward": "roll forward", "hold": "hold"}


def gate_mark(dep: DeploymentItem) -> str:
    """The boxed mark on a planned production deployment: blocked or clear to go."""
    if dep.gates_missing is None:
        return ""
    return GATES_BLOCKED if dep.gates_missing else GATES_CLEAR


def _gates(dep: DeploymentItem) -> list[tuple[str, str]]:
    """Whether the promotion gates let it into production, and each one it still lacks."""
    if dep.gates_missing is None:
        return []
    if not dep.gates_missing:
        return [("Gates", "✔ every promotion gate is met")]
    n = len(dep.gates_missing)
    lines = [f"✖ blocked: {n} gate{'s' if n != 1 else ''} missing"]
    lines += [f"• {gap}" for gap in dep.gates_missing]
    return [("Gates", "\n".join(lines))]


def _decisions(dep: DeploymentItem, zone: str) -> list[tuple[str, str]]:
    """ "2 rollback decisions: rollback at 02:14 by Omar Schmidt; hold at 01:50 by …"."""
    if not dep.decisions:
        return []
    day = local(dep.planned_start, zone).date()
    said = []
    for note in dep.decisions[:MAX_DECISIONS]:
        at = clock(note.decided_at, zone)
        if local(note.decided_at, zone).date() != day:
            at = when(note.decided_at, zone)
        name = DECISION_NAMES.get(note.decision, note.decision)
        said.append(f"{name} at {at} by {note.decided_by}")
    n = len(dep.decisions)
    more = f"; … and {n - MAX_DECISIONS} more" if n > MAX_DECISIONS else ""
    text = f"{n} rollback decision{'s' if n != 1 else ''}: " + "; ".join(said) + more
    return [("Decisions", text)]


def _rollout_times(
    durations: Mapping[str, Variance], teams: tuple[str, ...]
) -> list[tuple[str, str]]:
    """How long production rollouts really take (last half year), to size a window by."""
    lines = []
    for team in teams[:MAX_TEAMS]:
        v = durations.get(team)
        if v is None:
            continue
        who = f"{team}: " if team else "All teams: "
        lines.append(
            f"{who}median {v.median_actual:.0f} min actual vs {v.median_planned:.0f} planned, "
            f"80th-percentile overrun {v.p80_overrun:+.0f} min ({v.count} rollouts)"
        )
    if len(teams) > MAX_TEAMS:
        lines.append(f"… and {len(teams) - MAX_TEAMS} more teams")
    return [("Rollout time", "\n".join(lines))] if lines else []


def _waves(index: CalendarIndex, release: str, zone: str) -> str:
    waves = index.waves_of.get(release, [])
    if not waves:
        return "none planned"
    return "; ".join(f"{w.name} {clock(w.start, zone)}" for w in waves)


def _next_occurrence(occurrences: tuple, index: CalendarIndex) -> tuple[datetime, datetime] | None:
    """The first occurrence in the loaded range: the one the user is looking at."""
    for occ in occurrences:
        if occ.end > index.data.after:
            return occ.start, occ.end
    return None
