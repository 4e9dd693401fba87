"""`/action`: no text opens the form; text is a quick add, saved at once when concrete, else coached in the form.

`/action @member <text>` is a manager's proposal. The work is in `bot.flows.add`.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.flows import add
from bot.listeners.edge import caller, deps_of, origin_of

# Slack allows 4,000 characters in a command; one action needs far fewer.
QUICK_ADD_LIMIT = 500


def handle(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    deps, who = deps_of(context), caller(body)
    text = (body.get("text") or "").strip()
    if len(text) > QUICK_ADD_LIMIT:
        ack(**add.refusal(deps, who, "text_long"))
        return
    ack()
    add.command(deps, who, text, body["trigger_id"], origin_of(body))


def register(app: App) -> None:
    app.command("/action")(handle)
