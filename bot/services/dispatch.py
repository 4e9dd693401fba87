"""Delivery, the domain half: claim due rows, decide what each one still means, record the outcome.

Rows are claimed in small batches with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL), so several
workers never take the same row, and a worker that dies loses nothing: its lease runs out and another
worker claims the row again. Sending itself is the adapter's job (bot/delivery.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.services import checkins, events, people, retry
from bot.services.actions import finished_in_time
from bot.services.budget import budget_of, monday_of
from bot.services.calendar import WorkWeek, work_week_of
from bot.services.clock import Clock
from bot.services.kinds import (
    ATTENTION,
    CELEBRATION,
    CHECKIN,
    CHECKING,
    FOLLOWUP,
    KINDS,
    MIXED,
    PREP,
    QUIET,
    RHYTHM,
    SENT,
    SUMMARY,
    UNCAPPED,
    WEEKPLAN,
    Kind,
)
from bot.services.openers import Opener, opener_for
from bot.services.planning import first_slot_day, plan_reaction, replan, slot_moment
from bot.services.rules import PlanRules
from models import Action, Nudge, Person, Workspace
from models.db import rowcount

LEASE = timedelta(minutes=5)
PROFILE_MAX_AGE = timedelta(days=7)
# A scheduled message this late has lost its moment: the planner rebuilds the plan instead.
STALE_AFTER = timedelta(hours=1)
MAX_ATTEMPTS = retry.MAX_ATTEMPTS
# An unanswered rhythm question is taken as "fewer messages": the bot stops following up.
QUIET_AFTER_DAYS = 2


@dataclass
class Outgoing:
    """Everything needed to render and send one message, read before the send."""

    nudge_id: int
    token: str
    kind: str
    variant: int
    workspace_id: int
    team_id: str
    user_id: str
    language: str
    dm_channel: str | None
    today: date
    actions: list[Action] = field(default_factory=list)
    streak: int = 0
    count: int = 0
    refresh_profile: bool = False  # the time zone from Slack is over a week old
    update: tuple[str, str] | None = None  # (channel, ts): update this message in place instead of posting
    answers: dict[str, str] = field(default_factory=dict)  # what was already clicked on it
    prepared: frozenset[int] = frozenset()  # week plan: due within the prep window, so it carries their prep
    opener: Opener | None = None  # a check-in's first line: what went well lately, or what is next


def claim(
    session: Session,
    clock: Clock,
    *,
    token: str,
    limit: int,
    skip_workspaces: frozenset[int] = frozenset(),
) -> list[int]:
    now = clock.now()
    due = or_(
        and_(Nudge.status == "planned", Nudge.due_at <= now),
        and_(Nudge.status == "claimed", Nudge.claimed_until < now),  # a worker died holding it
    )
    query = select(Nudge.id).where(due)
    if skip_workspaces:
        query = query.where(Nudge.workspace_id.not_in(skip_workspaces))
    query = query.order_by(Nudge.due_at).limit(limit).with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if not ids:
        return []
    result = session.execute(
        update(Nudge)
        .where(Nudge.id.in_(ids), due)  # re-checked: on SQLite another worker may have been first
        .values(status="claimed", claim_token=token, claimed_until=now + LEASE, attempts=Nudge.attempts + 1)
        .returning(Nudge.id)
    )
    return [row[0] for row in result]


def claim_one(session: Session, clock: Clock, nudge_id: int, *, token: str) -> bool:
    """Claim one planned row now, whatever its due time (a celebration right after Done)."""
    result = session.execute(
        update(Nudge)
        .where(Nudge.id == nudge_id, Nudge.status == "planned")
        .values(status="claimed", claim_token=token, claimed_until=clock.now() + LEASE, attempts=Nudge.attempts + 1)
    )
    return bool(rowcount(result))


def _mine(session: Session, nudge_id: int, token: str) -> Nudge | None:
    row = session.get(Nudge, nudge_id, with_for_update=False)
    if row is None or row.status != "claimed" or row.claim_token != token:
        return None
    return row


def _finish(row: Nudge, status: str, reason: str | None = None) -> None:
    row.status, row.error, row.claim_token, row.claimed_until = status, reason, None, None


def _move(row: Nudge, week: WorkWeek, now: datetime, *, next_day: bool = False) -> None:
    """Back to planned, at the next slot of its kind (tomorrow's at the earliest with next_day)."""
    day = first_slot_day(week, row.kind, now)
    if next_day and day <= week.local_date(now):
        day = first_slot_day(week, row.kind, slot_moment(week, row.kind, day) + timedelta(minutes=1))
    row.due_at, row.local_date = slot_moment(week, row.kind, day), day
    _finish(row, "planned")
    row.attempts = max(0, row.attempts - 1)  # moved, not tried: the retry budget is for failed sends


def streak_of(session: Session, person: Person, week: WorkWeek) -> int:
    """Actions done on time in a row, newest first (actions.finished_in_time: by the end of the day first
    agreed in the person's time zone, so a moved date does not make a late finish count)."""
    done = session.scalars(
        select(Action)
        .where(Action.owner_id == person.id, Action.status == "done")
        .order_by(Action.done_at.desc())
        .limit(50)
    )
    streak = 0
    for action in done:
        if not finished_in_time(action, week):
            break
        streak += 1
    return streak


class _Batch:
    """What deciding a batch of claimed rows needs, read with one query per table instead of per row.

    Rows accepted earlier in the batch count as sent for the rows after them, so two rows for one
    person in one batch respect the daily maximum and "never two messages about one action a day"."""

    def __init__(self, session: Session, rows: list[Nudge], since: date) -> None:
        person_ids = sorted({r.person_id for r in rows})
        self.people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))}
        workspace_ids = sorted({r.workspace_id for r in rows})
        self.workspaces = {w.id: w for w in session.scalars(select(Workspace).where(Workspace.id.in_(workspace_ids)))}
        action_ids = sorted({i for r in rows for i in (r.action_ids or [])})
        self.actions = {a.id: a for a in session.scalars(select(Action).where(Action.id.in_(action_ids)))}
        # Capped messages already sent on or after the earliest local day in the batch: (day, action ids).
        self.sent: dict[int, list[tuple[date, set[int]]]] = defaultdict(list)
        for person_id, day, ids in session.execute(
            select(Nudge.person_id, Nudge.local_date, Nudge.action_ids).where(
                Nudge.person_id.in_(person_ids),
                Nudge.status == "sent",
                Nudge.local_date >= since,
                Nudge.kind.not_in(UNCAPPED),
            )
        ):
            self.sent[person_id].append((day, set(ids or [])))
        self.of_kind: Counter[tuple[int, str]] = Counter()
        for person_id, kind, count in session.execute(
            select(Nudge.person_id, Nudge.kind, func.count())
            .where(Nudge.person_id.in_(person_ids), Nudge.status == "sent")
            .group_by(Nudge.person_id, Nudge.kind)
        ):
            self.of_kind[(person_id, kind)] = count
        self.celebrations: dict[int, tuple[Nudge, Outgoing]] = {}  # the one celebration a person gets in this batch
        # Every message sent since the Monday before the earliest day: (day, kind), for the week's budget.
        self.week: dict[int, list[date]] = defaultdict(list)
        for person_id, day in session.execute(
            select(Nudge.person_id, Nudge.local_date).where(
                Nudge.person_id.in_(person_ids),
                Nudge.status == "sent",
                Nudge.local_date >= monday_of(since),
                Nudge.kind.in_(SENT),
            )
        ):
            self.week[person_id].append(day)

    def accept(self, row: Nudge, today: date, about: set[int]) -> None:
        if KINDS[row.kind].capped:
            self.sent[row.person_id].append((today, about))
        self.of_kind[(row.person_id, row.kind)] += 1
        if KINDS[row.kind].sends:
            self.week[row.person_id].append(today)

    def sent_this_week(self, person_id: int, today: date) -> int:
        return sum(1 for day in self.week[person_id] if monday_of(day) == monday_of(today))


