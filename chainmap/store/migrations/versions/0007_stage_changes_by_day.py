"""stage changes indexed by lead and day (the meeting pack's history digest)

The pack digests each lead's history in SQL with window functions ordered by
(changed_on, id) per lead; indexing (lead_id, changed_on, id) lets PostgreSQL read the
changes in that order instead of sorting a million rows. It replaces the (lead_id, id)
index, which only served a lead's own history (a few rows, sorted cheaply either way).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 17:15:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stage_changes_lead_day", ["lead_id", "changed_on", "id"], unique=False
        )
        batch_op.drop_index("ix_stage_changes_lead")


def downgrade() -> None:
    with op.batch_alter_table("stage_changes", schema=None) as batch_op:
        batch_op.create_index("ix_stage_changes_lead", ["lead_id", "id"], unique=False)
        batch_op.drop_index("ix_stage_changes_lead_day")
