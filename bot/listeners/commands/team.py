"""`/conscience team|digest|review ...`: team setup and the manager's view.

These ack at once and answer through the response_url: deciding who may needs Slack (users.info says
who is a workspace admin or owner), joining a channel needs Slack, and none of that may delay the ack.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from bot.deps import Deps
from bot.flows import notify
from bot.flows.digest import Digests, fix_key, learn_names
from bot.listeners.edge import Caller, caller, cat_for, person_for, today_of
from bot.messages import digest as digest_messages
from bot.messages import review as review_messages
from bot.messages import teams as team_messages
from bot.messages.catalogue import Catalogue, catalogue, escape
from bot.services import digest, events, people, review, teams
from bot.services.slack_text import decode
from bot.services.teams import TeamError
from bot.slack import SlackError
from models import Person, Team

log = logging.getLogger(__name__)
Deferred = Callable[[Deps, dict[str, Any], str], None]


def is_admin(deps: Deps, who: Caller) -> bool:
    """A workspace admin or owner, according to Slack (users.info), remembered for a few minutes."""
    known = deps.admins.get(who.team_id, who.user_id)
    if known is not None:
        return known
    try:
        user = deps.gateway.user_info(who.user_id)
    except SlackError as exc:  # not remembered: the next command asks again
        log.warning("users.info failed: %s", exc.error, extra={"workspace": who.team_id, "user": who.user_id})
        return False
    admin = user.is_admin or user.is_owner
    deps.admins.put(who.team_id, who.user_id, admin)
    return admin


def _answer(deps: Deps, body: dict[str, Any], payload: dict[str, Any]) -> None:
    notify.respond(deps, caller(body).team_id, body.get("response_url"), payload)


def _error(cat: Catalogue, error: TeamError) -> dict[str, Any]:
    params = dict(error.params)
    if "name" in params:
        params["name"] = escape(str(params["name"]))
    if "teams" in params:
        params["teams"] = ", ".join(f"`{escape(n)}`" for n in params["teams"])
    if "timezone" in params:
        params["timezone"] = escape(str(params["timezone"]))
    return team_messages.message(cat.t(f"team.error.{error.code}", **params))


# -- /conscience team ... ---------------------------------------------------------------------


def team_command(deps: Deps, body: dict[str, Any], rest: str) -> None:
    who = caller(body)
    action, _, args = rest.strip().partition(" ")
    action = action.lower()
    if action == "managers":
        verb, _, args = args.strip().partition(" ")
        action = f"managers {verb.lower()}"
    handler = TEAM_ACTIONS.get(action, _team_usage)
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
    _answer(deps, body, handler(deps, body, who, cat, args))


def _team_usage(deps: Deps, body: dict[str, Any], who: Caller, cat: Catalogue, args: str) -> dict[str, Any]:
    return team_messages.message(cat.t("team.usage"))


def _create(deps: Deps, body: dict[str, Any], who: Caller, cat: Catalogue, args: str) -> dict[str, Any]:
    parsed = teams.parse_arguments(args)
    if not parsed.text or not parsed.channel_id:
        return team_messages.message(cat.t("team.create_usage"))
    if not is_admin(deps, who):
        return team_messages.message(cat.t("team.error.create_rights"))
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        try:
            team = teams.create(
                session,
                deps.clock,
                workspace_id=person.workspace_id,
                actor=person,
                name=parsed.text,
                channel_id=parsed.channel_id,
            )
        except TeamError as error:
            return _error(cat, error)
        team_id = team.id
    note = join(deps, who, team_id, parsed.channel_id, cat)
    with deps.transaction() as session:
        team = session.get_one(Team, team_id)
        text = cat.t(
            "team.created",
            team=escape(team.name),
            channel=f"<#{team.channel_id}>",
            schedule=team_messages.schedule_text(cat, team),
            name=escape(team.name),
        )
    return team_messages.message(f"{text}\n{note}" if note else text)


def join(deps: Deps, who: Caller, team_id: int, channel: str, cat: Catalogue) -> str | None:
    """Join the team's channel; what to tell the person when the bot cannot (a private channel...)."""
    try:
        deps.gateway.join_channel(channel)
        problem = None
    except SlackError as exc:
        problem = exc.error
        log.warning("conversations.join failed: %s", exc.error, extra={"workspace": who.team_id})
    with deps.transaction() as session:
        team = session.get(Team, team_id)
        if team is not None:
            teams.set_channel_problem(session, team, problem)
    if problem is None:
        return None
    return cat.t("team.join_failed", channel=f"<#{channel}>", fix=cat.t(f"team.channel_fix.{fix_key(problem)}"))


