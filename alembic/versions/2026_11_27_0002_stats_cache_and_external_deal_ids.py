"""stats cache and external deal ids

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "crm_stats_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("crm_owner_id", sa.String(length=64), nullable=False),
        sa.Column("connector", sa.String(length=32), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_crm_stats_cache_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_crm_stats_cache")),
        sa.UniqueConstraint("team_id", "crm_owner_id", name=op.f("uq_crm_stats_cache_team_id")),
    )
    with op.batch_alter_table("crm_stats_cache", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_crm_stats_cache_team_id"), ["team_id"], unique=False)

    with op.batch_alter_table("demo_crm_deals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_demo_crm_deals_external_id"), ["external_id"])


def downgrade() -> None:

    with op.batch_alter_table("demo_crm_deals", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_demo_crm_deals_external_id"), type_="unique")
        batch_op.drop_column("external_id")

    with op.batch_alter_table("crm_stats_cache", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_crm_stats_cache_team_id"))

    op.drop_table("crm_stats_cache")
