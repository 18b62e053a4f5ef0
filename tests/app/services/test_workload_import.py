"""Workload import: preview, all-or-nothing apply, undo, and the export round trip."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import event, func, select
from sqlalchemy.orm import selectinload

from app.domain import AuditEvent, Workload
from app.exchange.workload_columns import WORKLOAD_COLUMNS
from app.exchange.workload_sheet import SheetRow, read_sheet
from app.exchange.xlsx_writer import Column, WorkbookWriter
from app.services import crud
from app.services.errors import ConflictError, PermissionDenied, ValidationError
from app.services.workload_import import (
    ImportPlan,
    PreviewOutdated,
    apply_import,
    plan_import,
    undo_import,
)
from app.services.workloads import WORKLOAD
from tests.factories import Org, make_train, make_workload

HEADERS = [c.header for c in WORKLOAD_COLUMNS]
KINDS = {c.header: c for c in WORKLOAD_COLUMNS}
JIRA = ["Issue key", "Summary", "Issue Type", "Custom field (Story Points)", "Status",
        "Fix Version/s", "Assignee", "Priority"]  # fmt: skip


def _cell(wl: Workload, header: str) -> Any:
    """One cell as the export writes it: names, logins, dates, a link for a URL."""
    name = KINDS[header].field
    derived = {
        "Cost of delay": lambda: wl.cost_of_delay,
        "WSJF": lambda: wl.wsjf_score,
        "Created (UTC)": lambda: wl.created_at,
        "Updated (UTC)": lambda: wl.updated_at,
        "UUID": lambda: str(wl.uuid),
    }
    if not name:
        return derived[header]()
    if name == "team":
        return wl.team.name
    if name == "components":
        return ", ".join(sorted(c.name for c in wl.components))
    if name == "owner":
        return wl.owner.login if wl.owner else None
    if name == "target_release":
        return wl.target_release.name if wl.target_release else None
    if name == "change_request" and (wl.change_request or "").startswith("http"):
        return (wl.change_request, wl.change_request)
    return getattr(wl, name)


def export_rows(db) -> list[dict[str, Any]]:
    """Every workload as the export's Workloads sheet has it, header -> value."""
    with db.read() as s:
        query = select(Workload).options(selectinload(Workload.components))
        return [{h: _cell(wl, h) for h in HEADERS} for wl in s.scalars(query.order_by(Workload.id))]


def write_xlsx(path: Path, rows: list[dict[str, Any]], headers: list[str] = HEADERS,
               sheet: str = "Workloads") -> Path:  # fmt: skip
    book = WorkbookWriter(path)
    if sheet != "Summary":
        book.note_row(book.note_sheet("Summary"), ["Release plan"], title=True)
    table = book.table_sheet(
        sheet, [Column(h, KINDS[h].kind if h in KINDS else "text") for h in headers]
    )
    for row in rows:
        table.append([row.get(h) for h in headers])
    table.finish("Workloads")
    book.save()
    return path