def prepare(session: Session, clock: Clock, nudge_id: int, token: str, *, rules: PlanRules) -> Outgoing | None:
    """Decide what one claimed row means now. None: nothing to send (cancelled, moved or internal)."""
    return next(iter(prepare_batch(session, clock, [nudge_id], token, rules=rules)), None)


def prepare_batch(
    session: Session, clock: Clock, nudge_ids: list[int], token: str, *, rules: PlanRules
) -> list[Outgoing]:
    """Decide what claimed rows mean now, in one transaction; returns those to send, in due order."""
    rows = list(
        session.scalars(
            select(Nudge)
            .where(Nudge.id.in_(nudge_ids), Nudge.status == "claimed", Nudge.claim_token == token)
            .order_by(Nudge.due_at, Nudge.id)
        )
    )
    if not rows:
        return []
    batch = _Batch(session, rows, since=min(r.local_date for r in rows) - timedelta(days=1))
    outgoing = []
    for row in rows:
        out = _decide(session, clock, batch, row, token, rules=rules)
        if out is not None:
            outgoing.append(out)
    return outgoing


@dataclass(frozen=True)
class _To:
    """Whom a row is for, and their day."""

    person: Person
    workspace: Workspace
    week: WorkWeek
    today: date
    now: datetime
    rules: PlanRules


