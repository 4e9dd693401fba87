"""A team's weekly digest: one row per team and period, so several workers post it exactly once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

# claimed (by one worker, until claimed_until) -> posted; blocked: the channel refused, retried later;
# failed: Slack kept failing (the retry budget of bot/services/retry.py is spent) or stopped the workspace.
STATUSES = ("claimed", "posted", "blocked", "failed")


class Digest(Base):
    __tablename__ = "digests"
    __table_args__ = (
        # The one guarantee that matters: a team gets one digest per period, whoever inserts first.
        UniqueConstraint("team_id", "period_start"),
        CheckConstraint("status IN ('claimed', 'posted', 'blocked', 'failed')", name="status"),
        Index("ix_digests_status_claimed_until", "status", "claimed_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    period_start: Mapped[date]  # the first day of the week it covers, in the team's time zone
    period_end: Mapped[date]  # the digest day: the week covered ends the day before
    slot_at: Mapped[datetime]  # when it was due (the team's day and time)
    status: Mapped[str] = mapped_column(String(16), default="claimed")
    claim_token: Mapped[str | None] = mapped_column(String(36))
    claimed_until: Mapped[datetime | None]
    # Tries of the current step: posting it, then (once posted) the edit that has not reached Slack yet.
    attempts: Mapped[int] = mapped_column(default=0)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    thread_ts: Mapped[list[str]] = mapped_column(JSON, default=list)  # the thread's messages, in order
    fingerprint: Mapped[str | None] = mapped_column(String(64))  # of what was rendered, to edit only on change
    late: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    posted_at: Mapped[datetime | None]
    refreshed_at: Mapped[datetime | None]  # the last time the worker compared it with the data
    # The per-person lines go to each of the team's managers by direct message, once per digest:
    # {manager's Slack user id: the message's ts, or "" when Slack refused it}, written as each one goes out.
    manager_dms: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    managers_told_at: Mapped[datetime | None]  # every manager had their turn (a restart sends the rest)
