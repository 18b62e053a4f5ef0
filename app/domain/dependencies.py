"""What couples deployments beyond the component graph: API contracts, shared library
versions, and feature flags that decouple deploy from release."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.base import Base, Entity
from app.domain.catalog import Component, ComponentDependency, Environment
from app.domain.releases import Release
from app.domain.workloads import Workload, WorkloadDependency


class ApiContract(Entity, Base):
    """One version of an API a provider offers; consumers pin the version they use."""

    __tablename__ = "api_contract"
    __table_args__ = (
        UniqueConstraint("provider_id", "name", "api_version", name="uq_api_contract_version"),
    )

    provider_id: Mapped[int] = mapped_column(ForeignKey("component.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    api_version: Mapped[str] = mapped_column(String(40))
    backward_compatible: Mapped[bool] = mapped_column(Boolean, default=True)
    """Consumers of the previous version keep working: no synchronised deployment needed."""
    changed_in_id: Mapped[int | None] = mapped_column(ForeignKey("release.id"), default=None)
    deprecated_on: Mapped[date | None] = mapped_column(Date, default=None)
    sunset_on: Mapped[date | None] = mapped_column(Date, default=None)

    provider: Mapped[Component] = relationship()
    changed_in: Mapped[Release | None] = relationship()
    consumers: Mapped[list[ContractConsumer]] = relationship(
        back_populates="contract", cascade="all, delete-orphan"
    )


class ContractConsumer(Entity, Base):
    __tablename__ = "contract_consumer"
    __table_args__ = (UniqueConstraint("contract_id", "consumer_id", name="uq_contract_consumer"),)

    contract_id: Mapped[int] = mapped_column(
        ForeignKey("api_contract.id", ondelete="CASCADE"), index=True
    )
    consumer_id: Mapped[int] = mapped_column(ForeignKey("component.id"), index=True)

    contract: Mapped[ApiContract] = relationship(back_populates="consumers")
    consumer: Mapped[Component] = relationship()


class LibraryUsage(Entity, Base):
    """A component built against a version of a shared library (a component of kind library)."""

    __tablename__ = "library_usage"
    __table_args__ = (UniqueConstraint("component_id", "library_id", name="uq_library_usage"),)

    component_id: Mapped[int] = mapped_column(ForeignKey("component.id"), index=True)
    library_id: Mapped[int] = mapped_column(ForeignKey("component.id"), index=True)
    library_version: Mapped[str] = mapped_column(String(40))

    component: Mapped[Component] = relationship(foreign_keys=[component_id])
    library: Mapped[Component] = relationship(foreign_keys=[library_id])


class FeatureFlag(Entity, Base):
    """A flag owned by a workload; when it guards a dependency, that edge forces no order."""

    __tablename__ = "feature_flag"

    key: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    workload_id: Mapped[int | None] = mapped_column(
        ForeignKey("workload.id", ondelete="SET NULL"), default=None, index=True
    )
    component_dependency_id: Mapped[int | None] = mapped_column(
        ForeignKey("component_dependency.id", ondelete="SET NULL"), default=None
    )
    workload_dependency_id: Mapped[int | None] = mapped_column(
        ForeignKey("workload_dependency.id", ondelete="SET NULL"), default=None
    )

    workload: Mapped[Workload | None] = relationship()
    component_dependency: Mapped[ComponentDependency | None] = relationship()
    workload_dependency: Mapped[WorkloadDependency | None] = relationship()
    states: Mapped[list[FlagState]] = relationship(
        back_populates="flag", cascade="all, delete-orphan"
    )


class FlagState(Entity, Base):
    __tablename__ = "flag_state"
    __table_args__ = (UniqueConstraint("flag_id", "environment_id", name="uq_flag_state"),)

    flag_id: Mapped[int] = mapped_column(
        ForeignKey("feature_flag.id", ondelete="CASCADE"), index=True
    )
    environment_id: Mapped[int] = mapped_column(ForeignKey("environment.id"))
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)

    flag: Mapped[FeatureFlag] = relationship(back_populates="states")
    environment: Mapped[Environment] = relationship()
