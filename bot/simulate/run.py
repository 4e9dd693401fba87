"""The simulation loop: the real planner, worker ticks, digest and message layer, on a simulated clock.

A throw-away SQLite database (migrated like the app does), an in-process fake Slack, and sample people
who click their answers through the same flows as the app (bot/flows/nudges.py), so each click updates the
message, celebrates a Done and republishes the Home tab as a real one does. The clock jumps from one
moment that matters to the next (a planned message, an answer, a digest slot, a Monday when actions are
agreed), so weeks take seconds.
"""

from __future__ import annotations

import heapq
import random
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.delivery import Delivery
from bot.deps import Deps, build_deps
from bot.fake_slack.workspace import Refusal
from bot.flows import nudges as nudge_flows
from bot.flows.context import Caller
from bot.messages import catalogue as catalogues
from bot.messages.dates import format_day
from bot.services import actions, kinds, people, teams
from bot.services import digest as digest_service
from bot.services import personal_settings as ps
from bot.services.calendar import work_week_of
from bot.services.clock import FixedClock
from bot.simulate.fake_slack import Call, FakeWebClient, User, fake_gateway
from bot.simulate.personas import Persona
from bot.simulate.plan import Plan, PlannedPerson
from bot.simulate.sample import sample_plan
from config.settings import load_settings
from models import Action, Event, Nudge, Person, Team
from models.db import make_engine
from models.migrate import upgrade_to_head

DEFAULT_START = date(2026, 11, 30)  # a Monday; the first weeks take in Christmas and New Year
TEAM_ID = "TSIMULATE"
TIMEZONE = "Europe/Amsterdam"
AGREED_AT = time(9, 15)  # actions are agreed on Monday mornings, after the digest and before the first nudge
AWAY_FROM = time(17, 0)  # a holiday starts on the Friday before, after work
LOCALES = {"en": "en-GB", "nl": "nl-NL"}
# Planning settings an organisation may set in its environment; the simulator honours the same ones.
PLANNING_VARIABLES = ("INSPIRE_SHARE", "MAX_MESSAGES_PER_DAY", "PREP_WORKING_DAYS")


@dataclass(frozen=True)
class Options:
    weeks: int = 4
    language: str = "en"
    seed: int = 1
    answers: tuple[str, ...] | None = None  # None: the plan's own (the sample: on_time, late, never, rescheduler)
    plan: Plan | None = None  # None: the sample team
    start: date = DEFAULT_START
    catalogue_dir: Path | None = None
    environ: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Entry:
    """One thing in the transcript: a message, a digest, an answer or a note about what happened."""

    at: datetime  # UTC
    local: datetime  # in the reader's time zone
    what: str  # "dm", "digest", "digest_edit", "answer", "note"
    who: str  # the recipient or actor's name, or "#channel"
    kind: str = ""  # the nudge kind, or "digest"
    tone: str = ""  # "inspire" or "check" for nudges
    text: str = ""  # an answer's or note's words; a message's fallback text
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread: list[list[dict[str, Any]]] = field(default_factory=list)
    thread_ts: list[str] = field(default_factory=list)
    said: list[tuple[str, str]] = field(default_factory=list)  # an answer: (button label, action title)
    user_id: str = ""
    ts: str = ""


@dataclass(frozen=True)
class Member:
    """A simulated person as the transcript and summary see them."""

    user_id: str
    name: str
    role: str
    answers: str
    language: str


@dataclass
class Outcome:
    options: Options
    plan: Plan
    start: date
    end: date  # the first day after the simulated weeks
    entries: list[Entry]
    people: list[Member]
    names: dict[str, str]  # Slack user id -> name, for mentions
    channel_id: str
    channel: str
    inspire_share: float
    deps: Deps  # still usable for reading the database until the outcome is closed
    refusals: list[Refusal] = field(default_factory=list)  # what the fake Slack refused: each one is a bug
    closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self.closers):
            close()
        self.closers.clear()


