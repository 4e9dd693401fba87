"""Suggested opening lines to clients in `je` or `u`: a person's own choice and a team's default.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(sa.Column("formality", sa.String(length=8), nullable=True))
    with op.batch_alter_table("teams") as batch_op:
        batch_op.add_column(sa.Column("formality", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("teams") as batch_op:
        batch_op.drop_column("formality")
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_column("formality")
