"""The planner: which messages a person gets, on which day, in which slot, keeping the 70/30 tone mix.

`replan(session, clock, person)` rebuilds the person's planned rows from the state of their actions.
It runs after every change to an action or a setting. Rows already sent are history; rows a worker has
claimed are left alone; reactive rows (follow-ups, celebrations, the rhythm question) are kept while
their actions are open.

The tone mix: every message is inspiring or checking. Walking the days ahead with a 28-day window
over what was sent and what is planned, the planner adds a preparation tip (inspiring) when the
inspiring share would fall under the band, and a short progress check (checking) when it would rise
above it (for a person who chose fewer messages, it leaves out a tip or a prep instead). Bundling does
the rest: all check-ins of a day are one message (two working days in a row come together on the second
day), and a week plan that already shows an action's preparation replaces that action's own prep message.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.services.calendar import WorkWeek, work_week_of
from bot.services.clock import Clock
from bot.services.kinds import (
    ASKS_ABOUT_DUE,
    CHECK,
    CHECKIN,
    INSPIRE,
    KINDS,
    MORNING,
    PREP,
    PROGRESS,
    REACTIVE,
    SCHEDULED,
    SUMMARY,
    TIP,
    WEEKPLAN,
)
from bot.services.rules import PlanRules
from models import Action, Nudge, Person

# The mix is steered towards its target, so reactions (a follow-up, a celebration) have room either way.
STEER_MARGIN = 0.01
MIN_MESSAGES_TO_STEER = 4
HORIZON_AFTER_LAST = 7
# Today's messages count in the windows of the next days too; a day that cannot take a tip or a check
# itself (full, or not a working day) is steered up to this many days earlier.
LOOK_AHEAD_DAYS = 3
# An action created after the morning slot and due the next working day gets its prep later that day:
# an hour on, so it reminds rather than echoes what the person just typed.
LATE_PREP_DELAY = timedelta(hours=1)


@dataclass
class Item:
    kind: str
    day: date
    action_ids: list[int] = field(default_factory=list)
    deadline: date | None = None  # the last day it still makes sense (a prep before its check-in)
    fixed: bool = False  # already a row (reactive, or history)
    at: datetime | None = None  # a moment other than the kind's slot (a prep that cannot wait for a morning)

    @property
    def tone(self) -> str:
        return KINDS[self.kind].tone


def _lock_person(session: Session, person: Person) -> None:
    # Two processes replanning one person would each insert a full plan; the row lock serialises them.
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(Person.id).where(Person.id == person.id).with_for_update())


def slot_moment(week: WorkWeek, item_kind: str, day: date) -> datetime:
    return week.morning(day) if KINDS[item_kind].slot == MORNING else week.checkin_at(day)


def first_slot_day(week: WorkWeek, kind: str, now: datetime) -> date:
    """The first day whose slot for this kind is still ahead."""
    day = week.local_date(now)
    if week.can_speak_on(day) and slot_moment(week, kind, day) > now:
        return day
    day = week.next_working_day(day)
    while week.is_paused(day):
        day = week.next_working_day(day)
    return day


def _checkin_covered(history: list[Nudge], action: Action) -> bool:
    """A check-in (or follow-up) about this action was sent for its current due date."""
    return any(
        n.kind in ASKS_ABOUT_DUE and action.id in (n.action_ids or []) and n.local_date >= action.due_date
        for n in history
    )


def pair_checkins(week: WorkWeek, checkins: dict[date, list[int]]) -> dict[date, list[int]]:
    """Check-ins on two working days in a row become one, on the second day.

    A busy week then has at most three check-in messages, which leaves room for the encouragement
    and preparation that keep the mix; a check-in comes at most one working day late.
    """
    paired: dict[date, list[int]] = {}
    days = sorted(checkins)
    skip = False
    for index, day in enumerate(days):
        if skip:
            skip = False
            continue
        following = days[index + 1] if index + 1 < len(days) else None
        if following is not None and week.next_working_day(day) == following:
            paired[following] = sorted(checkins[day] + checkins[following])
            skip = True
        else:
            paired[day] = checkins[day]
    return paired


def base_items(
    week: WorkWeek, actions: list[Action], history: list[Nudge], person: Person, now: datetime, rules: PlanRules
) -> list[Item]:
    today = week.local_date(now)
    items: list[Item] = []
    checkins: dict[date, list[int]] = {}
    first_checkin = first_slot_day(week, CHECKIN, now)
    first_morning = first_slot_day(week, PREP, now)
    recent_prep = {
        a for n in history if n.kind == PREP and n.local_date >= today - timedelta(days=7) for a in n.action_ids or []
    }
    for action in actions:
        if _checkin_covered(history, action):
            continue
        day = max(week.next_working_day(action.due_date, include=True), first_checkin)
        while week.is_paused(day):
            day = week.next_working_day(day)
        checkins.setdefault(day, []).append(action.id)
        if action.id in recent_prep:
            continue
        prep_day = max(week.add_working_days(day, -rules.prep_days), first_morning)
        if prep_day < day:
            items.append(Item(PREP, prep_day, [action.id], deadline=week.add_working_days(day, -1)))
        elif today < day and week.within_hours(now + LATE_PREP_DELAY):
            # Created after this morning's slot and due before the next one: prepare now, while it helps.
            items.append(Item(PREP, today, [action.id], deadline=today, at=now + LATE_PREP_DELAY))
    for day, ids in pair_checkins(week, checkins).items():
        items.append(Item(CHECKIN, day, ids))
    # Week plans: the first working day of each week that has check-ins, if its morning is still ahead.
    weeks: dict[date, list[int]] = {}
    for day, ids in checkins.items():
        weeks.setdefault(day - timedelta(days=day.weekday()), []).extend(ids)
    for monday, ids in weeks.items():
        day = week.next_working_day(monday, include=True)
        if day >= first_morning and day - monday < timedelta(days=7):
            items.append(Item(WEEKPLAN, day, sorted(ids), deadline=day))
    if person.welcome_back_pending:
        items.append(Item(SUMMARY, first_morning, [a.id for a in actions]))
    return items


class Mix:
    """Counts of inspiring and checking messages per day, for a sliding window."""

    def __init__(self, window_days: int):
        self.window = window_days
        self.by_day: dict[date, Counter[str]] = {}

    def add(self, day: date, tone: str, amount: int = 1) -> None:
        if tone in (INSPIRE, CHECK):
            self.by_day.setdefault(day, Counter())[tone] += amount

    def window_counts(self, day: date) -> tuple[int, int]:
        inspire = check = 0
        for offset in range(self.window):
            counts = self.by_day.get(day - timedelta(days=offset))
            if counts:
                inspire += counts[INSPIRE]
                check += counts[CHECK]
        return inspire, check


@dataclass
class _Steering:
    """What walking the days to keep the mix needs."""

    items_by_day: dict[date, list[Item]]
    mix: Mix
    week: WorkWeek
    end: date
    rules: PlanRules
    sent_today: Counter[date]
    fewer: bool

    def windows(self, day: date) -> list[tuple[int, int]]:
        """Today's window, and those of the next days that cannot steer themselves (when big enough to steer)."""
        ahead = _windows_ahead(self.items_by_day, self.mix, self.week, day, self.end, self.rules, self.sent_today)
        return [self.mix.window_counts(day)] + [(i, c) for i, c in ahead if i + c >= MIN_MESSAGES_TO_STEER - 1]


