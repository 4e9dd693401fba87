"""Ack latency of `/conscience help`: the real app next to a bare Bolt app (the framework's floor).

What is measured: the time from sending a signed slash command over HTTP until the HTTP answer
(the ack, carrying the ephemeral help) is back, as a Slack client would see it. Slack gives an app
3 seconds to ack; the target is p99 <= 1.5 x the floor's p99, and far below those 3 seconds.

How: an in-process fake Slack Web API (tests.fake_slack) is started and a fresh database migrated.
Two gunicorn servers run as subprocesses with the production settings of the Procfile
(`--workers 2 --threads 8`): the real app (`app:web_application()`, LOG_LEVEL=WARNING, Slack API
pointed at the fake) and a bare Bolt app that only acks `/conscience` with a help-sized ephemeral
message (`bench.ack:floor_application()`, below). Each is warmed up, then both get the same load in
alternating rounds: N requests in total each, from C client threads, spread over 20 user ids of one
team (so the app sees first contact, which writes a person and calls users.info after the ack, and
the far more common repeat path). Every answer must be HTTP 200; anything else counts as a failure.
Each request opens its own connection (urllib, no keep-alive), for both servers alike.

Reading the figures: the load is a closed loop (each client thread sends its next request as soon as
the previous one is answered), and the clients, the fake Slack and PostgreSQL share the machine with
the servers. Once C is high enough to keep every core busy, latency is mostly queueing for the CPU,
so the ratio to the floor then tracks the CPU each request costs; with `--concurrency 1` it shows the
latency of a lone request. Bolt waits for a listener's ack() by polling every 10 ms, so no answer
comes back much faster than that, for either server.

Run from the repository root:

    python bench/ack.py                                   # SQLite in a temporary folder
    python bench/ack.py --requests 5000 --concurrency 16
    python bench/ack.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/benchack

A PostgreSQL database is migrated but never emptied: every run uses a fresh team and fresh user ids.
The script prints figures and exits 0; it asserts nothing (a crash exits 1, Ctrl-C 130, servers stopped).
"""

from __future__ import annotations

import argparse
import json
import os
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
from pathlib import Path
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import describe_database  # noqa: E402 (needs the repository root on sys.path)
from tests.fake_slack import FakeSlack  # noqa: E402
from tests.slack_client import SlackClient, check_command_ack  # noqa: E402

SIGNING_SECRET = "bench-signing-secret"
BOT_TOKEN = "xoxb-bench"
COMMAND = "/conscience"
USERS = 20
WARMUP = 100
GUNICORN_ARGS = ("--workers", "2", "--threads", "8", "--timeout", "30")
SLACK_LIMIT_MS = 3000.0
FAR_BELOW_MS = SLACK_LIMIT_MS / 3  # "far below" the limit: at most a third of it
TARGET_RATIO = 1.5

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


# -- the floor: a bare Bolt app, loaded by gunicorn as 'bench.ack:floor_application()' ----------


def floor_application() -> WSGIApp:
    """Bolt with one `/conscience` listener that acks a help-sized message at once, plus /healthz."""
    bolt = App(
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ.get("SLACK_API_URL", "")),
        token_verification_enabled=False,
        process_before_response=False,  # as the app: the listener runs in Bolt's executor, the ack is awaited
    )

    @bolt.command(COMMAND)
    def _ack(ack: Ack) -> None:
        ack(**FLOOR_PAYLOAD)

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


def one_request(client: SlackClient, user: str, team: str) -> tuple[float, str | None]:
    """Latency in ms and the problem, if any (None when the answer was HTTP 200)."""
    fields = client.command_fields(COMMAND, "help", user=user, team=team)
    started = time.perf_counter()  # the round trip only: the client's own checks come after the clock
    try:
        answer = client.form(fields)
        elapsed = time.perf_counter() - started
        problem = None if answer.status == 200 else f"HTTP {answer.status}: {answer.body[:200]}"
        check_command_ack(answer)  # what the app answered must be a message Slack shows
    except Exception as exc:  # a benchmark counts failures, it does not stop at the first
        elapsed = time.perf_counter() - started
        problem = f"{type(exc).__name__}: {exc}"
    return elapsed * 1000, problem


