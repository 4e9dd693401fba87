"""The closing table: per person, what they received and did, and whether the 70/30 mix held.

The mix rule is the one tests/test_tone_mix.py holds the planner to: every 28-day window inside the
simulated weeks that has at least 8 messages keeps its inspiring share within INSPIRE_SHARE ± 0.05.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.services.kinds import SENT
from bot.simulate.run import TIMEZONE, Outcome
from models import Action, ActionContact, Event, Person

WINDOW_DAYS = 28
MIN_MESSAGES = 8  # fewer messages than this can't show a share finely enough to judge
BAND = 0.05
# The order of the columns: the kinds a person can receive (bot/services/kinds.py), internal ones left out.
KINDS = SENT


@dataclass(frozen=True)
class Mix:
    status: str  # "held", "missed", or "too few" (no window with enough messages)
    windows: int = 0  # windows judged
    worst: float | None = None  # the share furthest from the target
    worst_day: date | None = None  # last day of that window


@dataclass
class Row:
    user_id: str
    name: str
    role: str
    answers: str
    kinds: Counter[str] = field(default_factory=Counter)
    inspire: int = 0
    check: int = 0
    done: int = 0
    late: int = 0
    attention: int = 0
    mix: Mix = field(default_factory=lambda: Mix("too few"))

    @property
    def messages(self) -> int:
        return sum(self.kinds.values())

    @property
    def share(self) -> float | None:
        total = self.inspire + self.check
        return self.inspire / total if total else None


def window_shares(days: list[tuple[date, str]], start: date, end: date) -> list[tuple[date, float]]:
    """(last day, inspiring share) of every 28-day window inside [start, end) with enough messages to judge."""
    by_day: dict[date, Counter[str]] = {}
    for day, tone in days:
        by_day.setdefault(day, Counter())[tone] += 1
    shares = []
    last = start + timedelta(days=WINDOW_DAYS - 1)
    while last < end:
        inspire = check = 0
        for offset in range(WINDOW_DAYS):
            counts = by_day.get(last - timedelta(days=offset))
            if counts:
                inspire, check = inspire + counts["inspire"], check + counts["check"]
        if inspire + check >= MIN_MESSAGES:
            shares.append((last, inspire / (inspire + check)))
        last += timedelta(days=1)
    return shares


def mix_of(days: list[tuple[date, str]], start: date, end: date, target: float) -> Mix:
    """Judge every 28-day window that lies inside [start, end) by the rule above."""
    shares = window_shares(days, start, end)
    if not shares:
        return Mix("too few")
    worst_day, worst = max(shares, key=lambda item: abs(item[1] - target))
    missed = any(not target - BAND - 1e-9 <= share <= target + BAND + 1e-9 for _, share in shares)
    return Mix("missed" if missed else "held", len(shares), worst, worst_day)


def rows(outcome: Outcome) -> list[Row]:
    found = {m.user_id: Row(m.user_id, m.name, m.role, m.answers) for m in outcome.people}
    tones: dict[str, list[tuple[date, str]]] = {m.user_id: [] for m in outcome.people}
    for entry in outcome.entries:
        if entry.what != "dm" or entry.user_id not in found:
            continue
        sender = found[entry.user_id]
        sender.kinds[entry.kind] += 1
        if entry.tone in ("inspire", "check"):
            sender.inspire += entry.tone == "inspire"
            sender.check += entry.tone == "check"
            tones[entry.user_id].append((entry.local.date(), entry.tone))
    zone = ZoneInfo(TIMEZONE)
    with outcome.deps.sessions() as session:
        user_of = {p.id: p.slack_user_id for p in session.scalars(select(Person))}
        agreed: dict[int, date] = {}
        for action_id, data in session.execute(
            select(Event.action_id, Event.data).where(Event.kind == "created").order_by(Event.id)
        ):
            if action_id is not None and action_id not in agreed and data.get("due"):
                agreed[action_id] = date.fromisoformat(data["due"])
        for action in session.scalars(select(Action).where(Action.status == "done").order_by(Action.id)):
            row = found.get(user_of.get(action.owner_id, ""))
            if row is None or action.done_at is None:
                continue
            row.done += 1
            first_due = agreed.get(action.id, action.due_date)
            if action.done_at.astimezone(zone).date() > first_due:
                row.late += 1
        marked = session.execute(
            select(Event.action_id, Action.owner_id)
            .join(Action, Action.id == Event.action_id)
            .where(Event.kind == "needs_attention")
            .distinct()
        )
        for _action_id, owner_id in marked:
            row = found.get(user_of.get(owner_id, ""))
            if row is not None:
                row.attention += 1
    for user_id, row in found.items():
        row.mix = mix_of(tones[user_id], outcome.start, outcome.end, outcome.inspire_share)
    return [found[m.user_id] for m in outcome.people]


@dataclass(frozen=True)
class Achieved:
    """What the team got done, as the closing words of a transcript say it (rows give done and late)."""

    open: Counter[str]  # open actions per user id at the end
    meetings: int  # outcomes "meeting booked" and contacts with an appointment
    contacts: int  # different clients and contacts of the actions done


def achieved(outcome: Outcome) -> Achieved:
    with outcome.deps.sessions() as session:
        user_of = {p.id: p.slack_user_id for p in session.scalars(select(Person))}
        still_open: Counter[str] = Counter()
        meetings = 0
        done_ids = []
        for action in session.scalars(select(Action).where(Action.status.in_(("open", "done")))):
            if action.status == "open":
                still_open[user_of.get(action.owner_id, "")] += 1
                continue
            done_ids.append(action.id)
            meetings += "meeting" in (action.outcomes or "").split(",")
        contacts = session.execute(
            select(ActionContact.name, ActionContact.status).where(ActionContact.action_id.in_(done_ids))
        ).all()
    meetings += sum(1 for _, status in contacts if status == "booked")
    return Achieved(still_open, meetings, len({name.strip().lower() for name, _ in contacts}))
