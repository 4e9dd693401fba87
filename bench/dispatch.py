"""Planning and delivery at scale: plan N people's messages, tick with nothing due, send 2,000 due rows.

What is measured, on one database, one workspace and N people with 5 open actions each:

1. Planning. People are created through `people.ensure_person` (with a Slack profile, so delivery does
   not ask users.info again). With `--plan create` every action goes through the real
   `actions.create(...)` path, which replans the owner after each action (5 replans per person). With
   `--plan replan` (the default, because the create path is too slow for 10,000 people within a few
   minutes, see bench/README.md) the actions are inserted in bulk and `planning.replan(session, clock,
   person)` is timed for every person, committing every 200 people. Figures: people/s (and the rate
   of every 2,000, to show a slowdown as `nudges` fills), CPU of this process a person, and the
   planned rows (`select count(*) from nudges where status = 'planned'`).
   Statistics: a server with autovacuum off (as the local development cluster) never analyses the
   fresh tables, and psycopg's server-side prepared statements then keep plans made for an empty
   `nudges` (a scan of every planned row per replan). The benchmark applies autovacuum's default
   ANALYZE rule itself after every batch, inside the timed part (class Statistics); `--no-analyze`
   leaves the statistics alone to show the difference.
2. A tick with nothing due: the clock is moved to Sunday 07:00 Amsterdam, before every planned row,
   and `Delivery(deps).tick()` runs 20 times. Figures: median and max milliseconds per tick and the
   SQL statements per tick (a `before_cursor_execute` listener on the engine). Target: under 50 ms.
3. Dispatch throughput: the fake Slack answers chat.postMessage and conversations.open after 50 ms
   each. The clock is set to Monday 09:15 Amsterdam, inside working hours and before the first
   planned slot (09:30; any later moment would make everything planned before it due as well), and
   one planned 'prep' or 'tip' row of each of 2,000 people (open actions, nothing sent yet, so the
   daily maximum and the mix guard let them through) is moved to 09:14. Ticks run until one claims
   nothing. Figures: claimed/sent/failed/skipped, wall time, messages a second (sent / seconds), the
   Slack calls the fake saw, SQL statements and CPU of this process a message.
   Target: at least 100 messages a second, which needs overlapping sends (each message costs one
   chat.postMessage, 50 ms of Slack latency: a first contact posts to the user id and Slack opens the
   DM). The fake Slack runs in a process of its own (`python -m tests.fake_slack`), as Slack does.
4. Peak memory of the process: resource.getrusage(RUSAGE_SELF).ru_maxrss.
5. A summary with the targets, MET / NOT MET.

Run from the repository root (PostgreSQL must be running; the database is created when missing):

    python bench/dispatch.py                               # 10,000 people, benchdispatch on 127.0.0.1
    python bench/dispatch.py --people 2000
    python bench/dispatch.py --plan create --people 1000   # every action through actions.create
    python bench/dispatch.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/benchdispatch

Every run DROPS ALL TABLES of its database (alembic_version included) and migrates to head, so on
PostgreSQL the database name must contain "bench". The script prints figures and exits 0; it asserts
nothing (a crash exits 1, Ctrl-C 130).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event, func, select, text, update

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import describe_database, ensure_database, reset_schema  # noqa: E402 (needs the root on sys.path)
from bot.delivery import Delivery, TickReport  # noqa: E402
from bot.deps import Deps, build_deps  # noqa: E402
from bot.services import actions, people, planning  # noqa: E402
from bot.services.clock import FixedClock  # noqa: E402
from config.settings import Settings, database_url  # noqa: E402
from models import Action, ActionContact, Nudge, Person  # noqa: E402
from models.db import make_engine  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/benchdispatch"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
PLAN_AT = datetime(2026, 11, 30, 8, 0, tzinfo=AMSTERDAM)  # Monday, before the working day
IDLE_AT = datetime(2026, 11, 29, 7, 0, tzinfo=AMSTERDAM)  # Sunday: before every planned row
DISPATCH_AT = datetime(2026, 11, 30, 9, 15, tzinfo=AMSTERDAM)  # Monday, working hours, before the 09:30 slot
DUE_AT = DISPATCH_AT - timedelta(minutes=1)
TEAM = "TBENCH"
ACTIONS_PER_PERSON = 5
COMMIT_EVERY = 200
PROGRESS_EVERY = 2000
# Autovacuum's default rule for ANALYZE: 50 rows plus 10% of the table changed since the last one.
ANALYZE_THRESHOLD = 50
ANALYZE_SCALE = 0.1
IDLE_TICKS = 20
DUE_ROWS = 2000
SLACK_LATENCY = 0.05
SLOW_METHODS = ("conversations.open", "chat.postMessage")
SEEN_METHODS = ("conversations.open", "chat.postMessage", "users.info")
TARGET_IDLE_MS = 50.0
TARGET_PER_SECOND = 100.0
TARGET_PLANNED_ROWS = 150_000  # the scenario's size, for reference (not a pass/fail figure)

TITLES = (
    "Call {contact} about the renewal of the framework agreement",
    "Lunch with {contact} to hear how the merger is going",
    "Send {contact} the article on the new pension rules",
    "Ask {contact} for an introduction to their CFO",
    "Follow up with {contact} after the seminar",
    "Invite {contact} to the client evening",
    "Check in with {contact} on the due diligence",
    "Congratulate {contact} on the acquisition",
    "Propose a knowledge session to {contact}",
    "Ask {contact} how the first quarter went",
)
CONTACTS = (
    "Anna de Vries",
    "Pieter Jansen",
    "Sophie Bakker",
    "Daan Visser",
    "Emma Smit",
    "Lucas Meijer",
    "Julia de Boer",
    "Thomas Mulder",
    "Sara de Groot",
    "Bram Bos",
    "Lotte Vos",
    "Ruben Peters",
)
KINDS = ("buying_signal", "aftercare", "top_client", "networking", "other")

T = TypeVar("T")


# -- database -------------------------------------------------------------------------------------


class Statistics:
    """Keeps the planner's statistics fresh the way autovacuum would, on a server where it is off.

    Without statistics PostgreSQL plans `nudges` as an empty table, and psycopg's server-side prepared
    statements (after 5 executions) then keep a generic plan that reads every planned row through
    ix_nudges_status_due_at instead of the person's index: each replan gets slower as the table fills.
    Production runs autovacuum, so after each batch this applies autovacuum's default rule (ANALYZE a
    table once 50 rows + 10% of it changed) on pg_stat_user_tables. `--no-analyze` shows the difference.
    """

    RULE = text(
        "select s.relname from pg_stat_user_tables s join pg_class c on c.oid = s.relid "
        "where s.n_mod_since_analyze > :threshold + :scale * greatest(c.reltuples, 0)"
    )

    def __init__(self, engine: Engine, wanted: bool) -> None:
        self.engine = engine
        self.runs = 0
        self.seconds = 0.0
        self.enabled = wanted and engine.dialect.name == "postgresql" and not self._autovacuum_on()

    def _autovacuum_on(self) -> bool:
        with self.engine.connect() as connection:
            return connection.scalar(text("show autovacuum")) == "on"

    def maybe_analyze(self) -> None:
        if not self.enabled:
            return
        started = time.perf_counter()
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            params = {"threshold": ANALYZE_THRESHOLD, "scale": ANALYZE_SCALE}
            for table in connection.scalars(self.RULE, params).all():
                connection.execute(text(f'analyze "{table}"'))
                self.runs += 1
        self.seconds += time.perf_counter() - started

    def describe(self) -> str:
        if not self.enabled:
            return "statistics: left to the server (autovacuum on, or --no-analyze, or not PostgreSQL)"
        return f"statistics: autovacuum is off, the benchmark ran ANALYZE {self.runs}x ({self.seconds:.1f} s)"


class StatementCounter:
    """Counts SQL statements sent through the engine (all threads)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self._lock = threading.Lock()
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        with self._lock:
            self.count += 1

    def take(self) -> int:
        """The count since the last take."""
        with self._lock:
            count, self.count = self.count, 0
            return count


