"""The coordinator's planning knobs, one row per database, shared by everyone who plans."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Integer
from sqlalchemy.orm import Mapped, mapped_column

from app.domain.base import Base, Entity


class PlanningPolicy(Entity, Base):
    """Read through `app.services.planning_policy`, which falls back to the documented
    defaults when no row has been saved yet."""

    __tablename__ = "planning_policy"
    __table_args__ = (
        CheckConstraint("history_releases >= 1", name="history_positive"),
        CheckConstraint("capacity_percentile BETWEEN 1 AND 100", name="percentile_range"),
        CheckConstraint("default_capacity >= 0", name="default_not_negative"),
        CheckConstraint("tech_debt_share_percent BETWEEN 0 AND 100", name="share_range"),
        CheckConstraint("plan_releases >= 1", name="plan_releases_positive"),
        CheckConstraint("restore_max_age_days >= 1", name="restore_age_positive"),
    )

    history_releases: Mapped[int] = mapped_column(Integer, default=6)
    capacity_percentile: Mapped[int] = mapped_column(Integer, default=25)
    default_capacity: Mapped[int] = mapped_column(Integer, default=20)
    tech_debt_share_percent: Mapped[int] = mapped_column(Integer, default=15)
    plan_releases: Mapped[int] = mapped_column(Integer, default=6)
    restore_max_age_days: Mapped[int] = mapped_column(Integer, default=30)
    """How recent a passing restore validation must be for a stateful workload's promotion."""
