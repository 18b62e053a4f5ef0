"""Field specifications: how each editable field is checked, converted and snapshotted.

One spec serves validation (with the field's name in every message), the audit snapshot
(JSON-safe values, references as UUIDs) and undo (a snapshot converts back to values).
"""

from __future__ import annotations

import uuid
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from dateutil.rrule import rrulestr
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.services.errors import FieldError


class Invalid(ValueError):
    pass


@cache
def zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@dataclass(frozen=True)
class Field:
    name: str
    kind: str = "str"  # a key of _CONVERT below
    required: bool = True
    max_len: int = 200
    choices: Sequence[str] = ()
    minimum: int | None = None
    maximum: int | None = None
    ref: type | None = None  # entity class for ref / refs
    label: str = ""
    check: Callable[[Any], None] | None = field(default=None, compare=False)

    def to_value(self, session: Session, raw: Any) -> Any:
        """Convert user or snapshot input to what the ORM attribute holds; raise Invalid."""
        if raw is None or (isinstance(raw, str) and not raw.strip() and self.kind != "str"):
            if self.required:
                raise Invalid("is required")
            if self.kind == "rrule":
                return ""  # no rule: it happens once
            return [] if self.kind in ("refs", "roles", "localdates") else None
        value = _CONVERT[self.kind](self, session, raw)
        if self.check is not None and value is not None:
            self.check(value)
        return value

    def snapshot(self, obj: Any) -> Any:
        value = getattr(obj, self.name)
        if self.kind == "ref":
            return None if value is None else str(value.uuid)
        if self.kind == "refs":
            return sorted(str(t.uuid) for t in value)
        if self.kind == "localdates":
            return sorted(value or [])
        if self.kind == "local":
            return None if value is None else value.isoformat(timespec="minutes")
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat()
        if isinstance(value, date):
            return value.isoformat()
        if self.kind == "roles":
            return sorted(value or [])
        return value


def _str(f: Field, _s: Session, raw: Any) -> str:
    text = str(raw).strip()
    if f.required and not text:
        raise Invalid("is required")
    if len(text) > f.max_len:
        raise Invalid(f"is {len(text)} characters long; at most {f.max_len} allowed")
    if any(ord(c) < 32 for c in text):
        raise Invalid("contains control characters")
    return text


def _int(f: Field, _s: Session, raw: Any) -> int:
    if isinstance(raw, bool):
        raise Invalid(f"must be a whole number, not {raw!r}")
    try:
        value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except ValueError:
        raise Invalid(f"must be a whole number, not {raw!r}") from None
    if f.minimum is not None and value < f.minimum:
        raise Invalid(f"must be at least {f.minimum}, not {value}")
    if f.maximum is not None and value > f.maximum:
        raise Invalid(f"must be at most {f.maximum}, not {value}")
    return value


def _bool(_f: Field, _s: Session, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "yes", "1", "y"):
        return True
    if text in ("false", "no", "0", "n"):
        return False
    raise Invalid(f"must be yes or no, not {raw!r}")


def _choice(f: Field, _s: Session, raw: Any) -> str:
    text = str(raw).strip().lower()
    if text not in f.choices:
        raise Invalid(f"must be one of {', '.join(f.choices)}, not {raw!r}")
    return text


def _zone(_f: Field, _s: Session, raw: Any) -> str:
    text = str(raw).strip()
    if text not in zones():
        raise Invalid(f"{text!r} is not an IANA time zone (e.g. Europe/Berlin)")
    return text


def _datetime(_f: Field, _s: Session, raw: Any) -> datetime:
    if isinstance(raw, datetime):
        value = raw
    else:
        try:
            value = datetime.fromisoformat(str(raw).strip())
        except ValueError:
            raise Invalid(f"{raw!r} is not a date and time (e.g. 2026-03-01T22:00+01:00)") from None
    if value.tzinfo is None:
        raise Invalid(f"{raw!r} has no time zone")
    return value.astimezone(UTC)


