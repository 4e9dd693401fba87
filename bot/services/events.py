"""The append-only events log."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.services.clock import Clock
from models import Event, Person


def record(
    session: Session,
    clock: Clock,
    *,
    workspace_id: int,
    kind: str,
    actor_id: int | None = None,
    action_id: int | None = None,
    **data: Any,
) -> Event:
    event = Event(
        workspace_id=workspace_id,
        actor_id=actor_id,
        action_id=action_id,
        kind=kind,
        data=data,
        created_at=clock.now(),
    )
    session.add(event)
    return event


def by(session: Session, clock: Clock, actor: Person, kind: str, *, action_id: int | None = None, **data: Any) -> Event:
    """What a person did, in their workspace."""
    return record(
        session, clock, workspace_id=actor.workspace_id, kind=kind, actor_id=actor.id, action_id=action_id, **data
    )
