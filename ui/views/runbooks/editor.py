"""The runbook editor's working area: the steps, the picked step in full, the summary, the
rollback triggers, and the at-a-glance column (duration, checkpoints, problems).

Every change, whichever widget it comes from, becomes one call to `Draft.edit` with the whole
new body; the draft answers with `changed`, and `show_body` then brings every widget up to the
body (skipping a field whose text is already right, so typing keeps its cursor). Validation
runs on each of those passes: `problems(body)` is one quick walk over the body.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.runbooks.body import PRESETS, RunbookBody, Step, Trigger, preset
from app.runbooks.validate import Issue, problems, trigger_text
from ui.models.runbook_steps_table_model import FIELDS as STEP_FIELDS
from ui.models.runbook_steps_table_model import RunbookStepsTableModel
from ui.models.runbook_triggers_table_model import FIELDS as TRIGGER_FIELDS
from ui.models.runbook_triggers_table_model import RunbookTriggersTableModel
from ui.views.runbooks import body_ops as ops
from ui.views.runbooks.draft import Draft, Focus
from ui.views.runbooks.glance import Glance
from ui.views.runbooks.markdown_pane import MarkdownPane
from ui.views.runbooks.step_details import StepDetails
from ui.views.runbooks.steps_panel import StepsPanel
from ui.views.runbooks.triggers_panel import TriggersPanel
from ui.widgets.splits import share

DETAILS_TAB, SUMMARY_TAB, TRIGGERS_TAB = range(3)
TYPED_FIELDS = frozenset({"instructions", "command", "verification"})
"""Step fields typed into the details panel: their keystrokes merge into one undo step."""
FIELD_WORDS = {"expected_minutes": "minutes", "checkpoint": "go/no-go", "window_minutes": "window"}


def _words(field: str) -> str:
    return FIELD_WORDS.get(field, field.replace("_", " "))


class RunbookEditor(QWidget):
    def __init__(self, draft: Draft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runbookEditor")
        self.draft = draft
        self.issues: list[Issue] = []
        self.logins: set[str] = set()
        self._people: dict[str, str] = {}
        self.focus_title: Callable[[], object] = lambda: None
        """Puts the cursor in the title, which lives in the view's header."""
        self.steps_model = RunbookStepsTableModel(self)
        self.steps_model.commit = self._commit_step
        self.steps_model.move = self._drop_steps
        self.steps_model.parse_owner = lambda text: ops.parse_owner(text, self.logins)
        self.triggers_model = RunbookTriggersTableModel(self)
        self.triggers_model.commit = self._commit_trigger
        self.steps = StepsPanel(self.steps_model, draft.may_edit, self)
        self.details = StepDetails(self)
        self.summary = MarkdownPane(
            "Summary",
            "When to use this runbook and what must hold before starting.",
            self,
        )
        self.triggers = TriggersPanel(self.triggers_model, draft.may_edit, self)
        self.glance = Glance(self)
        self.lower = QTabWidget(self)
        self.lower.setObjectName("runbookLowerTabs")
        self.lower.setDocumentMode(True)
        self.lower.addTab(self.details, "Step &details")
        self.lower.addTab(self.summary, "&Summary")
        self.lower.addTab(self.triggers, "Rollback &triggers")
        self.left = QSplitter(Qt.Orientation.Vertical, self)
        self.left.addWidget(self.steps)
        self.left.addWidget(self.lower)
        self.left.setChildrenCollapsible(False)
        self.left.setStretchFactor(0, 1)
        self.left.setStretchFactor(1, 1)
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        self.split.addWidget(self.left)
        self.split.addWidget(self.glance)
        self.split.setChildrenCollapsible(False)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split)
        self._sized = False
        self._connect()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized and self.width() > 0:
            self._sized = True
            share(self.split, 0.75)
            share(self.left, 0.5)

    def _connect(self) -> None:
        table = self.steps.table
        table.selectionModel().currentRowChanged.connect(lambda *_: self._show_details())
        table.selectionModel().selectionChanged.connect(lambda *_: self.steps.update_actions())
        self.steps.insert_requested.connect(self.insert_step)
        self.steps.duplicate_requested.connect(self.duplicate_steps)
        self.steps.delete_requested.connect(self.delete_steps)
        self.steps.shift_requested.connect(self.shift_steps)
        self.details.edited.connect(self._detail_edited)
        self.summary.edited.connect(self._summary_edited)
        self.triggers.preset_requested.connect(self.add_preset)
        self.triggers.custom_requested.connect(self.add_custom_trigger)
        self.triggers.delete_requested.connect(self.delete_trigger)
        self.glance.step_picked.connect(lambda row: self.select_steps([row]))
        self.glance.issue_picked.connect(self.go_to_issue)

    def text_fields(self) -> Sequence[QWidget]:
        return (*self.details.text_fields(), self.summary.source)

    def set_read_only(self, read_only: bool) -> None:
        self.steps.set_read_only(read_only)
        self.triggers.set_read_only(read_only)
        self.details.set_read_only(read_only)
        self.summary.set_read_only(read_only)

    def set_people(self, people: list[tuple[str, str]]) -> None:
        self.logins = {login for login, _name in people}
        self.steps.set_people(people)
        self._people = dict(people)
        self.steps_model.set_steps(self.steps_model.steps(), self.issues, self._people)

    # ---------------------------------------------------------------- showing
    def show_body(self, body: RunbookBody, focus: Focus | None = None) -> None:
        self.issues = problems(body)
        self.steps_model.set_steps(body.steps, self.issues)
        self.triggers_model.set_triggers(body.triggers, self.issues)
        self.summary.set_text(body.summary)
        count = len(body.triggers)
        self.lower.setTabText(TRIGGERS_TAB, f"Rollback &triggers ({count})")
        self.glance.show_body(body, self.issues)
        if focus is not None:
            self._follow(focus)
        self._show_details()
        self.steps.update_actions()

    def _show_details(self) -> None:
        row = self.current_row()
        step = self.steps_model.step_at(row)
        mine: dict[str, list[str]] = {}
        for issue in self.issues:
            if issue.step == row:
                mine.setdefault(issue.field, []).append(issue.message)
        self.details.show_step(step, row + 1, self.steps_model.rowCount(), mine)

    def current_row(self) -> int:
        index = self.steps.table.currentIndex()
        return index.row() if index.isValid() else -1

    def select_steps(self, rows: Sequence[int], column: int = 1) -> None:
        table, model = self.steps.table, self.steps_model
        rows = [r for r in rows if 0 <= r < model.rowCount()]
        if not rows:
            return
        selection = QItemSelection()
        last = model.columnCount() - 1
        for row in rows:
            selection.select(model.index(row, 0), model.index(row, last))
        flags = QItemSelectionModel.SelectionFlag
        table.selectionModel().setCurrentIndex(model.index(rows[-1], column), flags.NoUpdate)
        table.selectionModel().select(selection, flags.ClearAndSelect)
        table.scrollTo(model.index(rows[-1], column))
        self._show_details()

    def _follow(self, focus: Focus) -> None:
        """Show where an edit (or its undo) happened."""
        if focus.kind == "steps":
            self.select_steps(list(focus.rows))
        elif focus.kind == "step":
            row = self.steps_model.row_of(focus.item)
            cell = focus.field in STEP_FIELDS[1:] and focus.field not in TYPED_FIELDS
            if row >= 0 and (row != self.current_row() or cell):
                column = STEP_FIELDS.index(focus.field) if cell else 1
                self.select_steps([row], column)
            if focus.field in TYPED_FIELDS:
                self.lower.setCurrentIndex(DETAILS_TAB)
        elif focus.kind == "trigger":
            self.lower.setCurrentIndex(TRIGGERS_TAB)
            row = self.triggers_model.row_of(focus.item)
            if row >= 0:
                column = TRIGGER_FIELDS.index(focus.field) if focus.field in TRIGGER_FIELDS else 0
                self.triggers.table.setCurrentIndex(self.triggers_model.index(row, column))
        elif focus.kind == "summary":
            self.lower.setCurrentIndex(SUMMARY_TAB)

    def go_to_issue(self, issue: Issue) -> None:
        """Select what a problem is about and put the cursor where it is fixed."""
        if issue.step is not None:
            field = issue.field
            column = STEP_FIELDS.index(field) if field in STEP_FIELDS else 1
            self.select_steps([issue.step], max(column, 1))
            if field in TYPED_FIELDS:
                self.lower.setCurrentIndex(DETAILS_TAB)
                self.details.focus_field(field)
            else:
                self.steps.table.setFocus(Qt.FocusReason.OtherFocusReason)
        elif issue.trigger is not None:
            self.lower.setCurrentIndex(TRIGGERS_TAB)
            field = issue.field if issue.field in TRIGGER_FIELDS else "metric"
            index = self.triggers_model.index(issue.trigger, TRIGGER_FIELDS.index(field))
            self.triggers.table.setCurrentIndex(index)
            self.triggers.table.setFocus(Qt.FocusReason.OtherFocusReason)
        elif issue.field == "steps":
            self.steps.table.setFocus(Qt.FocusReason.OtherFocusReason)
        elif issue.field == "summary":
            self.lower.setCurrentIndex(SUMMARY_TAB)
            self.summary.source.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.focus_title()

    # ----------------------------------------------------------------- steps
    def _edit(self, body: RunbookBody, text: str, focus: Focus, key: str = "") -> bool:
        before = self._where()
        return self.draft.edit(body, text, key=key, focus=focus, focus_before=before)

    def _where(self) -> Focus:
        rows = tuple(self.steps.table.selected_rows())
        return Focus("steps", rows=rows) if rows else Focus("steps")

    def _commit_step(self, row: int, step: Step, field: str) -> bool:
        body = ops.replace_step(self.draft.body, row, step)
        text = f"Change step {row + 1} {_words(field)}"
        key = f"step:{step.id}:{field}" if field in TYPED_FIELDS else ""
        return self._edit(body, text, Focus("step", step.id, field), key)

    def _detail_edited(self, step_id: str, field: str, value: object) -> None:
        row = self.steps_model.row_of(step_id)
        step = self.steps_model.step_at(row)
        if step is None:
            return
        changed = dataclasses.replace(step, **{field: value})
        if not self._commit_step(row, changed, field):
            self._show_details()

    def _summary_edited(self, text: str) -> None:
        body = dataclasses.replace(self.draft.body, summary=text)
        if not self.draft.edit(body, "Change summary", key="summary", focus=Focus("summary")):
            self.summary.set_text(self.draft.body.summary)

    def edit_title(self, text: str) -> bool:
        body = dataclasses.replace(self.draft.body, title=text)
        return self.draft.edit(body, "Change title", key="title", focus=Focus("title"))

    def insert_step(self) -> bool:
        row = self.current_row()
        at = row + 1 if row >= 0 else self.steps_model.rowCount()
        step = ops.blank_step()
        body = ops.insert_step(self.draft.body, at, step)
        if not self._edit(body, f"Insert step {at + 1}", Focus("steps", rows=(at,))):
            return False
        self.steps.table.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def duplicate_steps(self) -> bool:
        rows = self.steps.table.selected_rows()
        body, copies = ops.duplicate_steps(self.draft.body, rows)
        if not copies:
            return False
        text = "Duplicate step" if len(copies) == 1 else f"Duplicate {len(copies)} steps"
        return self._edit(body, text, Focus("steps", rows=tuple(copies)))

    def delete_steps(self) -> bool:
        rows = self.steps.table.selected_rows()
        if not rows:
            return False
        body = ops.remove_steps(self.draft.body, rows)
        text = f"Delete step {rows[0] + 1}" if len(rows) == 1 else f"Delete {len(rows)} steps"
        after = min(rows[0], len(body.steps) - 1)
        return self._edit(body, text, Focus("steps", rows=(after,) if after >= 0 else ()))

    def shift_steps(self, delta: int) -> bool:
        rows = self.steps.table.selected_rows()
        body, moved = ops.shift_steps(self.draft.body, rows, delta)
        if body == self.draft.body:
            return False
        word = "up" if delta < 0 else "down"
        text = f"Move step {rows[0] + 1} {word}" if len(rows) == 1 else f"Move steps {word}"
        return self._edit(body, text, Focus("steps", rows=tuple(moved)))

    def _drop_steps(self, rows: list[int], to: int) -> bool:
        body, moved = ops.move_steps(self.draft.body, rows, to)
        if body == self.draft.body:
            return False
        text = f"Move step {rows[0] + 1}" if len(rows) == 1 else f"Move {len(rows)} steps"
        return self._edit(body, text, Focus("steps", rows=tuple(moved)))

    # --------------------------------------------------------------- triggers
    def _commit_trigger(self, row: int, trigger: Trigger, field: str) -> bool:
        body = ops.replace_trigger(self.draft.body, row, trigger)
        text = f"Change trigger {row + 1} {_words(field)}"
        return self.draft.edit(body, text, focus=Focus("trigger", trigger.id, field))

    def add_preset(self, name: str) -> bool:
        if name not in PRESETS:
            return False
        trigger = preset(name)
        body = ops.add_trigger(self.draft.body, trigger)
        text = f"Add trigger {trigger_text(trigger)}"
        return self.draft.edit(body, text, focus=Focus("trigger", trigger.id))

    def add_custom_trigger(self) -> bool:
        trigger = ops.custom_trigger()
        body = ops.add_trigger(self.draft.body, trigger)
        if not self.draft.edit(
            body, "Add custom trigger", focus=Focus("trigger", trigger.id, "custom_name")
        ):
            return False
        self.triggers.table.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def delete_trigger(self) -> bool:
        row = self.triggers.selected_row()
        trigger = self.triggers_model.trigger_at(row)
        if trigger is None:
            return False
        body = ops.remove_triggers(self.draft.body, [row])
        return self.draft.edit(
            body, f"Delete trigger {trigger_text(trigger)}", focus=Focus("trigger")
        )
