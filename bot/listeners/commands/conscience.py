"""`/conscience <subcommand>`: help and personal settings (answered in the ack), team administration, the
digest and the review (acked at once, answered after: they talk to Slack)."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from bot.deps import Deps
from bot.flows import settings
from bot.flows.context import refresh_profile
from bot.flows.digest_on_demand import digest_command
from bot.flows.review import review_command
from bot.flows.teams import Asked, team_command
from bot.listeners.edge import caller, deps_of
from bot.services.slack_text import decode

# Team setup and the manager's view talk to Slack: ack first, answer after.
DEFERRED: dict[str, Callable[[Deps, Asked], None]] = {
    "team": team_command,
    "digest": digest_command,
    "review": review_command,
}


def closest(given: str) -> str | None:
    known = list(settings.SUBCOMMANDS) + list(DEFERRED)
    matches = difflib.get_close_matches(given.lower(), known, n=1, cutoff=0.5)
    return matches[0] if matches else None


def handle(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    deps, who = deps_of(context), caller(body)
    sub, _, rest = (body.get("text") or "").strip().partition(" ")
    deferred = DEFERRED.get(sub.lower())
    if deferred is not None:
        ack()
        # As Slack sent it: mentions are read from the markup there.
        asked = Asked(who, rest, body.get("channel_id"), body.get("response_url"), body.get("trigger_id"))
        deferred(deps, asked)
        return
    sub, rest = decode(sub), decode(rest)
    if settings.is_help(sub):
        payload, known = settings.help_answer(deps, who, sub, closest(sub))
        ack(**payload)
        if not known:
            settings.first_contact(deps, who)
        return
    payload, created = settings.change(deps, who, sub, rest)
    ack(**payload)
    if created:
        refresh_profile(deps, who)


def register(app: App) -> None:
    app.command("/conscience")(handle)
