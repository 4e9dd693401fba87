"""Builds the Bolt app: deps injected into every listener's context, one log line per request."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse

from bot import listeners
from bot.deps import Deps
from bot.listeners.edge import caller

log = logging.getLogger("conscience.requests")


def describe(body: dict[str, Any]) -> str:
    """What a request is, without anything the person typed."""
    if body.get("command"):
        return f"command {body['command']}"
    kind = body.get("type", "")
    if kind == "block_actions":
        ids = ",".join(a.get("action_id", "?") for a in body.get("actions", []))
        return f"block_actions {ids}"
    if kind in ("view_submission", "view_closed"):
        return f"{kind} {(body.get('view') or {}).get('callback_id', '?')}"
    if kind == "event_callback":
        return f"event {(body.get('event') or {}).get('type', '?')}"
    return kind or "unknown"


def create_app(deps: Deps, listener_executor: Executor | None = None) -> App:
    app = App(
        client=deps.gateway.interactive,
        signing_secret=deps.settings.slack_signing_secret,
        token_verification_enabled=False,
        # Commands, actions and views ack first; their work runs after the response has gone.
        process_before_response=False,
        listener_executor=listener_executor or ThreadPoolExecutor(max_workers=16),
    )

    @app.middleware
    def inject_and_log(body: dict[str, Any], context: dict[str, Any], next: Callable[[], BoltResponse]) -> Any:
        context["deps"] = deps
        started = time.perf_counter()
        who = caller(body)
        outcome = "error"
        try:
            response = next()
            outcome = "ok"
            return response
        finally:
            log.info(
                "handled %s",
                describe(body),
                extra={
                    "workspace": who.team_id,
                    "user": who.user_id,
                    "what": describe(body),
                    "outcome": outcome,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        who = caller(body)
        log.exception(
            "listener failed: %s",
            describe(body),
            exc_info=error,
            extra={"workspace": who.team_id, "user": who.user_id, "what": describe(body), "outcome": "failed"},
        )

    listeners.register(app)
    return app
