"""A digest Slack kept failing is given up: status 'failed'.

Revision ID: 0007
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

WITH_FAILED = "status IN ('claimed', 'posted', 'blocked', 'failed')"
WITHOUT_FAILED = "status IN ('claimed', 'posted', 'blocked')"


def _check(condition: str) -> None:
    with op.batch_alter_table("digests") as batch_op:
        batch_op.drop_constraint(op.f("ck_digests_status"), type_="check")
        batch_op.create_check_constraint(op.f("ck_digests_status"), sa.text(condition))


def upgrade() -> None:
    _check(WITH_FAILED)


def downgrade() -> None:
    op.execute(sa.text("UPDATE digests SET status = 'blocked' WHERE status = 'failed'"))
    _check(WITHOUT_FAILED)
