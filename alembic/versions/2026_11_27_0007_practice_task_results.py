"""practice task results

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    with op.batch_alter_table("practice_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result", sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column("result_value", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("practice_tasks", schema=None) as batch_op:
        batch_op.drop_column("checked_at")
        batch_op.drop_column("result_value")
        batch_op.drop_column("result")
