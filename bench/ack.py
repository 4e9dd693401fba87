"""Ack latency at the Slack edge, path by path: the real app next to a bare Bolt app (the framework's floor).

What is measured: the time from sending a signed request over HTTP until the HTTP answer (the ack) is back, as
Slack would see it, for each path a person takes:

- `help`: `/conscience help` from people the app knows (the ack carries the ephemeral help);
- `help, first contact`: the same from someone the app has never seen (a person is written, users.info asked);
- `quick add`: `/action call Jan tomorrow` (the action is saved and confirmed);
- `quick add, first contact`: the same as a new person's very first request;
- `check-in click`: Done or a new date (the date picker) on a check-in the worker really sent;
- `form submission`: the action form's view_submission (a concrete action with contacts and preparation),
  each on a form the app opened (`/action`) before the clock started.

Slack gives an app 3 seconds to ack. Two ways to run:

- paced (the default): one request at a time on an idle server, the floor and the app in turn, each request
  sent once the previous one's after-work is over (the Slack calls that end it, listed per request, have
  reached the fake, then the server's workers used no CPU for QUIET_S; at most SETTLE_S). This is what a
  person feels, and the target applies to it: p99 <= 1.5 x the floor's p99 for every path, far below 3 s.
- loaded (`--concurrency N`): N client threads send back to back (a closed loop), with no wait for the
  after-work. A throughput/stress figure with no target: once N keeps every core busy, latency is mostly
  queueing for the CPU (and the GIL) behind the after-work of earlier requests, so the ratio tracks the CPU
  a request costs in all, not its ack. `--concurrency 1` is back to back too: the next request still meets
  the previous one's after-work.

The requests are built as Slack sends them (tests/slack_client.py), so the benchmark measures the edge and
survives any refactoring behind it.

How: an in-process fake Slack Web API (tests.fake_slack) is started and a fresh database migrated. Two
gunicorn servers run as subprocesses with the production settings of the Procfile (`--workers 2 --threads 8`):
the real app (`app:web_application()`, LOG_LEVEL=WARNING, Slack API pointed at the fake) and a bare Bolt app
that acks every command (with a help-sized ephemeral message), every block action and every view submission
at once (`bench.ack:floor_application()`, below). Each is warmed up; then, path by path, both get the same
requests (paced: in turn, one by one; loaded: in alternating rounds). Every answer must be HTTP 200 and an ack
Slack accepts (checked after the clock); anything else counts as a failure. Each request opens its own
connection (urllib, no keep-alive), for both servers alike. The check-ins are sent before the clock starts by
the real worker (`Delivery.tick()` on a fixed clock in this process), into the fake Slack.

Bare Bolt waits for a listener's ack() by polling every 10 ms, so the floor's answers come back after about
that; the app's request thread is woken by the ack itself (bot/web.py), so its answers can come sooner. The
clients, the fake Slack and PostgreSQL share the machine with the servers.

Run from the repository root:

    python bench/ack.py                                   # paced, SQLite in a temporary folder, every path
    python bench/ack.py --concurrency 8                   # loaded: 8 client threads back to back
    python bench/ack.py --requests 400 --paths help,click
    python bench/ack.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/benchack

A PostgreSQL database is migrated but never emptied: every run uses a fresh team and fresh user ids.
The script prints figures and exits 0; it asserts nothing (a crash exits 1, Ctrl-C 130, servers stopped).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import zip_longest
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import describe_database  # noqa: E402 (needs the repository root on sys.path)
from tests.fake_slack import FakeSlack  # noqa: E402
from tests.scenario import buttons, form_values  # noqa: E402
from tests.slack_client import Response, SlackClient, check_command_ack  # noqa: E402

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"
COMMAND = "/conscience"
USERS = 20
WARMUP = 100
GUNICORN_ARGS = ("--workers", "2", "--threads", "8", "--timeout", "30")
SLACK_LIMIT_MS = 3000.0
FAR_BELOW_MS = SLACK_LIMIT_MS / 3  # "far below" the limit: at most a third of it
TARGET_RATIO = 1.5
ZONE = ZoneInfo("Europe/Amsterdam")  # where the fake Slack's people live (its users.info default)
QUICK_ADD = "call Jan tomorrow"
CHECKIN_ACTIONS = 5  # actions due on one day per person: one bundled check-in with five to click
FORM_TITLE = "Call Jan, Piet and Klaas and book a catch-up with each"
SAVED = ("response_url", "views.publish")  # a quick add's after-work: the confirmation, then the Home tab
SETTLE_S = 5.0  # a paced run waits at most this long for a request's after-work
QUIET_S = 0.03  # ... and then for this long without CPU used by the server's workers

# About the size and shape of the app's English help (header, two sections, a context line).
FLOOR_TEXT = "Conscience: your commercial conscience"
FLOOR_PAYLOAD: dict[str, Any] = {
    "response_type": "ephemeral",
    "text": FLOOR_TEXT,
    "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": FLOOR_TEXT, "emoji": True}},
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "A short list of very concrete actions, agreed with your manager, and a gentle push "
                "at the right moment. Here is what you can type:",
            },
        },
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Commands*\n• `/conscience help`: this overview\n"
                "• `/conscience language en|nl`: talk to me in English or Dutch",
            },
        },
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Tip: everything also works from the Home tab."}]},
    ],
}

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
ANY = re.compile(".*")


# -- the floor: a bare Bolt app, loaded by gunicorn as 'bench.ack:floor_application()' ----------


def floor_application() -> WSGIApp:
    """Bolt acking at once: every command with a help-sized message, every block action and view submission
    with nothing (a click acknowledged, a modal closed); plus /healthz."""
    bolt = App(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ.get("SLACK_API_URL", "")),
        token_verification_enabled=False,
        process_before_response=False,  # as the app: the listener runs in Bolt's executor, the ack is awaited
    )

    @bolt.command(ANY)
    def _command(ack: Ack) -> None:
        ack(**FLOOR_PAYLOAD)

    @bolt.action(ANY)
    def _click(ack: Ack) -> None:
        ack()

    @bolt.view(ANY)
    def _submission(ack: Ack) -> None:
        ack()

    slack = SlackRequestHandler(bolt, path="/slack/events")

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            body = b'{"ok": true}'
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
            return [body]
        return slack(environ, start_response)

    return application


# -- servers --------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path

    @property
    def events_url(self) -> str:
        return f"{self.base_url}/slack/events"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # gunicorn's graceful shutdown on SIGTERM
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(name: str, target: str, env: dict[str, str], log_dir: Path) -> Server:
    port = free_port()
    log_path = log_dir / f"{name.replace(' ', '-')}.log"
    command = [sys.executable, "-m", "gunicorn", *GUNICORN_ARGS, "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT)]
    with log_path.open("wb") as log:
        process = subprocess.Popen([*command, target], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Server(name=name, process=process, base_url=f"http://127.0.0.1:{port}", log_path=log_path)


def wait_healthy(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.base_url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not answer /healthz within {timeout:.0f} s:\n{server.log_tail()}")


def server_env(slack_api_url: str, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("SLACK_APP_TOKEN", None)  # HTTP mode
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_api_url,
        DATABASE_URL=database_url,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


# -- requests, as Slack sends them ------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """One request of a path: sent by `send` with a client of the server under test; `check` looks at the
    answer after the clock (raises when Slack would not accept it); `after` names the Slack calls the app makes
    once the ack has gone (one each), which end the request's after-work (paced runs wait for them)."""

    send: Callable[[SlackClient], Response]
    check: Callable[[Response], None] = check_command_ack
    after: tuple[str, ...] = ()


