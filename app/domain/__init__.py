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
from app.domain.evidence import GateEvidence
from app.domain.governance import Approval, AuditEvent
from app.domain.operations import Deployment, Incident, RollbackDecision
from app.domain.org import Person, Team
from app.domain.planning import PlanningPolicy
from app.domain.releases import Release, ReleaseTrain
from app.domain.runbooks import Runbook, RunbookRevision
from app.domain.scheduling import (
    DeploymentWindow,
    FreezeOverride,
    FreezePeriod,
    Wave,
    freeze_component,
    freeze_team,
    wave_component,
)
from app.domain.workloads import Deferral, Workload, WorkloadDependency, workload_component

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
    "Deferral",
    "Deployment",
    "DeploymentWindow",
    "Entity",
    "Environment",
    "FreezeOverride",
    "FreezePeriod",
    "GateEvidence",
    "Incident",
    "Person",
    "PlanningPolicy",
    "Release",
    "ReleaseTrain",
    "RollbackDecision",
    "Runbook",
    "RunbookRevision",
    "Team",
    "Workload",
    "Wave",
    "WorkloadDependency",
    "freeze_component",
    "freeze_team",
    "utcnow",
    "wave_component",
    "workload_component",
]
