"""Direct messages and ephemeral answers that follow a change: to the person, their manager, the origin.

Listeners call these after the ack; they render through the messages layer and send through the gateway.
A failed send is logged and never undoes the change that was already saved.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.deps import Deps
from bot.slack import SlackError

log = logging.getLogger(__name__)


def dm(deps: Deps, team_id: str, user_id: str, payload: dict[str, Any]) -> tuple[str, str] | None:
    """Send a direct message; returns (channel, ts) so it can be updated in place later."""
    try:
        return deps.gateway.post_dm(user_id, payload["text"], payload.get("blocks"))
    except SlackError as exc:
        log.warning("direct message failed: %s", exc.error, extra={"workspace": team_id, "user": user_id})
        return None


def update(deps: Deps, team_id: str, channel: str, ts: str, payload: dict[str, Any]) -> None:
    try:
        deps.gateway.update_message(channel, ts, payload["text"], payload.get("blocks"))
    except SlackError as exc:
        log.warning("chat.update failed: %s", exc.error, extra={"workspace": team_id})


def respond(deps: Deps, team_id: str, response_url: str | None, payload: dict[str, Any]) -> None:
    if not response_url:
        return
    try:
        deps.gateway.respond(response_url, payload)
    except SlackError as exc:
        log.warning("response_url failed: %s", exc.error, extra={"workspace": team_id})


def tell(deps: Deps, team_id: str, user_id: str, origin: dict[str, str], payload: dict[str, Any]) -> None:
    """Tell the person something went wrong where they are: in the conversation they typed or clicked in
    (its response_url), or by direct message when there is none (a click on Home or in a modal)."""
    if origin.get("response_url"):
        respond(deps, team_id, origin["response_url"], payload)
    else:
        dm(deps, team_id, user_id, {"text": payload["text"], "blocks": payload.get("blocks")})
