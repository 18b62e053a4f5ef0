"""What actually happened: deployments to environments and the incidents that followed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.base import Base, Entity, UTCDateTime
from app.domain.catalog import Environment
from app.domain.org import Person
from app.domain.workloads import Workload


class Deployment(Entity, Base):
    __tablename__ = "deployment"

    workload_id: Mapped[int] = mapped_column(ForeignKey("workload.id"), index=True)
    environment_id: Mapped[int] = mapped_column(ForeignKey("environment.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None)
    planned_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    planned_end: Mapped[datetime] = mapped_column(UTCDateTime)
    actual_start: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    actual_end: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    result: Mapped[str] = mapped_column(String(20), default="planned")

    workload: Mapped[Workload] = relationship()
    environment: Mapped[Environment] = relationship()
    owner: Mapped[Person | None] = relationship()


class Incident(Entity, Base):
    __tablename__ = "incident"

    number: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    component_id: Mapped[int | None] = mapped_column(ForeignKey("component.id"), index=True)
    priority: Mapped[int] = mapped_column(default=3)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    caused_by_deployment_id: Mapped[int | None] = mapped_column(
        ForeignKey("deployment.id", ondelete="SET NULL"), default=None, index=True
    )


class RollbackDecision(Entity, Base):
    """A rollback, roll-forward or hold call made during a deployment; only ever added."""

    __tablename__ = "rollback_decision"

    deployment_id: Mapped[int] = mapped_column(
        ForeignKey("deployment.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[str] = mapped_column(String(20), index=True)
    trigger: Mapped[str | None] = mapped_column(String(300), default=None)
    """The rollback trigger that called for it, described; None for a manual call."""
    observed_value: Mapped[float | None] = mapped_column(Float, default=None)
    observed_unit: Mapped[str] = mapped_column(String(20), default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reason: Mapped[str] = mapped_column(String(1000))

    deployment: Mapped[Deployment] = relationship()
    decided_by: Mapped[Person] = relationship()
