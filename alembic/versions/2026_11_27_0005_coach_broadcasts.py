"""coach broadcasts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
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
        "broadcasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("coach_user_id", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("lesson_id", sa.String(length=80), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("task", sa.Text(), nullable=False),
        sa.Column("reflection", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_broadcasts_message_ts"), ["message_ts"], unique=False)
        batch_op.create_index(batch_op.f("ix_broadcasts_team_id"), ["team_id"], unique=False)

    op.create_table(
        "broadcast_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("broadcast_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("message_ts", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcasts.id"],
            name=op.f("fk_broadcast_responses_broadcast_id_broadcasts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcast_responses")),
        sa.UniqueConstraint(
            "broadcast_id", "user_id", "kind", "message_ts", name=op.f("uq_broadcast_responses_broadcast_id")
        ),
    )
    with op.batch_alter_table("broadcast_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_broadcast_responses_broadcast_id"), ["broadcast_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("broadcast_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broadcast_responses_broadcast_id"))

    op.drop_table("broadcast_responses")
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_broadcasts_team_id"))
        batch_op.drop_index(batch_op.f("ix_broadcasts_message_ts"))

    op.drop_table("broadcasts")
