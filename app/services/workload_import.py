"""Importing workloads from a sheet: a preview first, then all or nothing, and its undo.

`plan_import` reads nothing but the database and writes nothing: every row is converted and
checked against the WORKLOAD spec (its field conversions and cross-field checks), so the
preview already lists every invalid row with its column and reason. `apply_import` plans
again inside the caller's transaction, refuses if anything is invalid or if the database
moved since the preview, and writes through crud (each row audited). `undo_import` takes
it back with compensating writes, refused as a conflict when someone edited those rows since.

Rules (documented for users in docs/import.md):
- rows match by key; an existing key updates only the fields whose value differs;
- a blank cell clears an optional field in our own sheet, and leaves it alone in a
  tracker's file; a column the file lacks is never touched;
- a new workload needs key, title, change class, team and size; status, the WSJF parts
  and "schema change" default when the file has no such column;
- a blank risk override reason lets the rules set the tier: a different tier needs a reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from app.exchange.workload_columns import WORKLOAD_COLUMNS
from app.exchange.workload_sheet import SheetRow, WorkloadSheet, blank
from app.services import crud
from app.services.actor import Actor
from app.services.errors import (
    Conflict,
    ConflictError,
    FieldError,
    ServiceError,
    ValidationError,
)
from app.services.fields import Invalid, convert_all
from app.services.risk import derive_tier
from app.services.workload_import_values import EMPTY, Lookups, text
from app.services.workloads import WORKLOAD, delete_workload

LABELS = {c.field: c.header for c in WORKLOAD_COLUMNS if c.field}
FIELDS = tuple(f.name for f in WORKLOAD.fields)
PLAIN = [f for f in WORKLOAD.fields if f.kind not in ("ref", "refs")]
"""Fields convert_all can check without the database; references are looked up in Lookups."""
CHECKS = [c for c in WORKLOAD.checks if c is not derive_tier]
"""derive_tier reads the component graph per call; the planner runs the same rules on
component facts loaded once (Lookups.rules)."""
DEFAULTS: dict[str, Any] = {
    "status": "backlog",
    "business_value": 1,
    "time_criticality": 1,
    "risk_reduction": 1,
    "schema_change": False,
}
"""For a new workload when the file has no such column (a tracker has no WSJF parts)."""
RISK_INPUTS = ("change_class", "components", "schema_change")
_MISSING = object()


@dataclass(frozen=True)
class RowError:
    row: int
    """The sheet's row number; 0 for the file as a whole."""
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        return (
            f"{where}, {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"
        )


@dataclass(frozen=True)
class Planned:
    key: str
    row: int
    values: dict[str, Any]
    """What crud receives: every field for a create, only the changes for an update."""
    changed_fields: tuple[str, ...] = ()
    before: dict[str, Any] = field(default_factory=dict)
    """The stored values of the changed fields (update)."""
    uuid: str | None = None
    version: int | None = None


@dataclass
class ImportPlan:
    create: list[Planned]
    update: list[Planned]
    unchanged: int
    errors: list[RowError]
    notes: list[str]
    sheet: WorkloadSheet
    default_team: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        return {
            "create": [p.key for p in self.create],
            "update": [{"key": p.key, "fields": list(p.changed_fields)} for p in self.update],
            "errors": [{"row": e.row, "column": e.column, "reason": e.reason} for e in self.errors],
            "unchanged": self.unchanged,
            "notes": list(self.notes),
        }


@dataclass
class Applied:
    created: list[tuple[str, int]] = field(default_factory=list)
    """(uuid, version) of each workload created."""
    updated: list[tuple[str, dict[str, Any], int]] = field(default_factory=list)
    """(uuid, the values before — references as UUIDs —, version after) of each update."""
    source: str = ""


class PreviewOutdated(ConflictError):
    """The database changed under the preview: applying it now would not do what was shown."""

    def __init__(self, key: str, conflict: Conflict) -> None:
        self.key = key
        self.conflict = conflict
        ServiceError.__init__(
            self, f"workload {key} was changed by someone else since the preview; preview again"
        )


