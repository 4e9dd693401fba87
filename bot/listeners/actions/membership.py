"""The invited person answers a team invitation: Accept or Decline.

The invitation's value names the membership; the domain checks that the clicker is the invited person in the
same workspace and changes a row only while it is still an invitation, so a double click has one effect. The
invitation is updated in place (the DM the click came from) and the team's managers hear the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from bot.flows import notify
from bot.flows.digest import learn_names
from bot.listeners.edge import caller, cat_for, deps_of, origin_of, person_for
from bot.messages import ids
from bot.messages import teams as team_messages
from bot.services import people, teams
from bot.services.teams import TeamError

log = logging.getLogger(__name__)


def _ids(value: str | None) -> tuple[int, int] | None:
    membership, _, team = (value or "").partition(":")
    if not (membership.isdigit() and team.isdigit()):
        return None
    return int(membership), int(team)


def _outcome(answered: teams.Answered, accept: bool) -> str:
    if accept:
        return "accepted" if answered.active else "closed"
    return "already_in" if answered.active else "declined"


def on_answer(accept: bool) -> Callable[..., None]:
    def handler(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
        ack()
        deps, who, origin = deps_of(context), caller(body), origin_of(body)
        ids = _ids(action.get("value"))
        if ids is None:
            return
        notes: list[tuple[str, dict[str, Any]]] = []
        nameless = False
        with deps.transaction() as session:
            person, _ = person_for(session, deps, who)
            cat = cat_for(deps, person)
            try:
                answered = teams.answer_invitation(session, deps.clock, person, *ids, accept=accept)
            except TeamError:  # someone else's invitation: change nothing, show nothing
                log.warning(
                    "invitation answered by someone else", extra={"workspace": who.team_id, "user": who.user_id}
                )
                return
            team = answered.team
            if team is None:
                return
            payload = team_messages.invitation_answered(cat, team, answered.role, _outcome(answered, accept))
            if answered.changed:
                key = f"manager_accepted_{answered.role}" if accept else "manager_declined"
                for user_id in teams.to_tell(session, team, answered.invited_by_id, leaving=person):
                    manager = people.find_person(session, who.team_id, user_id)
                    notes.append((user_id, team_messages.manager_note(cat_for(deps, manager), team, who.user_id, key)))
                nameless = accept and not person.display_name
        if origin.get("channel") and origin.get("ts"):
            notify.update(deps, who.team_id, origin["channel"], origin["ts"], payload)
        for user_id, note in notes:
            notify.dm(deps, who.team_id, user_id, note)
        if nameless:
            learn_names(deps, who.team_id, [who.user_id])  # the digest names people; it never mentions them

    return handler


def register(app: App) -> None:
    app.action(ids.INVITE_ACCEPT)(on_answer(True))
    app.action(ids.INVITE_DECLINE)(on_answer(False))
