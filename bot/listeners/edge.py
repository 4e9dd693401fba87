"""Small helpers every listener uses: who is asking (parsed from the request), with what deps, and the ack."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import Ack
from sqlalchemy.exc import SQLAlchemyError

from bot.deps import Deps
from bot.flows.context import Caller
from bot.messages.catalogue import catalogue

T = TypeVar("T")

log = logging.getLogger(__name__)


def caller(body: dict[str, Any]) -> Caller:
    team = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    user = body.get("user_id") or (body.get("user") or {}).get("id") or (body.get("event") or {}).get("user")
    return Caller(team_id=str(team or ""), user_id=str(user or ""))


def deps_of(context: dict[str, Any]) -> Deps:
    return context["deps"]


def origin_of(body: dict[str, Any]) -> dict[str, str]:
    """Where a click or command came from, so the answer can go back there after a modal."""
    origin: dict[str, str] = {}
    if body.get("response_url"):
        origin["response_url"] = body["response_url"]
    container = body.get("container") or {}
    if container.get("type") == "message" and not container.get("is_ephemeral"):
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
        if channel and ts:
            origin.update(channel=channel, ts=ts)
    return origin


def save_then_ack(
    ack: Ack,
    deps: Deps,
    who: Caller,
    field: str,
    save: Callable[[], T],
    answer: Callable[[T], dict[str, Any] | None] = lambda _: None,
) -> T | None:
    """Save what a submitted form carries, then close it: `save` calls a flow that owns its transaction, and
    the ack waits for it (milliseconds, far within Slack's 3 seconds); `answer` says what the modal does
    instead of closing (errors, an update), from what `save` returned. When the save fails the modal stays
    open with everything the person typed, and says so on `field` (an input block of the view); None tells
    the caller to stop there."""
    try:
        result = save()
    except SQLAlchemyError:
        log.exception("saving a form failed", extra={"workspace": who.team_id, "user": who.user_id})
        spoken = deps.languages.get(who.team_id, who.user_id) or deps.settings.default_language
        ack(response_action="errors", errors={field: catalogue(spoken).t("error.not_saved")})
        return None
    ack(**(answer(result) or {}))
    return result
