"""scheduled broadcasts and resumes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "scheduled_broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("coach_user_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("lesson_id", sa.String(length=80), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("repeat", sa.String(length=8), nullable=False),
        sa.Column("on_date", sa.String(length=10), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("at", sa.String(length=5), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_broadcasts")),
    )
    with op.batch_alter_table("scheduled_broadcasts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheduled_broadcasts_team_id"), ["team_id"], unique=False)

    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("active_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_column("active_since")

    with op.batch_alter_table("scheduled_broadcasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_broadcasts_team_id"))

    op.drop_table("scheduled_broadcasts")
