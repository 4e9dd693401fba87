"""Who manages whom. Team setup itself comes with the teams issue; this is what action planning needs."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from models import Membership, Person


def is_manager_of(session: Session, manager: Person, member: Person) -> bool:
    """True when manager manages a team that member belongs to, in the same workspace."""
    if manager.workspace_id != member.workspace_id or manager.id == member.id:
        return False
    managing = aliased(Membership)
    belonging = aliased(Membership)
    found = session.scalar(
        select(managing.id)
        .join(belonging, belonging.team_id == managing.team_id)
        .where(
            managing.workspace_id == manager.workspace_id,
            managing.person_id == manager.id,
            managing.role == "manager",
            belonging.person_id == member.id,
            belonging.role == "member",
        )
        .limit(1)
    )
    return found is not None
