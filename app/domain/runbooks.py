"""Rollback runbooks: a component's template or a workload's own, kept as immutable revisions.

The runbook row says whose it is and which revision is current; each save adds a revision
holding the whole body (`app.runbooks.body.RunbookBody` as JSON). Sign-offs are approvals on
a revision's UUID, so an edit, being a new revision, can never inherit them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.base import Base, Entity
from app.domain.catalog import Component
from app.domain.org import Person
from app.domain.workloads import Workload


class Runbook(Entity, Base):
    __tablename__ = "runbook"
    __table_args__ = (
        CheckConstraint(
            "(component_id IS NULL AND workload_id IS NOT NULL)"
            " OR (component_id IS NOT NULL AND workload_id IS NULL)",
            name="one_subject",
        ),
        UniqueConstraint("component_id", name="uq_runbook_component_id"),
        UniqueConstraint("workload_id", name="uq_runbook_workload_id"),
    )

    component_id: Mapped[int | None] = mapped_column(
        ForeignKey("component.id", ondelete="CASCADE"), default=None
    )
    """Set for a component's template."""
    workload_id: Mapped[int | None] = mapped_column(
        ForeignKey("workload.id", ondelete="CASCADE"), default=None
    )
    """Set for a workload's own runbook."""
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("runbook.id", ondelete="SET NULL"), default=None
    )
    """The component template a workload's runbook was started from."""
    title: Mapped[str] = mapped_column(String(200), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    """The current revision's number."""

    component: Mapped[Component | None] = relationship()
    workload: Mapped[Workload | None] = relationship()
    author: Mapped[Person] = relationship()


class RunbookRevision(Entity, Base):
    """Never changed once written; approvals refer to it by UUID."""

    __tablename__ = "runbook_revision"
    __table_args__ = (UniqueConstraint("runbook_id", "number", name="uq_runbook_revision_number"),)

    runbook_id: Mapped[int] = mapped_column(
        ForeignKey("runbook.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    note: Mapped[str] = mapped_column(String(500), default="")

    runbook: Mapped[Runbook] = relationship()
    author: Mapped[Person] = relationship()
