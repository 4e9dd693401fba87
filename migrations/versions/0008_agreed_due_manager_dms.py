"""A digest that never shames: an action's due date first agreed (for streaks), and the per-person lines
sent to the team's managers by direct message, once per digest.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("action_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("data", sa.JSON),
)
actions = sa.table("actions", sa.column("id", sa.Integer), sa.column("agreed_due", sa.Date))


def upgrade() -> None:
    with op.batch_alter_table("actions") as batch_op:
        batch_op.add_column(sa.Column("agreed_due", sa.Date(), nullable=True))
    with op.batch_alter_table("digests") as batch_op:
        batch_op.add_column(sa.Column("manager_dms", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("managers_told_at", sa.DateTime(), nullable=True))
    bind = op.get_bind()
    # The date first agreed of existing actions: the date before their first move (a reschedule, or an edit
    # that changed the date), as the events log recorded it; an action never moved keeps its due date.
    first: dict[int, str] = {}
    rows = bind.execute(
        sa.select(events.c.action_id, events.c.kind, events.c.data)
        .where(events.c.kind.in_(("rescheduled", "edited")), events.c.action_id.is_not(None))
        .order_by(events.c.id)
    )
    for action_id, kind, data in rows:
        if action_id in first or not isinstance(data, dict):
            continue
        before = data.get("previous") if kind == "rescheduled" else (data.get("before") or {}).get("due")
        if before and before != data.get("due"):
            first[action_id] = before
    for action_id, before in first.items():
        bind.execute(actions.update().where(actions.c.id == action_id).values(agreed_due=date.fromisoformat(before)))
    op.execute(sa.text("UPDATE actions SET agreed_due = due_date WHERE agreed_due IS NULL"))
    # Digests posted before: their lines were in the channel's thread, so no direct messages for them now; a
    # live one gets another look, which replaces its thread's lines with a note (bot/digests.py).
    op.execute(sa.text("UPDATE digests SET managers_told_at = posted_at, refreshed_at = NULL WHERE status = 'posted'"))


def downgrade() -> None:
    with op.batch_alter_table("digests") as batch_op:
        batch_op.drop_column("managers_told_at")
        batch_op.drop_column("manager_dms")
    with op.batch_alter_table("actions") as batch_op:
        batch_op.drop_column("agreed_due")
