"""`app_home_opened`: publish the person's Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.flows import home
from bot.listeners.edge import caller, deps_of


def handle(body: dict[str, Any], event: dict[str, Any], context: dict[str, Any]) -> None:
    if event.get("tab") not in (None, "home"):
        return
    home.opened(deps_of(context), caller(body))


def register(app: App) -> None:
    app.event("app_home_opened")(handle)
