"""When deployments may happen: allowed windows, freeze periods and their overrides, and the
ordered rollout waves of a release.

Windows and freezes are defined in wall-clock time in an IANA zone (that is how people state
them: "Tuesdays 22:00–02:00 Berlin"), so their first occurrence is stored as naive local
start and end plus the zone, and recurrence as an RFC 5545 RRULE with local EXDATEs. Waves and
overrides are fixed instants, stored in UTC like every other timestamp.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.base import Base, Entity, UTCDateTime
from app.domain.catalog import Component, Environment
from app.domain.operations import Deployment
from app.domain.org import Person, Team
from app.domain.releases import Release

freeze_team = Table(
    "freeze_team",
    Base.metadata,
    Column("freeze_id", ForeignKey("freeze_period.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("team.id", ondelete="CASCADE"), primary_key=True, index=True),
)

freeze_component = Table(
    "freeze_component",
    Base.metadata,
    Column("freeze_id", ForeignKey("freeze_period.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "component_id", ForeignKey("component.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)

wave_component = Table(
    "wave_component",
    Base.metadata,
    Column("wave_id", ForeignKey("wave.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "component_id", ForeignKey("component.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)


class LocalTimeSpan:
    """Columns shared by windows and freezes: a wall-clock span in a zone, maybe recurring."""

    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    ends_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    rrule: Mapped[str] = mapped_column(String(400), default="")
    exdates: Mapped[list[str]] = mapped_column(JSON, default=list)
    """ISO wall-clock starts of skipped occurrences."""
    external_uid: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    """The UID of the iCalendar event it was imported from; re-imports update by it."""


class DeploymentWindow(LocalTimeSpan, Entity, Base):
    __tablename__ = "deployment_window"

    environment_id: Mapped[int | None] = mapped_column(
        ForeignKey("environment.id"), index=True, default=None
    )
    """None: the window applies to every environment."""
    description: Mapped[str] = mapped_column(String(500), default="")

    environment: Mapped[Environment | None] = relationship()


class FreezePeriod(LocalTimeSpan, Entity, Base):
    __tablename__ = "freeze_period"

    hard: Mapped[bool] = mapped_column(Boolean, default=True)
    reason: Mapped[str] = mapped_column(String(500), default="")

    teams: Mapped[list[Team]] = relationship(secondary=freeze_team)
    components: Mapped[list[Component]] = relationship(secondary=freeze_component)
    """Both empty: the freeze covers everything."""


class FreezeOverride(Entity, Base):
    """A justified, expiring exception letting one release or deployment into a freeze."""

    __tablename__ = "freeze_override"

    freeze_id: Mapped[int] = mapped_column(
        ForeignKey("freeze_period.id", ondelete="CASCADE"), index=True
    )
    release_id: Mapped[int | None] = mapped_column(
        ForeignKey("release.id", ondelete="CASCADE"), index=True, default=None
    )
    deployment_id: Mapped[int | None] = mapped_column(
        ForeignKey("deployment.id", ondelete="CASCADE"), index=True, default=None
    )
    justification: Mapped[str] = mapped_column(String(1000))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    status: Mapped[str] = mapped_column(String(20), default="requested")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    decision_reason: Mapped[str] = mapped_column(String(1000), default="")

    freeze: Mapped[FreezePeriod] = relationship()
    release: Mapped[Release | None] = relationship()
    deployment: Mapped[Deployment | None] = relationship()
    requested_by: Mapped[Person] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[Person | None] = relationship(foreign_keys=[decided_by_id])


class Wave(Entity, Base):
    """An ordered slice of a release's rollout: a share of traffic or a set of regions."""

    __tablename__ = "wave"

    release_id: Mapped[int] = mapped_column(
        ForeignKey("release.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(80))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    traffic_percent: Mapped[int] = mapped_column(Integer, default=100)
    bake_minutes: Mapped[int] = mapped_column(Integer, default=0)
    """How long this wave runs before the next may start."""

    release: Mapped[Release] = relationship()
    components: Mapped[list[Component]] = relationship(secondary=wave_component)
