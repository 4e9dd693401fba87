"""`/actions`: my open actions, soonest first, with buttons; `/actions done`: what I finished in 90 days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App

from bot.flows import notify
from bot.listeners.edge import caller, cat_for, deps_of, person_for, today_of
from bot.messages import actions as action_messages
from bot.services import actions

DONE_WINDOW = timedelta(days=90)


def handle(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps = deps_of(context)
    who = caller(body)
    wants_done = (body.get("text") or "").strip().lower() in ("done", "klaar", "gedaan", "afgerond")
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        today = today_of(deps, person)
        if wants_done:
            payload = action_messages.done_list(
                cat, actions.done_since(session, person, deps.clock.now() - DONE_WINDOW), today
            )
        else:
            payload = action_messages.open_list(
                cat, actions.open_actions(session, person), today, proposals=actions.pending_proposals(session, person)
            )
    notify.respond(deps, who.team_id, body.get("response_url"), payload)


def register(app: App) -> None:
    app.command("/actions")(handle)