class _Planner:
    def __init__(self, session: Session, sheet: WorkloadSheet, default_team: str | None) -> None:
        self.session, self.sheet = session, sheet
        keys = [_key(r) for r in sheet.rows]
        self.look = Lookups(session, [k for k in keys if k])
        self.plan = ImportPlan([], [], 0, [], list(sheet.notes), sheet, default_team)
        self.seen: dict[str, int] = {}
        self.defaulted: set[str] = set()
        self.team: str | None = None
        if default_team:
            try:
                self.team = self.look.teams.find(default_team)
            except Invalid as exc:
                self.plan.errors.append(RowError(0, LABELS["team"], f"default team: {exc}"))

    def header(self, row: SheetRow, name: str) -> str:
        if name in row.cells:
            return row.cells[name][0]
        return self.sheet.columns.get(name, LABELS.get(name, name))

    def run(self) -> ImportPlan:
        place = {header: n for n, header in enumerate(self.sheet.columns.values())}
        for row in self.sheet.rows:
            errors = sorted(self.row(row), key=lambda e: place.get(e[0], len(place)))
            self.plan.errors += [RowError(row.row_number, c, r) for c, r in errors]
        if self.defaulted:
            shown = ", ".join(
                f"{LABELS[f]} {'no' if DEFAULTS[f] is False else DEFAULTS[f]}"
                for f in DEFAULTS
                if f in self.defaulted
            )
            self.plan.notes.append(
                f"new workloads take defaults for columns not in the file: {shown}"
            )
        if self.team and any(p.values.get("team") == self.team for p in self.plan.create):
            self.plan.notes.append(f"new workloads without a team go to {self.team}")
        return self.plan

    def row(self, row: SheetRow) -> list[tuple[str, str]]:
        errors = list(row.problems)
        key = _key(row)
        if not key:
            return errors + [(self.header(row, "key"), "a workload key is required")]
        if key in self.seen:
            reason = f"{key} appears twice: already on row {self.seen[key]}"
            return errors + [(self.header(row, "key"), reason)]
        self.seen[key] = row.row_number
        given: dict[str, Any] = {}
        unreadable: set[str] = set()
        for name, (header, raw) in row.cells.items():
            if name == "key":
                continue
            if blank(raw):
                if self.sheet.own:
                    given[name] = EMPTY.get(name)
                continue
            try:
                given[name] = self.look.convert(name, raw)
            except Invalid as exc:
                errors.append((header, str(exc)))
                unreadable.add(name)
        stored = self.look.existing.get(key)
        merged = self.start(key, given) if stored is None else dict(stored.values) | given
        base = None if stored is None else stored.values
        risky = unreadable & {*RISK_INPUTS, "risk_tier", "risk_override_reason"}
        found = [] if risky else self.risk(merged, given, base)
        if stored is not None and merged == base:
            if not errors and not found:
                self.plan.unchanged += 1
            return errors + found
        namespace = SimpleNamespace(**merged, id=None if stored is None else stored.id)
        for check in CHECKS:
            found += [(e.field, e.message) for e in check(self.session, namespace, {})]
        after = {n: getattr(namespace, n) for n in FIELDS}
        changes = after if base is None else {n: v for n, v in after.items() if v != base[n]}
        found += self.validate(changes, base is None)
        found = [(n, m) for n, m in found if n not in unreadable]  # said once, by the cell
        errors += [(self.header(row, n) if n in LABELS else n, m) for n, m in found]
        if errors:
            return errors
        values = {n: list(v) if n == "components" else v for n, v in changes.items()}
        if stored is None:
            self.plan.create.append(Planned(key, row.row_number, values))
        elif changes:
            before = {n: base[n] for n in changes} if base else {}
            order = tuple(n for n in FIELDS if n in changes)
            self.plan.update.append(
                Planned(key, row.row_number, values, order, before, stored.uuid, stored.version)
            )
        else:
            self.plan.unchanged += 1
        return []

    def start(self, key: str, given: dict[str, Any]) -> dict[str, Any]:
        """A new workload's values: the file's, defaults for columns it lacks."""
        merged: dict[str, Any] = {n: EMPTY.get(n) for n in FIELDS} | {"key": key}
        for name, value in DEFAULTS.items():
            if name not in given:
                merged[name] = value
                self.defaulted.add(name)
        merged |= given
        if merged["team"] is None and self.team:
            merged["team"] = self.team
        return merged

    def risk(self, merged: dict[str, Any], given: dict[str, Any],
             base: dict[str, Any] | None) -> list[tuple[str, str]]:  # fmt: skip
        """Settle the tier as the service will: an override with a reason stands; without
        one the rules decide, and a tier the rules do not give is an error."""
        old_tier = base["risk_tier"] if base else None
        old_reason = base["risk_override_reason"] if base else None
        asked = given.get("risk_tier", _MISSING)
        reason = given.get("risk_override_reason", old_reason)
        tier = old_tier if asked is _MISSING else asked
        if reason:
            if tier is None:
                return [("risk_tier", "give the tier this override reason is for, or clear it")]
            merged["risk_tier"], merged["risk_override_reason"] = tier, reason
            return []
        merged["risk_override_reason"] = None
        wanted = None if asked is _MISSING or asked == old_tier else asked
        inputs_moved = base is None or any(merged[n] != base[n] for n in RISK_INPUTS)
        if wanted is None and not inputs_moved and old_reason is None:
            merged["risk_tier"] = old_tier
            return []
        if merged["change_class"] is None or merged["size"] is None:
            return []  # the field errors say what is missing
        rules = self.look.rules(merged["change_class"], merged["components"],
                                bool(merged["schema_change"]))  # fmt: skip
        if wanted is not None and wanted != rules.tier:
            because = "; ".join(rules.reasons) or "no risk factors"
            reason_text = (
                f"the rules give {rules.tier} ({because}); to set {wanted}, "
                f"fill in {LABELS['risk_override_reason']}"
            )
            return [("risk_override_reason", reason_text)]
        merged["risk_tier"] = rules.tier
        return []

    def validate(self, changes: dict[str, Any], new: bool) -> list[tuple[str, str]]:
        """The spec's own conversions (lengths, the Fibonacci scale, key format, choices)."""
        plain = {f.name: changes[f.name] for f in PLAIN if f.name in changes}
        if new:
            plain = {n: v for n, v in plain.items() if v is not None or n == "key"}
        _converted, errors = convert_all(self.session, PLAIN, plain, partial=not new)
        found = [
            (e.field, f"{e.message} for a new workload; the file has no such column")
            if new and e.message == "is required" and e.field not in self.sheet.columns
            else (e.field, e.message)
            for e in errors
        ]
        if changes.get("team", "") is None:
            hint = " for a new workload: fill it in, or give a default team" if new else ""
            found.append(("team", f"is required{hint}"))
        return found


