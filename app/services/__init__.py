"""Use cases: the only code that writes. Every call takes a session and the acting person."""

from app.services.approvals import APPROVAL
from app.services.calendar import DEPLOYMENT_WINDOW, FREEZE, OVERRIDE, WAVE
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
        DEPLOYMENT_WINDOW,
        FREEZE,
        WAVE,
        OVERRIDE,
    )
}

__all__ = ["SPECS", "EntitySpec"]
