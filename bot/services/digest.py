"""The weekly team digest, the domain half: when it is due, one claim per team and period, what it says.

A digest is due at the team's day and time in the team's time zone and covers the seven days before it.
Claiming inserts the (team, period) row: the unique constraint lets exactly one worker win, however
many tick at once and however often they restart. After downtime only the latest missed period is
posted, once, marked late. A posted digest stays "live" until the next one is due: when anything
changes in the workspace it is rebuilt and, if it reads differently, edited in place.

Attribution, so a late answer is neither lost nor counted twice: an action done in a week counts in
that week's digest, except when it was due in the week before and finished after that week's digest
went out; then it counts there (the live digest is edited), not in the next one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVarTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, DateTime, Row, Select, and_, case, func, null, or_, select, type_coerce, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from bot.services import retry
from bot.services.clock import Clock
from models import Action, ActionContact, Digest, Event, Membership, Person, Team, Workspace
from models.db import rowcount

LEASE = timedelta(minutes=5)
LATE_AFTER = timedelta(hours=1)
BLOCKED_RETRY = timedelta(hours=1)
WEEK = timedelta(days=7)
STREAK_LOOKBACK = timedelta(days=91)
MAX_TITLES = 5

_Ts = TypeVarTuple("_Ts")


# -- when -------------------------------------------------------------------------------------


def last_slot(team: Team, now: datetime) -> datetime:
    """The latest moment at or before now that is the team's digest day and time (aware, UTC)."""
    zone = ZoneInfo(team.timezone)
    local = now.astimezone(zone)
    day = local.date() - timedelta(days=(local.weekday() - team.digest_weekday) % 7)
    slot = datetime.combine(day, team.digest_time, zone)
    if slot > local:
        slot = datetime.combine(day - timedelta(days=7), team.digest_time, zone)
    return slot.astimezone(now.tzinfo)


@dataclass(frozen=True)
class Period:
    """The week a digest covers: [start, end) in the team's dates; slot is when it is due."""

    start: date
    end: date
    slot: datetime
    zone: ZoneInfo

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, self.slot.astimezone(self.zone).timetz().replace(tzinfo=None), self.zone)

    @property
    def previous(self) -> Period:
        return Period(self.start - timedelta(days=7), self.start, self.slot - WEEK, self.zone)


def period_at(team: Team, slot: datetime) -> Period:
    zone = ZoneInfo(team.timezone)
    end = slot.astimezone(zone).date()
    return Period(end - timedelta(days=7), end, slot, zone)


def current_period(team: Team, now: datetime) -> Period:
    return period_at(team, last_slot(team, now))


# -- claiming ---------------------------------------------------------------------------------


@dataclass
class Due:
    team_id: int
    slot: datetime
    digest_id: int | None = None  # an existing row to take over (a dead worker's, or a blocked channel)


def due(session: Session, clock: Clock) -> list[Due]:
    """Teams whose latest digest has not gone out yet, and rows whose claim or retry time ran out."""
    now = clock.now()
    teams = list(
        session.scalars(
            select(Team)
            .join(Workspace, Workspace.id == Team.workspace_id)
            .where(Team.channel_id.is_not(None), Workspace.disabled_reason.is_(None))
        )
    )
    if not teams:
        return []
    slots = {t.id: last_slot(t, now) for t in teams}
    periods = {t.id: period_at(t, slots[t.id]).start for t in teams}
    rows = {
        d.team_id: d
        for d in session.scalars(
            select(Digest).where(Digest.team_id.in_(list(slots)), Digest.period_start.in_(set(periods.values())))
        )
        if d.period_start == periods[d.team_id]
    }
    found = []
    for team in teams:
        slot, row = slots[team.id], rows.get(team.id)
        if row is None:
            if slot >= team.created_at:  # a new team's first digest is the first slot after it was made
                found.append(Due(team.id, slot))
        elif row.status in ("claimed", "blocked") and row.claimed_until is not None and row.claimed_until < now:
            found.append(Due(team.id, slot, row.id))
    return found


