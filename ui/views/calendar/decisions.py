"""A deployment's rollback decisions, reached from where the deployment is: its context menu
and its details. The log and the dialog live with the runbooks (ui.views.runbooks); this
module only opens them for the picked deployment and reports what was recorded.

A decision is never undone, so unlike the calendar's other edits nothing lands on the undo
stack; the status line says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QDialog, QMenu

from app.db import DatabaseError
from app.services.errors import ServiceError
from app.services.rollback_decisions import DECIDERS
from ui.views.calendar import editing
from ui.views.calendar.index import DEPLOYMENT, Ref

if TYPE_CHECKING:
    from ui.views.calendar.view import CalendarView
    from ui.views.runbooks.decision_dialog import DecisionDialog


def can_record(view: CalendarView) -> bool:
    return view.ctx.actor.has(*DECIDERS)


def context_menu(view: CalendarView, ref: Ref) -> QMenu:
    """What can be done with the item right-clicked (or picked, with the menu key)."""
    menu = QMenu(view)
    menu.addAction("Edit…" if view.can_edit else "View…", view.edit_selected)
    if ref.kind == DEPLOYMENT:
        menu.addSeparator()
        menu.addAction("Rollback decisions…", lambda: open_log(view, ref.key))
        record = menu.addAction("Record rollback decision…", lambda: record_decision(view, ref.key))
        record.setEnabled(can_record(view))
    elif ref.kind in editing.SPECS:
        delete = menu.addAction("Delete", view.delete_selected)
        delete.setEnabled(view.can_edit)
    return menu


def show_menu(view: CalendarView, ref: Ref, where: QPoint) -> None:
    view.select(ref)
    if view.context_menu is not None:
        view.context_menu.deleteLater()
    view.context_menu = context_menu(view, ref)
    view.context_menu.popup(where)


def open_log(view: CalendarView, deployment_key: str) -> QDialog | None:
    """The deployment's decisions in a dialog, with "Record decision…" at hand."""
    from ui.views.runbooks.decision_log import DecisionLogDialog

    try:
        dialog = DecisionLogDialog(view.ctx, deployment_key, view)
    except (ServiceError, DatabaseError) as exc:
        editing.warn(view, str(exc))
        return None
    dialog.panel.recorded.connect(lambda _uuid: _told(view, dialog.panel.dialog))
    view.editor.show(dialog)
    return dialog


def record_decision(view: CalendarView, deployment_key: str) -> QDialog | None:
    from ui.views.runbooks.decision_dialog import DecisionDialog

    if not can_record(view):
        editing.warn(
            view,
            f"Signed in as {view.ctx.actor.label}: recording a rollback decision needs the "
            "operations, coordinator or admin role.",
        )
        return None
    try:
        dialog = DecisionDialog(view.ctx, deployment_key, view, zone=view.zone)
    except (ServiceError, DatabaseError) as exc:
        editing.warn(view, str(exc))
        return None
    dialog.recorded.connect(lambda _uuid: _told(view, dialog))
    view.editor.show(dialog)
    return dialog


def _told(view: CalendarView, dialog: DecisionDialog | None) -> None:
    from ui.models.rollback_decision_table_model import decision_name

    if dialog is None or dialog.command is None or dialog.deployment is None:
        return
    view.tell(
        f"Recorded: {decision_name(dialog.command.decision).lower()} for "
        f"{dialog.deployment.label} (a decision stays in the log; it is not undone)."
    )
