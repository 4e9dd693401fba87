"""A planned direct message: the database, not the scheduler, is the source of truth for what is due."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

TONES = ("inspire", "check", "mixed", "none")  # mixed: one inspiring part and one checking part
# planned -> claimed (by one worker, until claimed_until) -> sent | failed; or cancelled.
STATUSES = ("planned", "claimed", "sent", "cancelled", "failed")


class Nudge(Base):
    __tablename__ = "nudges"
    __table_args__ = (
        Index("ix_nudges_status_due_at", "status", "due_at"),
        Index("ix_nudges_person_status", "person_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # a name in bot/services/kinds.py KINDS
    tone: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime]
    local_date: Mapped[date]  # the person's calendar day it is meant for
    action_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # a bundle (check-ins) or one action
    variant: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    claimed_until: Mapped[datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(36))
    attempts: Mapped[int] = mapped_column(default=0)
    channel_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Bumped with every stored answer: an answer is stored only over the version it was decided on, so two
    # clicks at the same moment cannot both store theirs (the second decides again on what the first stored).
    answer_version: Mapped[int] = mapped_column(default=0, server_default="0")