def _managed(
    deps: Deps, who: Caller, cat: Catalogue, name: str, channel_id: str | None
) -> tuple[int | None, dict[str, Any] | None]:
    """The team a change is about, if the caller may change it: (team id, None) or (None, refusal)."""
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        try:
            team = teams.pick(session, person, name, channel_id=channel_id)
        except TeamError as error:
            if error.code not in ("none", "which"):
                return None, _error(cat, error)
            team = None
        if team is not None and teams.manages(session, person, team):
            return team.id, None
    admin = is_admin(deps, who)
    if not admin:
        if team is None:
            return None, team_messages.message(cat.t("team.error.rights_none"))
        return None, team_messages.message(cat.t("team.error.rights", team=escape(team.name)))
    if team is not None:
        return team.id, None
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        try:
            return teams.pick(session, person, name, channel_id=channel_id, is_admin=True).id, None
        except TeamError as error:
            return None, _error(cat, error)


def _members(role: str, removing: bool = False) -> Callable[..., dict[str, Any]]:
    """`add` / `remove` (members; remove takes people out in every role) and `managers add|remove`."""

    def change(deps: Deps, body: dict[str, Any], who: Caller, cat: Catalogue, args: str) -> dict[str, Any]:
        parsed = teams.parse_arguments(args)
        if not parsed.user_ids:
            return team_messages.message(cat.t("team.managers_usage" if role == "manager" else "team.members_usage"))
        team_id, refusal = _managed(deps, who, cat, parsed.text, body.get("channel_id"))
        if refusal is not None:
            return refusal
        assert team_id is not None  # _managed gives a team id or a refusal
        if removing:
            return _remove(deps, who, cat, team_id, parsed.user_ids, role if role == "manager" else None)
        # A workspace admin or owner adds directly; a team's manager invites, and the person decides.
        invite = not is_admin(deps, who)
        with deps.transaction() as session:
            person, _ = person_for(session, deps, who)
            team = session.get_one(Team, team_id)
            name = escape(team.name)
            found = teams.add(session, deps.clock, team, person, parsed.user_ids, role=role, invite=invite)
            nameless = [
                u for u in found.added_ids if (m := people.find_person(session, who.team_id, u)) and not m.display_name
            ]
        # Names first: the digest names people (it never mentions them), and the Slack locale picks the
        # language of the message each person gets.
        learn_names(deps, who.team_id, nameless)
        with deps.transaction() as session:
            team = session.get_one(Team, team_id)
            managers = teams.manager_user_ids(session, team)
            notices = [
                (
                    user_id,
                    team_messages.membership_notice(
                        cat_for(deps, people.find_person(session, who.team_id, user_id)),
                        team,
                        role,
                        who.user_id,
                        [m for m in managers if m != user_id],
                        invitation=membership_id if invite else None,
                    ),
                )
                for user_id, membership_id in found.added
            ]
        for user_id, notice in notices:
            notify.dm(deps, who.team_id, user_id, notice)
        lines = []
        if found.added:
            key = f"team.invited_{role}" if invite else f"team.added_{role}"
            lines.append(cat.t(key, team=name, people=team_messages.mentions(found.added_ids)))
        if found.present:
            lines.append(cat.t("team.already", team=name, people=team_messages.mentions(found.present)))
        if found.pending:
            lines.append(cat.t("team.pending", team=name, people=team_messages.mentions(found.pending)))
        return team_messages.message("\n".join(lines))

    return change


