"""What changed between two versions of a runbook, in words a reviewer signs off on.

Steps and triggers are matched by id, so an edited title is a change, not a removal plus an
addition. A step only counts as moved when the move is not explained by steps added or
removed around it: the ids both versions share are aligned with difflib's matcher (its
longest matching blocks) and only shared ids outside those blocks are reported as moved.

Changes come in reading order: the runbook's own fields, then the steps as they stand in the
new version (added, moved, then field changes of each), then the steps that were removed,
then the triggers in the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.runbooks.body import COMPARATOR_WORDS, METRIC_LABELS, RunbookBody, Step, Trigger
from app.runbooks.validate import trigger_text

ALWAYS_TEXT_DIFF = frozenset({"summary", "instructions"})
"""Fields that hold prose; other text fields get a line diff only when they span lines."""
FIELD_WORDS = {
    "expected_minutes": "expected minutes",
    "window_minutes": "window",
    "custom_name": "custom name",
    "consecutive": "evaluations in a row",
}


@dataclass(frozen=True)
class Change:
    kind: str
    """ "added", "removed", "moved" or "changed"."""
    subject: str
    """ "runbook", "step 'Drain traffic'" or "trigger 'error rate above 1 % over 5 min'"."""
    field: str
    """The changed field's name; "" for added, removed and moved."""
    before: str
    after: str
    text_diff: tuple[str, ...] = ()
    """Unified-diff lines (hunks only) for prose fields; empty otherwise."""


def diff(old: RunbookBody, new: RunbookBody) -> list[Change]:
    changes: list[Change] = []
    for name in ("title", "summary"):
        _compare(changes, "runbook", name, getattr(old, name), getattr(new, name), str)
    changes.extend(_diff_items(old.steps, new.steps, _step_subject, _step_fields))
    changes.extend(_diff_items(old.triggers, new.triggers, _trigger_subject, _trigger_fields))
    return changes


def render(changes: Iterable[Change]) -> str:
    """One line per change (prose diffs indented beneath), for the CLI and the diff viewer."""
    lines: list[str] = []
    for c in changes:
        subject = c.subject[:1].upper() + c.subject[1:]
        if c.kind == "added":
            lines.append(f"{subject}: added at {c.after}")
        elif c.kind == "removed":
            lines.append(f"{subject}: removed from {c.before}")
        elif c.kind == "moved":
            lines.append(f"{subject}: moved from {c.before} to {c.after}")
        elif c.text_diff:
            lines.append(f"{subject}: {FIELD_WORDS.get(c.field, c.field)} changed:")
            lines.extend(f"    {line}" for line in c.text_diff)
        else:
            before, after = c.before or "(empty)", c.after or "(empty)"
            lines.append(f"{subject}: {FIELD_WORDS.get(c.field, c.field)} {before} → {after}")
    return "\n".join(lines) if lines else "No differences."


def _keys(items: Sequence[Step] | Sequence[Trigger]) -> list[tuple[str, int]]:
    """Ids made unique by occurrence, so a body with a duplicated id still diffs."""
    seen: dict[str, int] = {}
    keys = []
    for item in items:
        n = seen.get(item.id, 0)
        seen[item.id] = n + 1
        keys.append((item.id, n))
    return keys


def _diff_items(
    old: Sequence[Any],
    new: Sequence[Any],
    subject: Callable[[Any], str],
    fields: Callable[[Any, Any], list[tuple[str, str, str]]],
) -> list[Change]:
    old_keys, new_keys = _keys(old), _keys(new)
    old_at = {k: i for i, k in enumerate(old_keys)}
    new_set = set(new_keys)
    shared_old = [k for k in old_keys if k in new_set]
    shared_new = [k for k in new_keys if k in old_at]
    matcher = difflib.SequenceMatcher(None, shared_old, shared_new, autojunk=False)
    in_place = {k for b in matcher.get_matching_blocks() for k in shared_new[b.b : b.b + b.size]}

    changes: list[Change] = []
    for j, key in enumerate(new_keys):
        item = new[j]
        name = subject(item)
        if key not in old_at:
            changes.append(Change("added", name, "", "", f"position {j + 1}"))
            continue
        i = old_at[key]
        if key not in in_place:
            changes.append(Change("moved", name, "", f"position {i + 1}", f"position {j + 1}"))
        for field, before, after in fields(old[i], item):
            changes.append(_change(name, field, before, after))
    for i, key in enumerate(old_keys):
        if key not in new_set:
            changes.append(Change("removed", subject(old[i]), "", f"position {i + 1}", ""))
    return changes


def _compare(
    changes: list[Change], subject: str, field: str, a: Any, b: Any, show: Callable[[Any], str]
) -> None:
    if a != b:
        changes.append(_change(subject, field, show(a), show(b)))


def _change(subject: str, field: str, before: str, after: str) -> Change:
    prose = field in ALWAYS_TEXT_DIFF or "\n" in before or "\n" in after
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
    text_diff = tuple(list(lines)[2:]) if prose else ()
    return Change("changed", subject, field, before, after, text_diff)


def _step_subject(step: Step) -> str:
    return f"step '{step.title.strip() or '(no title)'}'"


def _trigger_subject(trigger: Trigger) -> str:
    return f"trigger '{trigger_text(trigger)}'"


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _minutes(value: int) -> str:
    return f"{value} min"


def _number(value: float) -> str:
    """Short when that loses nothing, so 99.9 and 99.90001 never both show as "99.9"."""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def _step_fields(a: Step, b: Step) -> list[tuple[str, str, str]]:
    pairs = [
        ("title", a.title, b.title),
        ("instructions", a.instructions, b.instructions),
        ("command", a.command, b.command),
        ("owner", a.owner_label, b.owner_label),
        ("expected_minutes", _minutes(a.expected_minutes), _minutes(b.expected_minutes)),
        ("verification", a.verification, b.verification),
        ("checkpoint", _yes_no(a.checkpoint), _yes_no(b.checkpoint)),
    ]
    return [p for p in pairs if p[1] != p[2]]


def _trigger_fields(a: Trigger, b: Trigger) -> list[tuple[str, str, str]]:
    def metric(t: Trigger) -> str:
        return METRIC_LABELS.get(t.metric, t.metric)

    def comparator(t: Trigger) -> str:
        return COMPARATOR_WORDS.get(t.comparator, t.comparator)

    pairs = [
        ("metric", metric(a), metric(b)),
        ("custom_name", a.custom_name, b.custom_name),
        ("comparator", comparator(a), comparator(b)),
        ("threshold", _number(a.threshold), _number(b.threshold)),
        ("unit", a.unit, b.unit),
        ("window_minutes", _minutes(a.window_minutes), _minutes(b.window_minutes)),
        ("consecutive", str(a.consecutive), str(b.consecutive)),
    ]
    return [p for p in pairs if p[1] != p[2]]
