"""An agreed, concrete business-development action and its preparation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base

KINDS = ("buying_signal", "aftercare", "top_client", "networking", "other")
# proposed: a manager's proposal awaiting the member; open: active; the rest are final.
STATUSES = ("proposed", "open", "done", "dropped", "declined")
OUTCOMES = ("meeting", "buying_signal", "new_work")
# A contact's progress: to do -> reached | voicemail | no answer (retry) -> booked (appointment) -> done.
CONTACT_STATUSES = ("todo", "reached", "voicemail", "no_answer", "booked", "done")


def _due_date(context: Any) -> date | None:
    """The insert's due date: what a new action's agreed_due starts as."""
    return context.get_current_parameters().get("due_date")


class Action(Base):
    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint("status IN ('proposed', 'open', 'done', 'dropped', 'declined')", name="status"),
        Index("ix_actions_owner_status_due", "owner_id", "status", "due_date"),
        # One effect per modal or command, however often Slack or the person resends it.
        UniqueConstraint("workspace_id", "source_key"),
        # A repeating action has at most one next occurrence, however often Done is clicked, submitted or
        # taken back and given again: the second insert is refused and the first occurrence is reused.
        UniqueConstraint("repeat_of_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(32), default="other")
    due_date: Mapped[date]
    # The due date first agreed: set with the action (a manager's proposal: when the member accepts it) and
    # kept when the date moves, so a streak counts what was done by the date first agreed.
    agreed_due: Mapped[date | None] = mapped_column(default=_due_date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    opening_line: Mapped[str | None] = mapped_column(Text)
    voicemail_plan: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    repeat_weeks: Mapped[int | None]
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="SET NULL"))
    source_key: Mapped[str | None] = mapped_column(String(120))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    outcomes: Mapped[str | None] = mapped_column(String(64))  # comma-separated OUTCOMES
    decline_reason: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None]
    # Done on time, decided when it was done (bot/services/actions.py, `in_time`): by the date first agreed, or
    # the day the bot's own check-in about that date came when it came a working day later (bundled). None:
    # open, dropped, or done before this was kept (then the dates decide).
    done_in_time: Mapped[bool | None]
    # A follow-up went unanswered: the manager's review and digest show it; the bot never DMs the manager.
    needs_attention: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    contacts: Mapped[list[ActionContact]] = relationship(
        back_populates="action", order_by="ActionContact.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_final(self) -> bool:
        return self.status in ("done", "dropped", "declined")


class ActionContact(Base):
    """One person or client of an action, with their own small progress line."""

    __tablename__ = "action_contacts"
    __table_args__ = (
        CheckConstraint(
            "status IN ('todo', 'reached', 'voicemail', 'no_answer', 'booked', 'done')", name="status"
        ),
        Index("ix_action_contacts_action_id", "action_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(120))
    slack_user_id: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="todo")
    retry_on: Mapped[date | None]
    appointment_on: Mapped[date | None]
    updated_at: Mapped[datetime]

    action: Mapped[Action] = relationship(back_populates="contacts")
