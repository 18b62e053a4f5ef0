"""Release trains and releases."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.domain import Release, ReleaseTrain
from app.domain.enums import ReleaseStatus
from app.services.crud import EntitySpec
from app.services.errors import FieldError
from app.services.fields import Field


def _window_order(_s: Session, rel: Any, _c: dict[str, Any]) -> list[FieldError]:
    errors = []
    if rel.window_start is not None and rel.window_end is not None:
        if rel.window_end <= rel.window_start:
            errors.append(FieldError("window_end", "must be after the window start"))
        if rel.code_freeze_at is not None and rel.code_freeze_at > rel.window_start:
            errors.append(FieldError("code_freeze_at", "must not be after the window start"))
    return errors


RELEASE_TRAIN = EntitySpec(
    ReleaseTrain,
    "release train",
    [
        Field("name", max_len=80),
        Field("rrule", "rrule", max_len=400, label="Cadence (RRULE)"),
        Field("timezone", "zone"),
        Field("description", required=False, max_len=500),
    ],
    unique=["name"],
)

RELEASE = EntitySpec(
    Release,
    "release",
    [
        Field("name", max_len=80),
        Field("train", "ref", required=False, ref=ReleaseTrain),
        Field("code_freeze_at", "datetime", required=False, label="Code freeze"),
        Field("window_start", "datetime", label="Window start"),
        Field("window_end", "datetime", label="Window end"),
        Field("status", "choice", choices=ReleaseStatus.choices()),
    ],
    unique=["name"],
    checks=[_window_order],
)
