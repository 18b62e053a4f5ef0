"""calendar windows freezes waves

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "freeze_period",
        sa.Column("hard", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_local", sa.DateTime(), nullable=False),
        sa.Column("ends_local", sa.DateTime(), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("rrule", sa.String(length=400), nullable=False),
        sa.Column("exdates", sa.JSON(), nullable=False),
        sa.Column("external_uid", sa.String(length=255), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_freeze_period")),
        sa.UniqueConstraint("external_uid", name=op.f("uq_freeze_period_external_uid")),
        sa.UniqueConstraint("uuid", name=op.f("uq_freeze_period_uuid")),
    )
    op.create_table(
        "deployment_window",
        sa.Column("environment_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("starts_local", sa.DateTime(), nullable=False),
        sa.Column("ends_local", sa.DateTime(), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("rrule", sa.String(length=400), nullable=False),
        sa.Column("exdates", sa.JSON(), nullable=False),
        sa.Column("external_uid", sa.String(length=255), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["environment_id"],
            ["environment.id"],
            name=op.f("fk_deployment_window_environment_id_environment"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deployment_window")),
        sa.UniqueConstraint("external_uid", name=op.f("uq_deployment_window_external_uid")),
        sa.UniqueConstraint("uuid", name=op.f("uq_deployment_window_uuid")),
    )
    op.create_index(
        op.f("ix_deployment_window_environment_id"),
        "deployment_window",
        ["environment_id"],
        unique=False,
    )

    op.create_table(
        "freeze_team",
        sa.Column("freeze_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["freeze_id"],
            ["freeze_period.id"],
            name=op.f("fk_freeze_team_freeze_id_freeze_period"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["team.id"], name=op.f("fk_freeze_team_team_id_team"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("freeze_id", "team_id", name=op.f("pk_freeze_team")),
    )
    op.create_index(op.f("ix_freeze_team_team_id"), "freeze_team", ["team_id"], unique=False)

    op.create_table(
        "freeze_component",
        sa.Column("freeze_id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["component.id"],
            name=op.f("fk_freeze_component_component_id_component"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["freeze_id"],
            ["freeze_period.id"],
            name=op.f("fk_freeze_component_freeze_id_freeze_period"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("freeze_id", "component_id", name=op.f("pk_freeze_component")),
    )
    op.create_index(
        op.f("ix_freeze_component_component_id"), "freeze_component", ["component_id"], unique=False
    )

    op.create_table(
        "wave",
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("traffic_percent", sa.Integer(), nullable=False),
        sa.Column("bake_minutes", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name=op.f("fk_wave_release_id_release"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wave")),
        sa.UniqueConstraint("uuid", name=op.f("uq_wave_uuid")),
    )
    op.create_index(op.f("ix_wave_release_id"), "wave", ["release_id"], unique=False)
    op.create_index(op.f("ix_wave_starts_at"), "wave", ["starts_at"], unique=False)

    op.create_table(
        "wave_component",
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["component.id"],
            name=op.f("fk_wave_component_component_id_component"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["wave.id"],
            name=op.f("fk_wave_component_wave_id_wave"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("wave_id", "component_id", name=op.f("pk_wave_component")),
    )
    op.create_index(
        op.f("ix_wave_component_component_id"), "wave_component", ["component_id"], unique=False
    )

    op.create_table(
        "freeze_override",
        sa.Column("freeze_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("deployment_id", sa.Integer(), nullable=True),
        sa.Column("justification", sa.String(length=1000), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.String(length=1000), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["person.id"], name=op.f("fk_freeze_override_decided_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["deployment.id"],
            name=op.f("fk_freeze_override_deployment_id_deployment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["freeze_id"],
            ["freeze_period.id"],
            name=op.f("fk_freeze_override_freeze_id_freeze_period"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name=op.f("fk_freeze_override_release_id_release"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["person.id"],
            name=op.f("fk_freeze_override_requested_by_id_person"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_freeze_override")),
        sa.UniqueConstraint("uuid", name=op.f("uq_freeze_override_uuid")),
    )
    op.create_index(
        op.f("ix_freeze_override_deployment_id"), "freeze_override", ["deployment_id"], unique=False
    )
    op.create_index(
        op.f("ix_freeze_override_freeze_id"), "freeze_override", ["freeze_id"], unique=False
    )
    op.create_index(
        op.f("ix_freeze_override_release_id"), "freeze_override", ["release_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_freeze_override_release_id"), table_name="freeze_override")
    op.drop_index(op.f("ix_freeze_override_freeze_id"), table_name="freeze_override")
    op.drop_index(op.f("ix_freeze_override_deployment_id"), table_name="freeze_override")

    op.drop_table("freeze_override")
    op.drop_index(op.f("ix_wave_component_component_id"), table_name="wave_component")

    op.drop_table("wave_component")
    op.drop_index(op.f("ix_wave_starts_at"), table_name="wave")
    op.drop_index(op.f("ix_wave_release_id"), table_name="wave")

    op.drop_table("wave")
    op.drop_index(op.f("ix_freeze_component_component_id"), table_name="freeze_component")

    op.drop_table("freeze_component")
    op.drop_index(op.f("ix_freeze_team_team_id"), table_name="freeze_team")

    op.drop_table("freeze_team")
    op.drop_index(op.f("ix_deployment_window_environment_id"), table_name="deployment_window")

    op.drop_table("deployment_window")
    op.drop_table("freeze_period")
