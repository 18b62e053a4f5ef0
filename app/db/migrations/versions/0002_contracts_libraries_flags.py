"""API contracts, library usage, feature flags; stored sort keys and schema-change flag
on workloads.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:21:43.631962
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_contract",
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("api_version", sa.String(length=40), nullable=False),
        sa.Column("backward_compatible", sa.Boolean(), nullable=False),
        sa.Column("changed_in_id", sa.Integer(), nullable=True),
        sa.Column("deprecated_on", sa.Date(), nullable=True),
        sa.Column("sunset_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_in_id"], ["release.id"], name=op.f("fk_api_contract_changed_in_id_release")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["component.id"], name=op.f("fk_api_contract_provider_id_component")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_contract")),
        sa.UniqueConstraint("provider_id", "name", "api_version", name="uq_api_contract_version"),
        sa.UniqueConstraint("uuid", name=op.f("uq_api_contract_uuid")),
    )
    with op.batch_alter_table("api_contract", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_contract_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "library_usage",
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("library_id", sa.Integer(), nullable=False),
        sa.Column("library_version", sa.String(length=40), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"], ["component.id"], name=op.f("fk_library_usage_component_id_component")
        ),
        sa.ForeignKeyConstraint(
            ["library_id"], ["component.id"], name=op.f("fk_library_usage_library_id_component")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_usage")),
        sa.UniqueConstraint("component_id", "library_id", name="uq_library_usage"),
        sa.UniqueConstraint("uuid", name=op.f("uq_library_usage_uuid")),
    )
    with op.batch_alter_table("library_usage", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_library_usage_component_id"), ["component_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_library_usage_library_id"), ["library_id"], unique=False
        )

    op.create_table(
        "contract_consumer",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("consumer_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumer_id"],
            ["component.id"],
            name=op.f("fk_contract_consumer_consumer_id_component"),
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["api_contract.id"],
            name=op.f("fk_contract_consumer_contract_id_api_contract"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_consumer")),
        sa.UniqueConstraint("contract_id", "consumer_id", name="uq_contract_consumer"),
        sa.UniqueConstraint("uuid", name=op.f("uq_contract_consumer_uuid")),
    )
    with op.batch_alter_table("contract_consumer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_consumer_consumer_id"), ["consumer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_consumer_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "feature_flag",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("workload_id", sa.Integer(), nullable=True),
        sa.Column("component_dependency_id", sa.Integer(), nullable=True),
        sa.Column("workload_dependency_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_dependency_id"],
            ["component_dependency.id"],
            name=op.f("fk_feature_flag_component_dependency_id_component_dependency"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workload_dependency_id"],
            ["workload_dependency.id"],
            name=op.f("fk_feature_flag_workload_dependency_id_workload_dependency"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workload_id"],
            ["workload.id"],
            name=op.f("fk_feature_flag_workload_id_workload"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feature_flag")),
        sa.UniqueConstraint("key", name=op.f("uq_feature_flag_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_feature_flag_uuid")),
    )
    with op.batch_alter_table("feature_flag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_feature_flag_workload_id"), ["workload_id"], unique=False
        )

    op.create_table(
        "flag_state",
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("environment_id", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environment.id"],
            name=op.f("fk_flag_state_environment_id_environment"),
        ),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["feature_flag.id"],
            name=op.f("fk_flag_state_flag_id_feature_flag"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_state")),
        sa.UniqueConstraint("flag_id", "environment_id", name="uq_flag_state"),
        sa.UniqueConstraint("uuid", name=op.f("uq_flag_state_uuid")),
    )
    with op.batch_alter_table("flag_state", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_flag_state_flag_id"), ["flag_id"], unique=False)

    with op.batch_alter_table("workload", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key_sort", sa.String(length=80), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("wsjf_score", sa.Float(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column("schema_change", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    _backfill_sort_columns()
    with op.batch_alter_table("workload", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workload_key_sort"), ["key_sort"], unique=False)
        batch_op.create_index(batch_op.f("ix_workload_wsjf_score"), ["wsjf_score"], unique=False)


def _backfill_sort_columns() -> None:
    """Derive the new columns for workloads that exist already (same rules as the model)."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, key, business_value, time_criticality, risk_reduction, size FROM workload"
        )
    ).all()
    for wid, key, bv, tc, rr, size in rows:
        conn.execute(
            sa.text("UPDATE workload SET key_sort = :k, wsjf_score = :w WHERE id = :i"),
            {
                "k": re.sub(r"\d+", lambda m: m.group().zfill(10), key),
                "w": round((bv + tc + rr) / size, 4),
                "i": wid,
            },
        )


def downgrade() -> None:
    with op.batch_alter_table("workload", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workload_wsjf_score"))
        batch_op.drop_index(batch_op.f("ix_workload_key_sort"))
        batch_op.drop_column("schema_change")
        batch_op.drop_column("wsjf_score")
        batch_op.drop_column("key_sort")

    with op.batch_alter_table("flag_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flag_state_flag_id"))

    op.drop_table("flag_state")
    with op.batch_alter_table("feature_flag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feature_flag_workload_id"))

    op.drop_table("feature_flag")
    with op.batch_alter_table("contract_consumer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_consumer_contract_id"))
        batch_op.drop_index(batch_op.f("ix_contract_consumer_consumer_id"))

    op.drop_table("contract_consumer")
    with op.batch_alter_table("library_usage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_library_usage_library_id"))
        batch_op.drop_index(batch_op.f("ix_library_usage_component_id"))

    op.drop_table("library_usage")
    with op.batch_alter_table("api_contract", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_contract_provider_id"))

    op.drop_table("api_contract")