class Simulation:
    def __init__(self, options: Options, progress: Callable[[int, int], None] | None = None):
        self.options = options
        self.progress = progress
        self.rng = random.Random(options.seed)
        self.start = options.start - timedelta(days=options.start.weekday())  # weeks run Monday to Sunday
        answers = list(options.answers or ())
        plan = options.plan or sample_plan(options.weeks, options.language, self.rng, answers, start=self.start)
        if options.plan is not None and options.answers:
            plan = plan.with_answers(list(options.answers))
        self.plan = plan
        self.zone = ZoneInfo(TIMEZONE)
        self.framing = catalogues.Catalogue(options.language)  # the run's language, from the built-in catalogue
        self.end = self.start + timedelta(weeks=options.weeks)
        self.entries: list[Entry] = []
        self.agenda: list[tuple[datetime, int, Callable[[], None]]] = []
        self.answers: list[tuple[datetime, int, str, int]] = []
        self._seq = 0
        self.personas: dict[str, Persona] = {}
        self.members: list[Member] = []
        self.by_user: dict[str, Member] = {}
        self.channel_id = "C" + plan.channel.upper().replace("-", "").replace("_", "")[:20]

    # -- set-up --------------------------------------------------------------------------------

    def run(self) -> Outcome:
        folder = tempfile.TemporaryDirectory(prefix="conscience-simulate-")
        closers: list[Callable[[], None]] = [folder.cleanup, lambda: catalogues.use_directory(None)]
        try:
            outcome = self._run(f"sqlite:///{folder.name}/simulate.db", closers)
        except BaseException:
            for close in reversed(closers):
                close()
            raise
        return outcome

    def _run(self, url: str, closers: list[Callable[[], None]]) -> Outcome:
        upgrade_to_head(url)
        environ = {k: v for k, v in self.options.environ.items() if k in PLANNING_VARIABLES}
        settings = load_settings(
            {
                **environ,
                "SLACK_BOT_TOKEN": "xoxb-simulated",
                "SLACK_SIGNING_SECRET": "simulated",
                "DATABASE_URL": url,
                "DEFAULT_LANGUAGE": self.options.language,
                "DEFAULT_TIMEZONE": TIMEZONE,
            }
        )
        self.clock = FixedClock(datetime.combine(self.start, AGREED_AT, self.zone))
        self.slack = FakeWebClient(self.clock, TEAM_ID)
        self.slack.add_channel(self.channel_id)  # the app is in the team's digest channel
        engine = make_engine(url)
        closers.append(engine.dispose)
        # Made again with the fake Slack, so what the dependencies build from the gateway (the sender of a
        # celebration right after a Done) talks to it too.
        self.deps = replace(build_deps(settings, clock=self.clock, engine=engine), gateway=fake_gateway(self.slack))
        catalogues.use_directory(self.options.catalogue_dir)
        self.delivery = Delivery(self.deps, threads=1)  # one thread: the same order every run
        try:
            self._set_up()
            self._loop()
            self._closing_digest()
        finally:
            self.delivery.close()
        return Outcome(
            options=self.options,
            plan=self.plan,
            start=self.start,
            end=self.end,
            entries=self.entries,
            people=self.members,
            names={m.user_id: m.name for m in self.members},
            channel_id=self.channel_id,
            channel=self.plan.channel,
            inspire_share=settings.inspire_share,
            deps=self.deps,
            refusals=list(self.slack.refusals),
            closers=closers,
        )

    def _at(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, self.zone).astimezone(UTC)

    def _schedule(self, moment: datetime, job: Callable[[], None]) -> None:
        self._seq += 1
        heapq.heappush(self.agenda, (moment, self._seq, job))

    def _set_up(self) -> None:
        language = self.options.language
        for index, planned in enumerate(self.plan.people, start=1):
            user_id = f"USIM{index:02d}"
            member = Member(
                user_id=user_id,
                name=planned.name,
                role=planned.role,
                answers=planned.answers,
                language=planned.language or language,
            )
            self.members.append(member)
            self.by_user[user_id] = member
            self.personas[user_id] = Persona(user_id, planned.answers, random.Random(f"{self.options.seed}:{user_id}"))
            self.slack.add_user(User(user_id, planned.name, TIMEZONE, LOCALES[member.language]))
        with self.deps.transaction() as session:
            for planned, member in zip(self.plan.people, self.members, strict=True):
                profile = people.Profile(name=planned.name, timezone=TIMEZONE, locale=LOCALES[member.language])
                person, _ = people.ensure_person(session, self.clock, TEAM_ID, member.user_id, profile)
                self._personal_settings(session, person, planned)
            self._team(session)
        for week in range(1, self.options.weeks + 1):
            monday = self.start + timedelta(weeks=week - 1)
            self._schedule(self._at(monday, AGREED_AT), partial(self._agree, week))
        for planned, member in zip(self.plan.people, self.members, strict=True):
            for first, last in _spans(planned.away):
                if first > self.options.weeks:
                    continue
                monday = self.start + timedelta(weeks=first - 1)
                sunday = self.start + timedelta(weeks=last, days=-1)
                leave = max(monday - timedelta(days=3), self.start)
                moment = self._at(leave, AWAY_FROM if leave < monday else AGREED_AT)
                self._schedule(moment, partial(self._pause, member, sunday))

    def _personal_settings(self, session: Any, person: Person, planned: PlannedPerson) -> None:
        if planned.hours:
            ps.set_hours(session, self.clock, person, *planned.hours, rules=self.deps.rules)
        if planned.days:
            ps.set_days(session, self.clock, person, planned.days, rules=self.deps.rules)
        if planned.checkin:
            ps.set_checkin(session, self.clock, person, planned.checkin, rules=self.deps.rules)
        if planned.country:
            ps.set_country(session, self.clock, person, planned.country, rules=self.deps.rules)

    def _team(self, session: Any) -> None:
        persons = {m.user_id: people.find_person(session, TEAM_ID, m.user_id) for m in self.members}
        managers = [m for m in self.members if m.role == "manager"]
        actor = persons[(managers or self.members)[0].user_id]
        assert actor is not None
        team = teams.create(
            session,
            self.clock,
            workspace_id=actor.workspace_id,
            actor=actor,
            name=self.plan.team,
            channel_id=self.channel_id,
        )
        teams.update_settings(
            session,
            self.clock,
            team,
            actor,
            teams.TeamSettings(
                weekday=self.plan.digest_day,
                at=self.plan.digest_time,
                timezone=TIMEZONE,
                privacy=self.plan.privacy,
                language=None,
            ),
        )
        teams.add(session, self.clock, team, actor, [m.user_id for m in self.members if m.role == "member"])
        if managers:
            teams.add(session, self.clock, team, actor, [m.user_id for m in managers], role="manager")
        self.team_id = team.id

    # -- what people do ---------------------------------------------------------------------------

    def _agree(self, week: int) -> None:
        """Monday morning: each person adds the actions agreed for this week, through the real service."""
        now = self.clock.now()
        for planned, member in zip(self.plan.people, self.members, strict=True):
            agreed = [a for a in planned.actions if a.week == week]
            if not agreed:
                continue
            lines = []
            with self.deps.transaction() as session:
                owner = people.find_person(session, TEAM_ID, member.user_id)
                assert owner is not None
                week_of = work_week_of(owner, TIMEZONE)
                today = week_of.local_date(now)
                monday = today - timedelta(days=today.weekday())
                for planned_action in agreed:
                    due = monday + timedelta(days=planned_action.due_days)
                    data = actions.ActionInput(
                        title=planned_action.title,
                        due=max(due, today),
                        kind=planned_action.kind,
                        contacts=list(planned_action.contacts),
                        opening_line=planned_action.opening,
                        voicemail_plan=planned_action.voicemail,
                        repeat_weeks=planned_action.repeat,
                    )
                    actions.create(
                        session, self.clock, owner=owner, actor=owner, data=data, today=today, rules=self.deps.rules
                    )
                    day = format_day(self.framing, data.due)
                    lines.append(self.framing.t("simulate.note.due", title=planned_action.title, day=day))
            heading = self.framing.t("simulate.note.adds", count=len(lines), name=member.name)
            self._note(now, member.name, "\n".join([heading, *lines]), user_id=member.user_id)

    def _pause(self, member: Member, until: date) -> None:
        now = self.clock.now()
        with self.deps.transaction() as session:
            person = people.find_person(session, TEAM_ID, member.user_id)
            assert person is not None
            today = work_week_of(person, TIMEZONE).local_date(now)
            ps.pause(session, self.clock, person, until, today, rules=self.deps.rules)
        text = self.framing.t("simulate.note.pause", name=member.name, day=format_day(self.framing, until))
        self._note(now, member.name, text, user_id=member.user_id)

    def _answer(self, user_id: str, nudge_id: int) -> None:
        """The person clicks their answers, one button per action, through the same flow as a real click:
        the message shows the answer, a Done is celebrated, the Home tab is republished."""
        persona, member = self.personas[user_id], self.by_user[user_id]
        now = self.clock.now()
        cat = catalogues.catalogue(member.language)
        who = Caller(TEAM_ID, user_id)
        with self.deps.sessions() as session:
            person = people.find_person(session, TEAM_ID, user_id)
            row = session.get(Nudge, nudge_id)
            if person is None or row is None:
                return
            week = work_week_of(person, TIMEZONE)
            kind, action_ids = row.kind, list(row.action_ids or [0])
        today = week.local_date(now)
        chosen: list[tuple[int, str, str, date | None]] = []  # (action, title, answer, date), in the message's order
        for action_id in action_ids:
            with self.deps.sessions() as session:
                action = session.get(Action, action_id) if action_id else None
                if action is not None and action.status != "open":
                    continue  # already finished elsewhere
                title = action.title if action else ""
            chosen.append((action_id, title, *persona.choose(kind, action_id, today, week)))
        # Done is clicked last. The planner counts a planned celebration as a message of its own until it joins
        # today's sent one, so the order of one answer's clicks shapes the plan; Done last plans like one answer.
        changed = {
            action_id: nudge_flows.answer(self.deps, who, nudge_flows.Click(nudge_id, action_id), choice, on)
            for action_id, _, choice, on in sorted(chosen, key=lambda c: c[2] == "done")
        }
        said = [(_label(cat, kind, choice, on), title) for action_id, title, choice, on in chosen if changed[action_id]]
        if said:
            text = "\n".join(f"[{label}] {title}".strip() for label, title in said)
            self.entries.append(
                Entry(
                    at=now,
                    local=now.astimezone(self.zone),
                    what="answer",
                    who=member.name,
                    kind=kind,
                    text=text,
                    said=said,
                    user_id=user_id,
                )
            )

    # -- the loop ---------------------------------------------------------------------------------

    def _next_moment(self) -> datetime:
        now = self.clock.now()
        with self.deps.sessions() as session:
            upcoming = session.scalar(select(func.min(Nudge.due_at)).where(Nudge.status == "planned"))
        candidates = [self._end_moment(), self._next_digest(now)]
        if upcoming is not None:
            candidates.append(upcoming.replace(tzinfo=UTC) if upcoming.tzinfo is None else upcoming)
        if self.agenda:
            candidates.append(self.agenda[0][0])
        if self.answers:
            candidates.append(self.answers[0][0])
        return max(min(candidates), now)

    def _end_moment(self) -> datetime:
        return self._at(self.end, time(0, 0))

    def _next_digest(self, now: datetime) -> datetime:
        with self.deps.sessions() as session:
            team = session.get(Team, self.team_id)
            assert team is not None
            return digest_service.last_slot(team, now) + timedelta(days=7)

    def _loop(self) -> None:
        total = (self.end - self.start).days
        shown = -1
        while True:
            moment = self._next_moment()
            if moment >= self._end_moment():
                break
            self.clock.set(moment)
            day = (moment.astimezone(self.zone).date() - self.start).days
            if self.progress and day != shown:
                self.progress(day, total)
                shown = day
            while self.agenda and self.agenda[0][0] <= moment:
                heapq.heappop(self.agenda)[2]()
            while self.answers and self.answers[0][0] <= moment:
                _, _, user_id, nudge_id = heapq.heappop(self.answers)
                self._answer(user_id, nudge_id)
            self.delivery.tick()
            self._collect()
            self.clock.advance(timedelta(minutes=1))
        if self.progress:
            self.progress(total, total)

    def _closing_digest(self) -> None:
        """The digest of the last simulated week comes at the team's next slot: post it, send nothing else."""
        slot = self._next_digest(self._end_moment() - timedelta(minutes=1))
        if slot >= self._end_moment() + timedelta(days=7):
            return
        self.clock.set(slot)
        self.delivery.digests.tick()
        self._collect()

    # -- what reached Slack -----------------------------------------------------------------------

    def _collect(self) -> None:
        calls = self.slack.take()
        now = self.clock.now()
        posted = [c for c in calls if c.method == "chat.postMessage" and c.ts]
        with self.deps.sessions() as session:
            by_ts = {
                n.message_ts: n
                for n in session.scalars(select(Nudge).where(Nudge.message_ts.in_([c.ts for c in posted])))
            }
            notes = list(
                session.execute(
                    select(Event.kind, Event.actor_id, Event.action_id, Action.title, Person.slack_user_id)
                    .join(Action, Action.id == Event.action_id, isouter=True)
                    .join(Person, Person.id == Action.owner_id, isouter=True)
                    .where(Event.created_at == now, Event.kind.in_(("needs_attention", "rhythm_assumed")))
                    .order_by(Event.id)
                )
            )
            actors = {p.id: p.slack_user_id for p in session.scalars(select(Person))}
        digests: dict[str, Entry] = {}
        fresh = len(self.entries)  # the entries of this moment start here
        for call in calls:
            if call.method == "chat.postMessage" and call.ts:
                self._posted(call, by_ts.get(call.ts), digests)
            elif call.method == "chat.update" and not str(call.params.get("channel", "")).startswith("C"):
                self._grown(call, self.entries[fresh:])
            elif call.method == "chat.update":
                self.entries.append(
                    Entry(
                        at=call.at,
                        local=call.at.astimezone(self.zone),
                        what="digest_edit",
                        who=f"#{self.plan.channel}",
                        kind="digest",
                        blocks=_blocks(call),
                        text=str(call.params.get("text", "")),
                        ts=str(call.params.get("ts", "")),
                    )
                )
        for kind, actor_id, _action_id, title, owner_user in notes:
            user_id = owner_user or actors.get(actor_id or 0, "")
            member = self.by_user.get(user_id)
            if member is None:
                continue
            key = "simulate.note.attention" if kind == "needs_attention" else "simulate.note.rhythm"
            text = self.framing.t(key, name=member.name, title=title or "")
            self._note(now, member.name, text, user_id=user_id)

    def _posted(self, call: Call, nudge: Nudge | None, digests: dict[str, Entry]) -> None:
        channel = str(call.params.get("channel", ""))
        thread_ts = call.params.get("thread_ts")
        if channel.startswith("C"):
            if thread_ts and thread_ts in digests:  # the thread of a digest posted in this same tick
                digests[str(thread_ts)].thread.append(_blocks(call))
                digests[str(thread_ts)].thread_ts.append(call.ts or "")
                return
            entry = Entry(
                at=call.at,
                local=call.at.astimezone(self.zone),
                # A thread message added to an earlier digest (it grew as it updated) reads as an edit.
                what="digest_edit" if thread_ts else "digest",
                who=f"#{self.plan.channel}",
                kind="digest",
                blocks=_blocks(call),
                text=str(call.params.get("text", "")),
                ts=call.ts or "",
            )
            digests[entry.ts] = entry
            self.entries.append(entry)
            return
        user_id = channel[1:] if channel.startswith("D") else channel  # a DM goes to "D<user>" or the user id
        member = self.by_user.get(user_id)
        entry = Entry(
            at=call.at,
            local=call.at.astimezone(self.zone),
            what="dm",
            who=member.name if member else user_id,
            kind=nudge.kind if nudge else "notice",
            tone=nudge.tone if nudge else "",
            blocks=_blocks(call),
            text=str(call.params.get("text", "")),
            user_id=user_id,
            ts=call.ts or "",
        )
        self.entries.append(entry)
        if nudge is None or user_id not in self.personas:
            return
        delay = self.personas[user_id].answer_delay(nudge.kind)
        if delay is not None:
            self._seq += 1
            heapq.heappush(self.answers, (call.at + delay, self._seq, user_id, nudge.id))

    def _grown(self, call: Call, fresh: list[Entry]) -> None:
        """A direct message posted at this same moment and updated right away reads as it ended up: today's
        celebration, posted after one Done and grown by the next click on the same message."""
        for entry in fresh:
            if entry.what == "dm" and entry.ts == call.params.get("ts"):
                entry.blocks, entry.text = _blocks(call), str(call.params.get("text", ""))

    def _note(self, at: datetime, who: str, text: str, *, user_id: str = "") -> None:
        self.entries.append(
            Entry(at=at, local=at.astimezone(self.zone), what="note", who=who, text=text, user_id=user_id)
        )


# The label of the button (or date picker) behind each answer, where it is not `<kind's texts>.<answer>`.
_ANSWER_LABELS = {(kinds.CHECKIN, "not_yet"): "nudge.checkin.new_date"}


def _label(cat: catalogues.Catalogue, kind: str, choice: str, on: date | None) -> str:
    """What the person clicked, in their language: the button, or the date picker with the day picked."""
    label = cat.t(_ANSWER_LABELS.get((kind, choice), f"{kinds.of(kind).catalogue}.{choice}"))
    return f"{label}: {format_day(cat, on)}" if on is not None else label


def _blocks(call: Call) -> list[dict[str, Any]]:
    blocks = call.params.get("blocks")
    return list(blocks) if isinstance(blocks, list) else []


def _spans(weeks: tuple[int, ...]) -> list[tuple[int, int]]:
    """(first, last) of each run of consecutive weeks: one holiday, one pause."""
    spans: list[tuple[int, int]] = []
    for week in sorted(weeks):
        if spans and spans[-1][1] == week - 1:
            spans[-1] = (spans[-1][0], week)
        else:
            spans.append((week, week))
    return spans


def simulate(options: Options, progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Play the weeks; the caller reads the outcome and then calls outcome.close()."""
    return Simulation(options, progress).run()
