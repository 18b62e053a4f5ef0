"""Creating, changing, moving and deleting calendar items through the shared, undoable
commands, with what a new item starts as and how a refusal is put into words.

A new item starts on the focused day in the display zone, so "New freeze" with Friday
focused proposes Friday; the dialog shows the values and the service judges them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from app.db import DatabaseError
from app.planning.recurrence import place
from app.services.calendar import DEPLOYMENT_WINDOW
from app.services.calendar import FREEZE as FREEZE_SPEC
from app.services.calendar import WAVE as WAVE_SPEC
from app.services.crud import EntitySpec
from app.services.deployments import DEPLOYMENT_SCHEDULE
from app.services.errors import ConflictError, PermissionDenied, ServiceError, ValidationError
from app.services.releases import RELEASE as RELEASE_SPEC
from ui.context import AppContext
from ui.undo import DeleteEntityCommand, ServiceCommand, UpdateEntityCommand
from ui.views.calendar.commands import MoveReleaseCommand
from ui.views.calendar.index import DEPLOYMENT, FREEZE, RELEASE, WAVE, WINDOW, CalendarIndex, Ref
from ui.views.calendar.zones import valid_zone

SPECS: dict[str, EntitySpec] = {
    RELEASE: RELEASE_SPEC,
    WINDOW: DEPLOYMENT_WINDOW,
    FREEZE: FREEZE_SPEC,
    WAVE: WAVE_SPEC,
}

EDITABLE: dict[str, EntitySpec] = SPECS | {DEPLOYMENT: DEPLOYMENT_SCHEDULE}
"""What Enter opens a dialog on: deployments too, for their owner and times."""


def at(day: date, hour: int, zone: str) -> datetime:
    instant, _note = place(datetime.combine(day, time(hour)), zone)
    return instant


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat()


def new_values(
    kind: str, day: date, zone: str, index: CalendarIndex | None, selected: Ref | None
) -> dict[str, Any]:
    """What the New dialog proposes for `kind` on `day`."""
    home = zone if valid_zone(zone) else "UTC"
    if kind == RELEASE:
        start = at(day, 22, home)
        return {
            "code_freeze_at": iso(at(day - timedelta(days=3), 18, home)),
            "window_start": iso(start),
            "window_end": iso(start + timedelta(hours=2)),
            "status": "planned",
        }
    if kind in (WINDOW, FREEZE):
        values: dict[str, Any] = {
            "timezone": home,
            "starts_local": f"{day:%Y-%m-%d}T22:00" if kind == WINDOW else f"{day:%Y-%m-%d}T00:00",
            "ends_local": (
                f"{day + timedelta(days=1):%Y-%m-%d}T02:00"
                if kind == WINDOW
                else f"{day + timedelta(days=1):%Y-%m-%d}T00:00"
            ),
            "all_day": kind == FREEZE,
            "rrule": "",
        }
        if kind == FREEZE:
            values["hard"] = True
        return values
    release = _release_for(index, selected)
    start = release.window_start if release is not None else at(day, 22, home)
    position = len(index.waves_of.get(release.key, [])) + 1 if index and release else 1
    values = {
        "position": position,
        "starts_at": iso(start),
        "ends_at": iso(start + timedelta(hours=1)),
        "traffic_percent": 5 if position == 1 else 25 if position == 2 else 100,
        "bake_minutes": 60,
    }
    if release is not None:
        values["release"] = release.key
    return values


def _release_for(index: CalendarIndex | None, selected: Ref | None) -> Any:
    if index is None or selected is None:
        return None
    if selected.kind == RELEASE:
        return index.releases.get(selected.key)
    if selected.kind == WAVE and selected.key in index.waves:
        return index.releases.get(index.waves[selected.key].release)
    return None


def title_of(index: CalendarIndex, ref: Ref) -> str:
    item = index.item(ref)
    return str(getattr(item, "name", None) or getattr(item, "label", None) or ref.key[:8])


def version_of(ctx: AppContext, index: CalendarIndex, ref: Ref) -> int:
    """The newest version this client knows: its own last write may be newer than the load."""
    item = index.item(ref)
    loaded = int(getattr(item, "version", 0))
    return max(loaded, ctx.known_versions.get(ref.key, 0))


def move_command(
    ctx: AppContext, index: CalendarIndex, ref: Ref, start: datetime, end: datetime, zone: str
) -> ServiceCommand | None:
    """The undoable command that puts a dragged release or wave at its new time."""
    version = version_of(ctx, index, ref)
    title = title_of(index, ref)
    if ref.kind == RELEASE and ref.key in index.releases:
        release = index.releases[ref.key]
        return MoveReleaseCommand(
            ctx,
            ref.key,
            version,
            (release.window_start, release.window_end),
            (start, end),
            title=title,
            zone=zone,
        )
    if ref.kind == WAVE and ref.key in index.waves:
        wave = index.waves[ref.key]
        return UpdateEntityCommand(
            ctx,
            WAVE_SPEC,
            ref.key,
            version,
            {"starts_at": iso(start), "ends_at": iso(end)},
            {"starts_at": iso(wave.start), "ends_at": iso(wave.end)},
            title=title,
        )
    return None


def run_reporting(command: ServiceCommand, parent: QWidget, what: str) -> bool:
    """Run the command's first step and push it; say in words why the service refused."""
    try:
        command.execute()
    except ValidationError as exc:
        messages = "; ".join(e.message for e in exc.errors)
        warn(parent, f"Cannot {what}: {messages}.")
        return False
    except ConflictError:
        warn(
            parent,
            f"Cannot {what}: someone else changed it since the calendar was read. The calendar "
            "has been refreshed; try again.",
        )
        command.ctx.data_changed.emit(command.spec.label)
        return False
    except (PermissionDenied, ServiceError, DatabaseError) as exc:
        warn(parent, f"Cannot {what}: {exc}")
        return False
    return True


def delete_command(ctx: AppContext, index: CalendarIndex, ref: Ref) -> DeleteEntityCommand:
    return DeleteEntityCommand(
        ctx, SPECS[ref.kind], ref.key, version_of(ctx, index, ref), title=title_of(index, ref)
    )


def warn(parent: QWidget, text: str) -> None:
    QMessageBox.warning(parent, "Calendar", text)


def confirm(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "Calendar",
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
