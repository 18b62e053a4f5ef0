"""What the calendar's edit actions do: dialogs for new and existing items, planning a
deployment, delete with confirmation, applying a drop, and filing or deciding freeze overrides.

Every change runs as an undoable command on the shared stack; a refusal is put into words and
nothing lands on the stack.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QDialog, QInputDialog, QWidget

from app.db import DatabaseError
from app.services.calendar_data import OverrideItem
from app.services.errors import ServiceError
from ui.views.calendar import editing
from ui.views.calendar.commands import DecideOverrideCommand, RequestOverrideCommand
from ui.views.calendar.index import DEPLOYMENT, Ref
from ui.views.calendar.override_dialog import OverrideDialog, candidates
from ui.views.calendar.plan_dialog import PlanDeploymentDialog
from ui.views.calendar.zones import span_text

if TYPE_CHECKING:
    from ui.views.calendar.view import CalendarView


class CalendarEditor:
    def __init__(self, view: CalendarView) -> None:
        self.view = view
        self.dialog: QWidget | None = None
        """The dialog last opened (window-modal, so the event loop keeps running)."""

    @property
    def can_edit(self) -> bool:
        return self.view.can_edit

    def why_read_only(self) -> str:
        return (
            f"you are signed in as {self.view.ctx.actor.label}, and changing the calendar "
            "needs the coordinator or admin role"
        )

    def _read_only(self) -> bool:
        if not self.can_edit:
            editing.warn(self.view, f"Read only: {self.why_read_only()}.")
        return not self.can_edit

    # ------------------------------------------------------------------ items
    def new_item(self) -> None:
        """Ctrl+N / Insert: the New menu, under its button, to pick what to add."""
        if self._read_only():
            return
        button = self.view.nav.new_button
        self.view.nav.new_menu.popup(button.mapToGlobal(QPoint(0, button.height())))

    def new_entity(self, kind: str) -> None:
        if self._read_only():
            return
        view = self.view
        values = editing.new_values(kind, view.anchor, view.zone, view.index, view.selected)
        self._open(kind, None, values)

    def plan_deployment(self) -> None:
        """New ▾ › Plan deployment…: starting at 22:00 on the focused day, in the display zone."""
        if self._read_only():
            return
        view = self.view
        try:
            dialog = PlanDeploymentDialog(
                view.ctx,
                start=editing.at(view.anchor, 22, view.zone),
                zone=view.zone,
                environment=view.filter_bar.value("environments"),
                parent=view,
            )
        except (ServiceError, DatabaseError) as exc:
            editing.warn(view, str(exc))
            return
        dialog.planned.connect(lambda uuid: self._planned(dialog, uuid))
        self.show(dialog)

    def _planned(self, dialog: PlanDeploymentDialog, uuid: str) -> None:
        view = self.view
        view.select(Ref(DEPLOYMENT, uuid))
        planned = dialog.command
        if planned is not None:
            end = planned.start + timedelta(minutes=planned.minutes)
            view.tell(
                f"Planned {planned.workload_key} → {planned.environment}, "
                f"{span_text(planned.start, end, view.zone)} (undo: Ctrl+Z)."
            )

    def show(self, dialog: QDialog) -> None:
        """Open `dialog` (window-modal) as the one dialog this screen has open."""
        self._replace_dialog()
        self.dialog = dialog
        dialog.open()

    def edit(self, ref: Ref | None) -> None:
        """Enter: the item's dialog (read-only for viewers: they may look, not change)."""
        if ref is None:
            return
        self._open(ref.kind, ref.key, None)

    def delete(self, ref: Ref | None) -> None:
        index = self.view.index
        if ref is not None and ref.kind == DEPLOYMENT:
            self.view.status.setText(
                "A deployment is a record: change its owner or times (Enter), not its existence."
            )
            return
        if ref is None or index is None or ref.kind not in editing.SPECS or self._read_only():
            return
        what = f"{editing.SPECS[ref.kind].label} “{editing.title_of(index, ref)}”"
        if not editing.confirm(
            self.view, f"Delete {what}?\n\nYou can undo this with Undo (Ctrl+Z)."
        ):
            return
        command = editing.delete_command(self.view.ctx, index, ref)
        if editing.run_reporting(command, self.view, "delete it"):
            self.view.select(None)

    def drop(self, ref: Ref, start: datetime, end: datetime) -> None:
        """A drag ended: move the release (with its plan) or the wave there."""
        view = self.view
        if view.index is None or not self.can_edit:
            return
        command = editing.move_command(view.ctx, view.index, ref, start, end, view.zone)
        if command is not None and editing.run_reporting(command, view, "move it there"):
            view.select(ref)
            view.status.setText(command.text())

    def _open(self, kind: str, key: str | None, initial: dict[str, object] | None) -> None:
        from ui.widgets.dialogs.entity_dialog import EntityDialog

        view = self.view
        self._replace_dialog()
        try:
            dialog = EntityDialog(
                view.ctx,
                editing.EDITABLE[kind],
                key,
                initial=initial,
                read_only=not self.can_edit,
                parent=view,
            )
        except (ServiceError, DatabaseError) as exc:
            editing.warn(view, str(exc))
            view.refresh()
            return
        dialog.saved.connect(lambda uuid, k=kind: view.select(Ref(k, uuid)))
        self.dialog = dialog
        dialog.open()

    def _replace_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None

    # -------------------------------------------------------------- overrides
    def request_override(self, freeze_key: str) -> None:
        view = self.view
        index = view.index
        if index is None or freeze_key not in index.freezes:
            return
        freeze = index.freezes[freeze_key]
        now = view.canvas.clock()
        occurrence = next((o for o in freeze.occurrences if o.end > now), None)
        expires = occurrence.end if occurrence else now + timedelta(days=7)

        def submit(subject: str, justification: str, expires_at: datetime) -> None:
            RequestOverrideCommand(
                view.ctx, freeze_key, subject, justification, expires_at, title=freeze.name
            ).execute()

        self._replace_dialog()
        subjects = candidates(index, freeze_key)
        dialog = OverrideDialog(freeze.name, subjects, expires, view.zone, submit, view)
        self.dialog = dialog
        dialog.open()

    def decide_override(self, override: OverrideItem, approve: bool) -> None:
        reason = ""
        if not approve:
            reason = self.ask_reason(override)
            if not reason:
                return
        command = DecideOverrideCommand(
            self.view.ctx, override.key, override.version, approve, reason, title=override.subject
        )
        editing.run_reporting(command, self.view, "decide the override")

    def ask_reason(self, override: OverrideItem) -> str:
        text, ok = QInputDialog.getMultiLineText(
            self.view,
            "Reject the override",
            f"Why is the override for {override.subject} rejected?",
        )
        return text.strip() if ok else ""
