"""delivery deadlines, first attempts, expired leases, unreachable managers

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("first_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("expired_leases", sa.Integer(), server_default="0", nullable=False))
    # Rows tried before this version: their duplicate check reads back to when they were planned.
    op.execute("UPDATE outbox SET first_attempt_at = created_at WHERE attempts > 0")
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unreachable_reason", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("unreachable_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_column("unreachable_since")
        batch_op.drop_column("unreachable_reason")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("expired_leases")
        batch_op.drop_column("first_attempt_at")
        batch_op.drop_column("deadline_at")
