"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "demo_crm_owners",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("manager_id", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["demo_crm_owners.id"], name=op.f("fk_demo_crm_owners_manager_id_demo_crm_owners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demo_crm_owners")),
        sa.UniqueConstraint("email", name=op.f("uq_demo_crm_owners_email")),
    )
    with op.batch_alter_table("demo_crm_owners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demo_crm_owners_manager_id"), ["manager_id"], unique=False)

    op.create_table(
        "workspaces",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_workspaces")),
    )
    op.create_table(
        "demo_crm_deals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("company", sa.String(length=255), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("close_date", sa.Date(), nullable=False),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["demo_crm_owners.id"], name=op.f("fk_demo_crm_deals_owner_id_demo_crm_owners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demo_crm_deals")),
    )
    with op.batch_alter_table("demo_crm_deals", schema=None) as batch_op:
        batch_op.create_index("ix_demo_crm_deals_owner_status", ["owner_id", "status"], unique=False)

    op.create_table(
        "managers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("slack_user_id", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("display_name", sa.String(length=255), nullable=True),
        sa.Column("crm_owner_id", sa.String(length=64), nullable=True),
        sa.Column("link_source", sa.String(length=16), nullable=True),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("slack_locale", sa.String(length=16), nullable=True),
        sa.Column("preferred_language", sa.String(length=8), nullable=True),
        sa.Column("profile_refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_managers_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_managers")),
        sa.UniqueConstraint("team_id", "slack_user_id", name=op.f("uq_managers_team_id")),
    )
    with op.batch_alter_table("managers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_managers_team_id"), ["team_id"], unique=False)

    op.create_table(
        "demo_crm_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["demo_crm_deals.id"], name=op.f("fk_demo_crm_activities_deal_id_demo_crm_deals")
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["demo_crm_owners.id"], name=op.f("fk_demo_crm_activities_owner_id_demo_crm_owners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demo_crm_activities")),
    )
    with op.batch_alter_table("demo_crm_activities", schema=None) as batch_op:
        batch_op.create_index("ix_demo_crm_activities_owner_time", ["owner_id", "occurred_at"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("demo_crm_activities", schema=None) as batch_op:
        batch_op.drop_index("ix_demo_crm_activities_owner_time")

    op.drop_table("demo_crm_activities")
    with op.batch_alter_table("managers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_managers_team_id"))

    op.drop_table("managers")
    with op.batch_alter_table("demo_crm_deals", schema=None) as batch_op:
        batch_op.drop_index("ix_demo_crm_deals_owner_status")

    op.drop_table("demo_crm_deals")
    op.drop_table("workspaces")
    with op.batch_alter_table("demo_crm_owners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demo_crm_owners_manager_id"))

    op.drop_table("demo_crm_owners")
