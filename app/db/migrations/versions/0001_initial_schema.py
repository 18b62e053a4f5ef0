"""Initial schema: organisation, catalog, releases, workloads, governance, operations.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 09:56:47.527332
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.audit_guard import create_audit_guard, drop_audit_guard

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("entity_uuid", sa.String(length=36), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_event_hash")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_event_entity_uuid"), ["entity_uuid"], unique=False
        )

    op.create_table(
        "environment",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_production", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_environment")),
        sa.UniqueConstraint("name", name=op.f("uq_environment_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_environment_uuid")),
    )
    op.create_table(
        "release_train",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("rrule", sa.String(length=400), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_train")),
        sa.UniqueConstraint("name", name=op.f("uq_release_train_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_release_train_uuid")),
    )
    op.create_table(
        "team",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("capacity_cap", sa.Integer(), nullable=True),
        sa.Column("max_share_percent", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("name", name=op.f("uq_team_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_team_uuid")),
    )
    op.create_table(
        "component",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("track", sa.String(length=20), nullable=False),
        sa.Column("stateful", sa.Boolean(), nullable=False),
        sa.Column("pii", sa.Boolean(), nullable=False),
        sa.Column("financial", sa.Boolean(), nullable=False),
        sa.Column("health", sa.Boolean(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_component_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_component")),
        sa.UniqueConstraint("name", name=op.f("uq_component_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_component_uuid")),
    )
    with op.batch_alter_table("component", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_component_team_id"), ["team_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_person_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("login", name=op.f("uq_person_login")),
        sa.UniqueConstraint("uuid", name=op.f("uq_person_uuid")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_team_id"), ["team_id"], unique=False)

    op.create_table(
        "release",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("train_id", sa.Integer(), nullable=True),
        sa.Column("code_freeze_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("window_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["train_id"], ["release_train.id"], name=op.f("fk_release_train_id_release_train")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release")),
        sa.UniqueConstraint("name", name=op.f("uq_release_name")),
        sa.UniqueConstraint("uuid", name=op.f("uq_release_uuid")),
    )
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_release_train_id"), ["train_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_release_window_start"), ["window_start"], unique=False)

    op.create_table(
        "approval",
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_uuid", sa.Uuid(), nullable=False),
        sa.Column("required_role", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.String(length=1000), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["person.id"], name=op.f("fk_approval_decided_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["person.id"], name=op.f("fk_approval_requested_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval")),
        sa.UniqueConstraint("uuid", name=op.f("uq_approval_uuid")),
    )
    with op.batch_alter_table("approval", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_approval_subject_uuid"), ["subject_uuid"], unique=False
        )

    op.create_table(
        "component_dependency",
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "consumer_id <> provider_id", name=op.f("ck_component_dependency_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["component.id"],
            name=op.f("fk_component_dependency_consumer_id_component"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["component.id"],
            name=op.f("fk_component_dependency_provider_id_component"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_component_dependency")),
        sa.UniqueConstraint("consumer_id", "provider_id", name="uq_component_dependency_pair"),
        sa.UniqueConstraint("uuid", name=op.f("uq_component_dependency_uuid")),
    )
    with op.batch_alter_table("component_dependency", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_component_dependency_consumer_id"), ["consumer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_component_dependency_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "workload",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("change_class", sa.String(length=20), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("business_value", sa.Integer(), nullable=False),
        sa.Column("time_criticality", sa.Integer(), nullable=False),
        sa.Column("risk_reduction", sa.Integer(), nullable=False),
        sa.Column("risk_tier", sa.String(length=10), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("target_release_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("change_request", sa.String(length=60), nullable=True),
        sa.Column("must_ship_by", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["person.id"], name=op.f("fk_workload_owner_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["target_release_id"],
            ["release.id"],
            name=op.f("fk_workload_target_release_id_release"),
        ),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"], name=op.f("fk_workload_team_id_team")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workload")),
        sa.UniqueConstraint("key", name=op.f("uq_workload_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_workload_uuid")),
    )
    with op.batch_alter_table("workload", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workload_change_class"), ["change_class"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_workload_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_workload_risk_tier"), ["risk_tier"], unique=False)
        batch_op.create_index(batch_op.f("ix_workload_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_workload_target_release_id"), ["target_release_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_workload_team_id"), ["team_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_workload_title"), ["title"], unique=False)

    op.create_table(
        "deployment",
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("environment_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("planned_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("planned_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actual_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actual_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environment.id"],
            name=op.f("fk_deployment_environment_id_environment"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["person.id"], name=op.f("fk_deployment_owner_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["workload_id"],
            ["workload.id"],
            name=op.f("fk_deployment_workload_id_workload"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment")),
        sa.UniqueConstraint("uuid", name=op.f("uq_deployment_uuid")),
    )
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deployment_environment_id"), ["environment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_deployment_planned_start"), ["planned_start"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_deployment_workload_id"), ["workload_id"], unique=False
        )

    op.create_table(
        "workload_component",
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["component.id"],
            name=op.f("fk_workload_component_component_id_component"),
        ),
        sa.ForeignKeyConstraint(
            ["workload_id"],
            ["workload.id"],
            name=op.f("fk_workload_component_workload_id_workload"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("workload_id", "component_id", name=op.f("pk_workload_component")),
    )
    with op.batch_alter_table("workload_component", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workload_component_component_id"), ["component_id"], unique=False
        )

    op.create_table(
        "workload_dependency",
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("depends_on_id", sa.Integer(), nullable=False),
        sa.Column("link", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "workload_id <> depends_on_id", name=op.f("ck_workload_dependency_not_self")
        ),
        sa.ForeignKeyConstraint(
            ["depends_on_id"],
            ["workload.id"],
            name=op.f("fk_workload_dependency_depends_on_id_workload"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workload_id"],
            ["workload.id"],
            name=op.f("fk_workload_dependency_workload_id_workload"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workload_dependency")),
        sa.UniqueConstraint("uuid", name=op.f("uq_workload_dependency_uuid")),
        sa.UniqueConstraint("workload_id", "depends_on_id", name="uq_workload_dependency_pair"),
    )
    with op.batch_alter_table("workload_dependency", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_workload_dependency_depends_on_id"), ["depends_on_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_workload_dependency_workload_id"), ["workload_id"], unique=False
        )

    op.create_table(
        "incident",
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("caused_by_deployment_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["caused_by_deployment_id"],
            ["deployment.id"],
            name=op.f("fk_incident_caused_by_deployment_id_deployment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["component_id"], ["component.id"], name=op.f("fk_incident_component_id_component")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident")),
        sa.UniqueConstraint("number", name=op.f("uq_incident_number")),
        sa.UniqueConstraint("uuid", name=op.f("uq_incident_uuid")),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_caused_by_deployment_id"),
            ["caused_by_deployment_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_incident_component_id"), ["component_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_incident_opened_at"), ["opened_at"], unique=False)
    create_audit_guard(op.get_bind())


def downgrade() -> None:
    drop_audit_guard(op.get_bind())
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_opened_at"))
        batch_op.drop_index(batch_op.f("ix_incident_component_id"))
        batch_op.drop_index(batch_op.f("ix_incident_caused_by_deployment_id"))

    op.drop_table("incident")
    with op.batch_alter_table("workload_dependency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workload_dependency_workload_id"))
        batch_op.drop_index(batch_op.f("ix_workload_dependency_depends_on_id"))

    op.drop_table("workload_dependency")
    with op.batch_alter_table("workload_component", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workload_component_component_id"))

    op.drop_table("workload_component")
    with op.batch_alter_table("deployment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deployment_workload_id"))
        batch_op.drop_index(batch_op.f("ix_deployment_planned_start"))
        batch_op.drop_index(batch_op.f("ix_deployment_environment_id"))

    op.drop_table("deployment")
    with op.batch_alter_table("workload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workload_title"))
        batch_op.drop_index(batch_op.f("ix_workload_team_id"))
        batch_op.drop_index(batch_op.f("ix_workload_target_release_id"))
        batch_op.drop_index(batch_op.f("ix_workload_status"))
        batch_op.drop_index(batch_op.f("ix_workload_risk_tier"))
        batch_op.drop_index(batch_op.f("ix_workload_owner_id"))
        batch_op.drop_index(batch_op.f("ix_workload_change_class"))

    op.drop_table("workload")
    with op.batch_alter_table("component_dependency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_component_dependency_provider_id"))
        batch_op.drop_index(batch_op.f("ix_component_dependency_consumer_id"))

    op.drop_table("component_dependency")
    with op.batch_alter_table("approval", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_approval_subject_uuid"))

    op.drop_table("approval")
    with op.batch_alter_table("release", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_release_window_start"))
        batch_op.drop_index(batch_op.f("ix_release_train_id"))

    op.drop_table("release")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_team_id"))

    op.drop_table("person")
    with op.batch_alter_table("component", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_component_team_id"))

    op.drop_table("component")
    op.drop_table("team")
    op.drop_table("release_train")
    op.drop_table("environment")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_entity_uuid"))

    op.drop_table("audit_event")