def _decide(
    session: Session, clock: Clock, batch: _Batch, row: Nudge, token: str, *, rules: PlanRules
) -> Outgoing | None:
    to = _recipient(session, clock, batch, row, rules=rules)
    if to is None:
        return None
    kind = KINDS[row.kind]
    actions = _actions_of(session, batch, row, to.person)
    reason = _pointless(kind, actions, to) or _over_budget(session, batch, row, to)
    if reason is not None:
        _finish(row, "cancelled", reason)
        return None
    if not kind.sends:
        INTERNAL[row.kind](session, clock, to.person, row, actions, rules=to.rules)
        return None
    if not kind.instant and not _timely(session, clock, batch, row, to, {a.id for a in actions}):
        return None
    update = None
    if kind.instant:
        if _joined_pending(batch, row, to.person, actions):
            return None
        shared = _todays_celebration(session, to.person, to.week, to.today)
        if shared is not None and shared.channel_id and shared.message_ts:
            # One celebration a day: another Done updates it in place rather than adding a DM to a string of them.
            actions = _share(session, row, shared, actions)
            row, update = shared, (shared.channel_id, shared.message_ts)
    if update is None:
        # What the message is about; a welcome-back summary is about every open action, so nothing else
        # speaks of those on the same day.
        row.action_ids = [a.id for a in actions]
        # Variants rotate: the n-th message of a kind uses the n-th wording.
        row.variant = batch.of_kind[(to.person.id, row.kind)]
        batch.accept(row, to.today, {a.id for a in actions})
    opener = _opener(session, row, to, actions)
    out = _outgoing(session, row, token, to, actions, update)
    out.opener = opener
    if kind.instant:
        batch.celebrations[to.person.id] = (row, out)
    return out


def _opener(session: Session, row: Nudge, to: _To, actions: list[Action]) -> Opener | None:
    """A check-in opens with something true and specific when there is one: it is then "mixed"."""
    kind = KINDS[row.kind]
    if not kind.opens_with_news:
        return None
    opener = opener_for(session, to.person, {a.id for a in actions}, to.now, to.today)
    row.tone = MIXED if opener is not None else kind.tone
    return opener


