"""The one-to-one review: a manager walks through a member's list with them.

Only the member's own managers may look, and every look is recorded in the events log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import actions, events, teams
from bot.services.clock import Clock
from bot.services.kinds import CHECKING
from models import Action, Nudge, Person

DONE_WINDOW = timedelta(weeks=4)
LAST_CHECKINS = 6


@dataclass
class CheckIn:
    kind: str
    day: date
    answers: list[str]  # the choices given, in the order of the bundle; empty: no answer


@dataclass
class Review:
    member: Person
    today: date
    done: list[Action] = field(default_factory=list)
    open: list[Action] = field(default_factory=list)
    checkins: list[CheckIn] = field(default_factory=list)

    @property
    def overdue(self) -> list[Action]:
        return [a for a in self.open if a.due_date < self.today]

    @property
    def attention(self) -> list[Action]:
        return [a for a in self.open if a.needs_attention]


def review(session: Session, clock: Clock, manager: Person, member: Person, today: date, *, via: str) -> Review:
    """The member's list for their manager; TeamError("not_manager") for anyone else."""
    if not teams.is_manager_of(session, manager, member):
        raise teams.TeamError("not_manager")
    found = Review(member=member, today=today)
    found.done = actions.done_since(session, member, clock.now() - DONE_WINDOW)
    found.open = actions.open_actions(session, member)
    rows = session.scalars(
        select(Nudge)
        .where(
            Nudge.workspace_id == member.workspace_id,
            Nudge.person_id == member.id,
            Nudge.kind.in_(CHECKING),
            Nudge.status == "sent",
        )
        .order_by(Nudge.sent_at.desc(), Nudge.id.desc())
        .limit(LAST_CHECKINS)
    )
    for row in rows:
        answers = [str(v) for v in (row.answer or {}).values()]
        found.checkins.append(CheckIn(kind=row.kind, day=row.local_date, answers=answers))
    events.by(session, clock, manager, "reviewed", member=member.id, via=via)  # a manager of their workspace
    return found
