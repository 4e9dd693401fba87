"""Republishing a person's App Home: read their plan, render it, send it. Called after every change, and
when the person opens the tab (`opened`)."""

from __future__ import annotations

import logging
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.flows.context import Caller, refresh_profile, turn
from bot.messages.catalogue import catalogue
from bot.messages.home import home_view
from bot.services import actions, digest, events, people, teams
from bot.services.digest import DigestData
from bot.slack import SlackError
from models import Event, Person

log = logging.getLogger(__name__)


def opened(deps: Deps, who: Caller) -> None:
    """The person opened their Home tab: a first contact learns their Slack profile first, so that their
    Home is in their Slack language; then the tab is published."""
    with turn(deps, who) as t:
        created = t.created
    if created:
        refresh_profile(deps, who)
    publish(deps, who.team_id, who.user_id)


def publish(deps: Deps, team_id: str, user_id: str) -> None:
    with deps.transaction() as session:
        person = people.find_person(session, team_id, user_id)
        language = people.language_of(person, deps.settings.default_language)
        today = people.today_for(person, deps.clock, deps.settings.default_timezone)
        open_list, done, managed, proposals = [], [], [], []
        if person is not None:
            zone = ZoneInfo(person.timezone or deps.settings.default_timezone)
            month_start = datetime.combine(today.replace(day=1), time(0), zone)
            open_list = actions.open_actions(session, person)
            proposals = actions.pending_proposals(session, person)
            done = actions.done_since(session, person, month_start)
            managed = _managed_teams(session, deps, person, datetime.combine(today, time(0), zone))
        view = home_view(catalogue(language), open_list, done, today, managed, proposals)
    try:
        deps.gateway.publish_home(user_id, view)
    except SlackError as exc:
        log.warning("views.publish failed: %s", exc.error, extra={"workspace": team_id, "user": user_id})


def _managed_teams(session: Session, deps: Deps, person: Person, day_start: datetime) -> list[DigestData]:
    """A manager's Home shows their teams: counts per member and a Review button (this week's digest data)."""
    managing = teams.teams_of(session, person, "manager")
    logged = _home_looks_today(session, person, day_start) if managing else set()
    managed = []
    for team in managing:
        managed.append(digest.for_team(session, deps.clock, team))
        # Counts per member are a look at their lists: logged like the digest preview, once a day
        # (the Home is republished after every click; the log should say who looked, not how often).
        if team.id not in logged:
            events.record(
                session,
                deps.clock,
                workspace_id=team.workspace_id,
                kind="digest_viewed",
                actor_id=person.id,
                team=team.id,
                via="home",
            )
    return managed


def _home_looks_today(session: Session, person: Person, day_start: datetime) -> set[int]:
    """Teams whose member counts this manager already saw in their Home today."""
    found = session.scalars(
        select(Event.data).where(
            Event.workspace_id == person.workspace_id,
            Event.actor_id == person.id,
            Event.kind == "digest_viewed",
            Event.created_at >= day_start,
        )
    )
    return {int(data["team"]) for data in found if data.get("via") == "home" and data.get("team") is not None}
