"""A runbook as Markdown, laid out to be printed and followed step by step at 02:00.

The approved version, its sign-offs and the triggers that call for it come first, so whoever
holds the paper knows it is the right one and when to start. Each step then reads top to
bottom in the order it is done: who, how long, what to do, the command, how to tell it
worked; a go/no-go checkpoint is written out in words rather than left to formatting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from app.runbooks.body import RunbookBody, Step
from app.runbooks.validate import trigger_text

CHECKPOINT = "GO / NO-GO CHECKPOINT"


def to_markdown(
    body: RunbookBody,
    *,
    subject: str,
    revision: int,
    status: str,
    approvals: Sequence[str],
    people: Mapping[str, str] | None = None,
) -> str:
    """`subject` is e.g. "Component payments-api"; `approvals` are ready-made lines such as
    "operations: Ada Lovelace, 2026-11-02"; `people` maps logins to display names."""
    out: list[str] = [f"# {_line(body.title) or 'Untitled runbook'}", ""]
    out += [f"{_line(subject)}  ", f"Version {revision} · {_line(status)}", ""]
    out += ["**Approvals**", ""]
    out += [f"- {_line(a)}" for a in approvals] or ["- none yet"]
    out.append("")
    if body.summary.strip():
        out += ["## Summary", "", body.summary.strip(), ""]
    out += ["## Rollback triggers", ""]
    out += [f"- {trigger_text(t)}" for t in body.triggers] or ["- none defined"]
    out += ["", f"**{totals(body)}**", "", "## Steps", ""]
    for number, step in enumerate(body.steps, 1):
        out += _step(number, step, people or {})
    if body.steps:
        out += ["## Sign-off", "", "| Step | Done at | Initials |", "|---|---|---|"]
        out += [f"| {n}. {_cell(s.title)} |  |  |" for n, s in enumerate(body.steps, 1)]
        out.append("")
    return "\n".join(out)


def totals(body: RunbookBody) -> str:
    """ "12 steps · 95 minutes expected · 3 go/no-go checkpoints"."""
    steps, minutes, checks = len(body.steps), body.total_minutes, len(body.checkpoints)
    return (
        f"{_count(steps, 'step')} · {_count(minutes, 'minute')} expected"
        f" · {_count(checks, 'go/no-go checkpoint')}"
    )


def owner_text(step: Step, people: Mapping[str, str]) -> str:
    """A person's display name when known; a role as "role: operations"."""
    if not step.owner.strip():
        return "unassigned"
    if step.owner_is_role:
        return step.owner_label
    return people.get(step.owner, step.owner)


def fence(code: str) -> str:
    """A backtick fence longer than any run of backticks inside the code."""
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    return "`" * max(3, longest + 1)


def _step(number: int, step: Step, people: Mapping[str, str]) -> list[str]:
    out = [f"### {number}. {_line(step.title) or '(no title)'}", "", "- [ ] done", ""]
    minutes = _count(step.expected_minutes, "minute")
    out += [f"**Owner:** {owner_text(step, people)} · **Expected:** {minutes}", ""]
    if step.instructions.strip():
        out += [step.instructions.strip(), ""]
    if step.command.strip():
        marks = fence(step.command)
        out += [marks, step.command.strip("\n"), marks, ""]
    verification = _line(step.verification) or "(no verification given)"
    if step.checkpoint:
        out += [f"> **{CHECKPOINT}** — stop unless: {verification}", ""]
    elif step.verification.strip():
        out += [f"**Verify:** {verification}", ""]
    return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _line(text: str) -> str:
    """Text that must stay on one Markdown line (a title, a verification)."""
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _line(text).replace("|", "\\|")
