"""`releasedesk calendar conflicts`: what a script or a CI gate reads, and its exit code."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest

from app.cli import main
from app.domain import Deployment
from app.services import crud
from app.services.calendar import FREEZE, decide_override, request_override
from app.services.catalog import ENVIRONMENT
from app.services.releases import RELEASE
from app.services.workloads import WORKLOAD
from tests.factories import Org, acting_login_is_coordinator, workload_values

_DAY = date.today() + timedelta(days=60)
MONDAY = datetime.combine(_DAY + timedelta(days=(7 - _DAY.weekday()) % 7), time(), UTC)
TUESDAY, THURSDAY = MONDAY + timedelta(days=1), MONDAY + timedelta(days=3)
WEEK = (
    "--from",
    MONDAY.date().isoformat(),
    "--to",
    (MONDAY + timedelta(days=6)).date().isoformat(),
)
KEYS = {"kind", "severity", "subject", "label", "reason", "start", "end", "next_free"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def plan_in_a_freeze(org: Org) -> dict[str, str]:
    """A release on Tuesday evening with one production deployment, inside a hard freeze from
    Tuesday to Thursday."""
    start = TUESDAY + timedelta(hours=20)
    with org.db.transaction() as s:
        env = crud.create(
            s,
            org.coordinator,
            ENVIRONMENT,
            {"name": "production", "position": 1, "is_production": True},
        )
        rel = crud.create(
            s,
            org.coordinator,
            RELEASE,
            {
                "name": "web-1",
                "window_start": start,
                "window_end": start + timedelta(hours=4),
                "status": "planned",
            },
        )
        wl = crud.create(
            s,
            org.coordinator,
            WORKLOAD,
            workload_values(
                "PAY-1", components=["payments-api"], status="planned", target_release=rel
            ),
        )
        dep = Deployment(
            workload_id=wl.id,
            environment_id=env.id,
            owner_id=org.coordinator.person_id,
            planned_start=start + timedelta(hours=1),
            planned_end=start + timedelta(hours=1, minutes=30),
        )
        s.add(dep)
        freeze = crud.create(
            s,
            org.coordinator,
            FREEZE,
            {
                "name": "Launch freeze",
                "timezone": "UTC",
                "starts_local": TUESDAY.replace(tzinfo=None),
                "ends_local": THURSDAY.replace(tzinfo=None),
                "all_day": True,
                "hard": True,
            },
        )
        s.flush()
        return {"release": str(rel.uuid), "deployment": str(dep.uuid), "freeze": str(freeze.uuid)}


def test_json_lists_every_conflict_and_exits_1_when_one_blocks(seeded, db_url, capsys) -> None:
    keys = plan_in_a_freeze(seeded)
    code, out, _ = run(capsys, "calendar", "conflicts", "--db", db_url, *WEEK, "--json")
    data = json.loads(out)
    assert code == 1
    assert data["from"] == MONDAY.isoformat()
    assert data["to"] == (MONDAY + timedelta(days=7)).isoformat()  # --to is inclusive
    assert all(set(row) == KEYS for row in data["conflicts"])
    rows = {row["subject"]: row for row in data["conflicts"]}
    assert set(rows) == {keys["deployment"], keys["release"]}
    row = rows[keys["deployment"]]
    assert row["kind"] == "hard_freeze" and row["severity"] == "blocking"
    assert row["label"] == "PAY-1 → production"
    assert "Launch freeze" in row["reason"]
    assert datetime.fromisoformat(row["start"]) == TUESDAY + timedelta(hours=21)
    assert datetime.fromisoformat(row["end"]) == TUESDAY + timedelta(hours=21, minutes=30)
    assert datetime.fromisoformat(row["next_free"]) == THURSDAY


def test_warnings_alone_exit_0(seeded, db_url, capsys) -> None:
    keys = plan_in_a_freeze(seeded)
    with seeded.db.transaction() as s:
        asked = request_override(
            s,
            seeded.coordinator,
            keys["freeze"],
            keys["release"],
            "Regulator deadline",
            THURSDAY + timedelta(days=30),
        )
        decide_override(s, seeded.approver, str(asked.uuid), True, "")
    code, out, _ = run(capsys, "calendar", "conflicts", "--db", db_url, *WEEK, "--json")
    rows = json.loads(out)["conflicts"]
    assert code == 0
    assert len(rows) == 2 and {r["severity"] for r in rows} == {"warning"}
    assert all(r["next_free"] is None for r in rows)
    code, out, err = run(capsys, "calendar", "conflicts", "--db", db_url, *WEEK)
    assert code == 0 and "2 conflicts, 0 blocking" in err
    assert out.count("override approved until") == 2


def test_a_range_without_conflicts_exits_0(seeded, db_url, capsys) -> None:
    plan_in_a_freeze(seeded)
    later = MONDAY + timedelta(days=7)
    code, out, _ = run(
        capsys,
        "calendar",
        "conflicts",
        "--db",
        db_url,
        "--from",
        later.date().isoformat(),
        "--to",
        (later + timedelta(days=6)).date().isoformat(),
        "--json",
    )
    assert code == 0 and json.loads(out)["conflicts"] == []
    code, _, err = run(capsys, "calendar", "conflicts", "--db", db_url, *WEEK)
    assert code == 1 and "2 conflicts, 2 blocking" in err


@pytest.mark.parametrize(
    ("argv", "flag", "message"),
    [
        (("--from", "2027-13-01"), "--from", "'2027-13-01' is not a date"),
        (("--from", "next tuesday"), "--from", "is not a date"),
        (("--to", "05/06/2027"), "--to", "is not a date"),
        (("--from", "2027-05-10", "--to", "2027-05-03"), "--to", "before --from"),
    ],
    ids=["month-13", "prose", "us-format", "reversed"],
)
def test_bad_dates_exit_2_naming_the_option(seeded, db_url, capsys, argv, flag, message) -> None:
    code, out, err = run(capsys, "calendar", "conflicts", "--db", db_url, *argv)
    assert code == 2 and out == ""
    assert f"error: {flag}: " in err and message in err


def test_plan_sizes_a_deployment_and_needs_an_owner_for_production(seeded, db_url, capsys) -> None:
    from app.services.catalog import ENVIRONMENT as ENV

    acting_login_is_coordinator(seeded)
    with seeded.db.transaction() as s:
        crud.create(s, seeded.admin, ENV, {"name": "prod", "position": 1, "is_production": True})
        crud.create(s, seeded.coordinator, WORKLOAD, workload_values("PAY-7"))
    base = ("calendar", "plan", "--db", db_url, "--workload", "PAY-7", "--environment", "prod")
    code, _, err = run(capsys, *base, "--start", "2027-03-09T21:00Z")
    assert code == 2 and "owner" in err
    code, out, _ = run(capsys, *base, "--start", "2027-03-09T21:00Z", "--owner", "coordinator",
                       "--json")  # fmt: skip
    data = json.loads(out)
    assert code == 0 and data["basis"] == "no history: default 60 min"
    assert (data["planned_start"], data["planned_end"]) == (
        "2027-03-09T21:00:00+00:00",
        "2027-03-09T22:00:00+00:00",
    )
    code, _, err = run(capsys, *base, "--start", "2027-03-09 21:00")
    assert code == 2 and "--start" in err
