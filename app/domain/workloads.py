"""The workload: the unit of planned change, and the order constraints between workloads."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.base import Base, Entity
from app.domain.catalog import Component
from app.domain.org import Person, Team
from app.domain.releases import Release


def natural_key(key: str) -> str:
    return re.sub(r"\d+", lambda m: m.group().zfill(10), key)


def wsjf(business_value: int, time_criticality: int, risk_reduction: int, size: int) -> float:
    return round((business_value + time_criticality + risk_reduction) / size, 4)


def _key_sort_default(ctx: Any) -> str:
    return natural_key(ctx.get_current_parameters()["key"])


def _wsjf_default(ctx: Any) -> float:
    p = ctx.get_current_parameters()
    return wsjf(
        p.get("business_value", 1),
        p.get("time_criticality", 1),
        p.get("risk_reduction", 1),
        p["size"],
    )


workload_component = Table(
    "workload_component",
    Base.metadata,
    Column("workload_id", ForeignKey("workload.id", ondelete="CASCADE"), primary_key=True),
    Column("component_id", ForeignKey("component.id"), primary_key=True, index=True),
)


class Workload(Entity, Base):
    __tablename__ = "workload"

    key: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300), index=True)
    change_class: Mapped[str] = mapped_column(String(20), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    size: Mapped[int] = mapped_column(Integer)
    business_value: Mapped[int] = mapped_column(Integer, default=1)
    time_criticality: Mapped[int] = mapped_column(Integer, default=1)
    risk_reduction: Mapped[int] = mapped_column(Integer, default=1)
    risk_tier: Mapped[str] = mapped_column(String(10), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    target_release_id: Mapped[int | None] = mapped_column(ForeignKey("release.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="backlog", index=True)
    change_request: Mapped[str | None] = mapped_column(String(60), default=None)
    must_ship_by: Mapped[date | None] = mapped_column(Date, default=None)
    key_sort: Mapped[str] = mapped_column(String(80), default=_key_sort_default, index=True)
    """The key with its numbers zero-padded, so PAY-9 sorts before PAY-10."""
    wsjf_score: Mapped[float] = mapped_column(Float, default=_wsjf_default, index=True)
    """Cost of delay / job size, stored so 100,000 rows sort by it through an index."""
    schema_change: Mapped[bool] = mapped_column(Boolean, default=False)
    """Changes a database schema: deploys as an expand step before its consumers' workloads
    and a contract step after them."""
    risk_override_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    """Why the risk tier differs from what the rules give; None while the rules decide."""
    exception_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    """Why an emergency patch bypasses the train: it is recorded as an exception."""

    team: Mapped[Team] = relationship()
    owner: Mapped[Person | None] = relationship()
    target_release: Mapped[Release | None] = relationship()
    components: Mapped[list[Component]] = relationship(secondary=workload_component)

    @property
    def cost_of_delay(self) -> int:
        return self.business_value + self.time_criticality + self.risk_reduction


@event.listens_for(Workload, "before_insert")
@event.listens_for(Workload, "before_update")
def _derive(_mapper: Any, _conn: Any, wl: Workload) -> None:
    """Keep the stored sort columns in step with what they derive from."""
    wl.key_sort = natural_key(wl.key)
    wl.wsjf_score = wsjf(wl.business_value, wl.time_criticality, wl.risk_reduction, wl.size)


class WorkloadDependency(Entity, Base):
    """`workload` must deploy after (or together with) `depends_on`."""

    __tablename__ = "workload_dependency"
    __table_args__ = (
        UniqueConstraint("workload_id", "depends_on_id", name="uq_workload_dependency_pair"),
        CheckConstraint("workload_id <> depends_on_id", name="not_self"),
    )

    workload_id: Mapped[int] = mapped_column(
        ForeignKey("workload.id", ondelete="CASCADE"), index=True
    )
    depends_on_id: Mapped[int] = mapped_column(
        ForeignKey("workload.id", ondelete="CASCADE"), index=True
    )
    link: Mapped[str] = mapped_column(String(20), default="before")


class Deferral(Entity, Base):
    """One slip of a workload to a later release (or out of its release, to the backlog)."""

    __tablename__ = "deferral"

    workload_id: Mapped[int] = mapped_column(
        ForeignKey("workload.id", ondelete="CASCADE"), index=True
    )
    from_release_id: Mapped[int] = mapped_column(ForeignKey("release.id"), index=True)
    to_release_id: Mapped[int | None] = mapped_column(ForeignKey("release.id"), default=None)
    """None: back to the backlog."""
    reason: Mapped[str] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(64))
    """Login of who moved it (or ran the auto-planner)."""

    workload: Mapped[Workload] = relationship()
    from_release: Mapped[Release] = relationship(foreign_keys=[from_release_id])
    to_release: Mapped[Release | None] = relationship(foreign_keys=[to_release_id])
