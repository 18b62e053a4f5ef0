"""Undoable edits: each step forward or back is a compensating service call, audited like any
other write, never a rollback of history.

A command runs its first step through `execute()`, outside the undo stack, so a refusal
(validation, permission, conflict) reaches the caller as an exception and nothing lands on
the stack; only a step that succeeded is pushed. Later undo/redo steps can still be refused
(someone else changed the row meanwhile): that is reported to the user and the step leaves
the history, because it can no longer be replayed faithfully.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QApplication, QMessageBox
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.db import DatabaseError
from app.services import crud
from app.services.actor import Actor
from app.services.crud import EntitySpec
from app.services.errors import ServiceError
from app.services.workloads import WORKLOAD, delete_workload, restore_workload
from ui.context import AppContext

Reporter = Callable[[str], None]


def warn(text: str) -> None:
    QMessageBox.warning(QApplication.activeWindow(), "ReleaseDesk", text)


def delete_entity(
    session: Session, actor: Actor, spec: EntitySpec, entity_uuid: str, version: int
) -> dict[str, Any]:
    """Delete through the entity's own service when it has one (a workload keeps its
    dependency links in the snapshot, so restoring brings them back)."""
    if spec is WORKLOAD:
        return delete_workload(session, actor, entity_uuid, version)
    return crud.delete(session, actor, spec, entity_uuid, version)


def restore_entity(
    session: Session, actor: Actor, spec: EntitySpec, entity_uuid: str, snapshot: dict[str, Any]
) -> int:
    """Bring a deleted row back under its own UUID; returns its new version."""
    if spec is WORKLOAD:
        return restore_workload(session, actor, entity_uuid, snapshot).version
    obj = crud.create(session, actor, spec, snapshot, entity_uuid=entity_uuid, action="restore")
    return int(obj.version)


def title_of(values: dict[str, Any], fallback: str = "") -> str:
    """What a coordinator calls the row: its key, name or login."""
    for name in ("key", "name", "login"):
        if values.get(name):
            return str(values[name])
    return fallback


class ServiceCommand(QUndoCommand):
    def __init__(
        self,
        ctx: AppContext,
        spec: EntitySpec,
        entity_uuid: str,
        text: str,
        report: Reporter | None = None,
    ) -> None:
        super().__init__(text)
        self.ctx = ctx
        self.spec = spec
        self.uuid = entity_uuid
        self.report: Reporter = report or warn
        self._skip_next_redo = False

    @property
    def version(self) -> int:
        """The version this client last left the row at, whichever command wrote it: undoing
        a create after an edit must expect the edit's version, not the create's."""
        return self.ctx.known_versions.get(self.uuid, 0)

    @version.setter
    def version(self, value: int) -> None:
        self.ctx.known_versions[self.uuid] = value

    def run(self) -> None:
        """Do the first step now, raising what the service refuses; `push()` it afterwards."""
        self._forward()
        self._skip_next_redo = True

    def push(self) -> None:
        """Join the history without repeating the step `run()` already did."""
        assert self._skip_next_redo, "run() the command before pushing it"
        self.ctx.undo_stack.push(self)

    def execute(self) -> None:
        """`run()` then `push()`: the usual single edit."""
        self.run()
        self.push()

    def redo(self) -> None:
        if self._skip_next_redo:
            self._skip_next_redo = False
            return
        self._guarded("redo", self._forward)

    def undo(self) -> None:
        self._guarded("undo", self._backward)

    def _write(self, work: Callable[[Session, Actor], Any]) -> Any:
        return self.ctx.write(self.spec.label, work)

    def _delete(self) -> dict[str, Any]:
        """Delete the row at the version last left; returns the snapshot that restores it."""
        version = self.version
        return self._write(lambda s, a: delete_entity(s, a, self.spec, self.uuid, version))

    def _restore(self, snapshot: dict[str, Any]) -> None:
        self.version = self._write(
            lambda s, a: restore_entity(s, a, self.spec, self.uuid, snapshot)
        )

    def _guarded(self, verb: str, step: Callable[[], None]) -> None:
        try:
            step()
        except (ServiceError, DatabaseError, SQLAlchemyError) as exc:
            self.setObsolete(True)
            self.report(
                f"Could not {verb} “{self.text()}”: {exc}\n\n"
                f"This step has been removed from the undo history."
            )
            self.ctx.data_changed.emit(self.spec.label)

    def _forward(self) -> None:
        raise NotImplementedError

    def _backward(self) -> None:
        raise NotImplementedError


class CreateEntityCommand(ServiceCommand):
    """Undo deletes the new row; redo restores it under the same UUID it was created with."""

    def __init__(
        self,
        ctx: AppContext,
        spec: EntitySpec,
        values: dict[str, Any],
        *,
        entity_uuid: str | None = None,
        report: Reporter | None = None,
    ) -> None:
        new_uuid = entity_uuid or str(uuid.uuid4())
        text = f"Create {spec.label} {title_of(values, new_uuid[:8])}"
        super().__init__(ctx, spec, new_uuid, text, report)
        self.values = dict(values)
        self._snapshot: dict[str, Any] | None = None

    def _forward(self) -> None:
        if self._snapshot is None:
            self.version = self._write(
                lambda s, a: (
                    crud.create(s, a, self.spec, self.values, entity_uuid=self.uuid).version
                )
            )
        else:
            self._restore(self._snapshot)

    def _backward(self) -> None:
        self._snapshot = self._delete()


class UpdateEntityCommand(ServiceCommand):
    """Redo applies `changes`, undo applies `before`; each step expects the version the previous
    step left, so an edit made by someone else in between is a conflict, not an overwrite."""

    def __init__(
        self,
        ctx: AppContext,
        spec: EntitySpec,
        entity_uuid: str,
        version: int,
        changes: dict[str, Any],
        before: dict[str, Any],
        *,
        title: str = "",
        report: Reporter | None = None,
    ) -> None:
        text = f"Edit {spec.label} {title or entity_uuid[:8]}"
        super().__init__(ctx, spec, entity_uuid, text, report)
        self.changes = dict(changes)
        self.before = {k: before.get(k) for k in changes}
        self.version = version

    def _apply(self, values: dict[str, Any]) -> None:
        self.version = self._write(
            lambda s, a: crud.update(s, a, self.spec, self.uuid, self.version, values).version
        )

    def _forward(self) -> None:
        self._apply(self.changes)

    def _backward(self) -> None:
        self._apply(self.before)


class DeleteEntityCommand(ServiceCommand):
    """Undo re-creates the row from the snapshot the delete returned, under the same UUID."""

    def __init__(
        self,
        ctx: AppContext,
        spec: EntitySpec,
        entity_uuid: str,
        version: int,
        *,
        title: str = "",
        report: Reporter | None = None,
    ) -> None:
        text = f"Delete {spec.label} {title or entity_uuid[:8]}"
        super().__init__(ctx, spec, entity_uuid, text, report)
        self.version = version
        self.snapshot: dict[str, Any] = {}

    def _forward(self) -> None:
        self.snapshot = self._delete()

    def _backward(self) -> None:
        self._restore(self.snapshot)
