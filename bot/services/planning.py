"""The planner: which messages a person gets, on which day, in which slot, within their message budget.

`replan(session, clock, person, rules=...)` rebuilds the person's planned rows from the state of their actions.
It runs after every change to an action or a setting. Rows already sent are history; rows a worker has
claimed are left alone; reactive rows (follow-ups, celebrations, the rhythm question) are kept while
their actions are open.

What a person gets is spent from a budget (bot/services/budget.py): check-ins first, one per due date and
bundled (check-ins due within BUNDLE_WORKING_DAYS come together on the last of those days), room for the
celebration a check-in may bring, then preparation and the week plan with what is left. An action's
preparation is shown at most twice: in the first week plan that lists it, on a morning that replaces its own
message, and in its own message (once, whatever the date moves to); a later week plan leaves it out.
Nothing is added to keep a tone mix: the inspiring share is what the messages carry (bot/services/mix.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.services.budget import Spent, monday_of, per_week, silent
from bot.services.calendar import WorkWeek, work_week_of
from bot.services.clock import Clock
from bot.services.kinds import (
    ASKS_ABOUT_DUE,
    CHECKIN,
    CLEANUP,
    FOCUS,
    KINDS,
    MORNING,
    PREP,
    REACTIVE,
    SCHEDULED,
    SUMMARY,
    WEEKPLAN,
)
from bot.services.rules import PlanRules
from models import Action, Nudge, Person

# Check-ins due on working days in a row come together, on the second day (at most one working day late).
BUNDLE_WORKING_DAYS = 1
# More open actions than this, and the person is asked (once) to pick the few that matter this month.
FOCUS_ABOVE = 7
FOCUS_WITHIN = timedelta(days=14)
# This many actions a week or more past their date and never asked about for it (the person was away or
# unreachable) get one message to clean up the list rather than a check-in each; at most one in CLEANUP_EVERY.
CLEANUP_AT = 3
CLEANUP_EVERY = timedelta(days=28)
OVERDUE_LONG = timedelta(days=7)
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


def last_checkin_day(week: WorkWeek, due: date) -> date:
    """The latest day the check-in about a due date comes when the person is around: its first working day,
    or BUNDLE_WORKING_DAYS later when bundled with the next one's."""
    return week.add_working_days(week.next_working_day(due, include=True), BUNDLE_WORKING_DAYS)


def bundle_checkins(week: WorkWeek, checkins: dict[date, list[int]]) -> dict[date, list[int]]:
    """Check-ins due within BUNDLE_WORKING_DAYS working days of the first one become one message, on the
    last of those days: a check-in comes at most that many working days late, and a busy week has few."""
    bundled: dict[date, list[int]] = {}
    days = sorted(checkins)
    index = 0
    while index < len(days):
        first, last, ids = days[index], days[index], list(checkins[days[index]])
        index += 1
        while index < len(days) and days[index] <= week.add_working_days(first, BUNDLE_WORKING_DAYS):
            last = days[index]
            ids += checkins[last]
            index += 1
        bundled[last] = sorted(ids)
    return bundled


@dataclass(frozen=True)
class Known:
    """What the planner knows of a person's past messages."""

    history: list[Nudge]  # sent or claimed rows of the last weeks, and older questions about open actions
    prepared: frozenset[int]  # actions whose preparation message was sent (it comes once)
    listed: frozenset[int]  # actions a sent week plan listed (only the first week plan carries a preparation)
    focus_asked: bool  # the "pick the few that matter" message was sent (it comes once)


def base_items(
    week: WorkWeek, actions: list[Action], known: Known, person: Person, now: datetime, rules: PlanRules
) -> list[Item]:
    today = week.local_date(now)
    items: list[Item] = []
    checkins: dict[date, list[int]] = {}
    first_checkin = first_slot_day(week, CHECKIN, now)
    first_morning = first_slot_day(week, PREP, now)
    # Long past its date and never asked about for that date (away, unreachable): one question per due date,
    # so an action a check-in asked about is not asked again here (its follow-up is the one reminder).
    overdue = [a for a in actions if a.due_date <= today - OVERDUE_LONG and not _checkin_covered(known.history, a)]
    cleanup = len(overdue) >= CLEANUP_AT and not any(
        n.kind == CLEANUP and n.local_date > today - CLEANUP_EVERY for n in known.history
    )
    if cleanup:
        # Many overdue: one message to clean up the list, not a check-in about each.
        items.append(Item(CLEANUP, first_checkin, [a.id for a in overdue]))
    for action in actions:
        if (cleanup and action in overdue) or _checkin_covered(known.history, action):
            continue
        day = max(week.next_working_day(action.due_date, include=True), first_checkin)
        while week.is_paused(day):
            day = week.next_working_day(day)
        checkins.setdefault(day, []).append(action.id)
        if action.id in known.prepared:
            continue  # its preparation was shown once; the check-in follows
        prep_day = max(week.add_working_days(day, -rules.prep_days), first_morning)
        if prep_day < day:
            items.append(Item(PREP, prep_day, [action.id], deadline=week.add_working_days(day, -1)))
        elif today < day and week.within_hours(now + LATE_PREP_DELAY):
            # Created after this morning's slot and due before the next one: prepare now, while it helps.
            items.append(Item(PREP, today, [action.id], deadline=today, at=now + LATE_PREP_DELAY))
    for day, ids in bundle_checkins(week, checkins).items():
        items.append(Item(CHECKIN, day, ids))
    # Week plans: the first working day of each week with check-ins about two actions or more, if its
    # morning is still ahead.
    weeks: dict[date, list[int]] = {}
    for day, ids in checkins.items():
        weeks.setdefault(day - timedelta(days=day.weekday()), []).extend(ids)
    for monday, ids in weeks.items():
        day = week.next_working_day(monday, include=True)
        if len(ids) >= 2 and day >= first_morning and day - monday < timedelta(days=7):
            items.append(Item(WEEKPLAN, day, sorted(ids), deadline=day))
    if person.welcome_back_pending:
        items.append(Item(SUMMARY, first_morning, [a.id for a in actions]))
    elif len(actions) > FOCUS_ABOVE and not known.focus_asked:
        # Within two weeks, or not at all: a question about this month that comes late is noise.
        items.append(Item(FOCUS, first_morning, [a.id for a in actions], deadline=first_morning + FOCUS_WITHIN))
    return items


