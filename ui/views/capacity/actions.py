"""The board's controls: the train and team pickers, the toolbar with its shortcuts, the
card's context menu, and the dialogs they open, imported only when first opened so the
board starts fast.

Moving a card (Ctrl+→, Ctrl+←, Ctrl+B) is bound to the board itself, so the same keys keep
their text-editing meaning in the search box.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QDialog, QMenu, QToolBar, QWidget

from ui import excel_actions
from ui.widgets.filter_bar import FilterBar

if TYPE_CHECKING:
    from ui.views.capacity.view import CapacityView

PACKAGE = "ui.views.capacity"


def pickers(view: CapacityView) -> tuple[QComboBox, FilterBar]:
    """The train shown (always one) and the search with the team filter."""
    combo = QComboBox(view)
    combo.setObjectName("capacityTrain")
    combo.setAccessibleName("Release train")
    combo.setMinimumContentsLength(12)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    bar = FilterBar("Find a workload by key or title (Ctrl+F, Enter)", view)
    bar.search.setMinimumWidth(160)
    bar.add_combo("team", "All teams").setMinimumContentsLength(8)
    return combo, bar


def show_choices(view: CapacityView) -> None:
    """The trains and the train's teams of the plan on screen, without announcing a change."""
    board, combo, bar = view.board, view.train_combo, view.filter_bar
    combo.blockSignals(True)
    combo.clear()
    for train_id, name in view.trains:
        combo.addItem(name, train_id)
    combo.setCurrentIndex(max(0, combo.findData(board.train if board else None)))
    combo.setEnabled(bool(view.trains))
    combo.blockSignals(False)
    teams = [(t.name, str(t.id)) for t in board.train_teams] if board else []
    team = board.team_filter if board else None
    bar.combo("team").blockSignals(True)
    bar.set_items("team", teams)
    bar.set_value("team", str(team) if team is not None else None)
    bar.combo("team").blockSignals(False)


def build(view: CapacityView) -> QToolBar:
    bar = QToolBar("Capacity", view)
    bar.setObjectName("capacityToolbar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    view_actions: list[tuple[str, str, str, str, Callable[[], object]]] = [
        (
            "auto_plan",
            "Auto-plan…",
            "Ctrl+Shift+A",
            "Propose a plan: highest WSJF first within each team's capacity",
            lambda: auto_plan(view),
        ),
        (
            "scope",
            "Compare scope…",
            "Ctrl+Shift+C",
            "What if the picked cards moved out (Ctrl+click or Space picks several)",
            lambda: compare_scope(view),
        ),
        (
            "deferrals",
            "Deferred work…",
            "Ctrl+Shift+D",
            "What slipped, how often, how long and why",
            lambda: open_dialog(view, "deferrals_dialog", "DeferralsDialog"),
        ),
        (
            "policy",
            "Planning policy…",
            "Ctrl+Shift+L",
            "How capacity is read from history, and the tech-debt share",
            lambda: open_dialog(view, "policy_dialog", "PolicyDialog"),
        ),
        (
            "risk",
            "Override risk tier…",
            "Ctrl+Shift+R",
            "Set the picked card's risk tier, with a reason",
            lambda: override_risk(view),
        ),
        ("refresh", "Refresh", "", "Read the plan again (F5)", view.refresh),
    ]
    for name, text, key, tip, slot in view_actions:
        action = _action(view, text, key, tip, slot, Qt.ShortcutContext.WidgetWithChildrenShortcut)
        view.addAction(action)
        bar.addAction(action)
        setattr(view, f"{name}_action", action)
    view.excel_action = excel_actions.add_view_export(
        view, bar, excel_actions.capacity_scope_of(view)
    )
    canvas = view.canvas
    for name, text, key, tip, direction in (
        ("next", "Move to next release", "Ctrl+Right", "A release later", 1),
        ("previous", "Move to previous release", "Ctrl+Left", "A release earlier", -1),
        ("backlog", "Send to backlog", "Ctrl+B", "Out of its release", None),
    ):
        slot = _mover(view, direction)
        action = _action(canvas, text, key, tip, slot, Qt.ShortcutContext.WidgetShortcut)
        canvas.addAction(action)
        setattr(view, f"{name}_action", action)
    return bar


def _mover(view: CapacityView, direction: int | None) -> Callable[[], None]:
    return lambda: view.move_focused(direction)


def _action(
    parent: QWidget,
    text: str,
    key: str,
    tip: str,
    slot: Callable[[], object],
    context: Qt.ShortcutContext,
) -> QAction:
    action = QAction(text, parent)
    if key:
        action.setShortcut(QKeySequence(key))
        tip = f"{tip} ({QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setShortcutContext(context)
    action.setToolTip(tip)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def update(view: CapacityView) -> None:
    """Enable what makes sense for the card picked and the person acting."""
    picked = view.canvas.current is not None
    loaded = view.board is not None
    can = view.can_edit
    view.action("auto_plan").setEnabled(loaded and can)
    view.action("scope").setEnabled(loaded and bool(view.selected_ids()))
    view.action("policy").setEnabled(can)
    view.action("risk").setEnabled(loaded and can and bool(view.selected_ids()))
    for name in ("next", "previous", "backlog"):
        view.action(name).setEnabled(picked and can)
    if not can:
        why = f"Read only: {view.ctx.actor.login} may not plan workloads"
        for name in ("auto_plan", "policy", "risk"):
            view.action(name).setToolTip(why)


def context_menu(view: CapacityView, item_id: int) -> QMenu:
    menu = QMenu(view)
    menu.setObjectName("capacityCardMenu")
    if item_id >= 0:
        for name in ("next", "previous", "backlog"):
            menu.addAction(view.action(name))
        menu.addSeparator()
        menu.addAction(view.action("scope"))
        menu.addAction(view.action("risk"))
        menu.addSeparator()
    for name in ("auto_plan", "deferrals", "policy", "refresh"):
        menu.addAction(view.action(name))
    return menu


def open_dialog(view: CapacityView, module: str, cls_name: str, *args: Any) -> QDialog | None:
    """Open one of the planning dialogs modally; its writes reach the board as data_changed."""
    full = f"{PACKAGE}.{module}"
    try:
        found = importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name != full:
            raise
        view.tell(f"{cls_name} is not available in this version of ReleaseDesk.")
        return None
    dialog: QDialog = getattr(found, cls_name)(view.ctx, *args, view)
    view.dialog = dialog
    dialog.exec()
    return dialog


def auto_plan(view: CapacityView) -> None:
    if view.board is not None:
        open_dialog(view, "proposal_dialog", "AutoPlanDialog", view.board.snapshot)


def compare_scope(view: CapacityView) -> None:
    picked = view.selected_ids()
    if view.board is None or not picked:
        view.tell("Pick one or more cards to compare (Ctrl+click or Space adds a card).")
        return
    open_dialog(view, "scope_dialog", "ScopeDialog", view.board.snapshot, picked)


def override_risk(view: CapacityView) -> None:
    picked = view.selected_ids()
    if not picked:
        view.tell("Pick the card whose risk tier to override.")
        return
    open_dialog(view, "risk_dialog", "RiskDialog", picked[-1])
