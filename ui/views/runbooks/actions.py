"""The Runbooks screen's toolbar and what is enabled when.

New (Ctrl+N), Find (Ctrl+F), Reload (F5), Enter and Delete are the window's own keys, which it
forwards to the view; binding them here as well would make them ambiguous. Undo and redo are
the draft's (see keys.py); Save, Export and Print are this screen's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar, QWidget

from ui.views.runbooks.export import PRINTING

if TYPE_CHECKING:
    from ui.views.runbooks.view import RunbooksView


def _native(key: str) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


def build(view: RunbooksView) -> QToolBar:
    bar = QToolBar("Runbooks", view)
    bar.setObjectName("runbooksToolbar")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    specs: list[tuple[str, str, str, str, bool, Callable[[], object]]] = [
        (
            "new",
            "New runbook…",
            "Ctrl+N",
            "A template for a component, or a workload's own runbook",
            False,
            view.new_item,
        ),
        ("save", "Save", "Ctrl+S", "Save the draft as a new version", True, view.save),
        (
            "export",
            "Export…",
            "Ctrl+E",
            "Write the saved version as Markdown or PDF",
            True,
            view.export,
        ),
    ]
    if PRINTING:
        specs.append(
            ("print", "Print…", "Ctrl+P", "Print the saved version", True, view.print_runbook)
        )
    specs.append(("reload", "Reload", "F5", "Read the runbooks again", False, view.refresh))
    for name, text, key, tip, bind, slot in specs:
        action = QAction(text, view)
        action.setToolTip(f"{tip} ({_native(key)})")
        if bind:
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            view.runbooks_page.addAction(action)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        setattr(view, f"{name}_action", action)
        bar.addAction(action)
        if name == "save":
            undo = _history_action(view, "Undo", "Ctrl+Z", forward=False)
            redo = _history_action(view, "Redo", "Ctrl+Shift+Z", forward=True)
            view.undo_action, view.redo_action = undo, redo
            bar.addAction(undo)
            bar.addAction(redo)
            bar.addSeparator()
    if not view.can_edit:
        spacer = QWidget(bar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bar.addWidget(spacer)
        note = QLabel(f"Read only: {why_read_only(view)}", bar)
        note.setObjectName("readOnlyNote")
        bar.addWidget(note)
    return bar


def _history_action(view: RunbooksView, text: str, key: str, *, forward: bool) -> QAction:
    """Undo or Redo of the draft; what it would take back is in the tooltip, so the
    toolbar keeps its width while the step names change."""
    stack = view.draft.stack
    action = QAction(text, view)
    step = stack.redo if forward else stack.undo
    action.triggered.connect(lambda _checked=False: step())

    def describe(what: str) -> None:
        action.setToolTip(f"{text} {what} ({_native(key)})" if what else f"{text} ({_native(key)})")

    if forward:
        stack.canRedoChanged.connect(action.setEnabled)
        stack.redoTextChanged.connect(describe)
        action.setEnabled(stack.canRedo())
    else:
        stack.canUndoChanged.connect(action.setEnabled)
        stack.undoTextChanged.connect(describe)
        action.setEnabled(stack.canUndo())
    describe("")
    return action


def why_read_only(view: RunbooksView) -> str:
    return (
        f"you are signed in as {view.ctx.actor.label}; writing runbooks needs the "
        "coordinator, operations, security or admin role"
    )


def update(view: RunbooksView) -> None:
    doc, draft = view.draft.doc, view.draft
    can = view.can_edit
    view.new_action.setEnabled(can)
    view.save_action.setEnabled(can and draft.dirty)
    if doc is not None:
        view.save_action.setToolTip(
            f"Save the draft as version {doc.revision + 1} ({_native('Ctrl+S')})"
        )
    view.export_action.setEnabled(doc is not None)
    if PRINTING:
        view.print_action.setEnabled(doc is not None)
    if not can:
        why = f" — not available: {why_read_only(view)}"
        view.new_action.setToolTip("A new runbook" + why)
        view.save_action.setToolTip("Save" + why)
