"""Use cases: the only code that writes. Every call takes a session and the acting person."""

from app.services.approvals import APPROVAL
from app.services.catalog import COMPONENT, COMPONENT_DEPENDENCY, ENVIRONMENT
from app.services.crud import EntitySpec
from app.services.org import PERSON, TEAM
from app.services.releases import RELEASE, RELEASE_TRAIN
from app.services.workloads import WORKLOAD

SPECS: dict[str, EntitySpec] = {
    s.label: s
    for s in (
        TEAM,
        PERSON,
        COMPONENT,
        COMPONENT_DEPENDENCY,
        ENVIRONMENT,
        RELEASE_TRAIN,
        RELEASE,
        WORKLOAD,
        APPROVAL,
    )
}

__all__ = ["SPECS", "EntitySpec"]
