"""Release trains and releases: cadence, zones and window order are checked on save."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.services import crud
from app.services.catalog import ENVIRONMENT
from app.services.errors import PermissionDenied, ValidationError
from app.services.org import PERSON
from app.services.releases import RELEASE, RELEASE_TRAIN

RULE = "DTSTART;TZID=Europe/Berlin:20260106T220000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"


def test_train_and_release_round_trip_in_utc(seeded) -> None:
    start = datetime(2026, 3, 31, 22, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    with seeded.db.transaction() as s:
        train = crud.create(
            s,
            seeded.coordinator,
            RELEASE_TRAIN,
            {"name": "Web train", "rrule": RULE, "timezone": "Europe/Berlin"},
        )
        rel = crud.create(
            s,
            seeded.coordinator,
            RELEASE,
            {
                "name": "2026.07",
                "train": train.uuid,
                "window_start": start,
                "window_end": start + timedelta(hours=4),
                "status": "planned",
                "code_freeze_at": start - timedelta(days=2),
            },
        )
        uid = rel.uuid
    with seeded.db.read() as s:
        stored = crud.get(s, RELEASE, uid)
        assert stored.window_start == datetime(2026, 3, 31, 20, 0, tzinfo=UTC)
        assert stored.window_start.tzinfo is not None
        assert RELEASE.snapshot(stored)["train"] == str(train.uuid)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"rrule": "every other tuesday"}, "rrule", "RFC 5545"),
        ({"timezone": "CET+1"}, "timezone", "IANA"),
    ],
)
def test_bad_train_fields(seeded, values, field, message) -> None:
    base = {"name": "T", "rrule": RULE, "timezone": "Europe/Berlin"} | values
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        crud.create(s, seeded.coordinator, RELEASE_TRAIN, base)
    assert info.value.errors[0].field == field and message in info.value.errors[0].message


def test_release_window_must_end_after_it_starts_and_freeze_precede_it(seeded) -> None:
    start = datetime(2026, 5, 5, 20, 0, tzinfo=UTC)
    values = {
        "name": "R",
        "window_start": start,
        "window_end": start - timedelta(hours=1),
        "code_freeze_at": start + timedelta(days=1),
        "status": "planned",
    }
    with pytest.raises(ValidationError) as info, seeded.db.transaction() as s:
        crud.create(s, seeded.coordinator, RELEASE, values)
    assert {e.field for e in info.value.errors} == {"window_end", "code_freeze_at"}


def test_naive_datetime_is_refused(seeded) -> None:
    values = {
        "name": "R",
        "window_start": "2026-05-05T20:00",
        "window_end": "2026-05-05T23:00+00:00",
        "status": "planned",
    }
    with pytest.raises(ValidationError, match="has no time zone"), seeded.db.transaction() as s:
        crud.create(s, seeded.coordinator, RELEASE, values)


def test_only_admins_manage_people_and_roles(seeded) -> None:
    person = {"login": "newbie", "name": "New Person", "roles": ["viewer", "approver"]}
    with pytest.raises(PermissionDenied), seeded.db.transaction() as s:
        crud.create(s, seeded.coordinator, PERSON, person)
    with pytest.raises(ValidationError, match="unknown role 'boss'"), seeded.db.transaction() as s:
        crud.create(s, seeded.admin, PERSON, person | {"roles": "viewer boss"})
    with seeded.db.transaction() as s:
        created = crud.create(s, seeded.admin, PERSON, person)
        assert created.roles == ["approver", "viewer"]


def test_environments_keep_their_order(seeded) -> None:
    with seeded.db.transaction() as s:
        prod = crud.create(
            s,
            seeded.coordinator,
            ENVIRONMENT,
            {"name": "production", "position": 3, "is_production": "yes"},
        )
        assert prod.is_production is True
    with pytest.raises(ValidationError, match="already has 'production'"):
        with seeded.db.transaction() as s:
            crud.create(
                s,
                seeded.coordinator,
                ENVIRONMENT,
                {"name": "production", "position": 4, "is_production": False},
            )
