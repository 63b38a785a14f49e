"""scheduled broadcasts may post in both languages ("de+en" / "en+de")

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("scheduled_broadcasts", schema=None) as batch_op:
        batch_op.alter_column(
            "language", existing_type=sa.String(length=2), type_=sa.String(length=5), existing_nullable=False
        )


def downgrade() -> None:
    # A schedule in both languages keeps the one it leads with.
    op.execute("UPDATE scheduled_broadcasts SET language = substr(language, 1, 2)")
    with op.batch_alter_table("scheduled_broadcasts", schema=None) as batch_op:
        batch_op.alter_column(
            "language", existing_type=sa.String(length=5), type_=sa.String(length=2), existing_nullable=False
        )
