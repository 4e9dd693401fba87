"""Teams: who is in them, who manages them, and where and when their digest goes.

Rights are decided here from the database (a team's own managers); whether someone is a workspace
admin or owner comes from Slack, so the edge asks and passes it in.

Membership is with consent: a workspace admin or owner adds people directly (the person is told), a team
manager invites them and they accept or decline. Only *active* memberships count: an invited member shows up
nowhere for the team's managers, and an invited manager has no rights, until they accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Any

from sqlalchemy import Delete, Update, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from bot.services import digest, events, people
from bot.services.clock import Clock
from bot.services.personal_settings import FORMALITIES
from bot.services.slack_text import decode
from models import Membership, Person, Team
from models.db import rowcount
from models.team import PRIVACY_LEVELS, ROLES

NAME_LIMIT = 80
USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
CHANNEL_MENTION = re.compile(r"<#([CG][A-Z0-9]+)(?:\|[^>]*)?>")


class TeamError(Exception):
    """A request the domain refuses; `code` names a catalogue text `team.error.<code>`."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Parsed:
    """A team command's arguments: free text (a team name), mentioned people, a mentioned channel."""

    text: str
    user_ids: list[str]
    channel_id: str | None


def _record(session: Session, clock: Clock, team: Team, kind: str, actor_id: int, **data: Any) -> None:
    """The events log's line about this team: what happened and who did it."""
    events.record(session, clock, workspace_id=team.workspace_id, kind=kind, actor_id=actor_id, team=team.id, **data)


def parse_arguments(text: str) -> Parsed:
    """Split `R&amp;D <#C1|rd> <@U1|anna> <@U2>`, as Slack sent it, into its parts: the mentions are read
    from the markup, the free text (`R&D`) is decoded once."""
    user_ids = list(dict.fromkeys(USER_MENTION.findall(text)))
    channel = CHANNEL_MENTION.search(text)
    rest = decode(CHANNEL_MENTION.sub(" ", USER_MENTION.sub(" ", text)))
    return Parsed(text=" ".join(rest.split()), user_ids=user_ids, channel_id=channel.group(1) if channel else None)


def is_manager_of(session: Session, manager: Person, member: Person) -> bool:
    """True when manager manages a team that member belongs to, in the same workspace."""
    if manager.workspace_id != member.workspace_id or manager.id == member.id:
        return False
    managing = aliased(Membership)
    belonging = aliased(Membership)
    found = session.scalar(
        select(managing.id)
        .join(belonging, belonging.team_id == managing.team_id)
        .where(
            managing.workspace_id == manager.workspace_id,
            managing.person_id == manager.id,
            managing.role == "manager",
            managing.status == "active",
            belonging.person_id == member.id,
            belonging.role == "member",
            belonging.status == "active",
        )
        .limit(1)
    )
    return found is not None


def manages(session: Session, person: Person, team: Team) -> bool:
    if person.workspace_id != team.workspace_id:
        return False
    found = session.scalar(
        select(Membership.id).where(
            Membership.team_id == team.id,
            Membership.person_id == person.id,
            Membership.role == "manager",
            Membership.status == "active",
        )
    )
    return found is not None


def get_team(session: Session, workspace_id: int, team_id: int) -> Team | None:
    return session.scalar(select(Team).where(Team.workspace_id == workspace_id, Team.id == team_id))


def find_team(session: Session, workspace_id: int, name: str) -> Team | None:
    return session.scalar(
        select(Team).where(Team.workspace_id == workspace_id, func.lower(Team.name) == name.strip().lower())
    )


def all_teams(session: Session, workspace_id: int) -> list[Team]:
    return list(session.scalars(select(Team).where(Team.workspace_id == workspace_id).order_by(Team.name)))