def _recipient(session: Session, clock: Clock, batch: _Batch, row: Nudge, *, rules: PlanRules) -> _To | None:
    """The person and workspace, or None (the row cancelled) when nothing may reach them."""
    person = batch.people.get(row.person_id)
    workspace = batch.workspaces.get(row.workspace_id)
    if person is None or workspace is None:
        _finish(row, "cancelled", "gone")
        return None
    if workspace.disabled_reason or person.unreachable:
        _finish(row, "cancelled", workspace.disabled_reason or person.unreachable)
        return None
    week = work_week_of(person, rules.default_timezone)
    now = clock.now()
    return _To(person, workspace, week, week.local_date(now), now, rules)


def _actions_of(session: Session, batch: _Batch, row: Nudge, person: Person) -> list[Action]:
    if KINDS[row.kind].about_all_open:
        return _open_actions(session, person, row)
    found = (batch.actions.get(i) for i in (row.action_ids or []))
    actions = [a for a in found if a is not None and a.workspace_id == row.workspace_id]
    if KINDS[row.kind].instant:
        return actions  # a celebration is about what was just closed
    return [a for a in actions if a.status == "open" and a.owner_id == person.id]


def _pointless(kind: Kind, actions: list[Action], to: _To) -> str | None:
    """Why the row has lost its point, if it has."""
    if kind.retired:
        return "retired"
    if kind.needs_actions and not actions:
        return "action closed"
    if not kind.instant and to.week.is_paused(to.today):
        # Away (holiday, leave): nothing is sent, and silence while away is not marked as neglect.
        return "paused"
    return None


def _over_budget(session: Session, batch: _Batch, row: Nudge, to: _To) -> str | None:
    """Preparation and week plans give way when the week's messages are spent (a follow-up or celebrations
    came since the plan was made); check-ins and the other essential kinds do not."""
    kind = KINDS[row.kind]
    if kind.essential or kind.instant or not kind.sends:
        return None
    budget = budget_of(session, to.person, to.rules, to.now)
    return "budget" if batch.sent_this_week(to.person.id, to.today) >= budget else None


def _timely(session: Session, clock: Clock, batch: _Batch, row: Nudge, to: _To, about: set[int]) -> bool:
    """Now is the moment: not stale, within working hours, room left today. Otherwise the row is cancelled
    (and the plan rebuilt) or moved, and False."""
    if row.due_at < to.now - STALE_AFTER and KINDS[row.kind].scheduled:
        _finish(row, "cancelled", "stale")
        session.flush()
        replan(session, clock, to.person, rules=to.rules)  # merges what is still worth saying into the next slots
        return False
    if not to.week.within_hours(to.now):
        _move(row, to.week, to.now)
        return False
    sent_today = [ids for day, ids in batch.sent[to.person.id] if day == to.today]
    if len(sent_today) >= to.rules.max_per_day or any(about & ids for ids in sent_today):
        _move(row, to.week, to.now, next_day=True)
        return False
    return True


def _joined_pending(batch: _Batch, row: Nudge, person: Person, actions: list[Action]) -> bool:
    """Two Dones in one go: one celebration about both (this row joins the first one of the batch)."""
    pending = batch.celebrations.get(person.id)
    if pending is None:
        return False
    first_row, first_out = pending
    more = [a for a in actions if a.id not in first_row.action_ids]
    first_row.action_ids = list(first_row.action_ids) + [a.id for a in more]
    first_out.actions.extend(more)
    first_out.count = len(first_out.actions)
    _finish(row, "cancelled", "shared")
    return True


def _share(session: Session, row: Nudge, shared: Nudge, actions: list[Action]) -> list[Action]:
    """Add this row's actions to today's celebration; returns what that one is now about."""
    ids = list(shared.action_ids or [])
    shared.action_ids = ids + [a.id for a in actions if a.id not in ids]
    by_id = {a.id: a for a in session.scalars(select(Action).where(Action.id.in_(shared.action_ids)))}
    _finish(row, "cancelled", "shared")
    return [by_id[i] for i in shared.action_ids if i in by_id]