def _local(_f: Field, _s: Session, raw: Any) -> datetime:
    """Wall-clock time in the row's own zone: a zone here would be a contradiction."""
    try:
        value = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw).strip())
    except ValueError:
        raise Invalid(f"{raw!r} is not a local date and time (e.g. 2026-03-03 22:00)") from None
    if value.tzinfo is not None:
        raise Invalid(f"{raw!r} carries an offset; give the wall-clock time in the row's zone")
    return value.replace(second=0, microsecond=0)


def _localdates(f: Field, s: Session, raw: Any) -> list[str]:
    items = raw.replace(";", ",").replace("\n", ",").split(",") if isinstance(raw, str) else raw
    items = [i for i in items if not isinstance(i, str) or i.strip()]
    found = []
    for item in items:
        text = item.isoformat() if isinstance(item, datetime) else str(item).strip()
        found.append(_local(f, s, text).isoformat(timespec="minutes"))
    return sorted(set(found))


def _date(_f: Field, _s: Session, raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise Invalid(f"{raw!r} is not a date (e.g. 2026-03-01)") from None


def _rrule(_f: Field, _s: Session, raw: Any) -> str:
    text = str(raw).strip()
    try:
        rule = rrulestr(text, forceset=True, dtstart=datetime(2000, 1, 1))
        next(iter(rule), None)
    except (ValueError, TypeError, KeyError) as exc:
        raise Invalid(f"is not an RFC 5545 recurrence rule ({exc})") from None
    return text


def _roles(f: Field, _s: Session, raw: Any) -> list[str]:
    items = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw)
    bad = [r for r in items if r not in f.choices]
    if bad:
        raise Invalid(f"unknown role {bad[0]!r}; roles are {', '.join(f.choices)}")
    return sorted(set(items))


def _ref(f: Field, session: Session, raw: Any) -> Any:
    return _resolve(f, session, raw)


def _refs(f: Field, session: Session, raw: Any) -> list[Any]:
    items = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw)
    return [_resolve(f, session, item) for item in dict.fromkeys(items)]


def _resolve(f: Field, session: Session, raw: Any) -> Any:
    assert f.ref is not None
    ref: Any = f.ref
    if hasattr(raw, "uuid") and isinstance(raw, ref):
        return raw
    try:
        key = raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))
        found = session.scalars(select(ref).where(ref.uuid == key)).one_or_none()
    except ValueError:
        natural = "key" if hasattr(ref, "key") else "login" if hasattr(ref, "login") else "name"
        found = session.scalars(
            select(ref).where(getattr(ref, natural) == str(raw).strip())
        ).one_or_none()
    if found is None:
        raise Invalid(f"no {ref.__tablename__.replace('_', ' ')} {raw!r}")
    return found


_CONVERT: dict[str, Callable[[Field, Session, Any], Any]] = {
    "str": _str,
    "int": _int,
    "bool": _bool,
    "choice": _choice,
    "zone": _zone,
    "datetime": _datetime,
    "local": _local,
    "localdates": _localdates,
    "date": _date,
    "rrule": _rrule,
    "roles": _roles,
    "ref": _ref,
    "refs": _refs,
}


def convert_all(
    session: Session, fields: Sequence[Field], values: dict[str, Any], *, partial: bool
) -> tuple[dict[str, Any], list[FieldError]]:
    by_name = {f.name: f for f in fields}
    errors = [FieldError(k, "is not a field that can be set") for k in values if k not in by_name]
    out: dict[str, Any] = {}
    for f in fields:
        if f.name not in values:
            if not partial and f.required:
                errors.append(FieldError(f.name, "is required"))
            continue
        try:
            out[f.name] = f.to_value(session, values[f.name])
        except Invalid as exc:
            errors.append(FieldError(f.name, str(exc)))
    return out, errors