def teams_of(session: Session, person: Person, role: str | None = None) -> list[Team]:
    """The teams a person belongs to (as member or manager), or only those in one role; accepted ones only."""
    query = (
        select(Team)
        .join(Membership, Membership.team_id == Team.id)
        .where(
            Membership.workspace_id == person.workspace_id,
            Membership.person_id == person.id,
            Membership.status == "active",
        )
    )
    if role is not None:
        query = query.where(Membership.role == role)
    return list(session.scalars(query.distinct().order_by(Team.name)))


def pick(session: Session, person: Person, name: str, *, channel_id: str | None = None, is_admin: bool = False) -> Team:
    """The team a command is about: named, else the one of the channel it was typed in, else the only one.

    Raises TeamError("not_found") for an unknown name and TeamError("which") when it is ambiguous.
    """
    if name:
        team = find_team(session, person.workspace_id, name)
        if team is None:
            raise TeamError("not_found", name=name)
        return team
    candidates = all_teams(session, person.workspace_id) if is_admin else teams_of(session, person, "manager")
    return _the_one(candidates, channel_id, none="none")


def create(
    session: Session, clock: Clock, *, workspace_id: int, actor: Person, name: str, channel_id: str | None
) -> Team:
    name = " ".join(name.split())
    if not name:
        raise TeamError("name_missing")
    if len(name) > NAME_LIMIT:
        raise TeamError("name_long")
    if find_team(session, workspace_id, name) is not None:
        raise TeamError("exists", name=name)
    team = Team(workspace_id=workspace_id, name=name, channel_id=channel_id, created_at=clock.now())
    try:
        with session.begin_nested():
            session.add(team)
            session.flush()
    except IntegrityError:  # someone created it a moment ago
        raise TeamError("exists", name=name) from None
    _record(session, clock, team, "team_created", actor.id)
    return team


@dataclass
class Added:
    """What `add` did, as Slack user ids: new memberships (active, or invitations with their membership id to
    put on the invitation's buttons), people who were in the team already, and invitations still open."""

    added: list[tuple[str, int]]
    present: list[str]
    pending: list[str]

    @property
    def added_ids(self) -> list[str]:
        return [user_id for user_id, _ in self.added]


def add(
    session: Session,
    clock: Clock,
    team: Team,
    actor: Person,
    user_ids: list[str],
    *,
    role: str = "member",
    invite: bool = False,
) -> Added:
    """Add people in a role: directly (invite False: a workspace admin or owner), or as invitations they
    accept or decline (a team manager). An admin's add turns an open invitation into a membership."""
    if role not in ROLES:
        raise ValueError(role)
    workspace = people.get_workspace_by_id(session, team.workspace_id)
    found = Added(added=[], present=[], pending=[])
    for user_id in user_ids:
        member, _ = people.ensure_person(session, clock, workspace.slack_team_id, user_id)
        row = session.scalar(
            select(Membership).where(
                Membership.team_id == team.id, Membership.person_id == member.id, Membership.role == role
            )
        )
        if row is not None and (row.status == "active" or invite):
            (found.present if row.status == "active" else found.pending).append(user_id)
            continue
        if row is None:
            row = Membership(
                workspace_id=team.workspace_id,
                team_id=team.id,
                person_id=member.id,
                role=role,
                created_at=clock.now(),
            )
            session.add(row)
        row.status = "invited" if invite else "active"
        row.invited_by_id = actor.id
        session.flush()
        kind = "team_invited" if invite else "team_joined"
        _record(session, clock, team, kind, actor.id, person=member.id, role=role)
        found.added.append((user_id, row.id))
    session.flush()
    if found.added and not invite:
        digest.changed(session, team.id)
    return found


@dataclass
class Answered:
    """An invitation answered: the team, the role, who invited, and whether this click changed anything
    (False: a second click, a stale copy, an invitation withdrawn); `active` says whether the person is in
    the team in that role now."""

    team: Team | None
    role: str | None
    invited_by_id: int | None
    changed: bool
    active: bool