def _remove(
    deps: Deps, who: Caller, cat: Catalogue, team_id: int, user_ids: list[str], role: str | None
) -> dict[str, Any]:
    """Take people out (role None: every role). The last manager goes only when a workspace admin says so."""

    def attempt(keep_a_manager: bool) -> tuple[str, list[str] | TeamError]:
        with deps.transaction() as session:
            person, _ = person_for(session, deps, who)
            team = session.get_one(Team, team_id)
            try:
                return team.name, teams.remove(
                    session, deps.clock, team, person, user_ids, role=role, keep_a_manager=keep_a_manager
                )
            except TeamError as error:  # raised before anything changed
                return team.name, error

    name, outcome = attempt(True)
    if isinstance(outcome, TeamError) and outcome.code == "last_manager" and is_admin(deps, who):
        name, outcome = attempt(False)
    if isinstance(outcome, TeamError):
        return _error(cat, outcome)
    key = "team.removed_manager" if role == "manager" else "team.removed"
    if not outcome:
        return team_messages.message(cat.t(f"{key}_none", team=escape(name)))
    return team_messages.message(cat.t(key, team=escape(name), people=team_messages.mentions(outcome)))


def _list(deps: Deps, body: dict[str, Any], who: Caller, cat: Catalogue, args: str) -> dict[str, Any]:
    admin = is_admin(deps, who)
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        found = teams.all_teams(session, person.workspace_id) if admin else teams.teams_of(session, person)
        invited = {
            t.id: [p.slack_user_id for p, _ in teams.roster(session, t, status="invited")]
            for t in found
            if admin or teams.manages(session, person, t)
        }
        return team_messages.team_list(cat, [(t, teams.roster(session, t)) for t in found], invited)


def _leave(deps: Deps, body: dict[str, Any], who: Caller, cat: Catalogue, args: str) -> dict[str, Any]:
    """`/conscience team leave [team]`: the caller takes themselves out of a team; its managers are told."""
    name = teams.parse_arguments(args).text

    def attempt(keep_a_manager: bool) -> tuple[str, list[tuple[str, dict[str, Any]]]] | TeamError:
        with deps.transaction() as session:
            person, _ = person_for(session, deps, who)
            try:
                team = teams.pick_own(session, person, name, channel_id=body.get("channel_id"))
                teams.leave(session, deps.clock, person, team, keep_a_manager=keep_a_manager)
            except TeamError as error:  # raised before anything changed
                return error
            notes = []
            for user_id in teams.to_tell(session, team, None, leaving=person):
                manager = people.find_person(session, who.team_id, user_id)
                notes.append(
                    (user_id, team_messages.manager_note(cat_for(deps, manager), team, who.user_id, "manager_left"))
                )
            return team.name, notes

    outcome = attempt(True)
    if isinstance(outcome, TeamError) and outcome.code == "last_manager" and is_admin(deps, who):
        outcome = attempt(False)
    if isinstance(outcome, TeamError):
        return _error(cat, outcome)
    team_name, notes = outcome
    for user_id, note in notes:
        notify.dm(deps, who.team_id, user_id, note)
    return team_messages.message(cat.t("team.left", team=escape(team_name)))


def _settings(deps: Deps, body: dict[str, Any], who: Caller, cat: Catalogue, args: str) -> dict[str, Any]:
    team_id, refusal = _managed(deps, who, cat, teams.parse_arguments(args).text, body.get("channel_id"))
    if refusal is not None:
        return refusal
    assert team_id is not None  # _managed gives a team id or a refusal
    with deps.transaction() as session:
        team = session.get_one(Team, team_id)
        view = team_messages.settings_modal(cat, team, body.get("response_url"))
    try:
        deps.gateway.open_view(body["trigger_id"], view)
    except SlackError as exc:
        log.warning("views.open failed: %s", exc.error)
        return team_messages.message(cat.t("error.slack_busy"))
    return team_messages.message(cat.t("team.settings_opened"))


TEAM_ACTIONS: dict[str, Callable[..., dict[str, Any]]] = {
    "create": _create,
    "add": _members("member"),
    "remove": _members("member", removing=True),
    "managers add": _members("manager"),
    "managers remove": _members("manager", removing=True),
    "leave": _leave,
    "list": _list,
    "settings": _settings,
}


# -- /conscience digest [post] [team] ---------------------------------------------------------


