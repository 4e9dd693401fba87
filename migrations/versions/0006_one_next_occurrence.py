"""one effect per click: one next occurrence per action, a version on nudge answers

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-28 00:00:00

Self-contained: it touches only actions.repeat_of_id (a unique constraint) and nudges.answer_version (a new
column), so it can be re-chained after another revision without changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Double clicks before this revision may have made a second next occurrence: the later ones stop being
    # occurrences of the same action (they stay on the list as ordinary actions), so the constraint can hold.
    op.execute(
        """
        UPDATE actions SET repeat_of_id = NULL
        WHERE repeat_of_id IS NOT NULL
          AND id NOT IN (SELECT MIN(id) FROM actions WHERE repeat_of_id IS NOT NULL GROUP BY repeat_of_id)
        """
    )
    with op.batch_alter_table("actions") as batch:
        batch.create_unique_constraint("uq_actions_repeat_of_id", ["repeat_of_id"])
    with op.batch_alter_table("nudges") as batch:
        batch.add_column(sa.Column("answer_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("nudges") as batch:
        batch.drop_column("answer_version")
    with op.batch_alter_table("actions") as batch:
        batch.drop_constraint("uq_actions_repeat_of_id", type_="unique")