def write_plain_xlsx(path: Path, rows: list[dict[str, Any]], headers: list[str] = HEADERS) -> Path:
    """As a person saves it from Excel: no table, values typed as they were entered."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(headers)
    for row in rows:
        value = [row.get(h) for h in headers]
        sheet.append(
            [
                v[1] if isinstance(v, tuple) else v.replace(tzinfo=None)
                if isinstance(v, datetime) else v
                for v in value
            ]
        )  # fmt: skip
    book.save(path)
    return path


def write_csv(path: Path, headers: list[str], rows: list[list[Any]], *,
              encoding: str = "utf-8", delimiter: str = ",") -> Path:  # fmt: skip
    with path.open("w", encoding=encoding, newline="") as f:
        out = csv.writer(f, delimiter=delimiter)
        out.writerow(headers)
        out.writerows(rows)
    return path


def plan_file(org: Org, path: Path, **kw: Any) -> ImportPlan:
    with org.db.read() as s:
        return plan_import(s, read_sheet(path), **kw)


def apply_file(org: Org, path: Path, **kw: Any):
    plan = plan_file(org, path, **kw)
    with org.db.transaction() as s:
        return plan, apply_import(s, org.coordinator, plan)


def stored(org: Org, key: str) -> dict[str, Any]:
    with org.db.read() as s:
        wl = s.scalars(select(Workload).where(Workload.key == key)).one()
        return {h: _cell(wl, h) for h in HEADERS} | {"version": wl.version}


def counts(org: Org) -> tuple[int, int]:
    with org.db.read() as s:
        return (
            s.scalar(select(func.count()).select_from(Workload)),
            s.scalar(select(func.count()).select_from(AuditEvent)),
        )


def errors_of(plan: ImportPlan) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in plan.errors}


@pytest.fixture
def org(seeded) -> Org:
    """Payments with three releases and four workloads covering every kind of field."""
    make_train(seeded, "Main", datetime(2026, 3, 2, tzinfo=UTC), upcoming=3)
    make_workload(seeded, "PAY-1", components=["payments-api"], owner="coordinator")
    make_workload(
        seeded,
        "PAY-2",
        status="planned",
        target_release="R-1",
        must_ship_by="2026-04-01",
        schema_change=True,
        change_request="https://itsm.example.com/CHG0001",
    )
    make_workload(seeded, "PAY-3", risk_tier="high", risk_override_reason="Board asked")
    make_workload(
        seeded,
        "PAY-4",
        change_class="emergency",
        target_release="R-2",
        status="planned",
        exception_reason="Card outage",
        title="=HYPERLINK(evil)",
    )
    return seeded


def test_an_exported_sheet_re_imports_as_nothing_to_change(org, tmp_path) -> None:
    path = write_xlsx(tmp_path / "plan.xlsx", export_rows(org.db))
    before = counts(org)
    plan = plan_file(org, path)
    assert (plan.create, plan.update, plan.errors) == ([], [], [])
    assert plan.unchanged == 4 and plan.notes == []
    assert counts(org) == before  # previewing writes nothing


def test_the_demo_round_trips_through_our_own_sheet(db, tmp_path) -> None:
    from app.demo import generate

    generate(db, anchor=date(2026, 3, 2))
    rows = export_rows(db)
    sheet = read_sheet(write_xlsx(tmp_path / "demo.xlsx", rows))
    with db.read() as s:
        plan = plan_import(s, sheet)
    assert plan.as_json()["create"] == [] and plan.as_json()["update"] == []
    assert plan.errors == [] and plan.unchanged == len(rows) > 1000


def test_the_demo_round_trips_through_the_real_export(db, tmp_path) -> None:
    workbook = pytest.importorskip("app.exchange.release_workbook", exc_type=ImportError)
    from app.demo import generate

    generate(db, anchor=date(2026, 3, 2))
    path = tmp_path / "export.xlsx"
    with db.read() as s:
        workbook.export_workbook(s, path)
    with db.read() as s:
        plan = plan_import(s, read_sheet(path))
    assert (plan.create, plan.update, plan.errors) == ([], [], [])


def test_changed_cells_update_only_those_fields_and_undo_puts_them_back(org, tmp_path) -> None:
    rows = export_rows(org.db)
    rows[0]["Size"] = "5.0"  # text, as a CSV or a hand edit gives it
    rows[0]["Owner"] = None  # blank in our own sheet: clear it
    rows[1]["Target release"] = "r-3"  # a name matched regardless of case
    rows[1]["Must ship by"] = "2026-05-01"
    rows[1]["Schema change"] = "no"
    rows[2]["Title"] = "  Change PAY-3  "  # spaces around: the same title
    original = {k: stored(org, k) for k in ("PAY-1", "PAY-2")}
    plan, applied = apply_file(org, write_xlsx(tmp_path / "edited.xlsx", rows))
    changed = {p.key: p.changed_fields for p in plan.update}
    assert changed == {
        "PAY-1": ("size", "owner"),
        "PAY-2": ("risk_tier", "target_release", "must_ship_by", "schema_change"),
    }, "PAY-2's tier follows the rules once the schema change is gone"
    assert plan.update[0].before == {"size": 3, "owner": "coordinator"}
    assert plan.unchanged == 2 and plan.create == []
    now = stored(org, "PAY-2")
    assert (now["Target release"], now["Must ship by"], now["Schema change"]) == (
        "R-3",
        date(2026, 5, 1),
        False,
    )
    assert stored(org, "PAY-1")["Size"] == 5 and stored(org, "PAY-1")["Owner"] is None
    with org.db.read() as s:
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.entity_uuid == plan.update[0].uuid)
        ).all()
    assert actions[-1] == "import"

    with org.db.transaction() as s:
        undo_import(s, org.coordinator, applied)
    for key, was in original.items():
        now = stored(org, key)
        assert {h: now[h] for h in HEADERS if KINDS[h].field} == {
            h: was[h] for h in HEADERS if KINDS[h].field
        }


def test_new_keys_are_created_with_every_field_and_undo_deletes_them(org, tmp_path) -> None:
    row = dict(export_rows(org.db)[0])
    row |= {"Key": "PAY-9", "Title": "Refunds in one click", "Size": 8.0, "Components": None,
            "Owner": "Cora Coordinator", "Target release": "R-2", "Status": "In Progress",
            "Change class": "Bug", "Must ship by": datetime(2026, 6, 30),
            "Schema change": "x", "Risk tier": None}  # fmt: skip
    workloads, _audit = counts(org)
    plan, applied = apply_file(org, write_xlsx(tmp_path / "new.xlsx", [row]))
    assert [p.key for p in plan.create] == ["PAY-9"] and plan.errors == []
    made = stored(org, "PAY-9")
    assert made["Owner"] == "coordinator" and made["Status"] == "in_progress"
    assert made["Change class"] == "bug_fix" and made["Size"] == 8
    assert made["Must ship by"] == date(2026, 6, 30) and made["Schema change"] is True
    assert made["Risk tier"] == "medium"  # by the rules: bug fix +1, schema change +1
    assert len(applied.created) == 1 and counts(org)[0] == workloads + 1
    with org.db.transaction() as s:
        undo_import(s, org.coordinator, applied)
    assert counts(org)[0] == workloads


def test_every_invalid_row_is_listed_and_apply_writes_nothing(org, tmp_path) -> None:
    good = export_rows(org.db)[0] | {"Key": "NEW-1"}
    rows = [
        good,
        good | {"Key": None},
        good | {"Key": "NEW-1"},
        good | {"Key": "NEW-3", "Team": "Nobody"},
        good | {"Key": "NEW-4", "Owner": "ghost"},
        good | {"Key": "NEW-5", "Target release": "R-99"},
        good | {"Key": "NEW-6", "Components": "payments-api, ledger"},
        good | {"Key": "NEW-7", "Size": "big"},
        good | {"Key": "NEW-8", "Must ship by": "31/02/2026"},
        good | {"Key": "NEW-9", "Size": 4},
        good
        | {
            "Key": "NEW-10",
            "Change class": "emergency",
            "Target release": "R-1",
            "Status": "planned",
            "Risk tier": None,
        },  # fmt: skip
        good | {"Key": "NEW 11"},
        good | {"Key": "NEW-12", "Size": 3.5},
        good | {"Key": "NEW-13", "Status": "planned", "Target release": None},
        good | {"Key": "NEW-14", "Title": None},
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", rows)
    plan = plan_file(org, path)
    reasons = {(e.row, e.column): e.reason for e in plan.errors}
    assert errors_of(plan) == {
        (3, "Key"),
        (4, "Key"),
        (5, "Team"),
        (6, "Owner"),
        (7, "Target release"),
        (8, "Components"),
        (9, "Size"),
        (10, "Must ship by"),
        (11, "Size"),
        (12, "Emergency exception reason"),
        (13, "Key"),
        (14, "Size"),
        (15, "Target release"),
        (16, "Title"),
    }
    assert "required" in reasons[3, "Key"] and "row 2" in reasons[4, "Key"]
    assert reasons[5, "Team"] == "no team 'Nobody'"
    assert reasons[8, "Components"] == "no component 'ledger'"
    assert reasons[9, "Size"] == "must be a whole number, not 'big'"
    assert "is not a date" in reasons[10, "Must ship by"]
    assert "scale" in reasons[11, "Size"] and "not 4" in reasons[11, "Size"]
    assert "justification" in reasons[12, "Emergency exception reason"]
    assert [p.key for p in plan.create] == ["NEW-1"]

    before = counts(org)
    with pytest.raises(ValidationError) as raised, org.db.transaction() as s:
        apply_import(s, org.coordinator, plan)
    assert "row 9, Size: must be a whole number" in str(raised.value)
    assert counts(org) == before


def test_a_blank_required_cell_in_our_own_sheet_is_an_error_not_a_clear(org, tmp_path) -> None:
    rows = export_rows(org.db)
    rows[0] |= {"Title": "  ", "Team": None, "Status": None}
    plan = plan_file(org, write_xlsx(tmp_path / "blank.xlsx", rows))
    assert errors_of(plan) == {(2, "Title"), (2, "Team"), (2, "Status")}
    assert all(e.reason == "is required" for e in plan.errors)


def test_values_in_the_forms_spreadsheets_give_them(org, tmp_path) -> None:
    rows = export_rows(org.db)[:1]
    variants = [("TRUE", True), ("yes", True), (1, True), ("x", True), ("0", False),
                ("FALSE", False), (False, False)]  # fmt: skip
    for n, (raw, _want) in enumerate(variants):
        rows.append(
            rows[0] | {"Key": f"B-{n}", "Schema change": raw, "Size": 3.0, "Risk tier": None}
        )
    rows.append(rows[0] | {"Key": "D-1", "Must ship by": "2026-07-01"})
    rows.append(rows[0] | {"Key": "D-2", "Must ship by": 46204})  # a date that lost its format
    plan = plan_file(org, write_plain_xlsx(tmp_path / "forms.xlsx", rows))
    assert plan.errors == []
    made = {p.key: p.values for p in plan.create}
    assert [made[f"B-{n}"]["schema_change"] for n in range(len(variants))] == [
        want for _raw, want in variants
    ]
    assert made["D-1"]["must_ship_by"] == date(2026, 7, 1)
    assert made["D-2"]["must_ship_by"] == date(2026, 7, 1)


def test_a_different_tier_needs_a_reason_an_equal_one_changes_nothing(org, tmp_path) -> None:
    rows = export_rows(org.db)
    assert rows[0]["Risk tier"] == "medium" and rows[2]["Risk override reason"]
    rows[0]["Risk tier"] = "High"
    rows[1]["Risk tier"] = "low"
    rows[1]["Risk override reason"] = "Dry run only"
    rows[2]["Risk override reason"] = None  # the rules decide again
    plan = plan_file(org, write_xlsx(tmp_path / "tiers.xlsx", rows))
    (error,) = plan.errors
    assert (error.row, error.column) == (2, "Risk override reason")
    assert (
        "the rules give medium" in error.reason and "fill in Risk override reason" in error.reason
    )
    changed = {p.key: p.values for p in plan.update}
    assert changed["PAY-2"] == {"risk_tier": "low", "risk_override_reason": "Dry run only"}
    assert changed["PAY-3"] == {"risk_tier": "low", "risk_override_reason": None}

    rows[0]["Risk tier"] = "medium"
    plan, _ = apply_file(org, write_xlsx(tmp_path / "tiers.xlsx", rows))
    assert stored(org, "PAY-2")["Risk tier"] == "low"
    assert stored(org, "PAY-3")["Risk override reason"] is None
    assert stored(org, "PAY-3")["Risk tier"] == "low"


def test_a_jira_csv_creates_with_a_default_team_and_leaves_other_fields(org, tmp_path) -> None:
    rows = [
        ["PAY-1", "Change PAY-1", "Story", "5.0", "In Progress", "R-1", "", "High"],
        ["JRA-7", "Fraud rules", "Bug", "3", "To Do", "", "Cora Coordinator", "Low"],
    ]
    path = write_csv(tmp_path / "jira.csv", JIRA, rows, encoding="utf-8-sig")
    plan = plan_file(org, path)
    assert errors_of(plan) == {(3, "Team")}
    assert "default team" in plan.errors[0].reason

    first = plan_file(org, path, default_team="Nobody").errors[0]
    assert (first.row, first.column, first.reason) == (0, "Team", "default team: no team 'Nobody'")

    plan, _applied = apply_file(org, path, default_team="payments")
    update = {p.key: p.changed_fields for p in plan.update}
    assert update == {"PAY-1": ("size", "target_release", "status")}
    pay1 = stored(org, "PAY-1")
    assert pay1["Owner"] == "coordinator", "a blank cell in a tracker's file changes nothing"
    assert pay1["Components"] == "payments-api" and pay1["Business value"] == 5
    made = stored(org, "JRA-7")
    assert (made["Team"], made["Change class"], made["Status"], made["Owner"]) == (
        "Payments",
        "bug_fix",
        "backlog",
        "coordinator",
    )
    assert made["Business value"] == 1
    assert any("Priority" in n for n in plan.notes)
    assert any("defaults" in n for n in plan.notes)


def test_repeated_fix_versions_that_disagree_are_an_error_naming_the_cells(org, tmp_path) -> None:
    headers = ["Issue key", "Summary", "Fix Version/s", "Fix Version/s", "Component/s",
               "Component/s"]  # fmt: skip
    path = write_csv(
        tmp_path / "jira.csv",
        headers,
        [["PAY-1", "Change PAY-1", "R-1", "R-2", "payments-api", ""]],
        delimiter=";",
    )
    (error,) = plan_file(org, path).errors
    assert (error.row, error.column) == (2, "Fix Version/s")
    assert "C2 'R-1'" in error.reason and "D2 'R-2'" in error.reason


def test_apply_refuses_when_a_row_changed_since_the_preview(org, tmp_path) -> None:
    rows = export_rows(org.db)
    rows[0]["Size"] = 8
    plan = plan_file(org, write_xlsx(tmp_path / "p.xlsx", rows))
    pay1 = stored(org, "PAY-1")
    with org.db.transaction() as s:
        crud.update(s, org.admin, WORKLOAD, plan.update[0].uuid, pay1["version"], {"size": 13})
    before = counts(org)
    with pytest.raises(PreviewOutdated) as raised, org.db.transaction() as s:
        apply_import(s, org.coordinator, plan)
    assert isinstance(raised.value, ConflictError) and "PAY-1" in str(raised.value)
    assert counts(org) == before and stored(org, "PAY-1")["Size"] == 13


def test_undo_is_refused_whole_when_someone_edited_an_imported_row(org, tmp_path) -> None:
    rows = export_rows(org.db)
    rows[0]["Size"] = 8
    rows.append(rows[1] | {"Key": "PAY-10"})
    _plan, applied = apply_file(org, write_xlsx(tmp_path / "p.xlsx", rows))
    pay1 = stored(org, "PAY-1")
    with org.db.transaction() as s:
        crud.update(s, org.admin, WORKLOAD, applied.updated[0][0], pay1["version"], {"size": 13})
    with pytest.raises(ConflictError), org.db.transaction() as s:
        undo_import(s, org.coordinator, applied)
    assert stored(org, "PAY-10")["Key"] == "PAY-10", "nothing was undone"


def test_a_viewer_may_preview_but_not_apply(org, tmp_path) -> None:
    rows = export_rows(org.db)
    rows[0]["Size"] = 8
    plan = plan_file(org, write_xlsx(tmp_path / "p.xlsx", rows))
    with pytest.raises(PermissionDenied), org.db.transaction() as s:
        apply_import(s, org.viewer, plan)


def test_rows_built_in_code_plan_like_a_file(org) -> None:
    cells = {h: (h, v) for h, v in export_rows(org.db)[0].items() if KINDS[h].field}
    named = {KINDS[h].field: c for h, c in cells.items()}
    named["size"] = ("Size", 13)
    with org.db.read() as s:
        plan = plan_import(s, [SheetRow(7, named)])
    assert [(p.key, p.row, p.changed_fields) for p in plan.update] == [("PAY-1", 7, ("size",))]


def test_previewing_thousands_of_rows_queries_a_fixed_number_of_times(db, tmp_path) -> None:
    from app.demo import generate

    generate(db, anchor=date(2026, 3, 2))
    rows = export_rows(db)
    for n, row in enumerate(rows):
        row["Size"] = 100 if row["Size"] != 100 else 1
        if n % 2:
            row |= {"Key": f"NEW-{n}", "Risk tier": None, "Risk override reason": None}
    path = write_xlsx(tmp_path / "big.xlsx", rows)
    sheet = read_sheet(path)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.read() as s:
            plan = plan_import(s, sheet)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert plan.errors == [] and len(plan.update) + len(plan.create) == len(rows) > 1000
    assert len(statements) < 25, statements[:30]
