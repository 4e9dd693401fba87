"""`app_home_opened`: publish the person's Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.flows import home
from bot.listeners.edge import caller, deps_of, person_for, refresh_profile


def handle(body: dict[str, Any], event: dict[str, Any], context: dict[str, Any]) -> None:
    if event.get("tab") not in (None, "home"):
        return
    deps = deps_of(context)
    who = caller(body)
    with deps.transaction() as session:
        _, created = person_for(session, deps, who)
    if created:
        refresh_profile(deps, who)  # so a new person's Home is in their Slack language
    home.publish(deps, who.team_id, who.user_id)


def register(app: App) -> None:
    app.event("app_home_opened")(handle)
