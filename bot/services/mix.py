"""The 70/30 mix as a measure, not a target: the inspiring share of what a person was sent.

Nothing is added to reach a share (the planner spends a budget on what helps most); this reports what the
messages carried, for people who answer and for those who do not, so the share can be watched.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.kinds import CHECK, INSPIRE
from models import Nudge, Person

WINDOW = timedelta(weeks=4)


def share_of(tones: Iterable[str]) -> float | None:
    """The inspiring share among inspiring and checking messages; None when there are none."""
    counted = [t for t in tones if t in (INSPIRE, CHECK)]
    return sum(t == INSPIRE for t in counted) / len(counted) if counted else None


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