def steer(
    items_by_day: dict[date, list[Item]],
    mix: Mix,
    week: WorkWeek,
    actions: list[Action],
    start: date,
    end: date,
    rules: PlanRules,
    sent_today: Counter[date],
    now: datetime,
    fewer: bool = False,
) -> None:
    """Walk the days; add a tip or a progress check (on "fewer": drop a tip or prep) where the mix leaves the band."""
    steering = _Steering(items_by_day, mix, week, end, rules, sent_today, fewer)
    # Sorted once; each day looks only at the first actions due from that day on (a pointer moves with the
    # days), so steering is linear in the days, not days x actions.
    ordered = sorted(actions, key=lambda a: (a.due_date, a.id))
    first_due = 0
    day = start
    while day <= end:
        while first_due < len(ordered) and ordered[first_due].due_date < day:
            first_due += 1
        # Today counts only while its slots are still ahead (a tip is a morning message).
        if week.can_speak_on(day) and slot_moment(week, TIP, day) > now:
            _steer_day(steering, day, ordered, first_due)
        day += timedelta(days=1)


def _steer_day(steering: _Steering, day: date, ordered: list[Action], first_due: int) -> None:
    today_items = steering.items_by_day.setdefault(day, [])
    mentioned = {a for i in today_items for a in i.action_ids}
    upcoming = _first_upcoming(ordered, first_due, mentioned, day)
    inspire, check = steering.mix.window_counts(day)
    if not upcoming or inspire + check < MIN_MESSAGES_TO_STEER - 1:
        return
    windows = steering.windows(day)
    target = steering.rules.inspire_share
    low = any(i / (i + c) < target - STEER_MARGIN for i, c in windows)
    high = any(i / (i + c) > target + STEER_MARGIN for i, c in windows)
    if low and _has_room(TIP, today_items, steering.sent_today[day], steering.rules):
        if all((i + 1) / (i + c + 1) <= target + 2 * STEER_MARGIN for i, c in windows):
            today_items.append(Item(TIP, day, [upcoming[0].id]))
            steering.mix.add(day, INSPIRE)
            return
    if high and not low:
        _calm_day(steering, day, today_items, upcoming, windows)