def fire(url: str, fake: FakeSlack, users: list[str], team: str, count: int, concurrency: int) -> Run:
    client = SlackClient(url, SIGNING_SECRET, fake)
    run = Run()
    pool = ThreadPoolExecutor(max_workers=concurrency)
    started = time.perf_counter()
    try:
        futures = [pool.submit(one_request, client, users[i % len(users)], team) for i in range(count)]
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


# -- figures --------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def row(name: str, run: Run) -> str:
    lat = run.latencies_ms
    figures = [percentile(lat, 0.5), percentile(lat, 0.9), percentile(lat, 0.99), max(lat)] if lat else [0.0] * 4
    cells = " ".join(f"{value:>8.1f}" for value in figures)
    return f"{name:<12} {run.requests:>8} {run.failures:>8} {run.throughput:>9.1f} {cells}"


def report(app: Run, floor: Run, label: str) -> None:
    print()
    print(f"/conscience help ack latency, {label}")
    headings = ("requests", "failures", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms")
    print(f"{'':<12} " + " ".join(f"{h:>{9 if h == 'req/s' else 8}}" for h in headings))
    print(row("conscience", app))
    print(row("bolt floor", floor))
    for name, run in (("conscience", app), ("bolt floor", floor)):
        if run.first_error:
            print(f"first failure ({name}): {run.first_error}")
    if not app.latencies_ms or not floor.latencies_ms:
        return
    app_p99, floor_p99 = percentile(app.latencies_ms, 0.99), percentile(floor.latencies_ms, 0.99)
    ratio = app_p99 / floor_p99 if floor_p99 else float("inf")
    met = ratio <= TARGET_RATIO and app_p99 <= FAR_BELOW_MS and app.failures == 0
    print(f"p99 ratio conscience / floor: {ratio:.2f}")
    print(
        f"target: p99 <= {TARGET_RATIO} x floor and far below Slack's 3 s limit "
        f"(<= {FAR_BELOW_MS:.0f} ms, no failures): {'MET' if met else 'NOT MET'}"
    )


# -- the run --------------------------------------------------------------------------------------


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


def benchmark(args: argparse.Namespace, folder: Path) -> None:
    fake = FakeSlack().start()
    try:
        db_url = prepare_database(args.database_url, folder)
        run_id = secrets.token_hex(3).upper()
        team = f"TB{run_id}"
        users = [f"UB{run_id}{i:02d}" for i in range(USERS)]
        warm_users = [f"UW{run_id}{i:02d}" for i in range(USERS)]
        for user in users + warm_users:
            fake.add_user(user, name=user)
        env = server_env(fake.url, db_url)
        servers: list[Server] = []
        with running(servers):
            floor = start_gunicorn("bolt floor", "bench.ack:floor_application()", env, folder)
            servers.append(floor)
            app = start_gunicorn("conscience", "app:web_application()", env, folder)
            servers.append(app)
            for server in (floor, app):
                wait_healthy(server)
                fire(server.events_url, fake, warm_users, team, WARMUP, args.concurrency)
            results = {floor.name: Run(), app.name: Run()}
            per_round = max(1, args.requests // args.rounds)
            for index in range(args.rounds):
                count = per_round if index < args.rounds - 1 else args.requests - per_round * (args.rounds - 1)
                for server in (floor, app):
                    results[server.name].add(
                        fire(server.events_url, fake, users, team, count, args.concurrency)
                    )
            for server in (floor, app):
                if server.process.poll() is not None:
                    print(f"{server.name} died during the run:\n{server.log_tail()}", file=sys.stderr)
        label = (
            f"{describe_database(db_url)}, gunicorn {' '.join(GUNICORN_ARGS[:4])}, "
            f"{args.concurrency} client threads, {args.rounds} alternating round(s), {os.cpu_count()} CPUs"
        )
        report(results[app.name], results[floor.name], label)
        calls = json.dumps({m: len(fake.calls_to(m)) for m in ("auth.test", "users.info")})
        print(f"fake Slack saw: {calls} (users.info: one per first contact, warm-up included)")
    finally:
        fake.stop()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per server (default 2000)")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    parser.add_argument("--database-url", default=None, help="default: SQLite in a temporary folder")
    parser.add_argument("--rounds", type=int, default=2, help="alternating floor/app rounds (default 2)")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.concurrency < 1 or args.rounds < 1:
        parser.error("--requests, --concurrency and --rounds must be at least 1")
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
