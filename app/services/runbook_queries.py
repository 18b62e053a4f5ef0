"""Runbooks as the editor, the list, the exports and the gates read them: plain data only."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from app.domain import (
    Approval,
    Component,
    Person,
    Runbook,
    RunbookRevision,
    Workload,
    workload_component,
)
from app.domain.enums import ApprovalState
from app.policy.gates import RunbookStatus, runbook_approval
from app.runbooks.body import RunbookBody
from app.services.runbooks import SUBJECT, current_revision, get_runbook


@dataclass(frozen=True)
class SignOff:
    uuid: str
    version: int
    role: str
    state: str
    requested_by: str
    decided_by: str
    decided_at: datetime | None
    comment: str
    decided_by_login: str = ""
    """Who signed, as the approval rules compare people: names are not unique."""

    @property
    def line(self) -> str:
        """ "operations: approved by Ada Lovelace, 2026-11-02"."""
        if self.state == ApprovalState.PENDING:
            return f"{self.role}: pending (asked by {self.requested_by})"
        when = f", {self.decided_at:%Y-%m-%d}" if self.decided_at else ""
        by = f" by {self.decided_by}" if self.decided_by else ""
        return f"{self.role}: {self.state}{by}{when}"


@dataclass(frozen=True)
class RevisionInfo:
    number: int
    uuid: str
    author: str
    created_at: datetime
    note: str
    signed: bool


@dataclass(frozen=True)
class RunbookDoc:
    uuid: str
    version: int
    """The runbook row's version: a save against an older one is a conflict."""
    subject_kind: str
    """"component" or "workload"."""
    subject: str
    """The component's name or the workload's key."""
    subject_title: str
    template_of: str | None
    """The component whose template a workload's runbook started from."""
    author: str
    author_login: str
    revision: int
    body: RunbookBody
    sign_offs: tuple[SignOff, ...]
    approved: bool
    lacks: tuple[str, ...]
    history: tuple[RevisionInfo, ...]

    @property
    def status(self) -> str:
        return "approved" if self.approved else "not approved"

    @property
    def heading(self) -> str:
        return f"{self.subject_kind.capitalize()} {self.subject}"


@dataclass(frozen=True)
class RunbookRow:
    uuid: str
    title: str
    subject_kind: str
    subject: str
    revision: int
    approved: bool
    steps: int
    minutes: int
    triggers: int
    updated_at: datetime


def _people(session: Session, ids: Iterable[int | None]) -> dict[int, tuple[str, str]]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(
        select(Person.id, Person.name, Person.login).where(Person.id.in_(wanted))
    ).all()
    return {pid: (name, login) for pid, name, login in rows}


def sign_offs(
    session: Session, revision_uuids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[SignOff]]:
    keys = list(revision_uuids)
    out: dict[uuid.UUID, list[SignOff]] = defaultdict(list)
    if not keys:
        return out
    rows = session.scalars(
        select(Approval)
        .where(Approval.subject_type == SUBJECT, Approval.subject_uuid.in_(keys))
        .order_by(Approval.id)
    ).all()
    people = _people(session, [a.requested_by_id for a in rows] + [a.decided_by_id for a in rows])
    for a in rows:
        req = people.get(a.requested_by_id, ("", ""))[0]
        dec = people.get(a.decided_by_id, ("", "")) if a.decided_by_id else ("", "")
        out[a.subject_uuid].append(
            SignOff(
                str(a.uuid),
                a.version,
                a.required_role,
                a.state,
                req,
                dec[0],
                a.decided_at,
                a.comment,
                dec[1],
            )
        )
    return out


def _approval_of(
    rev_author: int, rb_author: int, offs: list[SignOff], logins: dict[int, tuple[str, str]]
) -> tuple[bool, tuple[str, ...]]:
    authors = [logins.get(rev_author, ("", ""))[1], logins.get(rb_author, ("", ""))[1]]
    return runbook_approval(authors, [(o.role, o.state, o.decided_by_login) for o in offs])


