"""The 70/30 mix as a measure, not a target: the inspiring share of what a person was sent.

Nothing is added to reach a share (the planner spends a budget on what helps most); this reports what the
messages carried, for people who answer and for those who do not, so the share can be watched. A check-in
that opens with what went well or what is next (bot/services/openers.py) carries one part of each.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.kinds import CHECK, INSPIRE, MIXED
from models import Nudge, Person

WINDOW = timedelta(weeks=4)


def parts_of(tone: str) -> tuple[int, int]:
    """(inspiring, checking) parts a message of this tone carries: a mixed one (a check-in that opens with
    what went well or what is next) one of each."""
    return int(tone in (INSPIRE, MIXED)), int(tone in (CHECK, MIXED))


def share_of(tones: Iterable[str]) -> float | None:
    """The inspiring share of the parts the messages carried: inspiring parts / all parts; None when none."""
    inspiring = checking = 0
    for tone in tones:
        more, less = parts_of(tone)
        inspiring, checking = inspiring + more, checking + less
    return inspiring / (inspiring + checking) if inspiring + checking else None


def inspiring_share(session: Session, person: Person, end: date, window: timedelta = WINDOW) -> float | None:
    """The person's inspiring share over the window ending on `end` (their own days, `end` included)."""
    tones = session.scalars(
        select(Nudge.tone).where(
            Nudge.person_id == person.id,
            Nudge.status == "sent",
            Nudge.local_date > end - window,
            Nudge.local_date <= end,
        )
    )
    return share_of(tones)
