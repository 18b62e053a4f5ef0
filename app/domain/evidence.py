"""Gate evidence: what was tested, rehearsed or analysed before a promotion, and how it went.

Rows are facts about the past and are only ever added: a re-run is a new row, and the
latest row of a kind decides (see `app.policy.gates`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.base import Base, Entity, UTCDateTime
from app.domain.catalog import Environment
from app.domain.org import Person
from app.domain.workloads import Workload


class GateEvidence(Entity, Base):
    __tablename__ = "gate_evidence"

    workload_id: Mapped[int] = mapped_column(
        ForeignKey("workload.id", ondelete="CASCADE"), index=True
    )
    environment_id: Mapped[int | None] = mapped_column(
        ForeignKey("environment.id"), default=None, index=True
    )
    """None for evidence that belongs to no one environment (a peer review)."""
    artifact: Mapped[str | None] = mapped_column(String(120), default=None)
    """The build the evidence is about (a content digest); None means any build."""
    kind: Mapped[str] = mapped_column(String(20), index=True)
    passed: Mapped[bool] = mapped_column(Boolean)
    performed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    performed_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None)
    restore_minutes: Mapped[int | None] = mapped_column(Integer, default=None)
    """How long the restore took: the recovery time a rollback can count on."""
    score: Mapped[float | None] = mapped_column(Float, default=None)
    """A canary analysis score (0-100), or a test pass rate."""
    figures: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    """Named figures: a canary's baseline and canary values, a test run's counts."""
    summary: Mapped[str] = mapped_column(String(1000), default="")

    workload: Mapped[Workload] = relationship()
    environment: Mapped[Environment | None] = relationship()
    performed_by: Mapped[Person | None] = relationship(foreign_keys=[performed_by_id])
    recorded_by: Mapped[Person | None] = relationship(foreign_keys=[recorded_by_id])
