"""What an import compares: sheet cells and stored workloads in one normal form.

The normal form is the export's: team, release and component by name, owner by login,
components as a sorted tuple, dates as dates, numbers as ints, blank text as None. Every
name the planner may need is loaded once (`Lookups.load`), so previewing 5,000 rows costs
a handful of queries, not one per row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl.utils.datetime import from_excel
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import Component, Person, Release, Team, Workload, workload_component
from app.domain.enums import ChangeClass, RiskTier, WorkloadStatus
from app.exchange.workload_columns import ISSUE_TYPES, STATUSES, normalise
from app.policy.risk import ComponentRisk, RiskAssessment, assess
from app.services.fields import Invalid
from app.services.risk import component_risks

CHUNK = 500
"""Keys per IN (...) query: well under every backend's limit on bound parameters."""
CLASSES = {normalise(c): c for c in ChangeClass.choices()} | ISSUE_TYPES
STATES = {normalise(s): s for s in WorkloadStatus.choices()} | STATUSES
TRUE = frozenset({"true", "yes", "y", "1", "x", "✓"})
FALSE = frozenset({"false", "no", "n", "0"})
DATE_FORMATS = ("%d/%b/%y %I:%M %p", "%d/%b/%y", "%d/%b/%Y %I:%M %p", "%d/%b/%Y")
"""Jira's CSV dates ("12/Mar/26 12:00 AM"), tried after ISO 8601."""
TEXT_FIELDS = frozenset({"title", "risk_override_reason", "change_request", "exception_reason"})
INT_FIELDS = frozenset({"size", "business_value", "time_criticality", "risk_reduction"})
EMPTY: dict[str, Any] = {"components": (), "schema_change": False}
"""What a blank cell means per field (None for the rest)."""


def text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime) and raw.time() == datetime.min.time():
        return raw.date().isoformat()
    return str(raw).strip()


