"""Teams and the people in them."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.base import Base, Entity
from app.domain.releases import ReleaseTrain


class Team(Entity, Base):
    __tablename__ = "team"

    name: Mapped[str] = mapped_column(String(80), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    capacity_cap: Mapped[int | None] = mapped_column(Integer, default=None)
    """Most story points the team may commit to one release; None means no cap."""
    max_share_percent: Mapped[int | None] = mapped_column(Integer, default=None)
    """Most share of a release's total capacity the team may take; None means no cap."""
    train_id: Mapped[int | None] = mapped_column(
        ForeignKey("release_train.id"), default=None, index=True
    )
    """The release train the team ships with; its capacity is planned per train release."""

    people: Mapped[list[Person]] = relationship(back_populates="team")
    train: Mapped[ReleaseTrain | None] = relationship()


class Person(Entity, Base):
    __tablename__ = "person"

    login: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200), default=None)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), default=None, index=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)

    team: Mapped[Team | None] = relationship(back_populates="people")