# -- figures --------------------------------------------------------------------------------------


@dataclass
class Figures:
    people: int = 0
    plan_mode: str = ""
    plan_seconds: float = 0.0
    plan_cpu_ms: float = 0.0
    planned_rows: int = 0
    idle_ms: list[float] = field(default_factory=list)
    idle_statements: list[int] = field(default_factory=list)
    due_rows: int = 0
    dispatched: TickReport = field(default_factory=TickReport)  # the dispatch ticks' counts, summed
    ticks: int = 0
    dispatch_seconds: float = 0.0
    dispatch_statements: int = 0
    dispatch_cpu_ms: float = 0.0
    slack_calls: dict[str, int] = field(default_factory=dict)
    peak_mb: float = 0.0

    @property
    def people_per_second(self) -> float:
        return self.people / self.plan_seconds if self.plan_seconds else 0.0

    @property
    def idle_median_ms(self) -> float:
        return statistics.median(self.idle_ms) if self.idle_ms else 0.0

    @property
    def per_second(self) -> float:
        return self.dispatched.sent / self.dispatch_seconds if self.dispatch_seconds else 0.0


def timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def peak_memory_mb() -> float:
    # Linux reports ru_maxrss in kilobytes (macOS in bytes).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1024 / 1024


def chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# -- step 1: people, actions, plans ---------------------------------------------------------------


