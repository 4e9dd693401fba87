"""A submitted action form, kept from its ack until it is saved as the action (bot/flows/action_form.py).

Storing the submission is all the ack waits for: one row. Turning it into the action (checks again, the
action, its contacts, its event, the plan) comes after the ack, in the transaction that deletes the row; a
row left behind (the process died in between) is finished by the worker. Nothing typed is lost either way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class FormSubmission(Base):
    __tablename__ = "form_submissions"
    # A view submitted twice (a double click) is one submission.
    __table_args__ = (UniqueConstraint("workspace_id", "view_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    view_id: Mapped[str] = mapped_column(String(64))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)  # the view's state.values, as Slack sent them
    private_metadata: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)  # the worker's tries to save it (bot/flows/action_form.py)
