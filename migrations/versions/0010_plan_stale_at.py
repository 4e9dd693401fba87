"""A person's plan marked stale: a saved change whose replan comes after the ack (the action form).

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.add_column(sa.Column("plan_stale_at", models.base.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_people_plan_stale_at"), ["plan_stale_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("people") as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_plan_stale_at"))
        batch_op.drop_column("plan_stale_at")
