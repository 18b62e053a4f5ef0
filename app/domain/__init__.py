"""Typed ORM entities; importing this package registers every table on `Base.metadata`."""

from app.domain.base import Base, Entity, utcnow
from app.domain.catalog import Component, ComponentDependency, Environment
from app.domain.dependencies import (
    ApiContract,
    ContractConsumer,
    FeatureFlag,
    FlagState,
    LibraryUsage,
)
from app.domain.governance import Approval, AuditEvent
from app.domain.operations import Deployment, Incident
from app.domain.org import Person, Team
from app.domain.releases import Release, ReleaseTrain
from app.domain.workloads import Workload, WorkloadDependency, workload_component

__all__ = [
    "ApiContract",
    "ContractConsumer",
    "FeatureFlag",
    "FlagState",
    "LibraryUsage",
    "Approval",
    "AuditEvent",
    "Base",
    "Component",
    "ComponentDependency",
    "Deployment",
    "Entity",
    "Environment",
    "Incident",
    "Person",
    "Release",
    "ReleaseTrain",
    "Team",
    "Workload",
    "WorkloadDependency",
    "utcnow",
    "workload_component",
]
