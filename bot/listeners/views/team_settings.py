"""The team settings modal: digest day and time, time zone, privacy level, language, form of address."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from slack_bolt import Ack, App

from bot.flows import teams
from bot.listeners.edge import caller, deps_of
from bot.messages.ids import TEAM_SETTINGS_CALLBACK
from bot.services.teams import TeamSettings


def _picked(view: dict[str, Any], block: str) -> dict[str, Any]:
    return (((view.get("state") or {}).get("values") or {}).get(block) or {}).get("value") or {}


def _chosen(view: dict[str, Any], zone: str) -> TeamSettings:
    hh, _, mm = (_picked(view, "time").get("selected_time") or "09:00").partition(":")
    return TeamSettings(
        weekday=int((_picked(view, "weekday").get("selected_option") or {}).get("value") or 0),
        at=time(int(hh), int(mm or 0)),
        timezone=zone,
        privacy=(_picked(view, "privacy").get("selected_option") or {}).get("value") or "summary",
        language=(_picked(view, "language").get("selected_option") or {}).get("value"),
        formality=(_picked(view, "formality").get("selected_option") or {}).get("value"),
    )


def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]) -> None:
    deps, who = deps_of(context), caller(body)
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    zone = (_picked(view, "timezone").get("value") or "").strip()
    errors = teams.settings_errors(deps, who, zone)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()
    teams.save_settings(deps, who, int(meta.get("team_id") or 0), _chosen(view, zone), meta.get("response_url"))


def register(app: App) -> None:
    app.view(TEAM_SETTINGS_CALLBACK)(on_submit)