def place(
    items: list[Item], week: WorkWeek, spent: Spent, *, celebrations: bool, listed: frozenset[int] = frozenset()
) -> dict[date, list[Item]]:
    """Put items on days, what helps most first: at most max_per_day a day and the week's budget, never two
    about one action a day; the rest moves on or, past its deadline, is left out. With `celebrations`, each
    check-in keeps room in its week for the celebration its Done brings. A week plan carries the preparation
    of an action due soon (its own message is left out) unless an earlier week plan (`listed`) did."""
    by_day: dict[date, list[Item]] = {}
    queue = sorted(items, key=lambda i: (KINDS[i.kind].priority, i.day))
    for item in queue:
        day = _day_for(item, by_day, week, spent, listed)
        if day is None:
            continue
        item.day = day
        by_day.setdefault(day, []).append(item)
        spent.add(item.kind, day)
        if celebrations and item.kind == CHECKIN:
            spent.by_week[monday_of(day)] += 1
    return by_day


def _day_for(
    item: Item, by_day: dict[date, list[Item]], week: WorkWeek, spent: Spent, listed: frozenset[int]
) -> date | None:
    """The first day from the item's own that takes it; None when its deadline passes first."""
    day = item.day
    while True:
        if item.deadline is not None and day > item.deadline:
            return None
        placed = by_day.get(day, [])
        overlap = {a for i in placed for a in i.action_ids} & set(item.action_ids)
        if overlap and KINDS[item.kind].overview:
            # Never two messages about one action a day: the overview leaves out what today's
            # check-in asks about.
            item.action_ids = [a for a in item.action_ids if a not in overlap]
            overlap = set()
            if item.kind == WEEKPLAN and len(item.action_ids) < 2:
                return None
        if overlap and item.kind == PREP and any(i.kind == WEEKPLAN for i in placed) and not overlap & listed:
            return None  # the week plan of that morning carries this action's preparation
        fits = spent.day_has_room(item.kind, day) and spent.week_has_room(item.kind, day)
        if fits and not overlap and week.can_speak_on(day):
            return day
        day = week.next_working_day(day)


def replan(session: Session, clock: Clock, person: Person, *, rules: PlanRules) -> None:
    """Rebuild the person's planned messages from their open actions and settings."""
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
    if person.unreachable or week.days == frozenset():
        return
    known = _known(session, person, actions, today, rules)
    quiet = silent(known.history, now, rules)
    spent = Spent(per_week(person, rules, quiet=quiet), rules)
    for row in known.history:
        if row.local_date >= today - timedelta(days=7):
            spent.add(row.kind, row.local_date)
    for row in reactive:
        if row.status == "planned":
            spent.add(row.kind, row.local_date)  # reactive rows keep their slot
    items = base_items(week, actions, known, person, now, rules)
    by_day = place(items, week, spent, celebrations=not quiet, listed=known.listed)
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


def _known(session: Session, person: Person, actions: list[Action], today: date, rules: PlanRules) -> Known:
    since = today - timedelta(days=rules.window_days + 14)
    history = list(
        session.scalars(
            select(Nudge).where(
                Nudge.person_id == person.id,
                Nudge.status.in_(("sent", "claimed")),
                Nudge.local_date >= since,
            )
        )
    )
    oldest_due = min((a.due_date for a in actions), default=since)
    if oldest_due < since:
        # A check-in covers its action's due date however long ago it was sent: an action left open
        # without an answer is not asked about again just because its check-in is older than the history.
        history += list(
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
    once = session.execute(
        select(Nudge.kind, Nudge.action_ids).where(
            Nudge.person_id == person.id, Nudge.status.in_(("sent", "claimed")), Nudge.kind.in_((PREP, FOCUS))
        )
    )
    prepared: set[int] = set()
    focus_asked = False
    for kind, ids in once:
        if kind == PREP:
            prepared.update(ids or [])
        else:
            focus_asked = True
    listed = frozenset(i for n in history if n.kind == WEEKPLAN and n.status == "sent" for i in n.action_ids or [])
    return Known(history, frozenset(prepared), listed, focus_asked)


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
