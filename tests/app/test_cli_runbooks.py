"""`releasedesk gate | triggers | runbook | rollback`: what a pipeline reads, and the exit codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from app.cli import main
from app.domain import Deployment, Environment, Workload
from app.runbooks.body import RunbookBody, Step, Trigger
from app.services import crud
from app.services.catalog import ENVIRONMENT
from app.services.runbook_queries import find_runbook, load
from app.services.runbooks import create_runbook, save_revision
from tests.factories import Org, acting_login_is_coordinator, make_workload

TRIGGER_KEYS = {"metric", "comparator", "threshold", "fired", "at", "observed"}
ERROR_RATE = Trigger("t1", "error_rate", ">", 1.0, "%", window_minutes=5, consecutive=1)
LATENCY = Trigger("t2", "latency_p99", ">", 500.0, "ms", window_minutes=1, consecutive=3)
BODY = RunbookBody(
    "Payments rollback",
    summary="Roll the payments API back to the previous build.",
    steps=(
        Step(
            "s1",
            "Freeze the deploy pipeline",
            owner="operations",
            owner_is_role=True,
            expected_minutes=2,
        ),
        Step(
            "s2",
            "Redeploy the previous build",
            command="deploy rollback payments-api",
            owner="coordinator",
            expected_minutes=10,
            verification="error rate under 1 %",
        ),
    ),
    triggers=(ERROR_RATE, LATENCY),
)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def cli(capsys, db_url: str, words: str, *extra: str) -> tuple[int, str, str]:
    """`words` as typed ("gate check --workload PAY-1"), then `extra` arguments that may
    hold spaces; the database goes after the action."""
    command, action, *rest = words.split()
    return run(capsys, command, action, "--db", db_url, *rest, *extra)


def payments(org: Org, *, runbook: bool = True) -> None:
    """dev → staging → production; PAY-1 (low risk, touches the regulated payments API, so it
    needs tests in staging and a peer review); a payments-api runbook template (which PAY-1
    then relies on: production waits for its sign-off)."""
    with org.db.transaction() as s:
        for position, name in enumerate(("dev", "staging", "production")):
            env = {"name": name, "position": position, "is_production": name == "production"}
            crud.create(s, org.admin, ENVIRONMENT, env)
        if runbook:
            create_runbook(s, org.coordinator, BODY, component="payments-api")
    make_workload(org, "PAY-1", risk_tier="low", components=["payments-api"])
    acting_login_is_coordinator(org)


def metrics(tmp_path: Path, rows: list[tuple[int, str, float]]) -> Path:
    """A metrics file: (minutes after 10:00 UTC, metric, value) per row."""
    start = datetime(2026, 5, 4, 10, tzinfo=UTC)
    lines = ["timestamp,metric,value"]
    lines += [f"{(start + timedelta(minutes=m)).isoformat()},{n},{v}" for m, n, v in rows]
    path = tmp_path / "metrics.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- gate -------------------------------------------------------------------------------------


def test_gate_check_exits_1_naming_what_is_missing_then_0_once_recorded(
    seeded: Org, db_url: str, capsys
) -> None:
    payments(seeded, runbook=False)
    check = ("gate", "check", "--db", db_url, "--workload", "PAY-1", "--environment", "production")
    code, out, err = run(capsys, *check, "--json")
    data = json.loads(out)
    assert code == 1, err
    assert {k: data[k] for k in ("workload", "environment", "allowed")} == {
        "workload": "PAY-1",
        "environment": "production",
        "allowed": False,
    }
    assert data["missing"] == [
        "tests: no test result recorded in staging",
        "peer review: no peer review recorded",
    ]

    record = ("gate", "record", "--db", db_url, "--workload", "PAY-1", "--result", "pass")
    code, out, err = run(
        capsys,
        *record,
        "--kind",
        "tests",
        "--environment",
        "staging",
        "--figure",
        "passed=412",
        "--figure",
        "failed=0",
    )
    assert code == 0, err
    assert out.startswith("recorded tests pass for PAY-1")
    code, out, err = run(capsys, *record, "--kind", "peer_review", "--by", "approver", "--json")
    assert code == 0, err
    assert json.loads(out)["kind"] == "peer_review"

    code, out, _ = run(capsys, *check, "--json")
    data = json.loads(out)
    assert (code, data["allowed"], data["missing"]) == (0, True, [])
    code, out, _ = run(capsys, *check)
    assert (code, out.strip()) == (0, "PAY-1 may be promoted to production")


def test_gate_check_in_words_lists_each_missing_gate(seeded: Org, db_url: str, capsys) -> None:
    payments(seeded, runbook=False)
    code, out, _ = cli(capsys, db_url, "gate check --workload PAY-1 --environment production")
    assert code == 1
    assert out.splitlines() == [
        "PAY-1 may NOT be promoted to production:",
        "  - tests: no test result recorded in staging",
        "  - peer review: no peer review recorded",
    ]


def test_an_unknown_environment_is_bad_input(seeded: Org, db_url: str, capsys) -> None:
    payments(seeded, runbook=False)
    code, out, err = cli(capsys, db_url, "gate check --workload PAY-1 --environment qa --json")
    assert (code, out) == (2, "")
    assert len(err.strip().splitlines()) == 1
    assert "no environment 'qa' (known: dev, staging, production)" in err


def test_evidence_that_cannot_be_recorded_is_bad_input(seeded: Org, db_url: str, capsys) -> None:
    payments(seeded, runbook=False)
    record = ("gate", "record", "--db", db_url, "--workload", "PAY-1", "--result", "pass")
    code, _, err = run(capsys, *record, "--kind", "tests")
    assert code == 2 and "tests evidence belongs to an environment" in err
    code, _, err = run(capsys, *record, "--kind", "chaos", "--at", "2026-05-04T10:00")
    assert code == 2 and "--at: '2026-05-04T10:00' has no time zone" in err
    code, _, err = run(capsys, *record, "--kind", "chaos", "--figure", "rps")
    assert code == 2 and "--figure: 'rps' is not NAME=NUMBER" in err


# --- triggers -----------------------------------------------------------------------------


def test_triggers_evaluate_exits_1_when_a_trigger_fires(
    seeded: Org, db_url: str, capsys, tmp_path: Path
) -> None:
    payments(seeded)
    rows = [(m, "error_rate", 0.2 if m < 5 else 4.0) for m in range(11)]
    path = metrics(tmp_path, rows)
    code, out, err = cli(
        capsys, db_url, "triggers evaluate --workload PAY-1 --metrics", str(path), "--json"
    )
    assert code == 1, err
    data = json.loads(out)
    assert (data["runbook"], data["version"]) == ("Payments rollback", 1)
    error_rate, latency = data["triggers"]
    assert set(error_rate) >= TRIGGER_KEYS
    assert (error_rate["metric"], error_rate["comparator"], error_rate["threshold"]) == (
        "error_rate",
        ">",
        1.0,
    )
    # 10:05 averages 10:01-10:05 (0.96 %); 10:06 averages 10:02-10:06 (1.72 %)
    assert error_rate["fired"] is True
    assert error_rate["at"] == "2026-05-04T10:06:00+00:00"
    assert [o["breached"] for o in error_rate["observed"]] == [False] + [True] * 5
    assert error_rate["observed"][0]["value"] == 0.96
    assert (latency["metric"], latency["fired"], latency["at"], latency["observed"]) == (
        "latency_p99",
        False,
        None,
        [],
    )


def test_triggers_evaluate_exits_0_when_a_breach_is_too_short(
    seeded: Org, db_url: str, capsys, tmp_path: Path
) -> None:
    payments(seeded)
    rows = [(m, "latency_p99", 900.0 if m == 3 else 200.0) for m in range(8)]
    rows += [(m, "error_rate", 0.1) for m in range(8)]
    path = metrics(tmp_path, rows)
    code, out, err = cli(
        capsys, db_url, "triggers evaluate --component payments-api --metrics", str(path), "--json"
    )
    assert code == 0, err
    latency = json.loads(out)["triggers"][1]
    assert latency["fired"] is False
    assert [o["breached"] for o in latency["observed"]].count(True) == 1
    code, out, _ = cli(capsys, db_url, "triggers evaluate --workload PAY-1 --metrics", str(path))
    assert code == 0
    assert "did not fire" in out and "FIRED" not in out


def test_a_malformed_metrics_row_is_named_and_nothing_is_printed(
    seeded: Org, db_url: str, capsys, tmp_path: Path
) -> None:
    payments(seeded)
    path = metrics(tmp_path, [(0, "error_rate", 0.1), (1, "error_rate", 0.2)])
    text = path.read_text(encoding="utf-8").replace("0.2", "lots")
    path.write_text(text, encoding="utf-8")
    code, out, err = cli(
        capsys, db_url, "triggers evaluate --workload PAY-1 --metrics", str(path), "--json"
    )
    assert (code, out) == (2, "")
    assert "metrics.csv:3: value: 'lots' is not a number" in err
    assert len(err.strip().splitlines()) == 1


# --- runbook ------------------------------------------------------------------------------


def test_runbook_export_writes_the_steps_as_markdown_and_pdf(
    seeded: Org, db_url: str, capsys, tmp_path: Path
) -> None:
    payments(seeded)
    md, pdf = tmp_path / "runbook.md", tmp_path / "runbook.pdf"
    code, out, err = cli(
        capsys, db_url, "runbook export --component payments-api --format md -o", str(md)
    )
    assert code == 0, err
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# Payments rollback")
    assert "Freeze the deploy pipeline" in text
    assert "deploy rollback payments-api" in text
    assert "Version 1" in text and "not approved" in text
    assert "Payments rollback v1 (not approved)" in out
    code, _, err = cli(capsys, db_url, "runbook export --workload PAY-1 --format pdf -o", str(pdf))
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF")
    code, _, err = cli(
        capsys,
        db_url,
        "runbook export --component payments-api --format md -o",
        str(tmp_path / "no" / "x.md"),
    )
    assert code == 2 and "does not exist" in err


def test_runbook_diff_shows_what_changed(seeded: Org, db_url: str, capsys) -> None:
    payments(seeded)
    with seeded.db.transaction() as s:
        rb = find_runbook(s, component="payments-api")
        assert rb is not None
        steps = (
            BODY.steps[0],
            Step(
                "s2",
                "Redeploy build N-1",
                owner="coordinator",
                expected_minutes=15,
                verification="error rate under 1 %",
            ),
        )
        new = RunbookBody(BODY.title, BODY.summary, steps, BODY.triggers)
        save_revision(s, seeded.coordinator, rb, load(s, rb).version, new, "clearer")
    code, out, err = cli(capsys, db_url, "runbook diff --component payments-api 1")
    assert code == 0, err
    assert "version 1 → 2" in out
    assert "Redeploy build N-1" in out
    assert "15" in out
    code, out, _ = cli(capsys, db_url, "runbook diff --component payments-api 1 2 --json")
    data = json.loads(out)
    assert (data["from"], data["to"]) == (1, 2)
    assert {c["field"] for c in data["changes"]} >= {"title", "expected_minutes"}
    code, _, err = cli(capsys, db_url, "runbook diff --component payments-api 7")
    assert code == 2 and "no version 7" in err


def test_a_workload_without_any_runbook_is_bad_input(seeded: Org, db_url: str, capsys) -> None:
    payments(seeded)
    make_workload(seeded, "WEB-1")
    code, out, err = cli(capsys, db_url, "runbook diff --workload WEB-1 1")
    assert (code, out) == (2, "")
    assert "workload WEB-1 has no runbook" in err


# --- rollback -----------------------------------------------------------------------------


def test_rollback_record_then_log(seeded: Org, db_url: str, capsys) -> None:
    payments(seeded)
    start = datetime.now(UTC) - timedelta(hours=1)
    with seeded.db.transaction() as s:
        dep = Deployment(
            workload_id=s.scalar(select(Workload.id).where(Workload.key == "PAY-1")),
            environment_id=s.scalar(select(Environment.id).where(Environment.name == "production")),
            owner_id=seeded.coordinator.person_id,
            planned_start=start,
            planned_end=start + timedelta(minutes=30),
            result="succeeded",
        )
        s.add(dep)
        s.flush()
        dep_uuid = str(dep.uuid)
    base = ("rollback", "record", "--db", db_url, "--deployment", dep_uuid)
    code, _, err = run(
        capsys,
        *base,
        "--decision",
        "rollback",
        "--reason",
        "errors",
        "--trigger",
        "error rate above 1 % over 5 min",
    )
    assert code == 2 and "a triggered decision records what was seen" in err
    code, out, err = run(
        capsys,
        *base,
        "--decision",
        "rollback",
        "--reason",
        "error rate climbing",
        "--trigger",
        "error rate above 1 % over 5 min",
        "--observed",
        "2.4",
        "--unit",
        "%",
        "--at",
        "2026-05-04T10:06:00Z",
        "--json",
    )
    assert code == 0, err
    decision = json.loads(out)["decision"]
    assert len(decision) == 36  # the new entry's UUID
    code, _, err = run(capsys, *base, "--decision", "hold", "--reason", "watching the rollback")
    assert code == 0, err

    code, out, _ = cli(capsys, db_url, "rollback log --json")
    assert code == 0
    entries = json.loads(out)
    assert [e["decision"] for e in entries] == ["hold", "rollback"]
    rollback = entries[1]
    assert rollback == {
        "decided_at": "2026-05-04T10:06:00+00:00",
        "decision": "rollback",
        "deployment": dep_uuid,
        "workload": "PAY-1",
        "environment": "production",
        "trigger": "error rate above 1 % over 5 min",
        "observed": "2.4 %",
        "decided_by": rollback["decided_by"],
        "reason": "error rate climbing",
    }
    assert rollback["decided_by"]
    code, out, _ = cli(capsys, db_url, "rollback log --decision rollback --json")
    assert [e["reason"] for e in json.loads(out)] == ["error rate climbing"]
    code, out, _ = cli(capsys, db_url, "rollback log --workload PAY-1")
    assert code == 0 and "rollback" in out and "watching the rollback" in out
    with seeded.db.read() as s:
        assert s.scalars(select(Deployment.result)).one() == "rolled_back"


def test_gate_check_names_an_unapproved_runbook_the_workload_relies_on(
    seeded: Org, db_url: str, capsys
) -> None:
    payments(seeded)
    code, out, _ = cli(
        capsys, db_url, "gate check --workload PAY-1 --environment production --json"
    )
    assert code == 1
    assert (
        "runbook: 'Payments rollback (version 1)' is not approved "
        "(operations sign-off; security sign-off)"
    ) in json.loads(out)["missing"]