def _calm_day(
    steering: _Steering, day: date, today_items: list[Item], upcoming: list[Action], windows: list[tuple[int, int]]
) -> None:
    """Too inspiring. A person who chose "fewer messages" loses today's tip or prep rather than getting one
    more question (follow-ups stop for them too, see dispatch); others get a progress check."""
    target = steering.rules.inspire_share
    extra = [i for i in today_items if i.kind in (TIP, PREP) and not i.fixed] if steering.fewer else []
    if extra and all((i - 1) / (i + c - 1) >= target - 2 * STEER_MARGIN for i, c in windows):
        today_items.remove(next((i for i in extra if i.kind == TIP), extra[0]))
        steering.mix.add(day, INSPIRE, -1)
    elif _has_room(PROGRESS, today_items, steering.sent_today[day], steering.rules) and all(
        i / (i + c + 1) >= target - 2 * STEER_MARGIN for i, c in windows
    ):
        later = [a for a in upcoming if a.due_date > day] or upcoming
        today_items.append(Item(PROGRESS, day, [later[0].id]))
        steering.mix.add(day, CHECK)


def _first_upcoming(ordered: list[Action], start: int, mentioned: set[int], day: date) -> list[Action]:
    """The first action due from `day` on that today's messages do not mention, and the first due after `day`
    (what steering picks from), in due order; [] when there is none."""
    found: list[Action] = []
    for index in range(start, len(ordered)):
        action = ordered[index]
        if action.id in mentioned:
            continue
        if not found:
            found.append(action)
            if action.due_date > day:
                break
        elif action.due_date > day:
            found.append(action)
            break
    return found


def _windows_ahead(
    items_by_day: dict[date, list[Item]],
    mix: Mix,
    week: WorkWeek,
    day: date,
    end: date,
    rules: PlanRules,
    sent_today: Counter[date],
) -> list[tuple[int, int]]:
    """The windows ending on the days after `day` up to the next one that has room for a tip or a
    progress check of its own (at most LOOK_AHEAD_DAYS): a Monday full with its week plan and check-in,
    or a weekend, is steered on the working day before it."""
    windows = []
    following = day + timedelta(days=1)
    while following <= end and following - day <= timedelta(days=LOOK_AHEAD_DAYS):
        if week.can_speak_on(following) and _has_room(
            TIP, items_by_day.get(following, []), sent_today[following], rules
        ):
            break
        windows.append(mix.window_counts(following))
        following += timedelta(days=1)
    return windows


def _has_room(kind: str, placed: list[Item], sent: int, rules: PlanRules) -> bool:
    """The daily maximum; what was sent that day counts."""
    if not KINDS[kind].capped:
        return True
    capped = [i for i in placed if KINDS[i.kind].capped]
    return sent + len(capped) < rules.max_per_day


def place(items: list[Item], week: WorkWeek, rules: PlanRules, sent_today: Counter[date]) -> dict[date, list[Item]]:
    """Put items on days: at most max_per_day, never two about one action a day, the rest moves on."""
    by_day: dict[date, list[Item]] = {}
    queue = sorted(items, key=lambda i: (i.day, KINDS[i.kind].priority))
    while queue:
        item = queue.pop(0)
        day = item.day
        dropped = False
        while True:
            if item.deadline is not None and day > item.deadline:
                dropped = True
                break
            placed = by_day.setdefault(day, [])
            overlap = {a for i in placed for a in i.action_ids} & set(item.action_ids)
            if overlap and KINDS[item.kind].overview:
                # Never two messages about one action a day: the overview leaves out what today's
                # check-in asks about.
                item.action_ids = [a for a in item.action_ids if a not in overlap]
                overlap = set()
                if not item.action_ids and item.kind == WEEKPLAN:
                    dropped = True
                    break
            if overlap and item.kind == PREP and any(i.kind == WEEKPLAN for i in placed):
                dropped = True  # the week plan of that morning carries this action's preparation
                break
            fits = _has_room(item.kind, placed, sent_today[day], rules)
            if fits and not overlap and week.can_speak_on(day):
                break
            day = week.next_working_day(day)
        if dropped:
            continue
        item.day = day
        by_day[day].append(item)
    return by_day


