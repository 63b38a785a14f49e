"""deals imported from CSV before the stage column existed carry no stage, not their status

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The import used to store the deal's status (open, won, lost) as its stage, so "deals by stage"
    # listed a stage "open". Such a deal's stage is unknown, as in an export without a stage column.
    # Touched: imported deals (an external id; generated demo deals have none) whose stage is their
    # status in our lower-case spelling. A real stage "Open" stays; a file imported since the stage
    # column came whose stage column holds "open", "won" or "lost" is cleared too (import it again).
    op.execute(
        "UPDATE demo_crm_deals SET stage = '' WHERE external_id IS NOT NULL"
        " AND stage IN ('open', 'won', 'lost') AND stage = status"
    )


def downgrade() -> None:
    # Nothing to undo in the schema; the status was never a stage, so it is not written back.
    pass
