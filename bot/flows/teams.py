"""Team administration: create a team, add, invite and remove people, leave, list, the team's settings, and
an invitation's answer.

`/conscience team ...` is acked at once and answered through its response_url: deciding who may needs Slack
(users.info says who is a workspace admin or owner), joining a channel needs Slack, and none of that may
delay the ack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.deps import Deps
from bot.flows import notify
from bot.flows.context import Caller, cat_for, turn
from bot.flows.digest import fix_key, learn_names
from bot.messages import teams as team_messages
from bot.messages.catalogue import Catalogue, escape
from bot.services import people, teams
from bot.services.teams import TeamError, TeamSettings
from bot.slack import SlackError
from models import Team

log = logging.getLogger(__name__)
Payload = dict[str, Any]


@dataclass
class Asked:
    """A `/conscience` subcommand answered after the ack: what followed it (as Slack sent it, mentions in
    markup) and where it was typed."""

    who: Caller
    text: str
    channel_id: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None


def answer(deps: Deps, asked: Asked, payload: Payload) -> None:
    notify.respond(deps, asked.who.team_id, asked.response_url, payload)


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


def refused(cat: Catalogue, error: TeamError) -> Payload:
    params = dict(error.params)
    if "name" in params:
        params["name"] = escape(str(params["name"]))
    if "teams" in params:
        params["teams"] = ", ".join(f"`{escape(n)}`" for n in params["teams"])
    if "timezone" in params:
        params["timezone"] = escape(str(params["timezone"]))
    return team_messages.message(cat.t(f"team.error.{error.code}", **params))


def caller_cat(deps: Deps, who: Caller) -> Catalogue:
    """The caller's catalogue (their row made on first contact)."""
    with turn(deps, who) as t:
        return t.cat


# -- /conscience team ... ---------------------------------------------------------------------

Step = Callable[[Deps, Asked, Catalogue, str], Payload]


def team_command(deps: Deps, asked: Asked) -> None:
    action, _, args = asked.text.strip().partition(" ")
    action = action.lower()
    if action == "managers":
        verb, _, args = args.strip().partition(" ")
        action = f"managers {verb.lower()}"
    step = TEAM_ACTIONS.get(action, _usage)
    answer(deps, asked, step(deps, asked, caller_cat(deps, asked.who), args))


def _usage(deps: Deps, asked: Asked, cat: Catalogue, args: str) -> Payload:
    return team_messages.message(cat.t("team.usage"))


def create(deps: Deps, asked: Asked, cat: Catalogue, args: str) -> Payload:
    who = asked.who
    parsed = teams.parse_arguments(args)
    if not parsed.text or not parsed.channel_id:
        return team_messages.message(cat.t("team.create_usage"))
    if not is_admin(deps, who):
        return team_messages.message(cat.t("team.error.create_rights"))
    with turn(deps, who) as t:
        try:
            team = teams.create(
                t.session,
                deps.clock,
                workspace_id=t.person.workspace_id,
                actor=t.person,
                name=parsed.text,
                channel_id=parsed.channel_id,
            )
        except TeamError as error:
            return refused(cat, error)
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


def managed(
    deps: Deps, who: Caller, cat: Catalogue, name: str, channel_id: str | None
) -> tuple[int | None, Payload | None]:
    """The team a change is about, if the caller may change it: (team id, None) or (None, refusal)."""
    with turn(deps, who) as t:
        try:
            team = teams.pick(t.session, t.person, name, channel_id=channel_id)
        except TeamError as error:
            if error.code not in ("none", "which"):
                return None, refused(cat, error)
            team = None
        if team is not None and teams.manages(t.session, t.person, team):
            return team.id, None
    if not is_admin(deps, who):
        if team is None:
            return None, team_messages.message(cat.t("team.error.rights_none"))
        return None, team_messages.message(cat.t("team.error.rights", team=escape(team.name)))
    if team is not None:
        return team.id, None
    with turn(deps, who) as t:
        try:
            return teams.pick(t.session, t.person, name, channel_id=channel_id, is_admin=True).id, None
        except TeamError as error:
            return None, refused(cat, error)


def members(role: str, removing: bool = False) -> Step:
    """`add` / `remove` (members; remove takes people out in every role) and `managers add|remove`."""

    def change(deps: Deps, asked: Asked, cat: Catalogue, args: str) -> Payload:
        parsed = teams.parse_arguments(args)
        if not parsed.user_ids:
            return team_messages.message(cat.t("team.managers_usage" if role == "manager" else "team.members_usage"))
        team_id, refusal = managed(deps, asked.who, cat, parsed.text, asked.channel_id)
        if refusal is not None:
            return refusal
        assert team_id is not None  # managed gives a team id or a refusal
        if removing:
            return remove(deps, asked.who, cat, team_id, parsed.user_ids, role if role == "manager" else None)
        return add(deps, asked.who, cat, team_id, parsed.user_ids, role)

    return change


