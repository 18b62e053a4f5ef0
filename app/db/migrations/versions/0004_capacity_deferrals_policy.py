"""Capacity planning: teams ride a train, deferrals, the planning policy, risk overrides.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "planning_policy",
        sa.Column("history_releases", sa.Integer(), nullable=False),
        sa.Column("capacity_percentile", sa.Integer(), nullable=False),
        sa.Column("default_capacity", sa.Integer(), nullable=False),
        sa.Column("tech_debt_share_percent", sa.Integer(), nullable=False),
        sa.Column("plan_releases", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "capacity_percentile BETWEEN 1 AND 100",
            name=op.f("ck_planning_policy_percentile_range"),
        ),
        sa.CheckConstraint(
            "default_capacity >= 0", name=op.f("ck_planning_policy_default_not_negative")
        ),
        sa.CheckConstraint(
            "history_releases >= 1", name=op.f("ck_planning_policy_history_positive")
        ),
        sa.CheckConstraint(
            "plan_releases >= 1", name=op.f("ck_planning_policy_plan_releases_positive")
        ),
        sa.CheckConstraint(
            "tech_debt_share_percent BETWEEN 0 AND 100", name=op.f("ck_planning_policy_share_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planning_policy")),
        sa.UniqueConstraint("uuid", name=op.f("uq_planning_policy_uuid")),
    )
    op.create_table(
        "deferral",
        sa.Column("workload_id", sa.Integer(), nullable=False),
        sa.Column("from_release_id", sa.Integer(), nullable=False),
        sa.Column("to_release_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_release_id"], ["release.id"], name=op.f("fk_deferral_from_release_id_release")
        ),
        sa.ForeignKeyConstraint(
            ["to_release_id"], ["release.id"], name=op.f("fk_deferral_to_release_id_release")
        ),
        sa.ForeignKeyConstraint(
            ["workload_id"],
            ["workload.id"],
            name=op.f("fk_deferral_workload_id_workload"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deferral")),
        sa.UniqueConstraint("uuid", name=op.f("uq_deferral_uuid")),
    )
    op.create_index(op.f("ix_deferral_from_release_id"), "deferral", ["from_release_id"])
    op.create_index(op.f("ix_deferral_workload_id"), "deferral", ["workload_id"])

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("train_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_team_train_id"), ["train_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_team_train_id_release_train"), "release_train", ["train_id"], ["id"]
        )

    with op.batch_alter_table("workload", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk_override_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("exception_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workload", schema=None) as batch_op:
        batch_op.drop_column("exception_reason")
        batch_op.drop_column("risk_override_reason")

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_team_train_id_release_train"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_team_train_id"))
        batch_op.drop_column("train_id")

    op.drop_index(op.f("ix_deferral_workload_id"), table_name="deferral")
    op.drop_index(op.f("ix_deferral_from_release_id"), table_name="deferral")

    op.drop_table("deferral")
    op.drop_table("planning_policy")