def replan(session: Session, clock: Clock, person: Person, *, rules: PlanRules) -> None:
    """Rebuild the person's planned messages from their open actions and settings."""
    fewer = person.rhythm == "fewer"
    _lock_person(session, person)
    now = clock.now()
    week = work_week_of(person, rules.default_timezone)
    today = week.local_date(now)
    actions = list(
        session.scalars(
            select(Action)
            .where(Action.workspace_id == person.workspace_id, Action.owner_id == person.id, Action.status == "open")
            .order_by(Action.due_date, Action.id)
        )
    )
    open_ids = {a.id for a in actions}
    session.execute(
        delete(Nudge).where(Nudge.person_id == person.id, Nudge.status == "planned", Nudge.kind.in_(SCHEDULED))
    )
    # Reactions about actions that are no longer open have lost their point.
    reactive = list(
        session.scalars(
            select(Nudge).where(Nudge.person_id == person.id, Nudge.status == "planned", Nudge.kind.in_(REACTIVE))
        )
    )
    for row in reactive:
        if row.action_ids and not set(row.action_ids) & open_ids and KINDS[row.kind].needs_actions:
            row.status, row.error = "cancelled", "action closed"
    history = list(
        session.scalars(
            select(Nudge).where(
                Nudge.person_id == person.id,
                Nudge.status.in_(("sent", "claimed")),
                Nudge.local_date >= today - timedelta(days=rules.window_days + 14),
            )
        )
    )
    if person.unreachable or week.days == frozenset():
        return

    mix = Mix(rules.window_days)
    sent_today: Counter[date] = Counter()
    for row in history:
        mix.add(row.local_date, row.tone)
        if KINDS[row.kind].capped:
            sent_today[row.local_date] += 1
    fixed = [
        Item(r.kind, r.local_date, list(r.action_ids or []), fixed=True) for r in reactive if r.status == "planned"
    ]
    for item in fixed:
        mix.add(item.day, item.tone)
        if KINDS[item.kind].capped:
            sent_today[item.day] += 1  # reactive rows keep their slot

    asked = history
    since = today - timedelta(days=rules.window_days + 14)
    oldest_due = min((a.due_date for a in actions), default=since)
    if oldest_due < since:
        # A check-in covers its action's due date however long ago it was sent: an action left open
        # without an answer is not asked about again just because its check-in is older than the history
        # the mix needs.
        asked = history + list(
            session.scalars(
                select(Nudge).where(
                    Nudge.person_id == person.id,
                    Nudge.status.in_(("sent", "claimed")),
                    Nudge.kind.in_(ASKS_ABOUT_DUE),
                    Nudge.local_date >= oldest_due,
                    Nudge.local_date < since,
                )
            )
        )
    items = base_items(week, actions, asked, person, now, rules)
    by_day = place(items, week, rules, sent_today)
    for day, placed in by_day.items():
        for item in placed:
            mix.add(day, item.tone)
    if actions:
        last = max([a.due_date for a in actions] + list(by_day))
        horizon = last + timedelta(days=HORIZON_AFTER_LAST)
        steer(by_day, mix, week, actions, today, horizon, rules, sent_today, now, fewer)

    created = now
    for day, placed in sorted(by_day.items()):
        for item in placed:
            session.add(
                Nudge(
                    workspace_id=person.workspace_id,
                    person_id=person.id,
                    action_id=item.action_ids[0] if len(item.action_ids) == 1 else None,
                    kind=item.kind,
                    tone=item.tone,
                    due_at=item.at or slot_moment(week, item.kind, day),
                    local_date=day,
                    action_ids=item.action_ids,
                    status="planned",
                    created_at=created,
                )
            )


def cancel_reactions(session: Session, person: Person, action_ids: set[int], kinds: tuple[str, ...]) -> None:
    """An answer came: the follow-up (or attention mark) waiting for it is no longer needed."""
    rows = session.scalars(
        select(Nudge).where(Nudge.person_id == person.id, Nudge.status == "planned", Nudge.kind.in_(kinds))
    )
    for row in rows:
        if set(row.action_ids or []) <= action_ids or (row.action_ids and set(row.action_ids) & action_ids):
            remaining = [a for a in row.action_ids if a not in action_ids]
            if remaining:
                row.action_ids = remaining
            else:
                row.status, row.error = "cancelled", "answered"


def plan_reaction(
    session: Session,
    clock: Clock,
    person: Person,
    kind: str,
    day: date,
    action_ids: list[int],
    *,
    due_at: datetime | None = None,
    rules: PlanRules,
) -> Nudge:
    week = work_week_of(person, rules.default_timezone)
    row = Nudge(
        workspace_id=person.workspace_id,
        person_id=person.id,
        action_id=action_ids[0] if len(action_ids) == 1 else None,
        kind=kind,
        tone=KINDS[kind].tone,
        due_at=due_at or slot_moment(week, kind, day),
        local_date=day,
        action_ids=action_ids,
        status="planned",
        created_at=clock.now(),
    )
    session.add(row)
    return row