def digest_command(deps: Deps, body: dict[str, Any], rest: str) -> None:
    words = decode(rest).strip()  # a team's name, no mentions
    mode = "preview"
    if words.lower() == "post" or words.lower().startswith("post "):
        mode, words = "post", words[4:].strip()
    who = caller(body)
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        managed = teams.teams_of(session, person, "manager")
        if words:
            team = teams.find_team(session, person.workspace_id, words)
            if team is None or team.id not in {t.id for t in managed}:
                _answer(deps, body, team_messages.message(cat.t("digest.not_yours", name=escape(words))))
                return
        elif not managed:
            _answer(deps, body, team_messages.message(cat.t("digest.no_team")))
            return
        elif len(managed) > 1:
            in_channel = [t for t in managed if t.channel_id == body.get("channel_id")]
            if len(in_channel) != 1:
                _answer(deps, body, team_messages.picker(cat, managed, mode))
                return
            team = in_channel[0]
        else:
            team = managed[0]
        team_id = team.id
    _answer(deps, body, run_digest(deps, who, team_id, mode))


def run_digest(deps: Deps, who: Caller, team_id: int, mode: str) -> dict[str, Any]:
    """Preview or post one team's digest for a manager of that team (checked again here)."""
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        team = teams.get_team(session, person.workspace_id, team_id)
        if team is None or not teams.manages(session, person, team):
            return team_messages.message(cat.t("digest.not_yours", name=escape(team.name if team else "?")))
        if mode == "preview":
            data = digest.for_team(session, deps.clock, team)
            posted = digest.is_posted(session, team, deps.clock.now())
            events.record(
                session,
                deps.clock,
                workspace_id=team.workspace_id,
                kind="digest_viewed",
                actor_id=person.id,
                team=team.id,
            )
            # The preview speaks the team's language, like the channel will.
            team_cat = catalogue(team.language or deps.settings.default_language)
            return digest_messages.preview(team_cat, data, team.id, posted=posted)
        if not team.channel_id:
            return team_messages.message(cat.t("digest.no_channel", team=escape(team.name)))
        token = str(uuid.uuid4())
        digest_id = digest.claim_now(session, deps.clock, team, token)
        channel, name = team.channel_id, escape(team.name)
    if digest_id is None:
        return team_messages.message(cat.t("digest.already_posted", team=name, channel=f"<#{channel}>"))
    outcome = Digests(deps).post(digest_id, token)
    if outcome == "posted":
        return team_messages.message(cat.t("digest.posted", team=name, channel=f"<#{channel}>"))
    with deps.transaction() as session:
        team = session.get(Team, team_id)
        problem = team.channel_problem if team else None
    if outcome == "blocked" and problem:
        return team_messages.message(
            cat.t("team.join_failed", channel=f"<#{channel}>", fix=cat.t(f"team.channel_fix.{fix_key(problem)}"))
        )
    return team_messages.message(cat.t("digest.post_failed"))


# -- /conscience review @member ---------------------------------------------------------------


def review_command(deps: Deps, body: dict[str, Any], rest: str) -> None:
    who = caller(body)
    parsed = teams.parse_arguments(rest)
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
    if len(parsed.user_ids) != 1:
        _answer(deps, body, team_messages.message(cat.t("review.usage")))
        return
    _answer(deps, body, review_payload(deps, who, parsed.user_ids[0], via="command")[0])


def review_payload(deps: Deps, who: Caller, member_user_id: str, *, via: str) -> tuple[dict[str, Any], bool]:
    """(the review as a message, True) for the member's manager; (a refusal, False) for anyone else."""
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        member = people.find_person(session, who.team_id, member_user_id)
        try:
            if member is None:
                raise TeamError("not_manager")
            found = review.review(session, deps.clock, person, member, today_of(deps, person), via=via)
        except TeamError:
            return review_messages.refusal(cat.t("review.refused", member=f"<@{member_user_id}>")), False
        return review_messages.review_message(cat, found), True


def review_modal(deps: Deps, who: Caller, member_user_id: str) -> dict[str, Any] | None:
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        member: Person | None = people.find_person(session, who.team_id, member_user_id)
        if member is None:
            return None
        try:
            found = review.review(session, deps.clock, person, member, today_of(deps, person), via="home")
        except TeamError:
            return None
        return review_messages.review_modal(cat, found)


DEFERRED: dict[str, Deferred] = {"team": team_command, "digest": digest_command, "review": review_command}
