"""`releasedesk plan show | auto | deferrals`: what a script reads, and the exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from app.cli import main
from app.domain import Deferral, Workload
from app.services.actor import login_for
from app.services.planning_policy import save_policy
from tests.factories import Org, acting_login_is_coordinator, deliver, make_train, make_workload

PLACEMENT_KEYS = {"workload", "team", "release", "size", "wsjf", "reason"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def payments_on_a_train(org: Org) -> None:
    """Payments delivered 10, 20, 30 and 40 points in its last four releases (capacity: the
    lower quartile, 17 points); R-5 and R-6 are ahead, a fortnight apart."""
    train = make_train(org, "Payments train", datetime.now(UTC), past=4, upcoming=2)
    deliver(org, train, "Payments", [10, 20, 30, 40])


def where(org: Org) -> dict[str, tuple[str, str | None]]:
    """Open workload key → (status, release name)."""
    with org.db.read() as s:
        return {
            wl.key: (wl.status, wl.target_release and wl.target_release.name)
            for wl in s.scalars(select(Workload).where(Workload.status != "deployed"))
        }


def deferrals(org: Org) -> list[tuple[str, str, str | None, str, str]]:
    with org.db.read() as s:
        return [
            (
                d.workload.key,
                d.from_release.name,
                d.to_release and d.to_release.name,
                d.reason,
                d.actor,
            )
            for d in s.scalars(select(Deferral).order_by(Deferral.id))
        ]


# -- plan show -------------------------------------------------------------------------------


def test_show_prints_capacity_against_commitments_and_exits_0_within_capacity(
    seeded, db_url, capsys
) -> None:
    payments_on_a_train(seeded)
    make_workload(seeded, "PAY-1", size=8, status="planned", target_release="R-5")
    make_workload(seeded, "PAY-2", size=5, status="planned", target_release="R-5")
    code, out, _ = run(capsys, "plan", "show", "--db", db_url, "--release", "R-5", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["release"] == "R-5" and data["committed"] == 13
    [row] = data["teams"]
    assert row["team"] == "Payments"
    assert (row["capacity"], row["committed"], row["over"]) == (17, 13, 0)
    assert row["basis"] == "lower quartile of last 4 releases: 17 points"
    assert row["workloads"] == ["PAY-1", "PAY-2"]


def test_show_exits_1_when_a_team_is_over_capacity(seeded, db_url, capsys) -> None:
    payments_on_a_train(seeded)
    for key, size in (("PAY-1", 8), ("PAY-2", 5), ("PAY-3", 8)):
        make_workload(seeded, key, size=size, status="planned", target_release="R-5")
    code, out, _ = run(capsys, "plan", "show", "--db", db_url, "--release", "R-5", "--json")
    [row] = json.loads(out)["teams"]
    assert code == 1
    assert (row["capacity"], row["committed"], row["over"]) == (17, 21, 4)
    code, out, _ = run(capsys, "plan", "show", "--db", db_url, "--release", "R-5")
    assert code == 1
    assert "21 points committed" in out and "OVER by 4" in out


def test_show_of_an_unknown_release_exits_2_with_one_line(seeded, db_url, capsys) -> None:
    payments_on_a_train(seeded)
    code, out, err = run(capsys, "plan", "show", "--db", db_url, "--release", "R-99", "--json")
    assert code == 2 and out == ""
    assert err == "releasedesk: error: --release: no release named 'R-99'\n"


# -- plan auto -------------------------------------------------------------------------------


def backlog_for_the_auto_planner(org: Org) -> None:
    """WSJF order: PAY-1 (18/8), PAY-2 (10/5), PAY-3 (10/13, planned in R-5), PAY-4 (10/20,
    larger than any release), PAY-5 (3/13, planned in R-6)."""
    make_workload(org, "PAY-1", size=8, business_value=13)
    make_workload(org, "PAY-2", size=5)
    make_workload(org, "PAY-3", size=13, status="planned", target_release="R-5")
    make_workload(org, "PAY-4", size=20)
    make_workload(
        org,
        "PAY-5",
        size=13,
        business_value=1,
        time_criticality=1,
        risk_reduction=1,
        status="planned",
        target_release="R-6",
    )


def test_auto_proposes_placements_by_wsjf_within_capacity_and_changes_nothing(
    seeded, db_url, capsys
) -> None:
    payments_on_a_train(seeded)
    backlog_for_the_auto_planner(seeded)
    before = where(seeded)
    code, out, _ = run(capsys, "plan", "auto", "--db", db_url, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["releases"] == ["R-5", "R-6"] and data["applied"] is False
    assert all(set(p) >= PLACEMENT_KEYS for p in data["placements"])
    placed = [
        (p["workload"], p["team"], p["release"], p["size"], p["wsjf"], p["from"])
        for p in data["placements"]
    ]
    assert placed == [
        ("PAY-1", "Payments", "R-5", 8, 2.25, None),
        ("PAY-2", "Payments", "R-5", 5, 2.0, None),
        ("PAY-3", "Payments", "R-6", 13, 0.7692, "R-5"),  # R-5 has 4 of 17 points left
    ]
    assert all(p["reason"] for p in data["placements"])
    deferred = {d["workload"]: d for d in data["deferrals"]}
    assert set(deferred) == {"PAY-4", "PAY-5"}
    assert deferred["PAY-4"]["reason"] == (
        "Larger (20 points) than Payments' whole limit of 17 points per release"
    )
    assert deferred["PAY-4"]["from"] is None and deferred["PAY-5"]["from"] == "R-6"
    assert data["overcommitted"] == []
    code, out, _ = run(capsys, "plan", "auto", "--db", db_url)
    assert code == 0
    assert out.splitlines()[-1] == "3 placements, 2 deferrals proposed (add --apply to apply)"
    assert where(seeded) == before and deferrals(seeded) == []


def test_auto_apply_plans_the_work_records_the_slips_and_settles(seeded, db_url, capsys) -> None:
    payments_on_a_train(seeded)
    backlog_for_the_auto_planner(seeded)
    acting_login_is_coordinator(seeded)
    code, out, _ = run(capsys, "plan", "auto", "--db", db_url, "--json", "--apply")
    first = json.loads(out)
    assert code == 0 and first["applied"] is True and first["moved"] == 4
    assert where(seeded) == {
        "PAY-1": ("planned", "R-5"),
        "PAY-2": ("planned", "R-5"),
        "PAY-3": ("planned", "R-6"),
        "PAY-4": ("backlog", None),
        "PAY-5": ("backlog", None),
    }
    with seeded.db.read() as s:
        login = login_for(s)
    reasons = {p["workload"]: p["reason"] for p in first["placements"]}
    reasons |= {d["workload"]: d["reason"] for d in first["deferrals"]}
    assert deferrals(seeded) == [
        ("PAY-3", "R-5", "R-6", reasons["PAY-3"], login),
        ("PAY-5", "R-6", None, reasons["PAY-5"], login),
    ]

    code, out, _ = run(capsys, "plan", "auto", "--db", db_url, "--json", "--apply")
    again = json.loads(out)
    assert code == 0 and again["moved"] == 0
    assert [(p["workload"], p["release"], p["from"]) for p in again["placements"]] == [
        ("PAY-1", "R-5", None),
        ("PAY-2", "R-5", None),
        ("PAY-3", "R-6", None),
    ]
    assert all(d["from"] is None for d in again["deferrals"])
    assert len(deferrals(seeded)) == 2


def test_auto_plans_only_as_many_releases_as_asked(seeded, db_url, capsys) -> None:
    payments_on_a_train(seeded)
    backlog_for_the_auto_planner(seeded)
    code, out, _ = run(capsys, "plan", "auto", "--db", db_url, "--json", "--releases", "1")
    data = json.loads(out)
    assert code == 0 and data["releases"] == ["R-5"]
    assert {p["release"] for p in data["placements"]} == {"R-5"}
    code, _, err = run(capsys, "plan", "auto", "--db", db_url, "--releases", "0")
    assert code == 2 and "--releases: must be 1 or more" in err


def test_auto_follows_the_policys_number_of_releases(seeded, db_url, capsys) -> None:
    payments_on_a_train(seeded)
    with seeded.db.transaction() as s:
        save_policy(s, seeded.coordinator, {"plan_releases": 1})
    code, out, _ = run(capsys, "plan", "auto", "--db", db_url, "--json")
    assert code == 0 and json.loads(out)["releases"] == ["R-5"]


# -- plan deferrals --------------------------------------------------------------------------


def test_deferrals_report_what_slipped(seeded, db_url, capsys) -> None:
    payments_on_a_train(seeded)
    backlog_for_the_auto_planner(seeded)
    acting_login_is_coordinator(seeded)
    code, out, _ = run(capsys, "plan", "deferrals", "--db", db_url, "--json")
    assert code == 0 and json.loads(out)["total"] == 0
    run(capsys, "plan", "auto", "--db", db_url, "--apply")
    code, out, _ = run(capsys, "plan", "deferrals", "--db", db_url, "--json")
    data = json.loads(out)
    assert code == 0
    assert (data["total"], data["workloads"], data["repeat"], data["releases"]) == (2, 2, 0, 2)
    [team] = data["by_team"]
    assert (team["team"], team["slips"], team["workloads"], team["repeat"]) == (
        "Payments",
        2,
        2,
        0,
    )
    assert [(t["release"], t["slips"], t["to_backlog"]) for t in data["trend"]] == [
        ("R-5", 1, 0),
        ("R-6", 1, 1),
    ]
    assert sorted(o["key"] for o in data["oldest"]) == ["PAY-3", "PAY-5"]
    code, out, _ = run(capsys, "plan", "deferrals", "--db", db_url)
    assert code == 0
    assert out.splitlines()[0] == (
        "2 slips of 2 workloads in the last 2 releases; none slipped more than once"
    )
    code, _, err = run(capsys, "plan", "deferrals", "--db", db_url, "--releases-back", "0")
    assert code == 2 and "--releases-back: must be 1 or more" in err