def whole(raw: Any) -> int:
    """3, 3.0 and "3.0" are 3 (Excel stores every number as a float); 3.5 is refused."""
    if isinstance(raw, bool):
        raise Invalid(f"must be a whole number, not {raw}")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise Invalid(f"must be a whole number, not {raw:g}")
    shown = str(raw).strip()
    try:
        number = float(shown.replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        raise Invalid(f"must be a whole number, not {shown!r}") from None
    if not number.is_integer():
        raise Invalid(f"must be a whole number, not {shown!r}")
    return int(number)


def boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    word = str(raw).strip().lower()
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    raise Invalid(f"must be yes or no (TRUE/FALSE, 1/0, x), not {raw!r}")


def day(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        try:
            return from_excel(raw).date()  # a date cell that lost its format
        except (ValueError, OverflowError, TypeError):
            raise Invalid(f"{raw!r} is not a date (e.g. 2026-03-01)") from None
    shown = str(raw).strip()
    try:
        return datetime.fromisoformat(shown).date()
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(shown, fmt).date()
        except ValueError:
            continue
    raise Invalid(f"{shown!r} is not a date (e.g. 2026-03-01)")


def choice(raw: Any, known: dict[str, str], what: str, examples: Sequence[str]) -> str:
    found = known.get(normalise(text(raw)))
    if found is None:
        raise Invalid(f"{text(raw)!r} is not a known {what}; use one of {', '.join(examples)}")
    return found


class Names:
    """Exact names first; then a case-insensitive match, or an alias (a person's full name
    for a tracker that shows the assignee by name), when it names exactly one."""

    def __init__(self, noun: str, names: Iterable[str], aliases: Iterable[tuple[str, str]] = (),
                 by: str = "name") -> None:  # fmt: skip
        self.noun, self.by = noun, by
        self.exact = set(names)
        self.loose: dict[str, set[str]] = defaultdict(set)
        for name in self.exact:
            self.loose[name.casefold()].add(name)
        for alias, name in aliases:
            self.loose[alias.strip().casefold()].add(name)

    def find(self, raw: Any) -> str:
        shown = text(raw)
        if shown in self.exact:
            return shown
        hits = self.loose.get(shown.casefold(), set())
        if len(hits) == 1:
            return next(iter(hits))
        if hits:
            raise Invalid(
                f"{shown!r} could be {' or '.join(sorted(hits))}; give the {self.noun}'s {self.by}"
            )
        raise Invalid(f"no {self.noun} {shown!r}")


@dataclass(frozen=True)
class Stored:
    id: int
    uuid: str
    version: int
    values: dict[str, Any]
    """In the normal form, every field."""


STORED_COLUMNS = (
    "key",
    "title",
    "change_class",
    "size",
    "business_value",
    "time_criticality",
    "risk_reduction",
    "risk_tier",
    "risk_override_reason",
    "status",
    "change_request",
    "must_ship_by",
    "schema_change",
    "exception_reason",
)


class Lookups:
    """Teams, people, releases, components and the file's existing workloads, read once."""

    def __init__(self, session: Session, keys: Iterable[str]) -> None:
        self.session = session
        self.teams = Names("team", session.scalars(select(Team.name)))
        people = session.execute(select(Person.login, Person.name)).all()
        self.people = Names("person", [p.login for p in people],
                            [(p.name, p.login) for p in people], by="login")  # fmt: skip
        self.releases = Names("release", session.scalars(select(Release.name)))
        self.components = Names("component", session.scalars(select(Component.name)))
        self.existing = _existing(session, sorted(set(keys)))
        self._risks: dict[str, ComponentRisk] | None = None

    def convert(self, name: str, raw: Any) -> Any:
        """A non-blank cell in the normal form of field `name`; raises Invalid."""
        if name in INT_FIELDS:
            return whole(raw)
        if name in TEXT_FIELDS:
            return text(raw)
        if name == "change_class":
            return choice(raw, CLASSES, "issue type or change class", ChangeClass.choices())
        if name == "status":
            return choice(raw, STATES, "status", WorkloadStatus.choices())
        if name == "risk_tier":
            tiers = {t: t for t in RiskTier.choices()}
            return choice(raw, tiers, "risk tier", RiskTier.choices())
        if name == "team":
            return self.teams.find(raw)
        if name == "owner":
            return self.people.find(raw)
        if name == "target_release":
            return self.releases.find(raw)
        if name == "components":
            items = re.split(r"[,;\n]", raw) if isinstance(raw, str) else [raw]
            return tuple(sorted({self.components.find(i) for i in items if text(i)}))
        if name == "must_ship_by":
            return day(raw)
        if name == "schema_change":
            return boolean(raw)
        return text(raw)

    def rules(self, change_class: str, components: Sequence[str], schema: bool) -> RiskAssessment:
        """The tier the rules give, from component facts loaded once for the whole file."""
        if self._risks is None:
            every = self.session.scalars(select(Component)).all()
            self._risks = {r.name: r for r in component_risks(self.session, every)}
        return assess(change_class, [self._risks[c] for c in components], schema)


def _existing(session: Session, keys: list[str]) -> dict[str, Stored]:
    found: dict[str, Stored] = {}
    by_id: dict[int, Stored] = {}
    cols = [getattr(Workload, c) for c in STORED_COLUMNS]
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        rows = session.execute(
            select(
                Workload.id,
                Workload.uuid,
                Workload.version,
                Team.name,
                Person.login,
                Release.name,
                *cols,
            )  # fmt: skip
            .join(Team, Team.id == Workload.team_id)
            .outerjoin(Person, Person.id == Workload.owner_id)
            .outerjoin(Release, Release.id == Workload.target_release_id)
            .where(Workload.key.in_(chunk))
        ).all()
        for row in rows:
            values = dict(zip(STORED_COLUMNS, row[6:], strict=True))
            values |= {"team": row[3], "owner": row[4], "target_release": row[5]}
            for name in TEXT_FIELDS - {"title"}:
                values[name] = (values[name] or "").strip() or None  # "" and None read alike
            values["components"] = ()
            stored = Stored(row[0], str(row[1]), row[2], values)
            found[values["key"]] = by_id[row[0]] = stored
    ids = sorted(by_id)
    names: dict[int, list[str]] = defaultdict(list)
    link = workload_component.c
    for start in range(0, len(ids), CHUNK):
        pairs = session.execute(
            select(link.workload_id, Component.name)
            .join(Component, Component.id == link.component_id)
            .where(link.workload_id.in_(ids[start : start + CHUNK]))
        ).all()
        for wid, name in pairs:
            names[wid].append(name)
    for wid, comps in names.items():
        by_id[wid].values["components"] = tuple(sorted(comps))
    return found
