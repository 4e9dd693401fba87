"""A person in a workspace: their Slack id and the settings that decide when the bot may speak."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base

DEFAULT_WORK_DAYS = "mon,tue,wed,thu,fri"


class Person(Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("workspace_id", "slack_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    slack_user_id: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str | None] = mapped_column(String(255))
    # None means "not chosen": the workspace default applies, or the Slack locale at first contact.
    language: Mapped[str | None] = mapped_column(String(8))
    locale: Mapped[str | None] = mapped_column(String(16))
    # How suggested opening lines to clients address them in Dutch: "je" or "u"; None follows the team.
    formality: Mapped[str | None] = mapped_column(String(8))
    timezone: Mapped[str | None] = mapped_column(String(64))
    timezone_checked_at: Mapped[datetime | None]
    country: Mapped[str] = mapped_column(String(2), default="NL")
    work_days: Mapped[str] = mapped_column(String(32), default=DEFAULT_WORK_DAYS)
    work_start: Mapped[time] = mapped_column(default=time(9, 0))
    work_end: Mapped[time] = mapped_column(default=time(17, 30))
    checkin_time: Mapped[time] = mapped_column(default=time(16, 0))
    paused_until: Mapped[date | None]
    dm_channel_id: Mapped[str | None] = mapped_column(String(32))
    # "normal", or "fewer" (no follow-ups) when the person asked for fewer messages.
    rhythm: Mapped[str] = mapped_column(String(16), default="normal")
    rhythm_asked_at: Mapped[datetime | None]
    # Set when Slack says messages cannot reach this person (user_not_found, account_inactive, ...).
    unreachable: Mapped[str | None] = mapped_column(String(64))
    # A pause ended: the next slot brings one summary instead of the backlog.
    welcome_back_pending: Mapped[bool] = mapped_column(default=False)
    # Set with a change whose replan comes after the ack (the action form); cleared by that replan, or by the
    # worker's repair should the process die in between.
    plan_stale_at: Mapped[datetime | None] = mapped_column(index=True)  # each worker tick looks for old marks
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
