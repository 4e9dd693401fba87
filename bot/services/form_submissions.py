"""Submitted action forms kept from the ack until they are saved (models/form_submission.py).

The ack waits only for `accept` (one row); the flow turns the row into the action after the ack (`take`, then
deletes it in that transaction), and the worker finishes rows older than GRACE (`left_behind`): the process
died between the ack and the save. Nothing typed into a closed form is lost.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.clock import Clock
from models import FormSubmission, Person, Workspace

GRACE = timedelta(seconds=30)  # the after-ack save normally takes the row within milliseconds
BATCH = 50
MAX_ATTEMPTS = 5  # the worker's tries; then the person gets what they typed back (a bug, not a blip)


def accept(
    session: Session, clock: Clock, person: Person, view_id: str, values: dict[str, Any], private_metadata: str
) -> int:
    """Keep a checked submission; its id. The same view twice raises IntegrityError (see `is_kept`)."""
    row = FormSubmission(
        workspace_id=person.workspace_id,
        person_id=person.id,
        view_id=view_id,
        values=values,
        private_metadata=private_metadata,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    return row.id


def is_kept(session: Session, slack_team_id: str, view_id: str) -> bool:
    """A submission of this view is kept (it is being saved)."""
    return (
        session.scalar(
            select(FormSubmission.id)
            .join(Workspace, Workspace.id == FormSubmission.workspace_id)
            .where(Workspace.slack_team_id == slack_team_id, FormSubmission.view_id == view_id)
        )
        is not None
    )


def take(session: Session, submission_id: int) -> FormSubmission | None:
    """The kept submission, locked for this transaction; None when someone else saved it already (or is)."""
    return session.scalar(
        select(FormSubmission).where(FormSubmission.id == submission_id).with_for_update(skip_locked=True)
    )


def count_attempt(session: Session, submission_id: int) -> int:
    """One more try by the worker; how many so far (0: the row is gone)."""
    row = session.get(FormSubmission, submission_id)
    if row is None:
        return 0
    row.attempts += 1
    return row.attempts


def left_behind(session: Session, clock: Clock, *, limit: int = BATCH) -> list[tuple[int, str, str]]:
    """(id, Slack team id, Slack user id) of submissions kept longer than GRACE: the save after the ack
    never came."""
    rows = session.execute(
        select(FormSubmission.id, Workspace.slack_team_id, Person.slack_user_id)
        .join(Person, Person.id == FormSubmission.person_id)
        .join(Workspace, Workspace.id == FormSubmission.workspace_id)
        .where(FormSubmission.created_at < clock.now() - GRACE)
        .order_by(FormSubmission.created_at, FormSubmission.id)
        .limit(limit)
    )
    return [(row[0], row[1], row[2]) for row in rows]
