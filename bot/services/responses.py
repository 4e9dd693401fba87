"""What counts as the person having answered: a click on the question, or acting on its action anywhere.

Silence has consequences (a follow-up, a "needs attention" mark, the rhythm question), so acting on an
action from the Home tab, a list or by ticking a contact must count as an answer too.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import planning
from bot.services.clock import Clock
from bot.services.kinds import CHECKING, WAITS_FOR_ANSWER
from models import Nudge, Person

LOOKBACK = timedelta(days=30)


def heard_from(session: Session, clock: Clock, person: Person, action_ids: set[int]) -> None:
    """The person acted on these actions (ticked a contact, or Done, Drop or a new date from the Home tab
    or a list): the questions about them count as answered, and nothing waits for an answer any more."""
    recent = clock.now() - LOOKBACK
    for row in session.scalars(
        select(Nudge).where(
            Nudge.person_id == person.id,
            Nudge.status == "sent",
            Nudge.answered_at.is_(None),
            Nudge.kind.in_(CHECKING),
            Nudge.sent_at >= recent,
        )
    ):
        if action_ids & set(row.action_ids or []):
            row.answered_at = clock.now()
    planning.cancel_reactions(session, person, action_ids, WAITS_FOR_ANSWER)
