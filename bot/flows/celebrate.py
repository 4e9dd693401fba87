"""Celebrate right away: after a Done, wherever it was clicked, the planned celebration goes out now."""

from __future__ import annotations

from sqlalchemy import select

from bot.deps import Deps
from bot.services import kinds, people
from models import Nudge


def celebrate(deps: Deps, team_id: str, user_id: str) -> None:
    """Send the celebrations planned for a person right now (after a Done, wherever it was clicked)."""
    with deps.transaction() as session:
        person = people.find_person(session, team_id, user_id)
        if person is None:
            return
        ids = list(
            session.scalars(
                select(Nudge.id).where(
                    Nudge.person_id == person.id, Nudge.kind == kinds.CELEBRATION, Nudge.status == "planned"
                )
            )
        )
    for nudge_id in ids:
        deps.sender.send_now(nudge_id)
