"""What a check-in opens with: something that went well lately, or what is next (issue 13, "70/30 as character").

The inspiring share is what the messages carry, not messages added to reach it: a check-in (or a tidy-up)
leads with one true, specific line when there is one, and is then "mixed" (one inspiring part, one checking
part; bot/services/mix.py counts them). Nothing true to say: no opener, and the check-in is a check.

Decided when the message is prepared, from the moment it is about (`at`: its send time), so the same row
gives the same opener when it is rendered again after an answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.coaching import channel
from bot.services.kinds import KINDS, MIXED
from models import Action, ActionContact, Nudge, Person

LATELY = timedelta(days=7)
DONE, BOOKED, NEXT = "done", "booked", "next"
# The first preparation step of what is next: what it still lacks, most useful first; READY: nothing.
OPENING_LINE, VOICEMAIL_PLAN, READY = "opening_line", "voicemail_plan", "ready"


@dataclass(frozen=True)
class Opener:
    what: str  # DONE, BOOKED or NEXT
    action: Action
    contact: ActionContact | None = None  # BOOKED: who the meeting is with
    step: str = READY  # NEXT: its first preparation step


def first_step(action: Action) -> str:
    if not (action.opening_line or "").strip():
        return OPENING_LINE
    if channel(action.title) == "call" and not (action.voicemail_plan or "").strip():
        return VOICEMAIL_PLAN
    return READY


def opener_for(session: Session, person: Person, about: set[int], at: datetime, today: date) -> Opener | None:
    """An action done or a meeting booked in the week before `at` (the newest), else the next open action
    the message is not about, with its first preparation step; None when there is nothing to say."""
    done = session.scalar(
        select(Action)
        .where(Action.owner_id == person.id, Action.status == "done")
        .where(Action.done_at > at - LATELY, Action.done_at <= at)
        .order_by(Action.done_at.desc(), Action.id.desc())
        .limit(1)
    )
    if done is not None:
        return Opener(DONE, done)
    booked = session.execute(
        select(ActionContact, Action)
        .join(Action, Action.id == ActionContact.action_id)
        .where(
            Action.owner_id == person.id,
            ActionContact.status == "booked",
            ActionContact.updated_at > at - LATELY,
            ActionContact.updated_at <= at,
        )
        .order_by(ActionContact.updated_at.desc(), ActionContact.id.desc())
        .limit(1)
    ).first()
    if booked is not None:
        return Opener(BOOKED, booked[1], contact=booked[0])
    following = session.scalar(
        select(Action)
        .where(Action.owner_id == person.id, Action.status == "open", Action.due_date > today, Action.id.not_in(about))
        .order_by(Action.due_date, Action.id)
        .limit(1)
    )
    return Opener(NEXT, following, step=first_step(following)) if following is not None else None


def opener_of(session: Session, row: Nudge, person: Person) -> Opener | None:
    """The opener a sent row led with, again, to render it in place after an answer (None unless mixed)."""
    if row.tone != MIXED or row.sent_at is None or not KINDS[row.kind].opens_with_news:
        return None
    return opener_for(session, person, set(row.action_ids or []), row.sent_at, row.local_date)
