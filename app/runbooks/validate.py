"""What stops a runbook from being signed off, said so the author knows what to fix.

Every problem blocks approval: a runbook is followed under pressure at night, so a step
without an owner or a trigger that can never be evaluated is not a style issue. The checks
run on every keystroke in the editor, so they are one pass over the body with no lookups.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from app.runbooks.body import (
    COMPARATOR_WORDS,
    COMPARATORS,
    CUSTOM,
    METRIC_LABELS,
    METRIC_UNITS,
    METRICS,
    RunbookBody,
    Step,
    Trigger,
)


@dataclass(frozen=True)
class Issue:
    where: str
    """ "runbook", "step 3 'Drain traffic'" or "trigger 2 (error rate above 1 % over 5 min)"."""
    step: int | None
    """0-based index into `steps`, so an editor can select the row."""
    trigger: int | None
    field: str
    """The Step, Trigger or RunbookBody field to fix."""
    message: str


def trigger_text(trigger: Trigger) -> str:
    """`Trigger.describe()` that also works on a draft with an unknown metric or comparator,
    which the editor, a diff and an export must still be able to show."""
    if trigger.metric == CUSTOM:
        what = trigger.custom_name.strip() or "unnamed custom metric"
    else:
        what = METRIC_LABELS.get(trigger.metric, trigger.metric or "no metric")
    words = COMPARATOR_WORDS.get(trigger.comparator, trigger.comparator)
    limit = f"{trigger.threshold:g} {trigger.unit.strip()}".strip()
    text = f"{what} {words} {limit} over {trigger.window_minutes} min"
    if trigger.consecutive > 1:
        text += f", {trigger.consecutive} evaluations in a row"
    return text


def step_where(number: int, step: Step) -> str:
    """How a step is named to a person: its 1-based number and title."""
    title = step.title.strip()
    return f"step {number} '{title}'" if title else f"step {number} (no title)"


def problems(body: RunbookBody) -> list[Issue]:
    """Runbook-level issues first, then each step in order, then each trigger in order."""
    found: list[Issue] = []
    if not body.title.strip():
        found.append(Issue("runbook", None, None, "title", "give the runbook a title"))
    if not body.steps:
        found.append(
            Issue("runbook", None, None, "steps", "add the steps that roll the change back")
        )
    last = len(body.steps) - 1
    for index, step in enumerate(body.steps):
        found.extend(_step_issues(index, step, is_last=index == last))
    for index, trigger in enumerate(body.triggers):
        found.extend(_trigger_issues(index, trigger))
    return found


def blocking(issues: Iterable[Issue]) -> bool:
    """Whether approval must wait; today every issue blocks."""
    return any(True for _ in issues)


def _step_issues(index: int, step: Step, *, is_last: bool) -> list[Issue]:
    where = step_where(index + 1, step)
    found: list[Issue] = []

    def add(field: str, message: str) -> None:
        found.append(Issue(where, index, None, field, message))

    if not step.title.strip():
        add("title", "give the step a title")
    if not step.owner.strip():
        add("owner", "name who carries out this step: a person or a role")
    if step.expected_minutes <= 0:
        add("expected_minutes", "enter how many minutes the step is expected to take (1 or more)")
    if not step.verification.strip():
        if is_last:
            add(
                "verification",
                "the last step must say how to verify the rollback worked"
                " (e.g. the error rate is back under its threshold)",
            )
        elif step.checkpoint:
            add("verification", "say what must hold to go on past this go/no-go checkpoint")
    return found


def _trigger_issues(index: int, trigger: Trigger) -> list[Issue]:
    where = f"trigger {index + 1} ({trigger_text(trigger)})"
    found: list[Issue] = []

    def add(field: str, message: str) -> None:
        found.append(Issue(where, None, index, field, message))

    metric_ok = trigger.metric in METRICS
    if not metric_ok:
        add("metric", f"choose one of the metrics: {', '.join(METRICS)}")
    elif trigger.metric == CUSTOM:
        name = trigger.custom_name.strip()
        if not name:
            add("custom_name", "name the custom metric as it appears in the metrics file")
        elif name in METRIC_UNITS:
            add(
                "custom_name",
                f"'{name}' is a standard metric: choose it as the metric instead of custom",
            )
        if not trigger.unit.strip():
            add("unit", "give the unit the custom metric is measured in")
    elif trigger.unit != METRIC_UNITS[trigger.metric]:
        expected = METRIC_UNITS[trigger.metric]
        add("unit", f"{METRIC_LABELS[trigger.metric]} is measured in {expected}: use {expected}")
    if trigger.comparator not in COMPARATORS:
        add("comparator", f"use one of {' '.join(COMPARATORS)}")

    unit = METRIC_UNITS.get(trigger.metric, trigger.unit)
    threshold = trigger.threshold
    if not math.isfinite(threshold):
        add("threshold", "enter the threshold as a number")
    elif unit == "%" and not 0 <= threshold <= 100:
        add("threshold", "a percentage threshold must be between 0 and 100")
    elif threshold < 0:
        add("threshold", "the threshold cannot be negative")
    if trigger.window_minutes < 1:
        add("window_minutes", "the window must be at least 1 minute")
    if trigger.consecutive < 1:
        add("consecutive", "the trigger must breach at least 1 evaluation in a row to fire")
    return found