def _outgoing(
    session: Session, row: Nudge, token: str, to: _To, actions: list[Action], update: tuple[str, str] | None
) -> Outgoing:
    person, instant = to.person, KINDS[row.kind].instant
    checked = person.timezone_checked_at
    return Outgoing(
        nudge_id=row.id,
        token=token,
        kind=row.kind,
        variant=row.variant,
        workspace_id=to.workspace.id,
        team_id=to.workspace.slack_team_id,
        user_id=person.slack_user_id,
        language=people.language_of(person, to.rules.default_language),
        dm_channel=person.dm_channel_id,
        today=to.today,
        actions=actions,
        streak=streak_of(session, person, to.week) if instant else 0,
        count=len(actions),
        refresh_profile=checked is None or to.now - checked > PROFILE_MAX_AGE,
        update=update,
        answers=dict(row.answer or {}),
        prepared=_prepared_by_weekplan(session, to, actions) if row.kind == WEEKPLAN else frozenset(),
    )


def _prepared_by_weekplan(session: Session, to: _To, actions: list[Action]) -> frozenset[int]:
    """The actions whose preparation would fall on the week plan's morning (the planner leaves those preps
    out): due within the preparation window, with no preparation message of their own, sent or to come, and
    in no earlier week plan (a date moved since: that one carried it, or its own message did)."""
    last = to.week.add_working_days(to.today, to.rules.prep_days)
    soon = {a.id for a in actions if to.today <= a.due_date <= last}  # past its date: no preparation any more
    shown = session.scalars(
        select(Nudge.action_ids).where(
            Nudge.person_id == to.person.id,
            or_(
                and_(Nudge.kind == PREP, Nudge.status.in_(("planned", "claimed", "sent"))),
                and_(Nudge.kind == WEEKPLAN, Nudge.status == "sent"),
            ),
        )
    )
    return frozenset(soon - {i for ids in shown for i in (ids or [])})


def _todays_celebration(session: Session, person: Person, week: WorkWeek, today: date) -> Nudge | None:
    """The celebration already posted to the person today (their own day), if any."""
    return session.scalar(
        select(Nudge)
        .where(
            Nudge.person_id == person.id,
            Nudge.kind == CELEBRATION,
            Nudge.status == "sent",
            Nudge.sent_at >= datetime.combine(today, time(0), week.zone),
        )
        .order_by(Nudge.id.desc())
        .limit(1)
    )


def _open_actions(session: Session, person: Person, row: Nudge) -> list[Action]:
    """A welcome-back summary speaks of everything still open."""
    return list(
        session.scalars(
            select(Action)
            .where(Action.owner_id == person.id, Action.status == "open")
            .order_by(Action.due_date, Action.id)
        )
    )


def _mark_attention(
    session: Session, clock: Clock, person: Person, row: Nudge, actions: list[Action], *, rules: PlanRules
) -> None:
    for action in actions:
        if not action.needs_attention:
            action.needs_attention = True
            events.record(session, clock, workspace_id=action.workspace_id, kind="needs_attention", action_id=action.id)
    _finish(row, "sent")
    row.sent_at = clock.now()


def _assume_fewer(
    session: Session, clock: Clock, person: Person, row: Nudge, actions: list[Action], *, rules: PlanRules
) -> None:
    question = session.scalar(
        select(Nudge)
        .where(Nudge.person_id == person.id, Nudge.kind == RHYTHM, Nudge.status == "sent")
        .order_by(Nudge.id.desc())
        .limit(1)
    )
    _finish(row, "sent")
    row.sent_at = clock.now()
    if question is not None and question.answered_at is None and person.rhythm == "normal":
        checkins.to_fewer(session, clock, person, rules=rules)
        events.record(
            session, clock, workspace_id=person.workspace_id, kind="rhythm_assumed", actor_id=None, rhythm="fewer"
        )
        session.flush()
        replan(session, clock, person, rules=rules)