def action_inputs(rng: random.Random, today: date) -> list[actions.ActionInput]:
    """Five realistic actions, due over the next 2 to 8 weeks, with one to three contacts each."""
    inputs = []
    for _ in range(ACTIONS_PER_PERSON):
        contacts = rng.sample(CONTACTS, rng.randint(1, 3))
        inputs.append(
            actions.ActionInput(
                title=rng.choice(TITLES).format(contact=contacts[0]),
                due=today + timedelta(days=rng.randint(14, 56)),
                kind=rng.choice(KINDS),
                contacts=contacts,
                opening_line="How are things since we last spoke?" if rng.random() < 0.3 else None,
            )
        )
    return inputs


def create_people(deps: Deps, count: int) -> list[int]:
    """Through people.ensure_person, with a Slack profile (time zone, locale), committing per batch."""
    ids: list[int] = []
    for batch in chunks(list(range(count)), COMMIT_EVERY):
        with deps.transaction() as session:
            created = []
            for index in batch:
                profile = people.Profile(
                    name=f"Bench Person {index}",
                    timezone="Europe/Amsterdam",
                    locale="nl-NL" if index % 3 == 0 else "en-GB",
                )
                person, _ = people.ensure_person(session, deps.clock, TEAM, f"UB{index:06d}", profile)
                created.append(person)
            session.flush()
            ids += [p.id for p in created]
    return ids


def insert_actions(deps: Deps, person_ids: list[int], rng: random.Random) -> None:
    """The same actions as the create path would make, inserted in bulk (no replan, no events)."""
    today = PLAN_AT.date()
    now = deps.clock.now()
    for batch in chunks(person_ids, COMMIT_EVERY):
        with deps.transaction() as session:
            workspace_id = session.scalar(select(Person.workspace_id).where(Person.id == batch[0]))
            for person_id in batch:
                for data in action_inputs(rng, today):
                    action = Action(
                        workspace_id=workspace_id,
                        owner_id=person_id,
                        created_by_id=person_id,
                        status="open",
                        created_at=now,
                        updated_at=now,
                    )
                    actions.fill(action, data)
                    action.contacts = [
                        ActionContact(workspace_id=workspace_id, position=i, name=name, status="todo", updated_at=now)
                        for i, name in enumerate(data.contacts)
                    ]
                    session.add(action)


