import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.listeners.events import app_home

log = logging.getLogger(__name__)


def once_per_event(body: dict[str, Any], request: BoltRequest, context: dict[str, Any], next: Callable[[], Any]) -> Any:
    """Slack repeats an event (same event_id, `X-Slack-Retry-Num`) when it saw no 2xx in time: a repeat of
    one this process took in is acknowledged and dropped (Bolt itself handles every delivery)."""
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if not event_id:
        return next()
    deliveries = context["deps"].deliveries
    if not deliveries.first(event_id):
        headers = request.headers
        log.info(
            "dropped a repeated delivery of %s",
            event_id,
            extra={
                "retry_num": (headers.get("x-slack-retry-num") or ["?"])[0],
                "retry_reason": (headers.get("x-slack-retry-reason") or ["?"])[0],
            },
        )
        return BoltResponse(status=200, body="")
    response = next()
    if response is not None and response.status >= 300:  # not taken in: Slack's next try is welcome
        deliveries.forget(event_id)
    return response


def register(app: App) -> None:
    app.middleware(once_per_event)
    app_home.register(app)