def command(text: str, command_name: str, user: str, team: str, after: tuple[str, ...] = ()) -> Request:
    def send(client: SlackClient) -> Response:
        return client.form(client.command_fields(command_name, text, user=user, team=team))

    return Request(send, after=after)


def _closed(answer: Response) -> None:
    """A submission's ack that saves closes the modal: no body, or no response_action."""
    if answer.status == 200 and answer.body.startswith("{") and answer.json().get("response_action"):
        raise AssertionError(f"the form was not saved: {answer.body[:200]}")


def _no_check(answer: Response) -> None:
    pass


@dataclass
class Context:
    """What building the paths' requests needs: the fake Slack, the app's server, the database, a team."""

    fake: FakeSlack
    app_url: str
    database_url: str
    team: str
    run_id: str
    counter: Iterator[int]

    def new_user(self, prefix: str) -> str:
        user = f"{prefix}{self.run_id}{next(self.counter):05d}"
        self.fake.add_user(user, name=user)
        return user


def help_known(ctx: Context, users: list[str], count: int) -> list[Request]:
    return [command("help", COMMAND, users[i % len(users)], ctx.team) for i in range(count)]


def help_first(ctx: Context, count: int) -> list[Request]:
    # After the ack the newcomer's row is written and their profile asked (users.info).
    return [command("help", COMMAND, ctx.new_user("UF"), ctx.team, ("users.info",)) for _ in range(count)]


