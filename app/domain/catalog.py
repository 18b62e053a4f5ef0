"""What gets deployed (components), how they depend on each other, and where (environments)."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.base import Base, Entity
from app.domain.org import Team


class Component(Entity, Base):
    __tablename__ = "component"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id"), index=True)
    track: Mapped[str] = mapped_column(String(20), default="train")
    stateful: Mapped[bool] = mapped_column(Boolean, default=False)
    pii: Mapped[bool] = mapped_column(Boolean, default=False)
    financial: Mapped[bool] = mapped_column(Boolean, default=False)
    health: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(String(500), default="")

    team: Mapped[Team] = relationship()

    @property
    def data_classes(self) -> list[str]:
        return [n for n in ("pii", "financial", "health") if getattr(self, n)]


class ComponentDependency(Entity, Base):
    """The consumer depends on the provider; the provider must be in place first."""

    __tablename__ = "component_dependency"
    __table_args__ = (
        UniqueConstraint("consumer_id", "provider_id", name="uq_component_dependency_pair"),
        CheckConstraint("consumer_id <> provider_id", name="not_self"),
    )

    consumer_id: Mapped[int] = mapped_column(ForeignKey("component.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("component.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="api")

    consumer: Mapped[Component] = relationship(foreign_keys=[consumer_id])
    provider: Mapped[Component] = relationship(foreign_keys=[provider_id])


class Environment(Entity, Base):
    __tablename__ = "environment"

    name: Mapped[str] = mapped_column(String(60), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    """Place on the promotion path: lower positions are promoted from first."""
    is_production: Mapped[bool] = mapped_column(Boolean, default=False)