# What the internal kinds do when their moment comes (they send nothing).
INTERNAL = {ATTENTION: _mark_attention, QUIET: _assume_fewer}


def mark_sent(
    session: Session, clock: Clock, nudge_id: int, token: str, channel: str, ts: str, *, rules: PlanRules
) -> bool:
    """Record a post and plan what follows from it. False when the claim was lost (never expected)."""
    row = _mine(session, nudge_id, token)
    if row is None:
        return False
    now = clock.now()
    _finish(row, "sent")
    row.sent_at, row.channel_id, row.message_ts = now, channel, ts
    person = session.get(Person, row.person_id)
    assert person is not None
    person.dm_channel_id = channel
    week = work_week_of(person, rules.default_timezone)
    if row.kind == CHECKIN:
        later = week.add_working_days(row.local_date, rules.followup_days)
        kind = ATTENTION if person.rhythm == "fewer" else FOLLOWUP
        plan_reaction(session, clock, person, kind, later, list(row.action_ids), rules=rules)
    elif row.kind == FOLLOWUP:
        plan_reaction(
            session,
            clock,
            person,
            ATTENTION,
            week.add_working_days(row.local_date, rules.attention_days),
            list(row.action_ids),
            rules=rules,
        )
    elif row.kind == SUMMARY:
        person.welcome_back_pending = False
    elif row.kind == RHYTHM:
        plan_reaction(
            session, clock, person, QUIET, week.add_working_days(row.local_date, QUIET_AFTER_DAYS), [], rules=rules
        )
    if row.kind in CHECKING:
        _maybe_ask_rhythm(session, clock, person, week, now, rules=rules)
    return True


def _maybe_ask_rhythm(
    session: Session, clock: Clock, person: Person, week: WorkWeek, now: datetime, *, rules: PlanRules
) -> None:
    """Several checking messages in a row without an answer: ask once whether the rhythm suits them."""
    if person.rhythm_asked_at is not None:
        return
    recent = list(
        session.scalars(
            select(Nudge)
            .where(Nudge.person_id == person.id, Nudge.status == "sent", Nudge.kind.in_(CHECKING))
            .order_by(Nudge.sent_at.desc(), Nudge.id.desc())
            .limit(rules.unanswered_before_rhythm)
        )
    )
    if len(recent) == rules.unanswered_before_rhythm and all(n.answered_at is None for n in recent):
        person.rhythm_asked_at = now
        day = first_slot_day(week, RHYTHM, now + timedelta(hours=1))
        plan_reaction(session, clock, person, RHYTHM, day, [], rules=rules)


def profile_unavailable(session: Session, clock: Clock, team_id: str, user_id: str) -> None:
    """users.info failed: keep the time zone we have and ask Slack again in a day, not every message."""
    person = people.find_person(session, team_id, user_id)
    if person is not None:
        person.timezone_checked_at = clock.now() - PROFILE_MAX_AGE + timedelta(days=1)


def store_profile(
    session: Session,
    clock: Clock,
    team_id: str,
    user_id: str,
    profile: people.Profile,
    *,
    token: str | None = None,
    rules: PlanRules,
) -> None:
    """A fresh time zone from Slack; a changed one re-plans, so the next messages follow the person.

    With a claim token: rows of this person claimed under it were timed for the old zone; they are
    cancelled and planned afresh with the rest, so even the first message comes at the person's hour."""
    person = people.find_person(session, team_id, user_id)
    if person is None:
        return
    default = rules.default_timezone
    before = person.timezone or default
    people.apply_profile(session, clock, person, profile)
    if (person.timezone or default) == before:
        return
    if token is not None:
        session.execute(
            update(Nudge)
            .where(Nudge.person_id == person.id, Nudge.status == "claimed", Nudge.claim_token == token)
            .values(status="cancelled", error="time zone changed", claim_token=None, claimed_until=None)
        )
    session.flush()
    replan(session, clock, person, rules=rules)