def add(deps: Deps, who: Caller, cat: Catalogue, team_id: int, user_ids: list[str], role: str) -> Payload:
    """A workspace admin or owner adds directly; a team's manager invites, and the person decides."""
    invite = not is_admin(deps, who)
    with turn(deps, who) as t:
        team = t.session.get_one(Team, team_id)
        name = escape(team.name)
        found = teams.add(t.session, deps.clock, team, t.person, user_ids, role=role, invite=invite)
        nameless = [
            u for u in found.added_ids if (m := people.find_person(t.session, who.team_id, u)) and not m.display_name
        ]
    # Names first: the digest names people (it never mentions them), and the Slack locale picks the
    # language of the message each person gets.
    learn_names(deps, who.team_id, nameless)
    _tell_added(deps, who, team_id, found, role, invite)
    lines = []
    if found.added:
        key = f"team.invited_{role}" if invite else f"team.added_{role}"
        lines.append(cat.t(key, team=name, people=team_messages.mentions(found.added_ids)))
    if found.present:
        lines.append(cat.t("team.already", team=name, people=team_messages.mentions(found.present)))
    if found.pending:
        lines.append(cat.t("team.pending", team=name, people=team_messages.mentions(found.pending)))
    return team_messages.message("\n".join(lines))


def _tell_added(deps: Deps, who: Caller, team_id: int, found: teams.Added, role: str, invite: bool) -> None:
    """Each person added or invited hears it in their own language: who, which team, what its managers see."""
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


def remove(deps: Deps, who: Caller, cat: Catalogue, team_id: int, user_ids: list[str], role: str | None) -> Payload:
    """Take people out (role None: every role). The last manager goes only when a workspace admin says so."""

    def attempt(keep_a_manager: bool) -> tuple[str, list[str] | TeamError]:
        with turn(deps, who) as t:
            team = t.session.get_one(Team, team_id)
            try:
                return team.name, teams.remove(
                    t.session, deps.clock, team, t.person, user_ids, role=role, keep_a_manager=keep_a_manager
                )
            except TeamError as error:  # raised before anything changed
                return team.name, error

    name, outcome = attempt(True)
    if isinstance(outcome, TeamError) and outcome.code == "last_manager" and is_admin(deps, who):
        name, outcome = attempt(False)
    if isinstance(outcome, TeamError):
        return refused(cat, outcome)
    key = "team.removed_manager" if role == "manager" else "team.removed"
    if not outcome:
        return team_messages.message(cat.t(f"{key}_none", team=escape(name)))
    return team_messages.message(cat.t(key, team=escape(name), people=team_messages.mentions(outcome)))


def listing(deps: Deps, asked: Asked, cat: Catalogue, args: str) -> Payload:
    admin = is_admin(deps, asked.who)
    with turn(deps, asked.who) as t:
        session, person = t.session, t.person
        found = teams.all_teams(session, person.workspace_id) if admin else teams.teams_of(session, person)
        invited = {
            team.id: [p.slack_user_id for p, _ in teams.roster(session, team, status="invited")]
            for team in found
            if admin or teams.manages(session, person, team)
        }
        return team_messages.team_list(cat, [(team, teams.roster(session, team)) for team in found], invited)


Notes = list[tuple[str, Payload]]


def leave(deps: Deps, asked: Asked, cat: Catalogue, args: str) -> Payload:
    """`/conscience team leave [team]`: the caller takes themselves out of a team; its managers are told."""
    who = asked.who
    name = teams.parse_arguments(args).text

    def attempt(keep_a_manager: bool) -> tuple[str, Notes] | TeamError:
        with turn(deps, who) as t:
            try:
                team = teams.pick_own(t.session, t.person, name, channel_id=asked.channel_id)
                teams.leave(t.session, deps.clock, t.person, team, keep_a_manager=keep_a_manager)
            except TeamError as error:  # raised before anything changed
                return error
            notes = []
            for user_id in teams.to_tell(t.session, team, None, leaving=t.person):
                manager = people.find_person(t.session, who.team_id, user_id)
                notes.append(
                    (user_id, team_messages.manager_note(cat_for(deps, manager), team, who.user_id, "manager_left"))
                )
            return team.name, notes

    outcome = attempt(True)
    if isinstance(outcome, TeamError) and outcome.code == "last_manager" and is_admin(deps, who):
        outcome = attempt(False)
    if isinstance(outcome, TeamError):
        return refused(cat, outcome)
    team_name, notes = outcome
    for user_id, note in notes:
        notify.dm(deps, who.team_id, user_id, note)
    return team_messages.message(cat.t("team.left", team=escape(team_name)))


