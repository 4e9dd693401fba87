"""The team settings modal: digest day and time, time zone, privacy level, language, form of address."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from slack_bolt import Ack, App

from bot.flows import notify
from bot.listeners.commands.team import is_admin
from bot.listeners.edge import caller, cat_for, deps_of, person_for
from bot.messages import teams as team_messages
from bot.messages.catalogue import escape
from bot.messages.ids import TEAM_SETTINGS_CALLBACK
from bot.services import people, teams
from bot.services.teams import TeamError, TeamSettings


def _picked(view: dict[str, Any], block: str) -> dict[str, Any]:
    return (((view.get("state") or {}).get("values") or {}).get(block) or {}).get("value") or {}


def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]) -> None:
    deps, who = deps_of(context), caller(body)
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    zone = (_picked(view, "timezone").get("value") or "").strip()
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
    if people.valid_timezone(zone) is None:
        ack(response_action="errors", errors={"timezone": cat.t("team.error.timezone", timezone=escape(zone))})
        return
    ack()
    hh, _, mm = (_picked(view, "time").get("selected_time") or "09:00").partition(":")
    chosen = TeamSettings(
        weekday=int((_picked(view, "weekday").get("selected_option") or {}).get("value") or 0),
        at=time(int(hh), int(mm or 0)),
        timezone=zone,
        privacy=(_picked(view, "privacy").get("selected_option") or {}).get("value") or "summary",
        language=(_picked(view, "language").get("selected_option") or {}).get("value"),
        formality=(_picked(view, "formality").get("selected_option") or {}).get("value"),
    )
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        team = teams.get_team(session, person.workspace_id, int(meta.get("team_id") or 0))
        allowed = team is not None and teams.manages(session, person, team)
    if team is not None and not allowed:
        allowed = is_admin(deps, who)
    if team is None or not allowed:
        answer = cat.t("team.error.rights", team=escape(team.name) if team else "?")
    else:
        with deps.transaction() as session:
            person, _ = person_for(session, deps, who)
            team = teams.get_team(session, person.workspace_id, team.id)
            assert team is not None  # found in this workspace above, and teams are never deleted
            try:
                teams.update_settings(session, deps.clock, team, person, chosen)
                answer = cat.t(
                    "team.settings_saved",
                    team=escape(team.name),
                    schedule=team_messages.schedule_text(cat, team),
                    privacy=cat.t(f"team.privacy.{team.privacy}"),
                )
            except TeamError as error:
                answer = cat.t(f"team.error.{error.code}", **{k: escape(str(v)) for k, v in error.params.items()})
    notify.respond(deps, who.team_id, meta.get("response_url"), team_messages.message(answer))


def register(app: App) -> None:
    app.view(TEAM_SETTINGS_CALLBACK)(on_submit)
