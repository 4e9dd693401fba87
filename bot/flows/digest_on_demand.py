"""`/conscience digest [post] [team]`: a manager's preview of their team's digest, or the digest posted now.

The preview speaks the team's language (like the channel will) and is a look at the members' lines, so it
is logged (`digest_viewed`). Posting claims the week's digest row like the worker does: one digest a week
whoever posts it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.flows import notify
from bot.flows.context import Caller, turn
from bot.flows.digest import Digests, fix_key
from bot.flows.teams import Asked, answer
from bot.messages import digest as digest_messages
from bot.messages import teams as team_messages
from bot.messages.catalogue import Catalogue, catalogue, escape
from bot.services import digest, events, teams
from bot.services.slack_text import decode
from models import Person, Team

Payload = dict[str, Any]


def digest_command(deps: Deps, asked: Asked) -> None:
    words = decode(asked.text).strip()  # a team's name, no mentions
    mode = "preview"
    if words.lower() == "post" or words.lower().startswith("post "):
        mode, words = "post", words[4:].strip()
    with turn(deps, asked.who) as t:
        cat = t.cat
        picked = _pick(t.session, t.person, cat, words, asked.channel_id, mode)
    if isinstance(picked, int):
        picked = run_digest(deps, asked.who, picked, mode)
    answer(deps, asked, picked)


def _pick(
    session: Session, person: Person, cat: Catalogue, words: str, channel_id: str | None, mode: str
) -> int | Payload:
    """The team the manager means (its id), or what to answer instead: a refusal or a picker."""
    managed = teams.teams_of(session, person, "manager")
    if words:
        team = teams.find_team(session, person.workspace_id, words)
        if team is None or team.id not in {t.id for t in managed}:
            return team_messages.message(cat.t("digest.not_yours", name=escape(words)))
        return team.id
    if not managed:
        return team_messages.message(cat.t("digest.no_team"))
    if len(managed) == 1:
        return managed[0].id
    in_channel = [t for t in managed if t.channel_id == channel_id]
    if len(in_channel) != 1:
        return team_messages.picker(cat, managed, mode)
    return in_channel[0].id


def picked(deps: Deps, who: Caller, team_id: int, mode: str, response_url: str | None) -> None:
    """A team picked (or Post now clicked) under an earlier answer: that answer becomes the result."""
    payload = run_digest(deps, who, team_id, mode)
    notify.respond(deps, who.team_id, response_url, {**payload, "replace_original": True})


def run_digest(deps: Deps, who: Caller, team_id: int, mode: str) -> Payload:
    """Preview or post one team's digest for a manager of that team (checked again here)."""
    with turn(deps, who) as t:
        cat = t.cat
        team = teams.get_team(t.session, t.person.workspace_id, team_id)
        if team is None or not teams.manages(t.session, t.person, team):
            return team_messages.message(cat.t("digest.not_yours", name=escape(team.name if team else "?")))
        if mode == "preview":
            return _preview(deps, t.session, t.person, team)
        if not team.channel_id:
            return team_messages.message(cat.t("digest.no_channel", team=escape(team.name)))
        token = str(uuid.uuid4())
        digest_id = digest.claim_now(t.session, deps.clock, team, token)
        channel, name = team.channel_id, escape(team.name)
    if digest_id is None:
        return team_messages.message(cat.t("digest.already_posted", team=name, channel=f"<#{channel}>"))
    outcome = Digests(deps).post(digest_id, token)
    if outcome == "posted":
        return team_messages.message(cat.t("digest.posted", team=name, channel=f"<#{channel}>"))
    with deps.transaction() as session:
        found = session.get(Team, team_id)
        problem = found.channel_problem if found else None
    if outcome == "blocked" and problem:
        return team_messages.message(
            cat.t("team.join_failed", channel=f"<#{channel}>", fix=cat.t(f"team.channel_fix.{fix_key(problem)}"))
        )
    return team_messages.message(cat.t("digest.post_failed"))


def _preview(deps: Deps, session: Session, person: Person, team: Team) -> Payload:
    data = digest.for_team(session, deps.clock, team)
    posted = digest.is_posted(session, team, deps.clock.now())
    events.record(
        session, deps.clock, workspace_id=team.workspace_id, kind="digest_viewed", actor_id=person.id, team=team.id
    )
    # The preview speaks the team's language, like the channel will.
    team_cat = catalogue(team.language or deps.settings.default_language)
    return digest_messages.preview(team_cat, data, team.id, posted=posted)
