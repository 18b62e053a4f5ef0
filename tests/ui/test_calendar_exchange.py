"""The Calendar screen's way in and out: an iCalendar export of what is in view, importing an
enterprise calendar's freezes (undoable, all or nothing), and planning a deployment sized by
history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from PySide6.QtCore import QDateTime, Qt
from sqlalchemy import func, select

from app.domain import Deployment, Environment, Workload
from tests.factories import Org
from tests.ui import test_calendar
from tests.ui.helpers import Messages, audit_ok
from tests.ui.test_calendar import World, settle
from ui.views.calendar import CalendarView, exchange
from ui.views.calendar.exchange import ImportDialog
from ui.views.calendar.plan_dialog import PlanDeploymentDialog
from ui.workers import Cancelled

world = test_calendar.world
open_view = test_calendar.open_view

Open = Callable[..., CalendarView]

WEEKLY = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Example Corp//Outlook//EN\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:friday-freeze@example.com\r\n"
    "DTSTAMP:20270101T000000Z\r\n"
    "SUMMARY:Friday afternoon freeze\r\n"
    "DESCRIPTION:No changes before the weekend\r\n"
    "DTSTART;TZID=Europe/Berlin:20270305T140000\r\n"
    "DTEND;TZID=Europe/Berlin:20270305T180000\r\n"
    "RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=8\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)

BROKEN = (
    "BEGIN:VCALENDAR\r\n"
    "VERSION:2.0\r\n"
    "PRODID:-//Example Corp//Outlook//EN\r\n"
    "BEGIN:VEVENT\r\n"
    "UID:backwards@example.com\r\n"
    "DTSTAMP:20270101T000000Z\r\n"
    "SUMMARY:Ends before it starts\r\n"
    "DTSTART;TZID=Europe/Berlin:20270305T180000\r\n"
    "DTEND;TZID=Europe/Berlin:20270305T140000\r\n"
    "END:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def freezes_named(view: CalendarView, name: str) -> list[Any]:
    assert view.index is not None
    return [f for f in view.index.freezes.values() if f.name == name]


def reloaded(view: CalendarView, qtbot: Any, step: Callable[[], object]) -> None:
    """Run a change and wait until the calendar shows its result."""
    with qtbot.waitSignal(view.loaded, timeout=15000):
        step()
    settle(view, qtbot)


# ------------------------------------------------------------------------------- export
def test_export_writes_the_release_in_view(
    ctx: Any, world: World, open_view: Open, tmp_path: Path
) -> None:
    view = open_view(ctx)
    target = tmp_path / "march"
    count = view.export_ical(target)
    written = tmp_path / "march.ics"  # the suffix is added when missing
    assert count > 0 and written.is_file()
    calendar = Calendar.from_ical(written.read_bytes())
    events = {str(e["UID"]): str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert events[f"{world.release}@releasedesk"] == "Release R1"
    assert view.status.text().startswith(f"Exported {count} events to march.ics (March 2027")


def test_export_follows_the_team_filter_and_ctrl_e_asks_for_the_file(
    ctx: Any,
    world: World,
    open_view: Open,
    qtbot: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    view = open_view(ctx)
    qtbot.waitUntil(lambda: view.filter_bar.combo("teams").count() == 3)
    view.filter_bar.set_value("teams", "Mobile")
    settle(view, qtbot)
    asked: list[str] = []

    def save_as(_parent: Any, _title: str, proposed: str, _filter: str) -> tuple[str, str]:
        asked.append(proposed)
        return str(tmp_path / "mobile.ics"), ""

    monkeypatch.setattr(exchange.QFileDialog, "getSaveFileName", staticmethod(save_as))
    view.canvas.setFocus()
    qtbot.keyClick(view.canvas, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["releasedesk-mobile.ics"]
    calendar = Calendar.from_ical((tmp_path / "mobile.ics").read_bytes())
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    assert "Deploy MOB-1 to production" in summaries
    assert "Release R1" not in summaries and "Deploy PAY-2 to production" not in summaries
    assert "team Mobile" in view.status.text()


def test_cancelling_the_export_leaves_no_file(
    ctx: Any, world: World, open_view: Open, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = open_view(ctx)

    def cancelled_at_once(work: Callable[[Any], Any], **_options: Any) -> Any:
        def report(_stage: str, _fraction: float) -> None:
            raise Cancelled("the user pressed Cancel")

        return work(report)

    monkeypatch.setattr(exchange, "run_with_progress", cancelled_at_once)
    folder = tmp_path / "exports"
    folder.mkdir()
    assert view.export_ical(folder / "plan.ics") == 0
    assert list(folder.iterdir()) == []  # neither the file nor a temporary one
    assert view.status.text() == "Export cancelled: no file was written."


def test_an_unwritable_place_is_reported(
    ctx: Any, world: World, open_view: Open, tmp_path: Path, messages: Messages
) -> None:
    view = open_view(ctx)
    assert view.export_ical(tmp_path / "missing" / "plan.ics") == 0
    (text,) = messages.texts("warning")
    assert text.startswith(f"Could not write {tmp_path / 'missing' / 'plan.ics'}")


# ------------------------------------------------------------------------------- import
def test_importing_weekly_freezes_is_undoable(
    seeded: Org, ctx: Any, world: World, open_view: Open, qtbot: Any, tmp_path: Path
) -> None:
    view = open_view(ctx)
    source = tmp_path / "outlook.ics"
    source.write_text(WEEKLY, newline="")
    dialog = view.import_ical(source)
    assert isinstance(dialog, ImportDialog) and view.dialog is dialog
    assert dialog.choice() == ("freeze", None, True)
    assert not dialog.environment.isEnabled()
    reloaded(view, qtbot, dialog.accept)
    (freeze,) = freezes_named(view, "Friday afternoon freeze")
    assert freeze.hard and freeze.zone == "Europe/Berlin"
    starts = [o.start for o in freeze.occurrences]
    assert datetime(2027, 3, 5, 13, 0, tzinfo=UTC) in starts  # 14:00 Berlin
    assert view.status.text() == "outlook.ics: 1 created, 0 updated, 0 unchanged (hard freezes)."
    assert ctx.undo_stack.undoText() == "Import freezes from outlook.ics"
    reloaded(view, qtbot, ctx.undo_stack.undo)
    assert freezes_named(view, "Friday afternoon freeze") == []
    reloaded(view, qtbot, ctx.undo_stack.redo)
    (again,) = freezes_named(view, "Friday afternoon freeze")
    assert again.hard and len(again.occurrences) == len(freeze.occurrences)
    second = view.import_ical(source)  # the same file again: matched by UID, not duplicated
    assert isinstance(second, ImportDialog)
    reloaded(view, qtbot, second.accept)
    assert len(freezes_named(view, "Friday afternoon freeze")) == 1
    assert view.status.text().endswith("0 created, 0 updated, 1 unchanged (hard freezes).")
    assert audit_ok(seeded)


def test_importing_as_deployment_windows_of_one_environment(
    ctx: Any, world: World, open_view: Open, qtbot: Any, tmp_path: Path
) -> None:
    view = open_view(ctx)
    source = tmp_path / "maintenance.ics"
    source.write_text(WEEKLY, newline="")
    dialog = view.import_ical(source)
    assert isinstance(dialog, ImportDialog)
    dialog.windows.setChecked(True)
    assert dialog.environment.isEnabled() and not dialog.hard.isEnabled()
    dialog.environment.setCurrentIndex(dialog.environment.findData("staging"))
    reloaded(view, qtbot, dialog.accept)
    assert view.index is not None
    (window,) = [w for w in view.index.windows.values() if w.name == "Friday afternoon freeze"]
    assert window.environment == "staging"
    assert freezes_named(view, "Friday afternoon freeze") == []
    assert "(deployment windows)" in view.status.text()


def test_a_malformed_file_is_explained_and_nothing_is_imported(
    ctx: Any, world: World, open_view: Open, qtbot: Any, tmp_path: Path, messages: Messages
) -> None:
    view = open_view(ctx)
    assert view.index is not None
    before = set(view.index.freezes)
    source = tmp_path / "bad.ics"
    source.write_text(BROKEN, newline="")
    assert view.import_ical(source) is None
    (text,) = messages.texts("warning")
    assert text.startswith("Nothing was imported from bad.ics:")
    assert 'bad.ics:9: DTEND: event "Ends before it starts"' in text  # file:line: field
    assert view.dialog is None and ctx.undo_stack.count() == 0
    view.refresh()
    settle(view, qtbot)
    assert set(view.index.freezes) == before


def test_a_viewer_cannot_import(
    viewer_ctx: Any, world: World, open_view: Open, tmp_path: Path, messages: Messages
) -> None:
    view = open_view(viewer_ctx)
    assert not view.nav.import_action.isEnabled()
    source = tmp_path / "outlook.ics"
    source.write_text(WEEKLY, newline="")
    assert view.import_ical(source) is None
    assert "Read only" in messages.texts("warning")[0]


# ------------------------------------------------------------------------- planning
def add_history(org: Org, actual_minutes: list[int]) -> None:
    """Finished production rollouts of PAY-1 (team Payments) over the last weeks."""
    now = datetime.now(UTC).replace(microsecond=0)
    with org.db.transaction() as s:
        prod = s.scalars(select(Environment).where(Environment.name == "production")).one()
        pay = s.scalars(select(Workload).where(Workload.key == "PAY-1")).one()
        for n, minutes in enumerate(actual_minutes):
            start = now - timedelta(days=7 * (n + 1))
            s.add(
                Deployment(
                    workload_id=pay.id,
                    environment_id=prod.id,
                    owner_id=org.coordinator.person_id,
                    planned_start=start,
                    planned_end=start + timedelta(minutes=30),
                    actual_start=start,
                    actual_end=start + timedelta(minutes=minutes),
                    result="succeeded",
                )
            )


def deployment_count(org: Org) -> int:
    with org.db.read() as s:
        return int(s.scalar(select(func.count(Deployment.id))) or 0)


def open_plan(view: CalendarView, key: str, qtbot: Any) -> PlanDeploymentDialog:
    view.plan_deployment()
    dialog = view.dialog
    assert isinstance(dialog, PlanDeploymentDialog)
    assert dialog.environment.currentData() == "production"  # production is what gets planned
    dialog.key.setText(key)
    qtbot.waitUntil(lambda: dialog.suggested is not None, timeout=15000)
    start = datetime(2027, 3, 12, 20, 0, tzinfo=UTC)
    dialog.start.setDateTime(QDateTime.fromSecsSinceEpoch(int(start.timestamp())))
    return dialog


def test_plan_deployment_is_sized_by_history_and_undoable(
    seeded: Org, ctx: Any, world: World, open_view: Open, qtbot: Any
) -> None:
    add_history(seeded, [44, 46, 52, 58])
    view = open_view(ctx)
    dialog = open_plan(view, "PAY-2", qtbot)
    assert dialog.length.value() == 50  # median actual 49, rounded up to 5 minutes
    assert dialog.basis.text() == "Median actual of 4 deployments by team Payments"
    dialog.length.setValue(55)
    assert dialog.basis.text().startswith("History says 50 min: Median actual")
    dialog.owner.setCurrentIndex(dialog.owner.findText("Cora Coordinator"))
    reloaded(view, qtbot, dialog.accept)
    assert dialog.command is not None
    key = dialog.command.uuid
    assert view.index is not None and key in view.index.deployments
    planned = view.index.deployments[key]
    assert (planned.workload, planned.environment) == ("PAY-2", "production")
    assert planned.planned_start == datetime(2027, 3, 12, 20, 0, tzinfo=UTC)
    assert planned.planned_end - planned.planned_start == timedelta(minutes=55)
    assert ctx.undo_stack.undoText() == "Plan deployment of PAY-2 to production"
    assert view.status.text().startswith("Planned PAY-2 → production, ")
    assert view.selected is not None and view.selected.key == key
    reloaded(view, qtbot, ctx.undo_stack.undo)
    assert key not in view.index.deployments
    reloaded(view, qtbot, ctx.undo_stack.redo)
    assert view.index.deployments[key].planned_end == planned.planned_end
    assert audit_ok(seeded)


def test_production_without_an_owner_is_refused_in_the_dialog(
    seeded: Org, ctx: Any, world: World, open_view: Open, qtbot: Any
) -> None:
    add_history(seeded, [30, 30, 30])
    view = open_view(ctx)
    before = deployment_count(seeded)
    dialog = open_plan(view, "PAY-2", qtbot)
    assert dialog.owner.currentData() is None
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.error_text("owner") == "⚠ a deployment to production needs a deployment owner"
    assert deployment_count(seeded) == before and ctx.undo_stack.count() == 0
    dialog.key.setText("NOPE-1")
    qtbot.waitUntil(lambda: dialog.suggested is not None, timeout=15000)
    assert dialog.basis.text() == "No history: default 60 min"
    dialog.accept()
    assert dialog.error_text("key") == "⚠ no workload 'NOPE-1'"
    assert deployment_count(seeded) == before
    dialog.reject()