def _key(row: SheetRow) -> str:
    raw = row.cells.get("key", ("", None))[1]
    return "" if blank(raw) else text(raw)


def plan_import(
    session: Session, rows: WorkloadSheet | list[SheetRow], *, default_team: str | None = None
) -> ImportPlan:
    """What importing `rows` would create and change, and every row that is invalid.

    Reads only: nothing is written. `default_team` is the team of new workloads whose row
    names none (a tracker's file often has no team column)."""
    sheet = rows if isinstance(rows, WorkloadSheet) else WorkloadSheet.of(rows)
    return _Planner(session, sheet, default_team).run()


def apply_import(session: Session, actor: Actor, plan: ImportPlan) -> Applied:
    """Write what `plan` previewed, all or nothing, in the caller's transaction.

    Plans again first: any invalid row is a ValidationError naming its row and column, and
    a database that moved since the preview (a row changed or created meanwhile) is a
    PreviewOutdated conflict. Nothing is written in either case."""
    actor.require(*WORKLOAD.roles, to="import workloads")
    fresh = plan_import(session, plan.sheet, default_team=plan.default_team)
    if fresh.errors:
        raise ValidationError([FieldError(_where(e), e.reason) for e in fresh.errors],
                              "workload import")  # fmt: skip
    _same(plan, fresh)
    applied = Applied(source=plan.sheet.source)
    with session.begin_nested():  # a caller that swallows an error still keeps nothing
        for p in fresh.create:
            with _at(p, plan.sheet):
                wl = crud.create(session, actor, WORKLOAD, p.values, action="import")
            applied.created.append((str(wl.uuid), wl.version))
        for p in fresh.update:
            assert p.uuid is not None and p.version is not None
            with _at(p, plan.sheet):
                wl = crud.get(session, WORKLOAD, p.uuid)
                before = WORKLOAD.snapshot(wl)
                crud.update(session, actor, WORKLOAD, p.uuid, p.version, p.values, action="import")
            after = WORKLOAD.snapshot(wl)
            restore = {n: v for n, v in before.items() if after[n] != v}
            applied.updated.append((p.uuid, restore, wl.version))
    return applied


def undo_import(session: Session, actor: Actor, applied: Applied) -> None:
    """Take an import back: put back what it changed, delete what it created. A row someone
    edited since is a ConflictError and nothing is undone."""
    with session.begin_nested():
        for entity_uuid, before, version in reversed(applied.updated):
            if before:
                crud.update(session, actor, WORKLOAD, entity_uuid, version, before,
                            action="undo import")  # fmt: skip
        for entity_uuid, version in reversed(applied.created):
            delete_workload(session, actor, entity_uuid, version)


def _where(error: RowError) -> str:
    where = f"row {error.row}" if error.row else "file"
    return f"{where}, {error.column}" if error.column else where


@contextmanager
def _at(planned: Planned, sheet: WorkloadSheet) -> Iterator[None]:
    """Names the row and column in an error crud raises while applying."""
    try:
        yield
    except ValidationError as exc:
        header = {n: sheet.columns.get(n, label) for n, label in LABELS.items()}
        errors = [
            FieldError(f"row {planned.row}, {header.get(e.field, e.field)}", e.message)
            for e in exc.errors
        ]
        raise ValidationError(errors, "workload import") from exc


def _same(preview: ImportPlan, fresh: ImportPlan) -> None:
    """Refuse to apply anything the preview did not show."""
    shown = {p.key: (p.values, p.before) for p in preview.create + preview.update}
    now = {p.key: (p.values, p.before) for p in fresh.create + fresh.update}
    for key in sorted(shown.keys() | now.keys()):
        if shown.get(key) == now.get(key):
            continue
        was = next((p for p in preview.create + preview.update if p.key == key), None)
        cur = next((p for p in fresh.create + fresh.update if p.key == key), None)
        ident = (cur and cur.uuid) or (was and was.uuid) or key
        theirs = dict(cur.before) if cur and cur.uuid else None
        raise PreviewOutdated(
            key,
            Conflict(
                "workload",
                ident,
                (was.version if was and was.version else 0),
                cur.version if cur else None,
                theirs,
            ),
        )
