"""The fake Slack Web API for tests: a real HTTP server on 127.0.0.1 around the strict workspace of
`bot/fake_slack/workspace.py`, which refuses what Slack refuses and keeps messages, modals and channels.

It records every call. Tests can also script trouble: `fail(method, ...)` queues 429s with Retry-After, 5xx
or `ok: false` errors for the next calls; `slow(method, seconds)` delays answers. Anything the workspace
refuses on its own (a payload Slack would answer with `invalid_blocks`, an update of a message that does
not exist, an expired trigger_id) is a refusal: the test that caused it fails at teardown unless it said
it expects that error (`expect_refusal`). `response_url` posts are recorded as method "response_url".
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from bot.fake_slack.workspace import Channel, Message, Refusal, Workspace, decode_json_fields


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Canned:
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    match: Callable[[dict[str, Any]], bool] | None = None  # only calls whose params match


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # many overlapping sends connect at once


class FakeSlack:
    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self.workspace = Workspace(clock=clock)
        self.calls: list[Call] = []
        self._queued: dict[str, deque[Canned]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._expected: set[str] = set()
        self._lock = threading.Condition()
        self._urls = itertools.count(1)
        self._generation = 0  # one per test: a late request of an earlier test must not land in the next
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                """`GET /_counts`: calls per method, for a fake running in its own process (bench/)."""
                with fake._lock:
                    counts: dict[str, int] = defaultdict(int)
                    for call in fake.calls:
                        counts[call.method] += 1
                    counts["refused"] = len(fake.workspace.refusals)
                self._send(200, dict(counts), {})

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if len(body) < length:  # the client died mid-request (a killed worker): Slack never saw a call
                    self.close_connection = True
                    return
                params = _parse(body.decode(), self.headers.get("Content-Type", ""))
                if self.path.startswith("/respond/"):
                    status, body, headers = fake._answer_response_url(self.path.rsplit("/", 1)[-1], params)
                else:
                    status, body, headers = fake._answer(self.path.rsplit("/", 1)[-1], params, dict(self.headers))
                self._send(status, body, headers)

            def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client is gone (a killed worker)
                    self.close_connection = True

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> FakeSlack:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def response_url(self, name: str | None = None) -> str:
        """A fresh response_url, as Slack puts in each command and click (5 posts within 30 minutes)."""
        name = name or f"r{next(self._urls)}"
        self.workspace.issue_response_url(name)
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/respond/{name}"

    def reset(self, clock: Callable[[], float] = time.time) -> None:
        with self._lock:
            self._generation += 1
            self.calls.clear()
            self._queued.clear()
            self._delays.clear()
            self._expected.clear()
            self.workspace.reset()
            self.workspace.clock = clock

    # -- the workspace ------------------------------------------------------------------

    @property
    def users(self) -> dict[str, dict[str, Any]]:
        return self.workspace.users

    def add_user(self, user_id: str, **profile: Any) -> None:
        self.workspace.add_user(user_id, **profile)

    def add_channel(self, channel_id: str, **state: Any) -> Channel:
        return self.workspace.add_channel(channel_id, **state)

    def limit_rate(self, per_second: float = 1.0, burst: int = 3) -> None:
        self.workspace.limit_rate(per_second, burst)

    def issue_trigger(self, trigger_id: str, user: str) -> None:
        self.workspace.issue_trigger(trigger_id, user)

    def message(self, channel: str, ts: str) -> Message | None:
        """A message as it stands now in Slack, after every update."""
        return self.workspace.message(channel, ts)

    # -- behaviour ----------------------------------------------------------------------

    def fail(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        match: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        """Make the next `times` calls to method (those whose params satisfy `match`) fail: HTTP status
        and/or Slack error code."""
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        body = {"ok": False, "error": error or ("ratelimited" if status == 429 else "fatal_error")}
        with self._lock:
            for _ in range(times):
                self._queued[method].append(Canned(status=status, body=body, headers=headers, match=match))

    def slow(self, method: str, seconds: float) -> None:
        self._delays[method] = seconds

    def expect_refusal(self, *errors: str) -> None:
        """This test provokes these errors from the workspace on purpose (a missing channel, say)."""
        self._expected.update(errors)

    # -- reading what happened ----------------------------------------------------------

    @property
    def refusals(self) -> list[Refusal]:
        return list(self.workspace.refusals)

    def unexpected_refusals(self) -> list[Refusal]:
        """Refusals the test did not provoke on purpose. users.info is left out: an unknown user is a fact of
        the workspace the app must cope with, not a payload Slack refused."""
        return [r for r in self.workspace.refusals if r.error not in self._expected and r.method != "users.info"]

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until method was called `count` times (synchronisation, not a timing assertion)."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                found = [c for c in self.calls if c.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = sorted({c.method for c in self.calls})
                    raise AssertionError(f"expected {count} call(s) to {method}, got {len(found)}; saw {seen}")
                self._lock.wait(remaining)

    # -- answering ----------------------------------------------------------------------

    def _answer(self, method: str, params: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict, dict]:
        generation = self._generation
        delay = self._delays.get(method)
        if delay:
            time.sleep(delay)
        with self._lock:
            if generation != self._generation:  # its test is over (a client that timed out on a slow answer)
                return 200, {"ok": False, "error": "request_timeout"}, {}
            canned = next((c for c in self._queued[method] if c.match is None or c.match(params)), None)
            if canned is not None:
                self._queued[method].remove(canned)
                answer = canned.status, canned.body or {"ok": False}, canned.headers
            else:
                answer = self.workspace.answer(method, params)
            self.calls.append(Call(method, params, headers))
            self._lock.notify_all()
        return answer

    def _answer_response_url(self, name: str, params: dict[str, Any]) -> tuple[int, dict, dict]:
        with self._lock:
            canned = self._queued["response_url"].popleft() if self._queued["response_url"] else None
            if canned is not None:
                answer = canned.status, canned.body or {"ok": False}, canned.headers
            else:
                status, body = self.workspace.answer_response_url(name, params)
                answer = status, body, {}
            self.calls.append(Call("response_url", params, {}))
            self._lock.notify_all()
        return answer


def _parse(raw: str, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    return decode_json_fields({k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()})


def main(argv: list[str] | None = None) -> None:
    """Serve the fake in its own process (so its CPU is not the measured process's): prints its URL,
    stops when standard input closes. `--slow chat.postMessage=0.05` delays a method's answers;
    `--users N` adds users U0..U(N-1) (and U1000.. style ids are accepted as DMs anyway)."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--slow", action="append", default=[], metavar="METHOD=SECONDS")
    parser.add_argument("--channel", action="append", default=[], help="a public channel the bot is in")
    args = parser.parse_args(argv)
    fake = FakeSlack()
    for rule in args.slow:
        method, seconds = rule.split("=", 1)
        fake.slow(method, float(seconds))
    for channel in args.channel:
        fake.add_channel(channel, bot_member=True)
    fake.start()
    print(fake.url, flush=True)
    sys.stdin.read()
    fake.stop()


if __name__ == "__main__":
    main()