def quick_add_known(ctx: Context, users: list[str], count: int) -> list[Request]:
    # At most 25 actions a person (the app caps open actions at 50).
    people = [users[i % len(users)] for i in range(count)]
    return [command(QUICK_ADD, "/action", user, ctx.team, SAVED) for user in people]


def quick_add_first(ctx: Context, count: int) -> list[Request]:
    return [command(QUICK_ADD, "/action", ctx.new_user("UQ"), ctx.team, SAVED) for _ in range(count)]


def checkin_clicks(ctx: Context, count: int) -> list[Request]:
    """People with five actions due on one day; the real worker sends each a bundled check-in (into the fake
    Slack); each request is a first click on one action: Done, or a new date a week on, in turn."""
    from bot.delivery import Delivery
    from bot.deps import build_deps
    from bot.services import actions, people
    from bot.services.clock import FixedClock
    from config.settings import load_settings
    from models import Nudge, Person

    settings = load_settings(
        {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "DATABASE_URL": ctx.database_url,
         "SLACK_API_URL": ctx.fake.url}
    )  # fmt: skip
    # Today (the servers run on the real clock), in the morning: before the check-in hour, whenever it runs.
    now = datetime.now(ZONE).replace(hour=9, minute=0, second=0, microsecond=0)
    clock = FixedClock(now)
    deps = build_deps(settings, clock=clock)
    users = [ctx.new_user("UC") for _ in range(-(-count // CHECKIN_ACTIONS))]
    today = now.date()
    try:
        with deps.transaction() as session:
            for user in users:
                profile = people.Profile(name=user, timezone=str(ZONE), locale="en-GB")
                person, _ = people.ensure_person(session, clock, ctx.team, user, profile)
                for number in range(CHECKIN_ACTIONS):
                    data = actions.ActionInput(
                        title=f"Call client {number} about the renewal", due=today, kind="other", contacts=["Jan"]
                    )
                    actions.create(session, clock, owner=person, actor=person, data=data, today=today, rules=deps.rules)
        clicking = select(Person.id).where(Person.slack_user_id.in_(users))
        theirs = (Nudge.kind == "checkin", Nudge.person_id.in_(clicking))
        with deps.sessions() as session:
            last = session.scalar(select(func.max(Nudge.due_at)).where(*theirs))
        if last is None:
            raise RuntimeError("no check-in was planned")
        clock.set(last if last.tzinfo else last.replace(tzinfo=UTC))  # the moment the last check-in is due
        delivery = Delivery(deps, threads=2)
        try:  # a person's earlier messages (preparation) come first; Slack's rate limit per channel spaces them
            for _ in range(60):
                delivery.tick()
                with deps.sessions() as session:
                    waiting = session.scalar(
                        select(func.count()).where(*theirs, Nudge.status.in_(("planned", "claimed")))
                    )
                if not waiting:
                    break
                time.sleep(1.0)
                clock.advance(timedelta(seconds=2))
        finally:
            delivery.close()
    finally:
        deps.engine.dispose()
    new_date = (today + timedelta(days=7)).isoformat()
    per_message: list[list[Request]] = []
    for message in list(ctx.fake.workspace.messages.values()):
        container = {"type": "message", "channel_id": message.channel, "message_ts": message.ts}
        shown = {"ts": message.ts, "blocks": message.blocks}
        user = message.channel.removeprefix("D")  # the app's DM with that person
        clicks = []
        for index, value in enumerate(buttons({"blocks": message.blocks or []}).get("nudge_answer:done", [])):
            nudge_id, action_id = value.split(":")[:2]
            block_id = f"nd:{nudge_id}:{action_id}:not_yet"  # the block of an action's buttons and date picker
            if index % 2 == 0:
                click = _click("nudge_answer:done", {"value": value, "block_id": block_id}, user, ctx.team,
                               container, shown)  # fmt: skip
            else:
                click = _click("nudge_date", {"selected_date": new_date, "block_id": block_id}, user, ctx.team,
                               container, shown)  # fmt: skip
            clicks.append(Request(click, _no_check, ("chat.update", "views.publish")))
        per_message.append(clicks)
    # One person clicks one button at a time: requests side by side come from different people.
    rounds = zip_longest(*(clicks for clicks in per_message if clicks))
    requests = [request for round_ in rounds for request in round_ if request is not None]
    if len(requests) < count:
        raise RuntimeError(f"the worker sent check-ins with {len(requests)} actions to click, not {count}")
    return requests[:count]


def _click(
    name: str, args: dict[str, Any], user: str, team: str, container: dict[str, Any], message: dict[str, Any]
) -> Callable[[SlackClient], Response]:
    def send(client: SlackClient) -> Response:
        value = args.get("value")
        return client.block_action(
            name,
            value,
            user=user,
            team=team,
            container=container,
            message=message,
            channel=container["channel_id"],
            block_id=args["block_id"],
            selected_date=args.get("selected_date"),
        )

    return send


def form_submissions(ctx: Context, count: int) -> list[Request]:
    """Forms the app opened (`/action` with no text, before the clock), each submitted once: a concrete action."""
    app = SlackClient(ctx.app_url, SIGNING_SECRET, ctx.fake)
    users = [ctx.new_user("UV") for _ in range(max(1, -(-count // 25)))]
    opened: list[tuple[str, str, str]] = []
    for index in range(count):
        user = users[index % len(users)]
        before = len(ctx.fake.calls_to("views.open"))
        answer = app.form(app.command_fields("/action", "", user=user, team=ctx.team))
        if answer.status != 200:
            raise RuntimeError(f"/action did not open the form: HTTP {answer.status} {answer.body[:200]}")
        view = ctx.fake.wait_for("views.open", before + 1)[-1].params["view"]
        view_id = ctx.fake.workspace.open_modals(user)[-1]["id"]  # each form its own: the app saves a view once
        opened.append((user, str(view.get("private_metadata", "")), view_id))
    due = date.today() + timedelta(days=7)
    values = form_values(
        FORM_TITLE, due, kind="top_client", contacts="Jan, Piet en Klaas", opening="How are things?",
        voicemail="Call back Thursday",
    )  # fmt: skip

    def submit(user: str, metadata: str, view_id: str) -> Callable[[SlackClient], Response]:
        return lambda client: client.view_submission("action_form", values, user=user, team=ctx.team,
                                                     private_metadata=metadata, view_id=view_id)  # fmt: skip

    return [Request(submit(*form), _closed, ("views.publish",)) for form in opened]


# -- load -----------------------------------------------------------------------------------------


@dataclass
class Run:
    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0
    seconds: float = 0.0
    first_error: str | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def add(self, other: Run) -> None:
        self.latencies_ms += other.latencies_ms
        self.failures += other.failures
        self.seconds += other.seconds
        self.first_error = self.first_error or other.first_error


def one_request(client: SlackClient, request: Request) -> tuple[float, str | None]:
    """Latency in ms and the problem, if any (None when the answer was HTTP 200 and an ack Slack accepts)."""
    started = time.perf_counter()  # the round trip only: the client's own checks come after the clock
    try:
        answer = request.send(client)
        elapsed = time.perf_counter() - started
        problem = None if answer.status == 200 else f"HTTP {answer.status}: {answer.body[:200]}"
        request.check(answer)
    except Exception as exc:  # a benchmark counts failures, it does not stop at the first
        elapsed = time.perf_counter() - started
        problem = f"{type(exc).__name__}: {exc}"
    return elapsed * 1000, problem


def fire(url: str, fake: FakeSlack, requests: list[Request], concurrency: int) -> Run:
    client = SlackClient(url, SIGNING_SECRET, fake)
    run = Run()
    pool = ThreadPoolExecutor(max_workers=concurrency)
    started = time.perf_counter()
    try:
        futures = [pool.submit(one_request, client, request) for request in requests]
        for future in futures:
            latency, problem = future.result()
            run.latencies_ms.append(latency)
            if problem is not None:
                run.failures += 1
                run.first_error = run.first_error or problem
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # on Ctrl-C, do not send what is still queued
    run.seconds = time.perf_counter() - started
    return run


def worker_cpu_ticks(master: int) -> int:
    """CPU time (user + system, clock ticks) used so far by a gunicorn master's workers; 0 without Linux /proc."""
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return 0
    total = 0
    for pid in children:
        try:  # the fields after the command's closing parenthesis: utime and stime are the 12th and 13th
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total


def settle(server: Server, fake: FakeSlack, after: dict[str, int]) -> bool:
    """Wait until a request's after-work is over: the fake Slack has the calls that end it (`after`: method ->
    count to reach), then the server's workers use no CPU for QUIET_S. False when SETTLE_S ran out first."""
    deadline = time.monotonic() + SETTLE_S
    for method, count in after.items():
        try:
            fake.wait_for(method, count, timeout=max(0.0, deadline - time.monotonic()))
        except AssertionError:
            return False
    ticks, quiet_since = worker_cpu_ticks(server.process.pid), time.monotonic()
    while time.monotonic() - quiet_since < QUIET_S:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
        now = worker_cpu_ticks(server.process.pid)
        if now != ticks:
            ticks, quiet_since = now, time.monotonic()
    return True


@dataclass
class Paced:
    app: Run = field(default_factory=Run)
    floor: Run = field(default_factory=Run)
    unsettled: int = 0  # requests whose after-work had not ended within SETTLE_S


def pace(app: Server, floor: Server, fake: FakeSlack, requests: list[Request]) -> Paced:
    """One request at a time on an idle server, the floor and the app in turn: each request is sent once the
    previous one's after-work is over (what a person feels, not queueing behind someone else's work)."""
    clients = {app.name: SlackClient(app.events_url, SIGNING_SECRET, fake),
               floor.name: SlackClient(floor.events_url, SIGNING_SECRET, fake)}  # fmt: skip
    paced = Paced()
    for request in requests:
        for server, run in ((floor, paced.floor), (app, paced.app)):
            expected = {m: len(fake.calls_to(m)) + 1 for m in request.after} if server is app else {}
            started = time.perf_counter()
            latency, problem = one_request(clients[server.name], request)
            run.latencies_ms.append(latency)
            if problem is not None:
                run.failures += 1
                run.first_error = run.first_error or problem
            if not settle(server, fake, expected) and server is app:
                paced.unsettled += 1
            run.seconds += time.perf_counter() - started
    return paced


# -- figures --------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def report(results: dict[str, tuple[Run, Run]], label: str, *, paced: bool) -> None:
    """One line a path: requests and failures, p50 and p99 of the app and the floor, the p99 ratio; paced, the
    verdict on the target; loaded, the requests a second each server answered instead (there is no target)."""
    print()
    print(f"Ack latency at the Slack edge, {label}")
    width = max(len(name) for name in results)
    last = "  target" if paced else f" {'app req/s':>9} {'floor req/s':>11}"
    print(
        f"{'path':<{width}} {'requests':>8} {'failed':>6} {'app p50':>8} {'app p99':>8} {'floor p50':>9} "
        f"{'floor p99':>9} {'p99 ratio':>9}{last}"
    )
    for name, (app, floor) in results.items():
        if not app.latencies_ms or not floor.latencies_ms:
            continue
        a50, a99 = percentile(app.latencies_ms, 0.5), percentile(app.latencies_ms, 0.99)
        f50, f99 = percentile(floor.latencies_ms, 0.5), percentile(floor.latencies_ms, 0.99)
        ratio = a99 / f99 if f99 else float("inf")
        met = ratio <= TARGET_RATIO and a99 <= FAR_BELOW_MS and app.failures == 0 and floor.failures == 0
        verdict = f"  {'MET' if met else 'NOT MET'}" if paced else f" {app.throughput:>9.1f} {floor.throughput:>11.1f}"
        print(
            f"{name:<{width}} {app.requests:>8} {app.failures + floor.failures:>6} {a50:>8.1f} {a99:>8.1f} "
            f"{f50:>9.1f} {f99:>9.1f} {ratio:>9.2f}{verdict}"
        )
    if paced:
        print(
            f"ms; the target (issue 12.7) applies to this paced run: per path app p99 <= {TARGET_RATIO} x the "
            f"floor's p99 and far below Slack's 3 s limit (<= {FAR_BELOW_MS:.0f} ms), no failures"
        )
    else:
        print(
            "ms; a throughput/stress figure, not the target: each request also waits for the CPU behind the "
            "after-work of the requests before it (the target applies to the paced run, without --concurrency)"
        )
    for name, (app, floor) in results.items():
        for server, run in (("conscience", app), ("bolt floor", floor)):
            if run.first_error:
                print(f"first failure ({name}, {server}): {run.first_error}")


# -- the run --------------------------------------------------------------------------------------

PATHS = ("help", "help-first", "quick-add", "quick-add-first", "click", "form")
TITLES = {
    "help": "help",
    "help-first": "help, first contact",
    "quick-add": "quick add",
    "quick-add-first": "quick add, first contact",
    "click": "check-in click",
    "form": "form submission",
}


@contextmanager
def running(servers: list[Server]) -> Iterator[list[Server]]:
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()


def prepare_database(url: str | None, folder: Path) -> str:
    from config.settings import database_url
    from models.migrate import upgrade_to_head

    normalised = database_url({"DATABASE_URL": url or f"sqlite:///{folder / 'bench.db'}"})
    upgrade_to_head(normalised)
    return normalised


def loaded(app: Server, floor: Server, fake: FakeSlack, requests: list[Request], concurrency: int, rounds: int
           ) -> tuple[Run, Run]:  # fmt: skip
    """Closed-loop load from `concurrency` client threads, the floor and the app in alternating rounds."""
    app_run, floor_run = Run(), Run()
    per_round = -(-len(requests) // rounds)
    for start in range(0, len(requests), per_round):
        chunk = requests[start : start + per_round]
        floor_run.add(fire(floor.events_url, fake, chunk, concurrency))
        app_run.add(fire(app.events_url, fake, chunk, concurrency))
    return app_run, floor_run


def build(path: str, ctx: Context, known: list[str], count: int) -> list[Request]:
    """The requests of one path, built (and for clicks and forms, prepared) before the clock starts."""
    if path == "help":
        return help_known(ctx, known, count)
    if path == "help-first":
        return help_first(ctx, count)
    if path == "quick-add":
        return quick_add_known(ctx, known, count)
    if path == "quick-add-first":
        return quick_add_first(ctx, count)
    if path == "click":
        return checkin_clicks(ctx, count)
    return form_submissions(ctx, count)


def benchmark(args: argparse.Namespace, folder: Path) -> None:
    fake = FakeSlack().start()
    try:
        db_url = prepare_database(args.database_url, folder)
        run_id = secrets.token_hex(3).upper()
        ctx = Context(fake, "", db_url, f"TB{run_id}", run_id, iter(range(10**6)))
        # People the app knows (met in the warm-up), enough that nobody passes 25 quick adds.
        known = [ctx.new_user("UK") for _ in range(max(USERS, -(-args.requests // 25)))]
        env = server_env(fake.url, db_url)
        servers: list[Server] = []
        results: dict[str, tuple[Run, Run]] = {}
        unsettled: dict[str, int] = {}
        with running(servers):
            floor = start_gunicorn("bolt floor", "bench.ack:floor_application()", env, folder)
            servers.append(floor)
            app = start_gunicorn("conscience", "app:web_application()", env, folder)
            servers.append(app)
            ctx.app_url = app.events_url
            warm = help_known(ctx, known, max(WARMUP, len(known)))
            for server in (floor, app):
                wait_healthy(server)
                fire(server.events_url, fake, warm, args.concurrency or 1)
            for path in args.paths:
                requests = build(path, ctx, known, args.requests)
                if args.concurrency is None:
                    paced = pace(app, floor, fake, requests)
                    results[TITLES[path]] = (paced.app, paced.floor)
                    unsettled[TITLES[path]] = paced.unsettled
                else:
                    results[TITLES[path]] = loaded(app, floor, fake, requests, args.concurrency, args.rounds)
                print(f"{TITLES[path]}: done", file=sys.stderr, flush=True)
            for server in (floor, app):
                if server.process.poll() is not None:
                    print(f"{server.name} died during the run:\n{server.log_tail()}", file=sys.stderr)
        how = (
            "paced: one request at a time, each once the previous one's after-work was over"
            if args.concurrency is None
            else f"loaded: {args.concurrency} client threads back to back, {args.rounds} alternating round(s)"
        )
        label = f"{describe_database(db_url)}, gunicorn {' '.join(GUNICORN_ARGS[:4])}, {os.cpu_count()} CPUs, {how}"
        report(results, label, paced=args.concurrency is None)
        if any(unsettled.values()):
            late = ", ".join(f"{name} {count}" for name, count in unsettled.items() if count)
            print(f"after-work not over within {SETTLE_S:.0f} s (the next request was sent anyway): {late}")
        calls = json.dumps({m: len(fake.calls_to(m)) for m in ("auth.test", "users.info", "chat.update")})
        print(f"fake Slack saw: {calls} (users.info: one per first contact)")
    finally:
        fake.stop()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--requests", type=int, default=None, help="requests per path and server (default 200 paced, 400 loaded)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=None,
        help="load the servers with this many client threads back to back (throughput under saturation); "
        "default: paced, one request at a time on an idle server (the ack a person feels; the target)",
    )  # fmt: skip
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary folder")
    parser.add_argument("--rounds", type=int, default=2, help="alternating floor/app rounds a path (default 2)")
    parser.add_argument("--paths", default=",".join(PATHS), help=f"comma-separated: {', '.join(PATHS)} (default all)")
    args = parser.parse_args(argv)
    if args.requests is None:
        args.requests = 200 if args.concurrency is None else 400
    if args.requests < 1 or (args.concurrency is not None and args.concurrency < 1) or args.rounds < 1:
        parser.error("--requests, --concurrency and --rounds must be at least 1")
    args.paths = [p.strip() for p in args.paths.split(",") if p.strip()]
    wrong = [p for p in args.paths if p not in PATHS]
    if wrong or not args.paths:
        parser.error(f"--paths takes {', '.join(PATHS)}; got {', '.join(wrong) or 'nothing'}")
    args.rounds = min(args.rounds, args.requests)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-ack-") as folder:
        try:
            benchmark(args, Path(folder))
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