def open_settings(deps: Deps, asked: Asked, cat: Catalogue, args: str) -> Payload:
    """`/conscience team settings [team]`: the team's settings in a modal, for its managers and admins."""
    team_id, refusal = managed(deps, asked.who, cat, teams.parse_arguments(args).text, asked.channel_id)
    if refusal is not None:
        return refusal
    assert team_id is not None  # managed gives a team id or a refusal
    with deps.transaction() as session:
        team = session.get_one(Team, team_id)
        view = team_messages.settings_modal(cat, team, asked.response_url)
    try:
        deps.gateway.open_view(asked.trigger_id or "", view)
    except SlackError as exc:
        log.warning("views.open failed: %s", exc.error)
        return team_messages.message(cat.t("error.slack_busy"))
    return team_messages.message(cat.t("team.settings_opened"))


TEAM_ACTIONS: dict[str, Step] = {
    "create": create,
    "add": members("member"),
    "remove": members("member", removing=True),
    "managers add": members("manager"),
    "managers remove": members("manager", removing=True),
    "leave": leave,
    "list": listing,
    "settings": open_settings,
}


# -- the team settings modal, submitted ---------------------------------------------------------


def settings_errors(deps: Deps, who: Caller, zone: str) -> dict[str, str] | None:
    """What keeps the settings modal open: a time zone nobody knows (said in the modal, in their language)."""
    if people.valid_timezone(zone) is not None:
        return None
    cat = caller_cat(deps, who)
    return {"timezone": cat.t("team.error.timezone", timezone=escape(zone))}


def save_settings(deps: Deps, who: Caller, team_id: int, chosen: TeamSettings, response_url: str | None) -> None:
    """Save a team's settings for one of its managers (or a workspace admin); the answer goes where the
    settings were asked for."""
    with turn(deps, who) as t:
        cat = t.cat
        team = teams.get_team(t.session, t.person.workspace_id, team_id)
        allowed = team is not None and teams.manages(t.session, t.person, team)
        name = team.name if team is not None else None
    if name is not None and not allowed:
        allowed = is_admin(deps, who)
    if name is None or not allowed:
        text = cat.t("team.error.rights", team=escape(name) if name else "?")
    else:
        text = _saved(deps, who, cat, team_id, chosen)
    notify.respond(deps, who.team_id, response_url, team_messages.message(text))


def _saved(deps: Deps, who: Caller, cat: Catalogue, team_id: int, chosen: TeamSettings) -> str:
    with turn(deps, who) as t:
        team = teams.get_team(t.session, t.person.workspace_id, team_id)
        assert team is not None  # found in this workspace before, and teams are never deleted
        try:
            teams.update_settings(t.session, deps.clock, team, t.person, chosen)
        except TeamError as error:
            return cat.t(f"team.error.{error.code}", **{k: escape(str(v)) for k, v in error.params.items()})
        return cat.t(
            "team.settings_saved",
            team=escape(team.name),
            schedule=team_messages.schedule_text(cat, team),
            privacy=cat.t(f"team.privacy.{team.privacy}"),
        )


# -- an invitation answered -----------------------------------------------------------------------


def _outcome(answered: teams.Answered, accept: bool) -> str:
    if accept:
        return "accepted" if answered.active else "closed"
    return "already_in" if answered.active else "declined"


def answer_invitation(
    deps: Deps, who: Caller, membership_id: int, team_id: int, accept: bool, origin: dict[str, str]
) -> None:
    """The invited person answers: the invitation changes in place (the DM the click came from) and the
    team's managers hear the answer. Someone else's invitation changes nothing and shows nothing."""
    notes: Notes = []
    with turn(deps, who) as t:
        try:
            answered = teams.answer_invitation(t.session, deps.clock, t.person, membership_id, team_id, accept=accept)
        except TeamError:
            log.warning("invitation answered by someone else", extra={"workspace": who.team_id, "user": who.user_id})
            return
        team = answered.team
        if team is None:
            return
        payload = team_messages.invitation_answered(t.cat, team, answered.role, _outcome(answered, accept))
        if answered.changed:
            key = f"manager_accepted_{answered.role}" if accept else "manager_declined"
            for user_id in teams.to_tell(t.session, team, answered.invited_by_id, leaving=t.person):
                manager = people.find_person(t.session, who.team_id, user_id)
                notes.append((user_id, team_messages.manager_note(cat_for(deps, manager), team, who.user_id, key)))
        nameless = answered.changed and accept and not t.person.display_name
    if origin.get("channel") and origin.get("ts"):
        notify.update(deps, who.team_id, origin["channel"], origin["ts"], payload)
    for user_id, note in notes:
        notify.dm(deps, who.team_id, user_id, note)
    if nameless:
        learn_names(deps, who.team_id, [who.user_id])  # the digest names people; it never mentions them
