"""Undoable calendar edits beyond plain field changes: moving a release with its plan,
requesting or deciding a freeze override, importing an iCalendar file and planning a
deployment.

Moving a release shifts its code freeze, waves and unstarted deployments in one audited
service call; undo is the same call back to the old window, expecting the version the redo
left, so someone else's edit in between is a conflict the user hears about, not an overwrite.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.exchange.errors import BadInput, Problem
from app.exchange.ical_import import ImportedEvent
from app.services import crud
from app.services.actor import Actor
from app.services.calendar import (
    APPROVERS,
    DEPLOYMENT_WINDOW,
    FREEZE,
    OVERRIDE,
    decide_override,
    move_release,
    request_override,
)
from app.services.calendar_exchange import ImportSummary, import_events, undo_import
from app.services.deployments import DEPLOYMENT, plan_deployment
from app.services.errors import ServiceError
from app.services.releases import RELEASE
from ui.context import AppContext
from ui.undo import Reporter, ServiceCommand
from ui.views.calendar.zones import span_text


class MoveReleaseCommand(ServiceCommand):
    def __init__(
        self,
        ctx: AppContext,
        release_uuid: str,
        version: int,
        old: tuple[datetime, datetime],
        new: tuple[datetime, datetime],
        *,
        title: str,
        zone: str = "UTC",
        report: Reporter | None = None,
    ) -> None:
        resized = old[0] == new[0]
        verb = "Resize" if resized else "Move"
        text = f"{verb} release {title} to {span_text(new[0], new[1], zone)}"
        super().__init__(ctx, RELEASE, release_uuid, text, report)
        self.old = old
        self.new = new
        self.version = version

    def _go(self, span: tuple[datetime, datetime]) -> None:
        version = self.version
        self.version = self._write(
            lambda s, a: move_release(s, a, self.uuid, version, span[0], span[1]).version
        )

    def _forward(self) -> None:
        self._go(self.new)

    def _backward(self) -> None:
        self._go(self.old)


class RequestOverrideCommand(ServiceCommand):
    """Undo withdraws the request (deletes it); redo files it again under the same UUID."""

    def __init__(
        self,
        ctx: AppContext,
        freeze_uuid: str,
        subject_uuid: str,
        justification: str,
        expires_at: datetime,
        *,
        title: str,
        report: Reporter | None = None,
    ) -> None:
        super().__init__(ctx, OVERRIDE, "", f"Request override of {title}", report)
        self.freeze_uuid = freeze_uuid
        self.subject_uuid = subject_uuid
        self.justification = justification
        self.expires_at = expires_at
        self._snapshot: dict[str, Any] | None = None

    def _forward(self) -> None:
        if self._snapshot is not None:
            self._restore(self._snapshot)
            return

        def work(s: Session, a: Actor) -> tuple[str, int]:
            found = request_override(
                s, a, self.freeze_uuid, self.subject_uuid, self.justification, self.expires_at
            )
            return str(found.uuid), int(found.version)

        self.uuid, version = self._write(work)
        self.version = version

    def _backward(self) -> None:
        self._snapshot = self._delete()


DECIDERS = frozenset(APPROVERS)


class DecideOverrideCommand(ServiceCommand):
    """Undo reopens the request (an audited "reopen"); redo decides it again."""

    def __init__(
        self,
        ctx: AppContext,
        override_uuid: str,
        version: int,
        approve: bool,
        reason: str,
        *,
        title: str,
        report: Reporter | None = None,
    ) -> None:
        verb = "Approve" if approve else "Reject"
        super().__init__(ctx, OVERRIDE, override_uuid, f"{verb} override of {title}", report)
        self.approve = approve
        self.reason = reason
        self.version = version

    def _forward(self) -> None:
        self.version = self._write(
            lambda s, a: decide_override(s, a, self.uuid, self.approve, self.reason).version
        )

    def _backward(self) -> None:
        reopened = {
            "status": "requested",
            "decided_by": None,
            "decided_at": None,
            "decision_reason": "",
        }
        version = self.version
        self.version = self._write(
            lambda s, a: (
                crud.update(
                    s, a, OVERRIDE, self.uuid, version, reopened, action="reopen", roles=DECIDERS
                ).version
            )
        )


class ImportRefused(ServiceError):
    """An import the service refused, as a ServiceError so undo/redo report it like any other
    refusal; `problems` names each event's line and field."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class ImportCalendarCommand(ServiceCommand):
    """Undo takes the import back (`undo_import`: deletes what it created, restores what it
    changed); redo imports the same events again, matched by their UIDs as the first time."""

    def __init__(
        self,
        ctx: AppContext,
        events: list[ImportedEvent],
        *,
        source: str,
        kind: str,
        environment: str | None = None,
        hard: bool = True,
        report: Reporter | None = None,
    ) -> None:
        spec = FREEZE if kind == "freeze" else DEPLOYMENT_WINDOW
        what = "freezes" if kind == "freeze" else "deployment windows"
        text = f"Import {what} from {Path(source).name}"
        super().__init__(ctx, spec, "", text, report)
        self.events = list(events)
        self.source = source
        self.kind = kind
        self.environment = environment
        self.hard = hard
        self.summary: ImportSummary | None = None

    def _forward(self) -> None:
        def work(s: Session, a: Actor) -> ImportSummary:
            try:
                return import_events(
                    s,
                    a,
                    self.events,
                    source=self.source,
                    kind=self.kind,
                    environment=self.environment,
                    hard=self.hard,
                )
            except BadInput as exc:
                raise ImportRefused(exc.problems) from exc

        summary = self._write(work)
        for key, version in summary.created_rows:
            self.ctx.known_versions[key] = version
        for key, version, _before in summary.updated_rows:
            self.ctx.known_versions[key] = version
        self.summary = summary

    def _backward(self) -> None:
        summary = self.summary
        assert summary is not None, "undo before the import ran"
        self._write(lambda s, a: undo_import(s, a, summary))


class PlanDeploymentCommand(ServiceCommand):
    """Undo deletes the planned deployment; redo re-creates it under the same UUID from the
    snapshot taken when it was planned."""

    def __init__(
        self,
        ctx: AppContext,
        workload_key: str,
        environment: str,
        start: datetime,
        *,
        owner: str | None,
        minutes: int,
        report: Reporter | None = None,
    ) -> None:
        text = f"Plan deployment of {workload_key.strip()} to {environment}"
        super().__init__(ctx, DEPLOYMENT, "", text, report)
        self.workload_key = workload_key.strip()
        self.environment = environment
        self.start = start
        self.owner = owner
        self.minutes = minutes
        self._snapshot: dict[str, Any] | None = None

    def _forward(self) -> None:
        if self._snapshot is not None:
            self._restore(self._snapshot)
            return

        def work(s: Session, a: Actor) -> tuple[str, int, dict[str, Any]]:
            dep, _basis = plan_deployment(
                s,
                a,
                self.workload_key,
                self.environment,
                self.start,
                owner=self.owner,
                minutes=self.minutes,
            )
            return str(dep.uuid), int(dep.version), DEPLOYMENT.snapshot(dep)

        self.uuid, version, snapshot = self._write(work)
        self.version = version
        self._snapshot = snapshot

    def _backward(self) -> None:
        self._delete()
