"""`/conscience <subcommand>`: help, personal settings, and (later) team and manager commands."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.listeners.edge import Caller, caller, cat_for, deps_of, person_for, refresh_profile
from bot.messages import help as help_messages
from bot.messages.catalogue import catalogue
from bot.services import people
from models import Person

Handler = Callable[[Session, Deps, Person, str], dict[str, Any]]


def _help(session: Session, deps: Deps, person: Person, rest: str) -> dict[str, Any]:
    return help_messages.help_message(cat_for(deps, person))


def _language(session: Session, deps: Deps, person: Person, rest: str) -> dict[str, Any]:
    choice = rest.strip().lower()
    if choice not in people.LANGUAGES:
        return help_messages.text_message(cat_for(deps, person).t("language.usage"))
    if person.language == choice:
        return help_messages.text_message(catalogue(choice).t("language.same"))
    people.set_language(session, deps.clock, person, choice)
    return help_messages.text_message(catalogue(choice).t("language.set"))


SUBCOMMANDS: dict[str, Handler] = {
    "help": _help,
    "language": _language,
}


def closest(given: str) -> str | None:
    matches = difflib.get_close_matches(given.lower(), list(SUBCOMMANDS), n=1, cutoff=0.5)
    return matches[0] if matches else None


def handle(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    deps = deps_of(context)
    who: Caller = caller(body)
    sub, _, rest = (body.get("text") or "").strip().partition(" ")
    with deps.transaction() as session:
        person, created = person_for(session, deps, who)
        handler = SUBCOMMANDS.get(sub.lower() or "help")
        if handler is None:
            payload = help_messages.help_message(cat_for(deps, person), unknown=sub, suggestion=closest(sub))
        else:
            payload = handler(session, deps, person, rest)
    ack(**payload)
    if created:
        refresh_profile(deps, who)


def register(app: App) -> None:
    app.command("/conscience")(handle)