def never_profiled(session: Session, nudge_ids: list[int], token: str) -> list[tuple[str, str]]:
    """(team, user) of claimed rows whose person Slack has never told us the time zone of: a person
    created by someone else's action (a manager's proposal, a team) or before their profile came in."""
    rows = session.execute(
        select(Workspace.slack_team_id, Person.slack_user_id)
        .select_from(Nudge)
        .join(Person, Person.id == Nudge.person_id)
        .join(Workspace, Workspace.id == Nudge.workspace_id)
        .where(
            Nudge.id.in_(nudge_ids),
            Nudge.claim_token == token,
            Person.timezone_checked_at.is_(None),
            Person.unreachable.is_(None),
        )
        .distinct()
    )
    return [(team, user) for team, user in rows]


def release(session: Session, nudge_id: int, token: str, *, due_at: datetime | None = None) -> None:
    """Give a claimed row back (rate limited, or a temporary error): it goes out on a later tick."""
    row = _mine(session, nudge_id, token)
    if row is not None:
        _finish(row, "planned")
        row.attempts = max(0, row.attempts - 1)  # given back unsent: not a failed attempt
        if due_at is not None:
            row.due_at = due_at


def fail(session: Session, clock: Clock, nudge_id: int, token: str, reason: str, *, scope: str | None = None) -> bool:
    """A send failed. Temporary errors retry with backoff up to MAX_ATTEMPTS; permanent ones stop messages
    to the person (scope 'person') or to the whole workspace (scope 'workspace').
    Returns True when this failure newly stopped a person or workspace (worth one log line)."""
    row = _mine(session, nudge_id, token)
    if row is None:
        return False
    again = retry.next_try(clock.now(), row.attempts) if scope is None else None
    if again is not None:
        _finish(row, "planned")
        row.due_at = again
        row.error = reason
        return False
    _finish(row, "failed", reason)
    if scope == "person":
        person = session.get(Person, row.person_id)
        if person is not None and not person.unreachable:
            person.unreachable = reason
            _cancel_planned(session, Nudge.person_id == person.id, reason)
            return True
    elif scope == "workspace":
        return stop_workspace(session, row.workspace_id, reason)
    return False


def stop_workspace(session: Session, workspace_id: int, reason: str) -> bool:
    """Slack refused the app's token or scopes: nothing more goes to this workspace (messages nor digests)
    until it is installed again. True when this newly stopped it (worth one log line, one word to managers)."""
    workspace = session.get(Workspace, workspace_id)
    if workspace is None or workspace.disabled_reason:
        return False
    workspace.disabled_reason = reason
    _cancel_planned(session, Nudge.workspace_id == workspace.id, reason)
    return True


def reachable_again(session: Session, clock: Clock, person: Person, *, rules: PlanRules) -> None:
    """Someone Slack could not reach is talking to us again (a command, a click): plan their messages anew."""
    if person.unreachable:
        person.unreachable = None
        person.updated_at = clock.now()
        session.flush()
        replan(session, clock, person, rules=rules)


def _cancel_planned(session: Session, condition, reason: str) -> None:  # type: ignore[no-untyped-def]
    session.execute(update(Nudge).where(condition, Nudge.status == "planned").values(status="cancelled", error=reason))


def due_preview(session: Session, clock: Clock, limit: int = 200) -> list[Nudge]:
    """What a tick would consider now, without claiming anything (for --dry-run)."""
    now = clock.now()
    return list(
        session.scalars(
            select(Nudge).where(Nudge.status == "planned", Nudge.due_at <= now).order_by(Nudge.due_at).limit(limit)
        )
    )


__all__ = [
    "Outgoing",
    "claim",
    "claim_one",
    "due_preview",
    "fail",
    "mark_sent",
    "prepare",
    "prepare_batch",
    "release",
    "stop_workspace",
]