def answer_invitation(
    session: Session, clock: Clock, person: Person, membership_id: int, team_id: int, *, accept: bool
) -> Answered:
    """The invited person accepts or declines. Only the invited person, in their workspace, and only once:
    a conditional UPDATE (accept) or DELETE (decline) of a row still `invited`; the click that changed the
    row has the effect, a second click or a stale copy changes nothing.

    Raises TeamError("not_yours") when the membership is someone else's."""
    row = session.scalar(
        select(Membership).where(Membership.id == membership_id, Membership.workspace_id == person.workspace_id)
    )
    if row is not None and row.person_id != person.id:
        raise TeamError("not_yours")
    team = get_team(session, person.workspace_id, row.team_id if row is not None else team_id)
    role, invited_by_id = (row.role, row.invited_by_id) if row is not None else (None, None)
    mine = (
        Membership.id == membership_id,
        Membership.workspace_id == person.workspace_id,
        Membership.person_id == person.id,
        Membership.status == "invited",
    )
    statement: Update | Delete
    if accept:
        statement = update(Membership).where(*mine).values(status="active")
    else:
        statement = delete(Membership).where(*mine)
    result = session.execute(statement.execution_options(synchronize_session=False))
    changed = rowcount(result) == 1
    if row is not None:
        session.expunge(row)  # the statement changed the row behind the session's back
    status = session.scalar(
        select(Membership.status).where(Membership.id == membership_id, Membership.person_id == person.id)
    )
    if changed and team is not None:
        kind = "team_accepted" if accept else "team_declined"
        _record(session, clock, team, kind, person.id, person=person.id, role=role)
        if accept:
            digest.changed(session, team.id)
    return Answered(team=team, role=role, invited_by_id=invited_by_id, changed=changed, active=status == "active")


def to_tell(session: Session, team: Team, invited_by_id: int | None, *, leaving: Person) -> list[str]:
    """Who hears that someone answered an invitation or left: whoever invited them, and the team's managers."""
    found = [u for u in manager_user_ids(session, team) if u != leaving.slack_user_id]
    inviter = session.get(Person, invited_by_id) if invited_by_id is not None else None
    if inviter is not None and inviter.workspace_id == team.workspace_id and inviter.id != leaving.id:
        if inviter.slack_user_id not in found:
            found.insert(0, inviter.slack_user_id)
    return found


def pick_own(session: Session, person: Person, name: str, *, channel_id: str | None = None) -> Team:
    """A team the person is in (for `team leave`): named, else the one of the channel, else the only one."""
    mine = teams_of(session, person)
    if name:
        team = find_team(session, person.workspace_id, name)
        if team is None or team.id not in {t.id for t in mine}:
            raise TeamError("not_in", name=name)
        return team
    return _the_one(mine, channel_id, none="in_none")


def _the_one(candidates: list[Team], channel_id: str | None, *, none: str) -> Team:
    """Of the teams a command may mean: the one of the channel it was typed in, else the only one; else
    TeamError(none) when there are none, TeamError("which") when the person has to name one."""
    if channel_id:
        in_channel = [t for t in candidates if t.channel_id == channel_id]
        if len(in_channel) == 1:
            return in_channel[0]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise TeamError(none)
    raise TeamError("which", teams=[t.name for t in candidates])


def leave(session: Session, clock: Clock, person: Person, team: Team, *, keep_a_manager: bool = True) -> list[str]:
    """The person takes themselves out of the team, in every role (an open invitation too). Returns the
    roles they had (active ones). TeamError("last_manager") when they are its last manager (and not an admin)."""
    roles = sorted(
        session.scalars(
            select(Membership.role).where(
                Membership.team_id == team.id, Membership.person_id == person.id, Membership.status == "active"
            )
        )
    )
    remove(session, clock, team, person, [person.slack_user_id], keep_a_manager=keep_a_manager)
    return roles


