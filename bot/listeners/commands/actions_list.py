"""`/actions`: my open actions, soonest first, with buttons; `/actions done`: what I finished in 90 days."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.flows import actions
from bot.listeners.edge import caller, deps_of

DONE_WORDS = ("done", "klaar", "gedaan", "afgerond")


def handle(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    wants_done = (body.get("text") or "").strip().lower() in DONE_WORDS
    actions.show_list(deps_of(context), caller(body), body.get("response_url"), wants_done)


def register(app: App) -> None:
    app.command("/actions")(handle)