def replan_everyone(deps: Deps, person_ids: list[int], stats: Statistics) -> None:
    """planning.replan for every person, committing every COMMIT_EVERY people."""
    progress = Progress(len(person_ids))
    for batch in chunks(person_ids, COMMIT_EVERY):
        with deps.transaction() as session:
            for person in session.scalars(select(Person).where(Person.id.in_(batch)).order_by(Person.id)):
                planning.replan(session, deps.clock, person, rules=deps.rules)
        stats.maybe_analyze()
        progress.done(len(batch))


def create_through_actions(deps: Deps, person_ids: list[int], rng: random.Random, stats: Statistics) -> None:
    """actions.create for every action (each replans its owner), committing every COMMIT_EVERY people."""
    today = PLAN_AT.date()
    progress = Progress(len(person_ids))
    for batch in chunks(person_ids, COMMIT_EVERY):
        with deps.transaction() as session:
            for person in session.scalars(select(Person).where(Person.id.in_(batch)).order_by(Person.id)):
                for data in action_inputs(rng, today):
                    actions.create(
                        session, deps.clock, owner=person, actor=person, data=data, today=today, rules=deps.rules
                    )
        stats.maybe_analyze()
        progress.done(len(batch))


class Progress:
    """Prints the rate every PROGRESS_EVERY people, so a slowdown as the tables fill shows."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.count = 0
        self.started = self.last_time = time.perf_counter()
        self.last_count = 0

    def done(self, people: int) -> None:
        self.count += people
        if self.count - self.last_count < PROGRESS_EVERY and self.count < self.total:
            return
        now = time.perf_counter()
        recent = (self.count - self.last_count) / (now - self.last_time)
        step = self.count - self.last_count
        print(f"    {self.count:>6} people, {now - self.started:6.1f} s; the last {step}: {recent:.0f} people/s")
        self.last_time, self.last_count = now, self.count


def count_planned(deps: Deps) -> int:
    with deps.transaction() as session:
        return session.scalar(select(func.count()).select_from(Nudge).where(Nudge.status == "planned")) or 0


def plan(deps: Deps, figures: Figures, mode: str, stats: Statistics) -> None:
    deps.clock.set(PLAN_AT)  # type: ignore[attr-defined]
    rng = random.Random(20261130)
    person_ids, people_seconds = timed(lambda: create_people(deps, figures.people))
    print(f"  {len(person_ids)} people through people.ensure_person in {people_seconds:.1f} s")
    if mode == "replan":
        _, bulk_seconds = timed(lambda: insert_actions(deps, person_ids, rng))
        count = len(person_ids) * ACTIONS_PER_PERSON
        print(f"  {count} actions with contacts inserted in bulk in {bulk_seconds:.1f} s")
    stats.maybe_analyze()
    cpu = time.process_time()
    if mode == "create":
        _, figures.plan_seconds = timed(lambda: create_through_actions(deps, person_ids, rng, stats))
        what = f"{len(person_ids) * ACTIONS_PER_PERSON} actions through actions.create (5 replans a person)"
    else:
        _, figures.plan_seconds = timed(lambda: replan_everyone(deps, person_ids, stats))
        what = "planning.replan for every person"
    figures.plan_cpu_ms = (time.process_time() - cpu) * 1000 / max(1, figures.people)
    figures.planned_rows = count_planned(deps)
    print(
        f"  {what}: {figures.plan_seconds:.1f} s, {figures.people_per_second:.0f} people/s, "
        f"{figures.plan_cpu_ms:.1f} ms CPU of this process a person"
    )
    print(
        f"  {figures.planned_rows} planned rows ({figures.planned_rows / max(1, figures.people):.1f} a person): "
        f"{planned_by_kind(deps)}"
    )
    print(f"  {stats.describe()}")


def planned_by_kind(deps: Deps) -> str:
    with deps.transaction() as session:
        rows = session.execute(
            select(Nudge.kind, func.count()).where(Nudge.status == "planned").group_by(Nudge.kind).order_by(Nudge.kind)
        ).all()
    return ", ".join(f"{kind} {count}" for kind, count in rows)


# -- step 2: a tick with nothing due --------------------------------------------------------------


def idle_ticks(deps: Deps, delivery: Delivery, counter: StatementCounter, figures: Figures) -> None:
    deps.clock.set(IDLE_AT)  # type: ignore[attr-defined]
    delivery.tick()  # warm-up: connections, prepared plans
    for _ in range(IDLE_TICKS):
        counter.take()
        report, seconds = timed(delivery.tick)
        figures.idle_statements.append(counter.take())
        figures.idle_ms.append(seconds * 1000)
        if report.claimed:
            print(f"  warning: an idle tick claimed {report.claimed} rows", file=sys.stderr)
    print(
        f"  {IDLE_TICKS} ticks: median {figures.idle_median_ms:.1f} ms, max {max(figures.idle_ms):.1f} ms, "
        f"{statistics.median(figures.idle_statements):.0f} SQL statement(s) a tick"
    )


# -- step 3: dispatch throughput ------------------------------------------------------------------


def make_due(deps: Deps, count: int) -> int:
    """Move one planned prep or tip row of `count` different people to just before the clock."""
    with deps.transaction() as session:
        ids = list(
            session.scalars(
                select(func.min(Nudge.id))
                .where(Nudge.status == "planned", Nudge.kind.in_(("prep", "tip")))
                .group_by(Nudge.person_id)
                .order_by(Nudge.person_id)
                .limit(count)
            )
        )
        for batch in chunks(ids, 1000):
            session.execute(update(Nudge).where(Nudge.id.in_(batch)).values(due_at=DUE_AT, local_date=DUE_AT.date()))
        return (
            session.scalar(
                select(func.count()).select_from(Nudge).where(Nudge.status == "planned", Nudge.due_at <= DISPATCH_AT)
            )
            or 0
        )


def dispatch_run(
    deps: Deps, delivery: Delivery, counter: StatementCounter, fake: SlackProcess, figures: Figures
) -> None:
    deps.clock.set(DISPATCH_AT)  # type: ignore[attr-defined]
    figures.due_rows = make_due(deps, DUE_ROWS)
    print(f"  {figures.due_rows} rows due at {DISPATCH_AT:%a %H:%M} Amsterdam ({DUE_ROWS} asked for)")
    before = fake.counts()
    counter.take()
    cpu = time.process_time()
    started = time.perf_counter()
    totals = figures.dispatched
    while True:
        report = delivery.tick()
        figures.ticks += 1
        totals.claimed += report.claimed
        totals.sent += report.sent
        totals.failed += report.failed
        totals.skipped += report.skipped
        if report.claimed == 0:
            break
    figures.dispatch_seconds = time.perf_counter() - started
    figures.dispatch_cpu_ms = (time.process_time() - cpu) * 1000 / max(1, totals.claimed)
    figures.dispatch_statements = counter.take()
    after = fake.counts()
    figures.slack_calls = {m: after.get(m, 0) - before.get(m, 0) for m in SEEN_METHODS}
    per_message = figures.dispatch_statements / max(1, totals.claimed)
    print(
        f"  {figures.ticks} ticks in {figures.dispatch_seconds:.2f} s: claimed {totals.claimed}, sent {totals.sent}, "
        f"failed {totals.failed}, skipped {totals.skipped}; {figures.per_second:.0f} messages/s"
    )
    calls = ", ".join(f"{m} {n}" for m, n in figures.slack_calls.items())
    print(f"  fake Slack saw: {calls}")
    print(
        f"  a message costs {per_message:.1f} SQL statements and {figures.dispatch_cpu_ms:.1f} ms CPU of this process "
        f"(the fake Slack runs in its own process); "
        f"one GIL allows at most {1000 / max(0.1, figures.dispatch_cpu_ms):.0f}/s"
    )


# -- summary --------------------------------------------------------------------------------------


def summary(figures: Figures) -> None:
    idle_max = max(figures.idle_ms) if figures.idle_ms else 0.0
    sent = figures.dispatched.sent
    rows: list[tuple[str, str, str, str]] = [
        (
            "plan all messages",
            f"{figures.people_per_second:.0f} people/s, {figures.plan_seconds:.0f} s",
            "-",
            "",
        ),
        ("planned rows", f"{figures.planned_rows}", f"~{TARGET_PLANNED_ROWS} (scenario)", ""),
        (
            "tick, nothing due",
            f"median {figures.idle_median_ms:.1f} ms, max {idle_max:.1f} ms",
            f"< {TARGET_IDLE_MS:.0f} ms",
            "MET" if figures.idle_ms and idle_max < TARGET_IDLE_MS else "NOT MET",
        ),
        (
            "dispatch throughput",
            f"{figures.per_second:.0f} msg/s ({sent}/{figures.due_rows} sent)",
            f">= {TARGET_PER_SECOND:.0f} msg/s",
            "MET" if figures.per_second >= TARGET_PER_SECOND and sent == figures.due_rows else "NOT MET",
        ),
        ("peak memory", f"{figures.peak_mb:.0f} MB", "-", ""),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print()
    print(f"{'figure':<{widths[0]}}  {'measured':<{widths[1]}}  {'target':<{widths[2]}}  result")
    for name, measured, target, result in rows:
        print(f"{name:<{widths[0]}}  {measured:<{widths[1]}}  {target:<{widths[2]}}  {result}")


# -- the run --------------------------------------------------------------------------------------


class SlackProcess:
    """tests/fake_slack.py served by its own process: Slack's CPU is not this process's, as in production."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process, self.url = process, url

    def counts(self) -> dict[str, int]:
        with urllib.request.urlopen(self.url.removesuffix("api/") + "_counts") as answer:
            return dict(json.load(answer))


