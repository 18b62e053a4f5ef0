"""Edits of a runbook draft as functions from one immutable body to the next.

The editor keeps whole-body snapshots for undo, so every edit is "old body in, new body out";
keeping the arithmetic of moving, duplicating and deleting steps here (free of Qt) makes each
one testable on plain values and keeps the widgets to wiring.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from app.domain.enums import Role
from app.runbooks.body import CUSTOM, RunbookBody, Step, Trigger, new_id

ROLE_PREFIX = "role:"
OWNER_ROLES = (
    Role.OPERATIONS.value,
    Role.SECURITY.value,
    Role.COORDINATOR.value,
    Role.APPROVER.value,
    Role.ADMIN.value,
)
"""The roles a step can be given to, operations first: most rollback steps are theirs."""


def parse_owner(text: str, logins: Iterable[str] = ()) -> tuple[str, bool]:
    """(owner, is_role) from what was typed or picked.

    "role: operations" is a role; "ada — Ada Lovelace" (a picked person) is the login before
    the dash; a bare role name is a role unless someone has that login.
    """
    value = text.strip()
    if value.lower().startswith(ROLE_PREFIX):
        return value[len(ROLE_PREFIX) :].strip(), True
    value = value.split(" — ", 1)[0].strip()
    if value in OWNER_ROLES and value not in set(logins):
        return value, True
    return value, False


def blank_step() -> Step:
    return Step(id=new_id(), title="")


def replace_step(body: RunbookBody, row: int, step: Step) -> RunbookBody:
    steps = list(body.steps)
    steps[row] = step
    return dataclasses.replace(body, steps=tuple(steps))


def insert_step(body: RunbookBody, at: int, step: Step) -> RunbookBody:
    steps = list(body.steps)
    steps.insert(max(0, min(at, len(steps))), step)
    return dataclasses.replace(body, steps=tuple(steps))


def remove_steps(body: RunbookBody, rows: Iterable[int]) -> RunbookBody:
    gone = set(rows)
    return dataclasses.replace(
        body, steps=tuple(s for i, s in enumerate(body.steps) if i not in gone)
    )


def duplicate_steps(body: RunbookBody, rows: Sequence[int]) -> tuple[RunbookBody, list[int]]:
    """Copies (with new ids, titled "… (copy)") right after the last of `rows`; returns the
    body and the copies' rows."""
    picked = sorted(set(r for r in rows if 0 <= r < len(body.steps)))
    if not picked:
        return body, []
    copies = [
        dataclasses.replace(body.steps[r], id=new_id(), title=f"{body.steps[r].title} (copy)")
        for r in picked
    ]
    at = picked[-1] + 1
    steps = [*body.steps[:at], *copies, *body.steps[at:]]
    return dataclasses.replace(body, steps=tuple(steps)), list(range(at, at + len(copies)))


def move_steps(body: RunbookBody, rows: Sequence[int], to: int) -> tuple[RunbookBody, list[int]]:
    """Move `rows` (kept in their order) so they stand before the step now at `to` (or last
    when `to` is the number of steps); returns the body and the rows they end up on."""
    picked = sorted(set(r for r in rows if 0 <= r < len(body.steps)))
    if not picked:
        return body, []
    moving = [body.steps[r] for r in picked]
    rest = [s for i, s in enumerate(body.steps) if i not in set(picked)]
    at = max(0, min(to - sum(1 for r in picked if r < to), len(rest)))
    steps = [*rest[:at], *moving, *rest[at:]]
    return dataclasses.replace(body, steps=tuple(steps)), list(range(at, at + len(moving)))


def shift_steps(
    body: RunbookBody, rows: Sequence[int], delta: int
) -> tuple[RunbookBody, list[int]]:
    """Alt+Up / Alt+Down: one place up (-1) or down (+1); a block at the edge stays put."""
    picked = sorted(set(r for r in rows if 0 <= r < len(body.steps)))
    if not picked:
        return body, []
    if delta < 0 and picked[0] == 0 or delta > 0 and picked[-1] == len(body.steps) - 1:
        return body, picked
    to = picked[0] - 1 if delta < 0 else picked[-1] + 2
    return move_steps(body, picked, to)


def replace_trigger(body: RunbookBody, row: int, trigger: Trigger) -> RunbookBody:
    triggers = list(body.triggers)
    triggers[row] = trigger
    return dataclasses.replace(body, triggers=tuple(triggers))


def add_trigger(body: RunbookBody, trigger: Trigger) -> RunbookBody:
    return dataclasses.replace(body, triggers=(*body.triggers, trigger))


def remove_triggers(body: RunbookBody, rows: Iterable[int]) -> RunbookBody:
    gone = set(rows)
    return dataclasses.replace(
        body, triggers=tuple(t for i, t in enumerate(body.triggers) if i not in gone)
    )


def custom_trigger() -> Trigger:
    return Trigger(id=new_id(), metric=CUSTOM, comparator=">", threshold=0.0, unit="")