def remove(
    session: Session,
    clock: Clock,
    team: Team,
    actor: Person,
    user_ids: list[str],
    *,
    role: str | None = None,
    keep_a_manager: bool = True,
) -> list[str]:
    """Take people out of the team, in every role or only in `role`. Returns the user ids that were in it.

    Raises TeamError("last_manager"), changing nothing, when that would leave the team without a manager
    and keep_a_manager is set: then only a workspace admin could change the team, so only an admin may.
    """
    if role is not None and role not in ROLES:
        raise ValueError(role)
    found: dict[str, list[Membership]] = {}
    for user_id in user_ids:
        query = (
            select(Membership)
            .join(Person, Person.id == Membership.person_id)
            .where(
                Membership.team_id == team.id, Person.workspace_id == team.workspace_id, Person.slack_user_id == user_id
            )
        )
        if role is not None:
            query = query.where(Membership.role == role)
        rows = list(session.scalars(query))
        if rows:
            found[user_id] = rows
    leaving = sum(1 for rows in found.values() for row in rows if row.role == "manager" and row.status == "active")
    if keep_a_manager and leaving and leaving >= len(manager_user_ids(session, team)):
        raise TeamError("last_manager", name=team.name)
    for rows in found.values():
        for row in rows:
            session.delete(row)
        _record(
            session,
            clock,
            team,
            "team_left",
            actor.id,
            person=rows[0].person_id,
            roles=sorted(row.role for row in rows),
        )
    session.flush()
    if found:
        digest.changed(session, team.id)
    return list(found)


def roster(session: Session, team: Team, *, status: str = "active") -> list[tuple[Person, str]]:
    """(person, role) for everyone in the team (or everyone invited to it), managers first."""
    rows = session.execute(
        select(Person, Membership.role)
        .join(Membership, Membership.person_id == Person.id)
        .where(
            Membership.workspace_id == team.workspace_id,
            Membership.team_id == team.id,
            Membership.status == status,
        )
        .order_by(Membership.role, Person.display_name, Person.slack_user_id)
    )
    return [(p, role) for p, role in rows]


def manager_user_ids(session: Session, team: Team) -> list[str]:
    return [p.slack_user_id for p, role in roster(session, team) if role == "manager"]


@dataclass
class TeamSettings:
    weekday: int
    at: time
    timezone: str
    privacy: str
    language: str | None
    formality: str | None = None  # the members' default for opening lines in Dutch ("je" or "u")


def update_settings(session: Session, clock: Clock, team: Team, actor: Person, chosen: TeamSettings) -> None:
    if not 0 <= chosen.weekday <= 6:
        raise TeamError("weekday")
    if people.valid_timezone(chosen.timezone) is None:
        raise TeamError("timezone", timezone=chosen.timezone)
    if chosen.privacy not in PRIVACY_LEVELS:
        raise TeamError("privacy")
    if chosen.language not in (None, *people.LANGUAGES):
        raise TeamError("language")
    if chosen.formality not in (None, *FORMALITIES):
        raise TeamError("formality")
    team.digest_weekday = chosen.weekday
    team.digest_time = chosen.at.replace(second=0, microsecond=0)
    team.timezone = chosen.timezone
    team.privacy = chosen.privacy
    team.language = chosen.language
    team.formality = chosen.formality
    _record(
        session,
        clock,
        team,
        "team_settings",
        actor.id,
        weekday=chosen.weekday,
        at=chosen.at.strftime("%H:%M"),
        timezone=chosen.timezone,
        privacy=chosen.privacy,
        formality=chosen.formality,
    )
    digest.changed(session, team.id)  # privacy or language: the posted digest reads differently now


def set_channel_problem(session: Session, team: Team, problem: str | None) -> bool:
    """Remember why the channel refuses the bot; True when this is news (so the managers hear it once)."""
    news = team.channel_problem != problem
    team.channel_problem = problem
    return news
