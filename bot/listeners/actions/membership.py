"""The invited person answers a team invitation: Accept or Decline.

The invitation's value names the membership and the team; the domain checks that the clicker is the invited
person in the same workspace and changes a row only while it is still an invitation, so a double click has
one effect (bot/flows/teams.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from bot.flows import teams
from bot.listeners.edge import caller, deps_of, origin_of
from bot.messages import ids


def _ids(value: str | None) -> tuple[int, int] | None:
    membership, _, team = (value or "").partition(":")
    if not (membership.isdigit() and team.isdigit()):
        return None
    return int(membership), int(team)


def on_answer(accept: bool) -> Callable[..., None]:
    def handler(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
        ack()
        found = _ids(action.get("value"))
        if found is not None:
            teams.answer_invitation(deps_of(context), caller(body), *found, accept, origin_of(body))

    return handler


def register(app: App) -> None:
    app.action(ids.INVITE_ACCEPT)(on_answer(True))
    app.action(ids.INVITE_DECLINE)(on_answer(False))
