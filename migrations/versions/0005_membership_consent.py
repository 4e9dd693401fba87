"""memberships: consent (invited / active) and who invited

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 09:00:00.000000

A team manager now invites people; until they accept, the team's managers see nothing of them. Memberships
that exist already were made before invitations existed: they stay active.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="active"))
        batch_op.add_column(sa.Column("invited_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_memberships_invited_by_id_people"), "people", ["invited_by_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_check_constraint(batch_op.f("ck_memberships_status"), "status IN ('invited', 'active')")


def downgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_memberships_status"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_memberships_invited_by_id_people"), type_="foreignkey")
        batch_op.drop_column("invited_by_id")
        batch_op.drop_column("status")
