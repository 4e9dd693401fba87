"""A Slack workspace (`team_id`): the root that every other row belongs to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    slack_team_id: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    # Set when the token stopped working (invalid_auth, token_revoked, ...): nothing is sent until reinstall.
    disabled_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
