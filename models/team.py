"""Teams and who is in them: managers and members, and where and when their digest goes."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

ROLES = ("manager", "member")
# A team manager *invites*; the person accepts or declines. A workspace admin or owner adds directly (active).
# Only active memberships give a team's managers sight of a member, or a manager rights.
STATUSES = ("invited", "active")
PRIVACY_LEVELS = ("summary", "detailed")


class Team(Base):
    __tablename__ = "teams"
    __table_args__ = (
        UniqueConstraint("workspace_id", "name"),
        CheckConstraint("privacy IN ('summary', 'detailed')", name="privacy"),
        CheckConstraint("digest_weekday BETWEEN 0 AND 6", name="digest_weekday"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    channel_id: Mapped[str | None] = mapped_column(String(32))
    digest_weekday: Mapped[int] = mapped_column(default=0)  # Monday, as datetime.weekday()
    digest_time: Mapped[time] = mapped_column(default=time(9, 0))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Amsterdam")
    privacy: Mapped[str] = mapped_column(String(16), default="summary")
    language: Mapped[str | None] = mapped_column(String(8))
    # Its members' default for suggested opening lines to clients in Dutch: "je" or "u" (None: "je").
    formality: Mapped[str | None] = mapped_column(String(8))
    # Why the bot cannot post to the channel (not_in_channel, is_archived, ...), until a post succeeds.
    channel_problem: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("team_id", "person_id", "role"),
        CheckConstraint("role IN ('manager', 'member')", name="role"),
        CheckConstraint("status IN ('invited', 'active')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    # Who invited (a team manager) or added (an admin) the person; told when an invitation is answered.
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
