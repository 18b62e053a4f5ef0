"""The coordinator's vocabulary as closed sets of values."""

from app.domain.base import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    COORDINATOR = "coordinator"
    APPROVER = "approver"
    OPERATIONS = "operations"
    SECURITY = "security"
    ADMIN = "admin"


class ComponentKind(StrEnum):
    SERVICE = "service"
    DATABASE = "database"
    INFRASTRUCTURE = "infrastructure"
    LIBRARY = "library"
    WEB = "web"
    MOBILE = "mobile"


class Track(StrEnum):
    TRAIN = "train"
    INDEPENDENT = "independent"


class DependencyKind(StrEnum):
    API = "api"
    SCHEMA = "schema"
    LIBRARY = "library"
    DATA = "data"
    INFRASTRUCTURE = "infrastructure"


class ChangeClass(StrEnum):
    FEATURE = "feature"
    CONFIGURATION = "configuration"
    TECH_DEBT = "tech_debt"
    COMPLIANCE = "compliance"
    BUG_FIX = "bug_fix"
    EMERGENCY = "emergency"


class RiskTier(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class WorkloadStatus(StrEnum):
    BACKLOG = "backlog"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DEPLOYED = "deployed"
    CANCELLED = "cancelled"


OPEN_STATUSES = (WorkloadStatus.BACKLOG, WorkloadStatus.PLANNED, WorkloadStatus.IN_PROGRESS)
"""Work not yet deployed or cancelled: what plans, tiers and sign-offs are still about."""


class ReleaseStatus(StrEnum):
    PLANNED = "planned"
    FROZEN = "frozen"
    DEPLOYING = "deploying"
    RELEASED = "released"
    CANCELLED = "cancelled"


class WorkloadLink(StrEnum):
    BEFORE = "before"
    TOGETHER = "together"


class ApprovalState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    VOID = "void"
    """Withdrawn because its subject changed (an edited runbook) before or after deciding."""


class DeploymentResult(StrEnum):
    PLANNED = "planned"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    ROLLED_BACK = "rolled_back"


class RollbackChoice(StrEnum):
    ROLLBACK = "rollback"
    ROLL_FORWARD = "roll_forward"
    HOLD = "hold"


FIBONACCI = (1, 2, 3, 5, 8, 13, 20, 40, 100)
