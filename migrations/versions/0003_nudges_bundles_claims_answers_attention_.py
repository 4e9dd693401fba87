"""nudges: bundles, claims, answers; attention; rhythm and reachability

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 23:48:58.666533
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Server defaults fill the rows that exist already; the models set the values from then on.
    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("needs_attention", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("nudges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("local_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("action_ids", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("variant", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("claim_token", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("answered_at", models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("answer", sa.JSON(), nullable=True))
        batch_op.create_index("ix_nudges_person_status", ["person_id", "status"], unique=False)
    op.execute("UPDATE nudges SET local_date = date(due_at)")
    with op.batch_alter_table("nudges", schema=None) as batch_op:
        batch_op.alter_column("local_date", existing_type=sa.Date(), nullable=False)

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rhythm", sa.String(length=16), nullable=False, server_default="normal"))
        batch_op.add_column(sa.Column("rhythm_asked_at", models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("unreachable", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("welcome_back_pending", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_reason", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspaces", schema=None) as batch_op:
        batch_op.drop_column("disabled_reason")

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("welcome_back_pending")
        batch_op.drop_column("unreachable")
        batch_op.drop_column("rhythm_asked_at")
        batch_op.drop_column("rhythm")

    with op.batch_alter_table("nudges", schema=None) as batch_op:
        batch_op.drop_index("ix_nudges_person_status")
        batch_op.drop_column("answer")
        batch_op.drop_column("answered_at")
        batch_op.drop_column("claim_token")
        batch_op.drop_column("variant")
        batch_op.drop_column("action_ids")
        batch_op.drop_column("local_date")

    with op.batch_alter_table("actions", schema=None) as batch_op:
        batch_op.drop_column("needs_attention")
