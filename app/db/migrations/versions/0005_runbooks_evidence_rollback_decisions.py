"""Runbooks and their revisions, gate evidence, rollback decisions, the restore age policy.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "gate_evidence",
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("environment_id", sa.Integer(), nullable=True),
        sa.Column("artifact", sa.String(length=120), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("performed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("performed_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("restore_minutes", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
        sa.Column("summary", sa.String(length=1000), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environment.id"],
            name=op.f("fk_gate_evidence_environment_id_environment"),
        ),
        sa.ForeignKeyConstraint(
            ["performed_by_id"], ["person.id"], name=op.f("fk_gate_evidence_performed_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["person.id"], name=op.f("fk_gate_evidence_recorded_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["workload_id"],
            ["workload.id"],
            name=op.f("fk_gate_evidence_workload_id_workload"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gate_evidence")),
        sa.UniqueConstraint("uuid", name=op.f("uq_gate_evidence_uuid")),
    )
    op.create_index(
        op.f("ix_gate_evidence_environment_id"), "gate_evidence", ["environment_id"], unique=False
    )
    op.create_index(op.f("ix_gate_evidence_kind"), "gate_evidence", ["kind"], unique=False)
    op.create_index(
        op.f("ix_gate_evidence_workload_id"), "gate_evidence", ["workload_id"], unique=False
    )

    op.create_table(
        "runbook",
        sa.Column("component_id", sa.Integer(), nullable=True),
        sa.Column("workload_id", sa.Integer(), nullable=True),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(component_id IS NULL AND workload_id IS NOT NULL)"
            " OR (component_id IS NOT NULL AND workload_id IS NULL)",
            name=op.f("ck_runbook_one_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_runbook_author_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["component.id"],
            name=op.f("fk_runbook_component_id_component"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["runbook.id"],
            name=op.f("fk_runbook_template_id_runbook"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workload_id"],
            ["workload.id"],
            name=op.f("fk_runbook_workload_id_workload"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runbook")),
        sa.UniqueConstraint("component_id", name="uq_runbook_component_id"),
        sa.UniqueConstraint("uuid", name=op.f("uq_runbook_uuid")),
        sa.UniqueConstraint("workload_id", name="uq_runbook_workload_id"),
    )
    op.create_index(op.f("ix_runbook_title"), "runbook", ["title"], unique=False)

    op.create_table(
        "rollback_decision",
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("trigger", sa.String(length=300), nullable=True),
        sa.Column("observed_value", sa.Float(), nullable=True),
        sa.Column("observed_unit", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["person.id"], name=op.f("fk_rollback_decision_decided_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployment.id"],
            name=op.f("fk_rollback_decision_deployment_id_deployment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rollback_decision")),
        sa.UniqueConstraint("uuid", name=op.f("uq_rollback_decision_uuid")),
    )
    op.create_index(
        op.f("ix_rollback_decision_decided_at"), "rollback_decision", ["decided_at"], unique=False
    )
    op.create_index(
        op.f("ix_rollback_decision_decision"), "rollback_decision", ["decision"], unique=False
    )
    op.create_index(
        op.f("ix_rollback_decision_deployment_id"),
        "rollback_decision",
        ["deployment_id"],
        unique=False,
    )

    op.create_table(
        "runbook_revision",
        sa.Column("runbook_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["person.id"], name=op.f("fk_runbook_revision_author_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["runbook_id"],
            ["runbook.id"],
            name=op.f("fk_runbook_revision_runbook_id_runbook"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runbook_revision")),
        sa.UniqueConstraint("runbook_id", "number", name="uq_runbook_revision_number"),
        sa.UniqueConstraint("uuid", name=op.f("uq_runbook_revision_uuid")),
    )
    op.create_index(
        op.f("ix_runbook_revision_runbook_id"), "runbook_revision", ["runbook_id"], unique=False
    )

    with op.batch_alter_table("planning_policy", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("restore_max_age_days", sa.Integer(), nullable=False, server_default="30")
        )


def downgrade() -> None:
    with op.batch_alter_table("planning_policy", schema=None) as batch_op:
        batch_op.drop_column("restore_max_age_days")

    op.drop_index(op.f("ix_runbook_revision_runbook_id"), table_name="runbook_revision")

    op.drop_table("runbook_revision")
    op.drop_index(op.f("ix_rollback_decision_deployment_id"), table_name="rollback_decision")
    op.drop_index(op.f("ix_rollback_decision_decision"), table_name="rollback_decision")
    op.drop_index(op.f("ix_rollback_decision_decided_at"), table_name="rollback_decision")

    op.drop_table("rollback_decision")
    op.drop_index(op.f("ix_runbook_title"), table_name="runbook")

    op.drop_table("runbook")
    op.drop_index(op.f("ix_gate_evidence_workload_id"), table_name="gate_evidence")
    op.drop_index(op.f("ix_gate_evidence_kind"), table_name="gate_evidence")
    op.drop_index(op.f("ix_gate_evidence_environment_id"), table_name="gate_evidence")

    op.drop_table("gate_evidence")