def load(session: Session, runbook_uuid: uuid.UUID | str) -> RunbookDoc:
    rb = get_runbook(session, runbook_uuid)
    rev = current_revision(session, rb)
    revisions = session.scalars(
        select(RunbookRevision)
        .where(RunbookRevision.runbook_id == rb.id)
        .order_by(RunbookRevision.number)
    ).all()
    offs = sign_offs(session, [r.uuid for r in revisions])
    people = _people(session, [rb.author_id, *(r.author_id for r in revisions)])
    approved, lacks = _approval_of(rev.author_id, rb.author_id, offs.get(rev.uuid, []), people)
    template_of = None
    if rb.template_id is not None:
        template_of = session.scalar(
            select(Component.name)
            .join(Runbook, Runbook.component_id == Component.id)
            .where(Runbook.id == rb.template_id)
        )
    if rb.component is not None:
        kind, subject, title = "component", rb.component.name, rb.component.kind
    else:
        assert rb.workload is not None
        kind, subject, title = "workload", rb.workload.key, rb.workload.title
    history = []
    for r in revisions:
        was = [  # a sign-off voided by a later version still shows this one was signed
            (o.role, ApprovalState.APPROVED if o.decided_at else o.state, o.decided_by_login)
            for o in offs.get(r.uuid, [])
            if o.state in (ApprovalState.APPROVED, ApprovalState.VOID)
        ]
        authors = [people.get(r.author_id, ("", ""))[1], people.get(rb.author_id, ("", ""))[1]]
        signed = runbook_approval(authors, was)[0]
        history.append(
            RevisionInfo(
                r.number,
                str(r.uuid),
                people.get(r.author_id, ("", ""))[0],
                r.created_at,
                r.note,
                signed,
            )
        )
    author = people.get(rb.author_id, ("", ""))
    return RunbookDoc(
        uuid=str(rb.uuid),
        version=rb.version,
        subject_kind=kind,
        subject=subject,
        subject_title=title,
        template_of=template_of,
        author=author[0],
        author_login=author[1],
        revision=rb.revision,
        body=RunbookBody.from_json(rev.body),
        sign_offs=tuple(offs.get(rev.uuid, [])),
        approved=approved,
        lacks=lacks,
        history=tuple(history),
    )


def body_at(session: Session, runbook_uuid: uuid.UUID | str, number: int) -> RunbookBody:
    rb = get_runbook(session, runbook_uuid)
    data = session.scalar(
        select(RunbookRevision.body).where(
            RunbookRevision.runbook_id == rb.id, RunbookRevision.number == number
        )
    )
    if data is None:
        raise LookupError(f"runbook '{rb.title}' has no version {number}")
    return RunbookBody.from_json(data)


def list_runbooks(session: Session, search: str = "", kind: str = "") -> list[RunbookRow]:
    """Every runbook (templates first, then by subject), with its approval state."""
    rev = aliased(RunbookRevision)
    q = (
        select(Runbook, rev, Component.name, Workload.key)
        .join(rev, (rev.runbook_id == Runbook.id) & (rev.number == Runbook.revision))
        .outerjoin(Component, Component.id == Runbook.component_id)
        .outerjoin(Workload, Workload.id == Runbook.workload_id)
    )
    if kind == "component":
        q = q.where(Runbook.component_id.is_not(None))
    elif kind == "workload":
        q = q.where(Runbook.workload_id.is_not(None))
    if search.strip():
        like = f"%{search.strip()}%"
        q = q.where(
            or_(Runbook.title.ilike(like), Component.name.ilike(like), Workload.key.ilike(like))
        )
    rows = session.execute(q).all()
    offs = sign_offs(session, [r[1].uuid for r in rows])
    people = _people(session, [r[0].author_id for r in rows] + [r[1].author_id for r in rows])
    out = []
    for rb, r, comp, key in rows:
        body = RunbookBody.from_json(r.body)
        approved = _approval_of(r.author_id, rb.author_id, offs.get(r.uuid, []), people)[0]
        out.append(
            RunbookRow(
                str(rb.uuid),
                rb.title,
                "component" if comp else "workload",
                comp or key,
                rb.revision,
                approved,
                len(body.steps),
                body.total_minutes,
                len(body.triggers),
                rb.updated_at,
            )
        )
    out.sort(key=lambda x: (x.subject_kind != "component", x.subject.lower()))
    return out


