"""teams: digests, channel problems

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 00:32:03.287140
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("slot_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False, server_default="claimed"),
        sa.Column("claim_token", sa.String(length=36), nullable=True),
        sa.Column("claimed_until", models.base.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("thread_ts", sa.JSON(), nullable=False, server_default="[]"),
        sa.Column("fingerprint", sa.String(length=64), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(), nullable=False),
        sa.Column("posted_at", models.base.UTCDateTime(), nullable=True),
        sa.Column("refreshed_at", models.base.UTCDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('claimed', 'posted', 'blocked')", name=op.f("ck_digests_status")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_digests_team_id_teams"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspaces.id"], name=op.f("fk_digests_workspace_id_workspaces"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests")),
        sa.UniqueConstraint("team_id", "period_start", name=op.f("uq_digests_team_id_period_start")),
    )
    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.create_index("ix_digests_status_claimed_until", ["status", "claimed_until"], unique=False)
        batch_op.create_index(batch_op.f("ix_digests_workspace_id"), ["workspace_id"], unique=False)

    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel_problem", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("channel_problem")

    with op.batch_alter_table("digests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digests_workspace_id"))
        batch_op.drop_index("ix_digests_status_claimed_until")

    op.drop_table("digests")
