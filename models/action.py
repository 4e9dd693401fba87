"""An agreed, concrete business-development action and its preparation."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

KINDS = ("buying_signal", "aftercare", "top_client", "networking", "other")
# proposed: a manager's proposal awaiting the member; open: active; the rest are final.
STATUSES = ("proposed", "open", "done", "dropped", "declined")


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("status IN ('proposed', 'open', 'done', 'dropped', 'declined')", name="status"),
        Index("ix_actions_owner_status_due", "owner_id", "status", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), default="other")
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(16), default="open")
    opening_line: Mapped[str | None] = mapped_column(Text)
    voicemail_plan: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
