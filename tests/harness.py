"""The app under test: real Bolt app, served over HTTP on 127.0.0.1, talking to the fake Slack API."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from bot.app_factory import create_app
from bot.deps import Deps
from bot.web import make_wsgi_app, serve
from tests.fake_slack import FakeSlack
from tests.slack_client import SlackClient


class TrackingExecutor(ThreadPoolExecutor):
    """Runs listeners like Bolt's default executor, and lets a test wait until all have finished."""

    def __init__(self) -> None:
        super().__init__(max_workers=8)
        self._pending: set[Future[Any]] = set()
        self._guard = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        future = super().submit(fn, *args, **kwargs)
        with self._guard:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future[Any]) -> None:
        with self._guard:
            self._pending.discard(future)

    def wait_idle(self, timeout: float = 15.0) -> None:
        with self._guard:
            pending = list(self._pending)
        for future in pending:
            future.result(timeout=timeout)


class RunningApp:
    def __init__(self, deps: Deps, fake: FakeSlack):
        self.deps = deps
        self.fake = fake
        self.executor = TrackingExecutor()
        self.bolt = create_app(deps, listener_executor=self.executor)
        self.server = serve(make_wsgi_app(self.bolt, deps.engine), "127.0.0.1", 0)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        host, port = self.server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        self.slack = SlackClient(f"{self.base_url}/slack/events", deps.settings.slack_signing_secret, fake)

    def settle(self) -> None:
        """Wait until every listener's after-ack work has finished."""
        self.executor.wait_idle()

    def stop(self) -> None:
        self.settle()
        self.server.shutdown()
        self.server.server_close()
        self.executor.shutdown(wait=True)