def claim(session: Session, clock: Clock, job: Due, token: str) -> int | None:
    """Take the job: insert the period's row, or take over an expired one. None when another worker won."""
    now = clock.now()
    if job.digest_id is not None:
        result = session.execute(
            update(Digest)
            .where(
                Digest.id == job.digest_id,
                Digest.status.in_(("claimed", "blocked")),
                Digest.claimed_until < now,
            )
            .values(status="claimed", claim_token=token, claimed_until=now + LEASE, attempts=Digest.attempts + 1)
        )
        taken = rowcount(result)
        return job.digest_id if taken else None
    team = session.get(Team, job.team_id)
    if team is None:
        return None
    period = period_at(team, job.slot)
    row = Digest(
        workspace_id=team.workspace_id,
        team_id=team.id,
        period_start=period.start,
        period_end=period.end,
        slot_at=job.slot,
        status="claimed",
        claim_token=token,
        claimed_until=now + LEASE,
        attempts=1,
        thread_ts=[],
        late=now - job.slot > LATE_AFTER,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # another worker inserted it first: theirs to post
        return None
    return row.id


def claim_now(session: Session, clock: Clock, team: Team, token: str) -> int | None:
    """`/conscience digest post`: this period's row for posting now, unless it went out already."""
    slot = last_slot(team, clock.now())
    existing = session.scalar(
        select(Digest).where(Digest.team_id == team.id, Digest.period_start == period_at(team, slot).start)
    )
    if existing is not None:
        if existing.status == "posted":
            return None
        # Posting now is what the manager asked: take it over even if a retry was planned for later, or the
        # worker gave it up (a fresh retry budget).
        if existing.status == "failed":
            existing.status, existing.attempts = "blocked", 0
        existing.claimed_until = clock.now() - timedelta(seconds=1)
        session.flush()
        return claim(session, clock, Due(team.id, slot, existing.id), token)
    row_id = claim(session, clock, Due(team.id, slot), token)
    if row_id is not None:
        session.get_one(Digest, row_id).late = False  # asked for now, so not late
    return row_id


def mine(session: Session, digest_id: int, token: str) -> Digest | None:
    row = session.get(Digest, digest_id)
    if row is None or row.status != "claimed" or row.claim_token != token:
        return None
    return row


def mark_posted(
    session: Session,
    clock: Clock,
    digest_id: int,
    token: str,
    channel: str,
    ts: str,
    thread: list[str],
    mark: str,
    *,
    compared_at: datetime,
) -> None:
    """compared_at: when the posted content was read, so news from while Slack was busy is not lost.
    mark "" means the thread is incomplete: the next refresh writes the rest."""
    row = mine(session, digest_id, token)
    if row is None:
        return
    row.status, row.claim_token, row.claimed_until, row.error = "posted", None, None, None
    row.attempts = 0  # from now on: failed tries of an edit
    row.channel_id, row.message_ts, row.thread_ts, row.fingerprint = channel, ts, thread, mark
    row.posted_at = clock.now()
    row.refreshed_at = compared_at if mark else None


def mark_blocked(session: Session, clock: Clock, digest_id: int, token: str, reason: str) -> bool:
    """The channel refused: retry in an hour. True when this is news for this digest (the managers hear it
    once per digest and reason, even when the team's channel problem was known from when it was set up)."""
    row = mine(session, digest_id, token)
    if row is None:
        return False
    news = row.error != reason
    row.status, row.claim_token, row.claimed_until, row.error = "blocked", None, clock.now() + BLOCKED_RETRY, reason
    row.attempts = 0  # waiting for the channel to be fixed is not a failed try
    return news


def wait(session: Session, clock: Clock, digest_id: int, token: str, reason: str, until: datetime) -> None:
    """Slack asked the workspace to slow down (a 429): try again then; not a failed attempt."""
    row = mine(session, digest_id, token)
    if row is not None:
        row.claimed_until, row.error = until, reason
        row.attempts = max(0, row.attempts - 1)


def retry_later(session: Session, clock: Clock, digest_id: int, token: str, reason: str) -> bool:
    """A passing failure (Slack down, a time-out): back off like a nudge (services/retry.py).
    False when the retry budget is spent: the digest is given up ("failed") with the reason."""
    row = mine(session, digest_id, token)
    if row is None:
        return True
    again = retry.next_try(clock.now(), row.attempts)
    if again is None:
        mark_failed(session, digest_id, token, reason)
        return False
    row.claimed_until, row.error = again, reason
    return True


def mark_failed(session: Session, digest_id: int, token: str, reason: str) -> None:
    """Given up: the retry budget is spent, or Slack stopped the workspace. `claim_now` can still post it."""
    row = mine(session, digest_id, token)
    if row is not None:
        row.status, row.claim_token, row.claimed_until, row.error = "failed", None, None, reason


# -- the lines per person, to the team's managers ------------------------------------------------


def lines_pending(session: Session, clock: Clock) -> list[int]:
    """Posted digests, still current, whose managers have not all had their direct message: the worker
    stopped between the channel and the managers, or Slack asked it to wait."""
    return _posted_current(session, clock.now(), Digest.managers_told_at.is_(None))


def _posted_current(session: Session, now: datetime, *more: ColumnElement[bool]) -> list[int]:
    """Posted digests of working workspaces, still current (less than a week old) and claimed by no worker,
    that meet the conditions given."""
    return list(
        session.scalars(
            select(Digest.id)
            .join(Workspace, Workspace.id == Digest.workspace_id)
            .where(
                Workspace.disabled_reason.is_(None),
                Digest.status == "posted",
                Digest.slot_at > now - WEEK,
                or_(Digest.claimed_until.is_(None), Digest.claimed_until < now),
                *more,
            )
        )
    )


def manager_dm_sent(session: Session, digest_id: int, user_id: str, message: list[str]) -> None:
    """Recorded as soon as it went out, so a restart does not send it again: [channel, ts], or [] when Slack
    refused it (logged; the manager's Home has the same lines)."""
    row = session.get(Digest, digest_id)
    if row is not None:
        row.manager_dms = {**(row.manager_dms or {}), user_id: message}


def managers_told(session: Session, clock: Clock, digest_id: int, *, until: datetime | None = None) -> None:
    """Every manager had their turn; or, with until, Slack asked to wait: the rest go then."""
    row = session.get(Digest, digest_id)
    if row is None:
        return
    if until is None:
        row.managers_told_at = clock.now()
    row.claimed_until = until


# Looking at a list changes nothing in it: these events never make a digest stale.
LOOKS = ("reviewed", "digest_viewed")


def live(session: Session, clock: Clock) -> list[int]:
    """Posted digests still current (their next one is not due yet) that may read differently now.

    That is news about one of the team's members (something they did, or something that happened to one of
    their actions, like "needs attention"), or a digest marked for another look (`changed`, an edit that
    did not reach Slack). Events of people outside the team leave its digest alone.
    """
    now = clock.now()
    member = aliased(Membership)
    news = (
        select(Event.id)
        .outerjoin(Action, Action.id == Event.action_id)
        .join(
            member,
            and_(
                member.team_id == Digest.team_id,
                member.role == "member",
                member.status == "active",
                or_(member.person_id == Event.actor_id, member.person_id == Action.owner_id),
            ),
        )
        .where(
            Event.workspace_id == Digest.workspace_id,
            Event.created_at > Digest.refreshed_at,
            Event.kind.not_in(LOOKS),
        )
        .exists()
    )
    return _posted_current(session, now, or_(Digest.refreshed_at.is_(None), news))


def changed(session: Session, team_id: int) -> None:
    """The team itself changed (members, privacy, language): its live digest gets another look."""
    session.execute(
        update(Digest).where(Digest.team_id == team_id, Digest.status == "posted").values(refreshed_at=None)
    )


def lock_for_refresh(session: Session, clock: Clock, digest_id: int) -> Digest | None:
    """One worker at a time edits a digest (the lease doubles as the edit lock)."""
    now = clock.now()
    result = session.execute(
        update(Digest)
        .where(
            Digest.id == digest_id,
            Digest.status == "posted",
            or_(Digest.claimed_until.is_(None), Digest.claimed_until < now),
        )
        .values(claimed_until=now + LEASE)
    )
    taken = rowcount(result)
    return session.get(Digest, digest_id) if taken else None


def refreshed(
    session: Session,
    digest_id: int,
    *,
    compared_at: datetime,
    mark: str | None,
    thread: list[str] | None,
) -> None:
    """Compared with the data as read at compared_at (and edited when mark is given)."""
    row = session.get(Digest, digest_id)
    if row is None:
        return
    row.claimed_until, row.refreshed_at = None, compared_at
    if mark is not None:
        row.fingerprint = mark
        row.attempts, row.error = 0, None
    if thread is not None:
        row.thread_ts = thread


def edit_failed(
    session: Session,
    clock: Clock,
    digest_id: int,
    *,
    compared_at: datetime,
    reason: str,
    until: datetime | None = None,
    give_up: bool = False,
) -> None:
    """An edit did not reach Slack. until: a rate limit, try again then (not an attempt). give_up: the message
    or channel is gone, or the workspace stopped: wait for the next news. Otherwise back off like a post, and
    after the last attempt wait for the next news too, rather than knock every tick."""
    row = session.get(Digest, digest_id)
    if row is None:
        return
    row.error = reason
    if until is not None:
        row.claimed_until, row.refreshed_at = until, None
        return
    again = None if give_up else retry.next_try(clock.now(), row.attempts + 1)
    if again is None:
        row.attempts, row.claimed_until, row.refreshed_at = 0, None, compared_at
        return
    row.attempts += 1
    row.claimed_until, row.refreshed_at = again, None


# -- what it says -----------------------------------------------------------------------------


@dataclass
class Wins:
    done: int = 0
    meetings: int = 0
    signals: int = 0


@dataclass
class MemberLine:
    user_id: str
    name: str | None
    wins: Wins = field(default_factory=Wins)
    streak: int = 0
    open: int = 0
    overdue: int = 0
    attention: int = 0
    done_titles: list[str] = field(default_factory=list)
    overdue_titles: list[str] = field(default_factory=list)
    attention_titles: list[str] = field(default_factory=list)


@dataclass
class DigestData:
    team_name: str
    channel_id: str | None
    privacy: str
    language: str | None
    period: Period
    today: date
    late: bool = False
    members: list[MemberLine] = field(default_factory=list)
    totals: Wins = field(default_factory=Wins)
    previous: Wins = field(default_factory=Wins)
    # Whether last week is there to compare with: the team existed, with members, when last week's digest was
    # due. A team's first digest says nothing about "last week".
    compare: bool = False

    @property
    def open(self) -> int:
        return sum(m.open for m in self.members)

    @property
    def overdue(self) -> int:
        return sum(m.overdue for m in self.members)

    @property
    def attention(self) -> int:
        return sum(m.attention for m in self.members)

    @property
    def on_a_streak(self) -> int:
        """How many members are on a streak: the channel gets the number, the managers the names."""
        return len(self.streaks)

    @property
    def streaks(self) -> list[MemberLine]:
        return sorted((m for m in self.members if m.streak >= 2 and m.wins.done), key=lambda m: -m.streak)


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


class Window:
    """A period's attribution rule (see the module doc) with its boundaries precomputed in naive UTC,
    the way the database stores times (build() reads them unconverted)."""

    def __init__(self, period: Period):
        zone, prev = period.zone, period.previous
        midnight = datetime.min.time()
        self.start = _naive_utc(datetime.combine(period.start, midnight, zone))
        self.end = _naive_utc(datetime.combine(period.end, midnight, zone))
        self.late_end = _naive_utc(datetime.combine(period.end + timedelta(days=7), midnight, zone))
        self.slot = _naive_utc(period.slot)
        self.previous_slot = self.slot - WEEK
        self.due_from, self.due_to = period.start, period.end
        self.prev_due_from, self.prev_due_to = prev.start, prev.end

    def counts(self, done_at: datetime, due: date) -> bool:
        """done_at in naive UTC."""
        if self.start <= done_at < self.end:
            # Due the week before and finished after that digest went out: counted there.
            return not (self.prev_due_from <= due < self.prev_due_to and done_at >= self.previous_slot)
        return self.end <= done_at < self.late_end and self.due_from <= due < self.due_to and done_at >= self.slot


def counts_in(period: Period, done_at: datetime, due: date) -> bool:
    """Whether an action done at done_at (due on due) counts in period's digest (see the module doc)."""
    return Window(period).counts(_naive_utc(done_at), due)


def _stream(session: Session, statement: Select[*_Ts]) -> Iterator[Row[*_Ts]]:
    """Rows as plain tuples, fetched in chunks: thousands of rows that die young keep the garbage collector
    from sweeping the whole heap in the middle of a build (a full sweep costs more than the build)."""
    for chunk in session.connection().execute(statement).partitions(200):
        yield from chunk


class _Deadlines:
    """When an action due on a day stops being on time: the next local midnight, in naive UTC (memoised:
    a team's done actions share a few dozen due dates)."""

    def __init__(self, zone: ZoneInfo):
        self.zone = zone
        self.known: dict[date, datetime] = {}

    def __call__(self, due: date) -> datetime:
        found = self.known.get(due)
        if found is None:
            found = self.known[due] = _naive_utc(datetime.combine(due + timedelta(days=1), time(0), self.zone))
        return found


def _active_member_of(team: Team) -> tuple[ColumnElement[bool], ...]:
    """A membership that makes someone one of the team's members: an invited member shows up nowhere until
    they accept."""
    return (
        Membership.workspace_id == team.workspace_id,
        Membership.team_id == team.id,
        Membership.role == "member",
        Membership.status == "active",
    )


def build(session: Session, team: Team, period: Period, now: datetime, *, late: bool = False) -> DigestData:
    """Everything the digest shows, in a fixed number of queries however large the team (5, or 4 for summary).

    A 200-member team has thousands of finished actions in the streak's lookback, so rows come back as plain
    tuples through the session's connection (no ORM objects), streamed, with times left in naive UTC as
    stored; only the last two weeks' rows carry the columns the wins need.
    """
    data = DigestData(
        team_name=team.name,
        channel_id=team.channel_id,
        privacy=team.privacy,
        language=team.language,
        period=period,
        today=now.astimezone(period.zone).date(),
        late=late,
    )
    lines = _member_lines(session, team, data)
    if not lines:
        return data
    # The members as a subquery, not 200 bound ids: the statement text stays the same, so it is prepared once.
    owners = select(Membership.person_id).where(*_active_member_of(team))
    mine = and_(Action.workspace_id == team.workspace_id, Action.owner_id.in_(owners))
    _count_open(session, mine, data.today, lines)
    if data.privacy == "detailed":
        _open_titles(session, mine, data.today, lines)
    weeks = Window(period), Window(period.previous)
    booked_by_action = _count_booked(session, team, owners, weeks, lines, data.previous)
    _count_done(session, mine, period, weeks, booked_by_action, lines, data)
    for line in data.members:
        data.totals.done += line.wins.done
        data.totals.meetings += line.wins.meetings
        data.totals.signals += line.wins.signals
    return data


def _member_lines(session: Session, team: Team, data: DigestData) -> dict[int, MemberLine]:
    """One line per member, by person id, in name order; and whether there is a last week to compare with."""
    members = (
        session.connection()
        .execute(
            select(Person.id, Person.slack_user_id, Person.display_name, type_coerce(Membership.created_at, DateTime()))
            .join(Membership, Membership.person_id == Person.id)
            .where(*_active_member_of(team))
            .order_by(Person.display_name, Person.slack_user_id)
        )
        .all()
    )
    lines = {pid: MemberLine(user_id=uid, name=name) for pid, uid, name, _ in members}
    data.members = list(lines.values())
    if lines:
        # A last week to compare with: the team existed, with a member, when last week's digest was due.
        before = _naive_utc(data.period.previous.slot)
        data.compare = team.created_at <= data.period.previous.slot and any(joined <= before for *_, joined in members)
    return lines


def _count_open(session: Session, mine: ColumnElement[bool], today: date, lines: dict[int, MemberLine]) -> None:
    """What is open, overdue and needs attention: counted by the database, one row per member."""
    for owner_id, open_count, overdue_count, attention_count in _stream(
        session,
        select(
            Action.owner_id,
            func.count(),
            func.sum(case((Action.due_date < today, 1), else_=0)),
            func.sum(case((Action.needs_attention, 1), else_=0)),
        )
        .where(mine, Action.status == "open")
        .group_by(Action.owner_id),
    ):
        if (line := lines.get(owner_id)) is None:  # joined since the member list was read
            continue
        line.open, line.overdue, line.attention = open_count, overdue_count or 0, attention_count or 0


def _open_titles(session: Session, mine: ColumnElement[bool], today: date, lines: dict[int, MemberLine]) -> None:
    """The titles of overdue actions and of those that need attention (a detailed digest's managers' lines)."""
    for owner_id, title, due, attention in _stream(
        session,
        select(Action.owner_id, Action.title, Action.due_date, Action.needs_attention)
        .where(mine, Action.status == "open", or_(Action.due_date < today, Action.needs_attention))
        .order_by(Action.due_date, Action.id),
    ):
        if (line := lines.get(owner_id)) is None:
            continue
        if due < today and len(line.overdue_titles) < MAX_TITLES:
            line.overdue_titles.append(title)
        if attention and len(line.attention_titles) < MAX_TITLES:
            line.attention_titles.append(title)


def _count_booked(
    session: Session,
    team: Team,
    owners: Select[int],
    weeks: tuple[Window, Window],
    lines: dict[int, MemberLine],
    previous: Wins,
) -> dict[int, int]:
    """Meetings booked with a contact: this week's per member, last week's in total; returns the number
    booked per action (a done action's "meeting" outcome does not count again where a contact was booked)."""
    this_week, last_week = weeks
    booked_by_action: dict[int, int] = defaultdict(int)
    for action_id, at, owner_id, due in _stream(
        session,
        select(
            ActionContact.action_id, type_coerce(ActionContact.updated_at, DateTime()), Action.owner_id, Action.due_date
        )
        .join(Action, Action.id == ActionContact.action_id)
        .where(
            ActionContact.workspace_id == team.workspace_id,
            Action.owner_id.in_(owners),
            or_(ActionContact.status == "booked", ActionContact.appointment_on.is_not(None)),
            ActionContact.updated_at >= last_week.start.replace(tzinfo=UTC),
        ),
    ):
        booked_by_action[action_id] += 1
        if this_week.counts(at, due) and owner_id in lines:
            lines[owner_id].wins.meetings += 1
        if last_week.counts(at, due):
            previous.meetings += 1
    return booked_by_action


def _count_done(
    session: Session,
    mine: ColumnElement[bool],
    period: Period,
    weeks: tuple[Window, Window],
    booked_by_action: dict[int, int],
    lines: dict[int, MemberLine],
    data: DigestData,
) -> None:
    """Finished actions: each member's streak, and the wins of the two weeks compared."""
    this_week, last_week = weeks
    recent = last_week.start
    deadline = _Deadlines(period.zone)
    streak_open: dict[int, bool] = {}
    for owner_id, due, agreed, finished, in_time, action_id, title, kind, outcomes in _done_rows(
        session, mine, period, recent, titles=data.privacy == "detailed"
    ):
        if (line := lines.get(owner_id)) is None:
            continue
        # Newest first: the streak of finishes by the date first agreed runs until the first late one (a
        # moved date does not make a late finish count; a Done to a bundled check-in the day it came does).
        if streak_open.setdefault(owner_id, True):
            if in_time if in_time is not None else finished < deadline(agreed):
                line.streak += 1
            else:
                streak_open[owner_id] = False
        if finished < recent:
            continue
        chosen = (outcomes or "").split(",")
        for window, wins, own in ((this_week, line.wins, True), (last_week, data.previous, False)):
            if not window.counts(finished, due):
                continue
            wins.done += 1
            if kind == "buying_signal" or "buying_signal" in chosen:
                wins.signals += 1
            if "meeting" in chosen and not booked_by_action.get(action_id):
                wins.meetings += 1
            if own and title is not None and len(line.done_titles) < MAX_TITLES:
                line.done_titles.append(title)


def _done_rows(
    session: Session, mine: ColumnElement[bool], period: Period, recent: datetime, *, titles: bool
) -> Iterator[Row[*tuple[Any, ...]]]:
    """The members' finished actions over the streak's lookback, newest first per member; only those done since
    `recent` (naive UTC) carry what the wins need (id, title, kind, outcomes)."""
    is_recent = Action.done_at >= recent.replace(tzinfo=UTC)  # what either week's wins may count
    return _stream(
        session,
        select(
            Action.owner_id,
            Action.due_date,
            func.coalesce(Action.agreed_due, Action.due_date),  # the streak counts by the date first agreed
            type_coerce(Action.done_at, DateTime()),  # naive UTC, unconverted
            Action.done_in_time,  # decided when done (actions.in_time); None: done before it was kept
            # Only the wins of the two weeks compared need more than the streak does.
            case((is_recent, Action.id)),
            case((is_recent, Action.title)) if titles else null(),
            case((is_recent, Action.kind)),
            case((is_recent, Action.outcomes)),
        )
        .where(mine, Action.status == "done", Action.done_at >= period.previous.starts_at - STREAK_LOOKBACK)
        .order_by(Action.owner_id, Action.done_at.desc()),
    )


def nameless_members(session: Session, team: Team, *, limit: int) -> list[str]:
    """Members whose name the bot never learned (and who are not known to be gone from Slack)."""
    return list(
        session.scalars(
            select(Person.slack_user_id)
            .join(Membership, Membership.person_id == Person.id)
            .where(*_active_member_of(team), Person.display_name.is_(None), Person.unreachable.is_(None))
            .order_by(Person.slack_user_id)
            .limit(limit)
        )
    )


def for_team(session: Session, clock: Clock, team: Team) -> DigestData:
    """The digest of the team's current period as it stands now (the preview, and what gets posted)."""
    now = clock.now()
    return build(session, team, current_period(team, now), now)


def is_posted(session: Session, team: Team, now: datetime) -> bool:
    """Whether the team's current period went out already (the preview says so)."""
    start = current_period(team, now).start
    status = session.scalar(select(Digest.status).where(Digest.team_id == team.id, Digest.period_start == start))
    return status == "posted"
