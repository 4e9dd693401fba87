"""A fake Slack Web API: a real HTTP server on 127.0.0.1 that records every call and answers like Slack.

Tests can make it misbehave: `fail(method, ...)` queues 429s with Retry-After, 5xx or
`ok: false` errors for the next calls; `slow(method, seconds)` delays its answers.
It also receives `response_url` posts (recorded as method "response_url").
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

JSON_FIELDS = ("blocks", "view", "attachments", "metadata")


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
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self._queued: dict[str, deque[Canned]] = defaultdict(deque)
        self._delays: dict[str, float] = {}
        self._lock = threading.Condition()
        self._ts = itertools.count(1)
        self._views = itertools.count(1)
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
                payload = json.dumps(counts).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                if self.path.startswith("/respond/"):
                    method = "response_url"
                else:
                    method = self.path.rsplit("/", 1)[-1]
                params = _parse(raw, self.headers.get("Content-Type", ""))
                status, body, headers = fake._answer(method, params, dict(self.headers))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

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

    def response_url(self, name: str = "1") -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/respond/{name}"

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()
            self._queued.clear()
            self._delays.clear()
            self.users.clear()

    # -- behaviour ----------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        tz: str = "Europe/Amsterdam",
        locale: str = "en-US",
        name: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "name": (name or user_id).lower(),
            "tz": tz,
            "locale": locale,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_bot": False,
            "profile": {"display_name": name or user_id, "real_name": name or user_id},
        }

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

    # -- reading what happened ----------------------------------------------------------

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
        delay = self._delays.get(method)
        if delay:
            time.sleep(delay)
        with self._lock:
            self.calls.append(Call(method, params, headers))
            canned = next((c for c in self._queued[method] if c.match is None or c.match(params)), None)
            if canned is not None:
                self._queued[method].remove(canned)
            self._lock.notify_all()
        if canned is not None:
            return canned.status, canned.body or {"ok": False}, canned.headers
        return 200, self._default(method, params), {}

    def _default(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "response_url":
            return {"ok": True}
        if method == "auth.test":
            return {"ok": True, "team_id": "T1", "user_id": "UBOT", "bot_id": "BBOT"}
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "")).split(",")[0]}}
        if method in ("chat.postMessage", "chat.update"):
            ts = params.get("ts") or f"1700000000.{next(self._ts):06d}"
            channel = str(params.get("channel") or "")
            if channel[:1] in ("U", "W"):  # a user id: Slack posts in the app's DM with that user
                channel = "D" + channel
            return {
                "ok": True,
                "channel": channel,
                "ts": ts,
                "message": {"text": params.get("text"), "blocks": params.get("blocks")},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{next(self._ts):06d}"}
        if method.startswith("views."):
            view = dict(params.get("view") or {})
            view["id"] = params.get("view_id") or f"V{next(self._views):05d}"
            return {"ok": True, "view": view}
        return {"ok": True}


def _parse(raw: str, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    if "json" in content_type:
        return json.loads(raw)
    params: dict[str, Any] = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
    for name in JSON_FIELDS:
        if isinstance(params.get(name), str):
            try:
                params[name] = json.loads(params[name])
            except ValueError:
                pass
    return params


def main(argv: list[str] | None = None) -> None:
    """Serve the fake in its own process (so its CPU is not the measured process's): prints its URL,
    stops when standard input closes. `--slow chat.postMessage=0.05` delays a method's answers."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--slow", action="append", default=[], metavar="METHOD=SECONDS")
    args = parser.parse_args(argv)
    fake = FakeSlack()
    for rule in args.slow:
        method, seconds = rule.split("=", 1)
        fake.slow(method, float(seconds))
    fake.start()
    print(fake.url, flush=True)
    sys.stdin.read()
    fake.stop()


if __name__ == "__main__":
    main()
