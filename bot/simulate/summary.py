"""The closing table: per person, what they received and did, and whether the 70/30 mix held.

The share is the one bot/services/mix.py reports: inspiring parts over all parts, where a check-in that
opens with what went well or what is next carries one of each. For people who answer, every 28-day window
inside the simulated weeks with at least 8 messages should keep it within INSPIRE_SHARE ± 0.05; for people
who never answer it is reported, not judged (nothing is sent to chase it).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.services.kinds import SENT
from bot.services.mix import parts_of
from bot.simulate.run import TIMEZONE, Outcome
from models import Action, ActionContact, Event, Person

WINDOW_DAYS = 28
MIN_MESSAGES = 8  # fewer messages than this can't show a share finely enough to judge
BAND = 0.05
# The order of the columns: the kinds a person can receive (bot/services/kinds.py), internal ones left out.
KINDS = SENT


@dataclass(frozen=True)
class Mix:
    status: str  # "held", "missed", "reported" (never answers: not judged), or "too few" (no window to judge)
    windows: int = 0  # windows judged
    worst: float | None = None  # the share furthest from the target
    worst_day: date | None = None  # last day of that window
    low: float | None = None  # the lowest and highest share of the windows
    high: float | None = None


@dataclass
class Row:
    user_id: str
    name: str
    role: str
    answers: str
    kinds: Counter[str] = field(default_factory=Counter)
    inspire: int = 0  # inspiring parts (a mixed check-in counts one here and one under check)
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
    """(last day, inspiring share) of every 28-day window inside [start, end) with enough messages to judge:
    inspiring parts over all parts (bot/services/mix.py)."""
    by_day: dict[date, Counter[str]] = {}
    for day, tone in days:
        inspiring, checking = parts_of(tone)
        if inspiring or checking:
            counts = by_day.setdefault(day, Counter())
            counts["messages"] += 1
            counts["inspire"] += inspiring
            counts["check"] += checking
    shares = []
    last = start + timedelta(days=WINDOW_DAYS - 1)
    while last < end:
        window: Counter[str] = Counter()
        for offset in range(WINDOW_DAYS):
            window.update(by_day.get(last - timedelta(days=offset), Counter()))
        if window["messages"] >= MIN_MESSAGES:
            shares.append((last, window["inspire"] / (window["inspire"] + window["check"])))
        last += timedelta(days=1)
    return shares


def mix_of(days: list[tuple[date, str]], start: date, end: date, target: float, *, judged: bool = True) -> Mix:
    """Judge every 28-day window that lies inside [start, end) by the rule above; with `judged` False (a
    person who never answers) only report the shares."""
    shares = window_shares(days, start, end)
    if not shares:
        return Mix("too few")
    worst_day, worst = max(shares, key=lambda item: abs(item[1] - target))
    low, high = min(s for _, s in shares), max(s for _, s in shares)
    missed = any(not target - BAND - 1e-9 <= share <= target + BAND + 1e-9 for _, share in shares)
    status = ("missed" if missed else "held") if judged else "reported"
    return Mix(status, len(shares), worst, worst_day, low, high)


def rows(outcome: Outcome) -> list[Row]:
    found = {m.user_id: Row(m.user_id, m.name, m.role, m.answers) for m in outcome.people}
    tones: dict[str, list[tuple[date, str]]] = {m.user_id: [] for m in outcome.people}
    for entry in outcome.entries:
        if entry.what != "dm" or entry.user_id not in found:
            continue
        sender = found[entry.user_id]
        sender.kinds[entry.kind] += 1
        inspiring, checking = parts_of(entry.tone)
        if inspiring or checking:
            sender.inspire += inspiring
            sender.check += checking
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
            in_time = action.done_in_time  # a Done to a bundled check-in the day it came counts as on time
            if not (in_time if in_time is not None else action.done_at.astimezone(zone).date() <= first_due):
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
        row.mix = mix_of(
            tones[user_id], outcome.start, outcome.end, outcome.inspire_share, judged=row.answers != "never"
        )
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
