"""Republishing a person's App Home: read their plan, render it, send it. Called after every change."""

from __future__ import annotations

import logging
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.deps import Deps
from bot.messages.catalogue import catalogue
from bot.messages.home import home_view
from bot.services import actions, digest, events, people, teams
from bot.slack import SlackError

log = logging.getLogger(__name__)


def publish(deps: Deps, team_id: str, user_id: str) -> None:
    with deps.transaction() as session:
        person = people.find_person(session, team_id, user_id)
        language = people.language_of(person, deps.settings.default_language)
        today = people.today_for(person, deps.clock, deps.settings.default_timezone)
        open_list, done, managed = [], [], []
        if person is not None:
            zone = ZoneInfo(person.timezone or deps.settings.default_timezone)
            month_start = datetime.combine(today.replace(day=1), time(0), zone)
            open_list = actions.open_actions(session, person)
            done = actions.done_since(session, person, month_start)
            # A manager's Home shows their teams: counts per member and a Review button (this week's digest data).
            for team in teams.teams_of(session, person, "manager"):
                managed.append(digest.for_team(session, deps.clock, team))
                # Counts per member are a look at their lists: logged like the digest preview.
                events.record(
                    session,
                    deps.clock,
                    workspace_id=team.workspace_id,
                    kind="digest_viewed",
                    actor_id=person.id,
                    team=team.id,
                    via="home",
                )
        view = home_view(catalogue(language), open_list, done, today, managed)
    try:
        deps.gateway.publish_home(user_id, view)
    except SlackError as exc:
        log.warning("views.publish failed: %s", exc.error, extra={"workspace": team_id, "user": user_id})