def find_runbook(
    session: Session, *, workload: str | None = None, component: str | None = None
) -> str | None:
    """The UUID of a workload's own runbook (or else its first component template), or of a
    component's template."""
    if component is not None:
        found = session.scalar(
            select(Runbook.uuid)
            .join(Component, Component.id == Runbook.component_id)
            .where(Component.name == component)
        )
        return None if found is None else str(found)
    own = session.scalar(
        select(Runbook.uuid)
        .join(Workload, Workload.id == Runbook.workload_id)
        .where(Workload.key == workload)
    )
    if own is not None:
        return str(own)
    templates = relied_on(session, [_workload_id(session, workload)])
    first = next(iter(templates.values()), [])
    return first[0][0] if first else None


def _workload_id(session: Session, key: str | None) -> int:
    wid = session.scalar(select(Workload.id).where(Workload.key == key))
    if wid is None:
        raise LookupError(f"no workload {key!r}")
    return int(wid)


def relied_on(
    session: Session, workload_ids: Iterable[int]
) -> dict[int, list[tuple[str, RunbookStatus]]]:
    """Per workload, the runbooks it relies on: its own, or else its components' templates.

    Batched: the calendar and the board ask for hundreds of workloads at once.
    """
    ids = list(dict.fromkeys(workload_ids))
    if not ids:
        return {}
    rev = aliased(RunbookRevision)
    cols = (Runbook.workload_id, Runbook.uuid, Runbook.title, Runbook.revision,
            Runbook.author_id, rev.uuid, rev.author_id)  # fmt: skip
    current = (rev.runbook_id == Runbook.id) & (rev.number == Runbook.revision)
    own = session.execute(
        select(Runbook.workload_id, *cols).join(rev, current).where(Runbook.workload_id.in_(ids))
    ).all()
    tmpl = session.execute(
        select(workload_component.c.workload_id, *cols)
        .join(Runbook, Runbook.component_id == workload_component.c.component_id)
        .join(rev, current)
        .where(workload_component.c.workload_id.in_(ids))
    ).all()
    rows = [*own, *tmpl]
    offs = sign_offs(session, [r[6] for r in rows])
    people = _people(session, [r[5] for r in rows] + [r[7] for r in rows])
    out: dict[int, list[tuple[str, RunbookStatus]]] = {}
    has_own = {r[0] for r in own}
    for wid, own_of, rb_uuid, title, number, rb_author, rev_uuid, rev_author in rows:
        if wid in has_own and own_of is None:
            continue
        approved, lacks = _approval_of(rev_author, rb_author, offs.get(rev_uuid, []), people)
        out.setdefault(wid, []).append(
            (str(rb_uuid), RunbookStatus(f"{title} (version {number})", approved, lacks))
        )
    return out


def people_names(session: Session, logins: Iterable[str]) -> dict[str, str]:
    """Login → display name, for owners printed on paper."""
    wanted = {x for x in logins if x}
    if not wanted:
        return {}
    rows = session.execute(select(Person.login, Person.name).where(Person.login.in_(wanted)))
    return {login: name for login, name in rows}


def people(session: Session) -> list[tuple[str, str]]:
    """(login, name) of everyone, by name: who a step's owner can be."""
    rows = session.execute(select(Person.login, Person.name).order_by(Person.name, Person.login))
    return [(login, name) for login, name in rows]
