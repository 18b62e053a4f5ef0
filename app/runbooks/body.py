"""What a runbook says: ordered steps and the rollback triggers that call for it.

A body is stored whole as one revision (JSON), so a version is exactly what was approved and
two versions diff without reconstructing history. Steps and triggers carry an id that stays
with them across versions, so a diff follows a step that moved instead of reporting it
deleted and re-added.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from typing import Any

ERROR_RATE = "error_rate"
LATENCY_P99 = "latency_p99"
AVAILABILITY = "availability"
SATURATION = "saturation"
CUSTOM = "custom"

METRIC_UNITS: dict[str, str] = {
    ERROR_RATE: "%",
    LATENCY_P99: "ms",
    AVAILABILITY: "%",
    SATURATION: "%",
}
"""The standard metrics and the unit their values and thresholds are written in."""
METRIC_LABELS: dict[str, str] = {
    ERROR_RATE: "error rate",
    LATENCY_P99: "p99 latency",
    AVAILABILITY: "availability",
    SATURATION: "saturation",
    CUSTOM: "custom metric",
}
METRICS = (*METRIC_UNITS, CUSTOM)
COMPARATORS = (">", ">=", "<", "<=")
COMPARATOR_WORDS = {">": "above", ">=": "at or above", "<": "below", "<=": "at or below"}


def new_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    instructions: str = ""
    """Markdown, rendered in the preview and on paper."""
    command: str = ""
    owner: str = ""
    """A person's login, or a role name when `owner_is_role`."""
    owner_is_role: bool = False
    expected_minutes: int = 0
    verification: str = ""
    """How whoever runs the step knows it worked."""
    checkpoint: bool = False
    """A go/no-go point: stop here unless the verification holds."""

    @property
    def owner_label(self) -> str:
        if not self.owner:
            return ""
        return f"role: {self.owner}" if self.owner_is_role else self.owner


@dataclass(frozen=True)
class Trigger:
    id: str
    metric: str
    """One of METRICS."""
    comparator: str = ">"
    threshold: float = 0.0
    unit: str = "%"
    window_minutes: int = 5
    """The values inside the window are averaged for each evaluation."""
    consecutive: int = 1
    """How many evaluations in a row must breach before the trigger fires."""
    custom_name: str = ""
    """The metric's name in a time series when `metric` is CUSTOM."""

    @property
    def series_name(self) -> str:
        """The metric name a `timestamp,metric,value` file uses for it."""
        return self.custom_name if self.metric == CUSTOM else self.metric

    def describe(self) -> str:
        """ "error rate above 1 % over 5 min, 3 evaluations in a row"."""
        what = self.custom_name if self.metric == CUSTOM else METRIC_LABELS[self.metric]
        limit = f"{self.threshold:g} {self.unit}"
        text = f"{what} {COMPARATOR_WORDS.get(self.comparator, self.comparator)} {limit}"
        text += f" over {self.window_minutes} min"
        if self.consecutive > 1:
            text += f", {self.consecutive} evaluations in a row"
        return text


PRESETS: dict[str, Trigger] = {
    "Error rate above 1 % over 5 minutes": Trigger("", ERROR_RATE, ">", 1.0, "%", 5, 1),
    "p99 latency above 500 ms": Trigger("", LATENCY_P99, ">", 500.0, "ms", 5, 3),
    "Availability below 99.9 % over 5 minutes": Trigger("", AVAILABILITY, "<", 99.9, "%", 5, 1),
    "Saturation above 90 % over 10 minutes": Trigger("", SATURATION, ">", 90.0, "%", 10, 2),
}
"""The common triggers; `preset(name)` gives one with a fresh id."""


def preset(name: str) -> Trigger:
    return dataclasses.replace(PRESETS[name], id=new_id())


@dataclass(frozen=True)
class RunbookBody:
    title: str
    summary: str = ""
    """Markdown: when to use this runbook and what must hold before starting."""
    steps: tuple[Step, ...] = ()
    triggers: tuple[Trigger, ...] = field(default=())

    @property
    def total_minutes(self) -> int:
        return sum(max(0, s.expected_minutes) for s in self.steps)

    @property
    def checkpoints(self) -> tuple[tuple[int, Step], ...]:
        """(1-based step number, step) of every go/no-go point."""
        return tuple((n, s) for n, s in enumerate(self.steps, 1) if s.checkpoint)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunbookBody:
        """Read a stored body; unknown keys are ignored so older clients read newer bodies."""
        step_names = {f.name for f in dataclasses.fields(Step)}
        trigger_names = {f.name for f in dataclasses.fields(Trigger)}
        return cls(
            title=str(data.get("title", "")),
            summary=str(data.get("summary", "")),
            steps=tuple(
                Step(**{k: v for k, v in s.items() if k in step_names})
                for s in data.get("steps", ())
            ),
            triggers=tuple(
                Trigger(**{k: v for k, v in t.items() if k in trigger_names})
                for t in data.get("triggers", ())
            ),
        )
