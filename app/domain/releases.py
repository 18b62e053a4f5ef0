"""Release trains (a cadence) and the releases that are their instances, or independent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.base import Base, Entity, UTCDateTime


class ReleaseTrain(Entity, Base):
    __tablename__ = "release_train"

    name: Mapped[str] = mapped_column(String(80), unique=True)
    rrule: Mapped[str] = mapped_column(String(400))
    """RFC 5545 recurrence of the deployment window start, with DTSTART, in `timezone`."""
    timezone: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(500), default="")

    releases: Mapped[list[Release]] = relationship(back_populates="train")


class Release(Entity, Base):
    __tablename__ = "release"

    name: Mapped[str] = mapped_column(String(80), unique=True)
    train_id: Mapped[int | None] = mapped_column(ForeignKey("release_train.id"), index=True)
    code_freeze_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="planned")

    train: Mapped[ReleaseTrain | None] = relationship(back_populates="releases")