@contextmanager
def fake_slack() -> Iterator[SlackProcess]:
    slow = [f"--slow={method}={SLACK_LATENCY}" for method in SLOW_METHODS]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_slack", *slow],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield SlackProcess(process, process.stdout.readline().strip())
    finally:
        if process.stdin:
            process.stdin.close()
        process.wait(timeout=10)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


def benchmark(args: argparse.Namespace) -> Figures:
    url = database_url({"DATABASE_URL": args.database_url})
    figures = Figures(people=args.people, plan_mode=args.plan)
    ensure_database(url)
    engine = make_engine(url)
    with fake_slack() as fake:
        reset_schema(url)
        settings = Settings(
            slack_bot_token="xoxb-bench", slack_signing_secret="bench", slack_api_url=fake.url, database_url=url
        )
        deps = build_deps(settings, clock=FixedClock(PLAN_AT), engine=engine)
        counter = StatementCounter(engine)
        stats = Statistics(engine, wanted=not args.no_analyze)
        print(f"{describe_database(url)}, {args.people} people x {ACTIONS_PER_PERSON} actions, plan mode {args.plan}")
        print(f"{load()} at the start")
        print("1. time to plan all messages")
        plan(deps, figures, args.plan, stats)
        delivery = Delivery(deps)
        try:
            print("2. a tick with nothing due")
            idle_ticks(deps, delivery, counter, figures)
            print(f"3. dispatch throughput ({SLACK_LATENCY * 1000:.0f} ms a call on {', '.join(SLOW_METHODS)})")
            dispatch_run(deps, delivery, counter, fake, figures)
        finally:
            delivery.close()
    engine.dispose()
    figures.peak_mb = peak_memory_mb()
    print(f"4. peak memory (ru_maxrss): {figures.peak_mb:.0f} MB")
    print(f"{load()} at the end")
    return figures


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--people", type=int, default=10_000, help="people, 5 open actions each (default 10000)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL, help=f"default: {DEFAULT_DATABASE_URL}")
    parser.add_argument(
        "--plan",
        choices=("replan", "create"),
        default="replan",
        help="replan: bulk actions, then time planning.replan per person (default); "
        "create: time every action through actions.create",
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="never ANALYZE, even when the server's autovacuum is off (shows what stale statistics cost)",
    )
    args = parser.parse_args(argv)
    if args.people < 1:
        parser.error("--people must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        figures = benchmark(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    summary(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
