"""The message budget: how many direct messages a person may get in a week and on a day.

A typical professional (about two new actions a week) gets at most `max_per_week` messages a week, every
direct message counted, celebrations too; "fewer messages" halves it, and so does silence: when the last
questions went unanswered, the next messages thin out (and the rhythm question comes, see dispatch). A day
holds at most `max_per_day` planned messages and one celebration (several Dones share it).

Check-ins always go (bundled, see planning); preparation and the week plan take what is left.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services.kinds import ASKS_ABOUT_DUE, KINDS
from bot.services.rules import PlanRules
from models import Nudge, Person

# A question counts as unanswered once it has had this long.
ANSWER_TIME = timedelta(days=1)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def silent(history: list[Nudge], now: datetime, rules: PlanRules) -> bool:
    """The last questions (check-ins, follow-ups) sent at least a day ago all went unanswered."""
    asked = sorted(
        (n for n in history if n.kind in ASKS_ABOUT_DUE and n.sent_at is not None and n.sent_at <= now - ANSWER_TIME),
        key=lambda n: (n.sent_at, n.id),
        reverse=True,
    )[: rules.silence_after]
    return len(asked) == rules.silence_after and all(n.answered_at is None for n in asked)


def per_week(person: Person, rules: PlanRules, *, quiet: bool) -> int:
    """This person's weekly budget: halved for "fewer messages", halved again while they are silent."""
    budget = rules.max_per_week
    if person.rhythm == "fewer":
        budget //= 2
    if quiet:
        budget //= 2
    return max(1, budget)


def budget_of(session: Session, person: Person, rules: PlanRules, now: datetime) -> int:
    """The person's weekly budget now (dispatch checks it again at send time)."""
    last = list(
        session.scalars(
            select(Nudge)
            .where(Nudge.person_id == person.id, Nudge.status == "sent", Nudge.kind.in_(ASKS_ABOUT_DUE))
            .order_by(Nudge.sent_at.desc(), Nudge.id.desc())
            .limit(rules.silence_after + 2)
        )
    )
    return per_week(person, rules, quiet=silent(last, now, rules))


@dataclass
class Spent:
    """Messages per day (planned kinds that count toward the daily maximum) and per week (every message)."""

    week_budget: int
    rules: PlanRules
    by_day: Counter[date] = field(default_factory=Counter)
    by_week: Counter[date] = field(default_factory=Counter)

    def add(self, kind: str, day: date, amount: int = 1) -> None:
        record = KINDS[kind]
        if record.capped:
            self.by_day[day] += amount
        if record.sends:
            self.by_week[monday_of(day)] += amount

    def day_has_room(self, kind: str, day: date) -> bool:
        return not KINDS[kind].capped or self.by_day[day] < self.rules.max_per_day

    def week_has_room(self, kind: str, day: date) -> bool:
        """Check-ins, follow-ups, the rhythm question and the welcome back always fit: the budget is spent
        on them first, and what is left goes to preparation and the week plan."""
        return KINDS[kind].essential or self.by_week[monday_of(day)] < self.week_budget
