"""What every flow starts from: who is asking, their row, their language and their today.

`turn(deps, who)` is the one preamble of a use case: a transaction, the caller's Person (created on first
contact), their catalogue and their date. Listeners parse and ack; flows open the transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.messages.catalogue import Catalogue, catalogue
from bot.services import dispatch, people
from bot.slack import SlackError
from models import Person

log = logging.getLogger(__name__)


@dataclass
class Caller:
    team_id: str
    user_id: str


def person_for(session: Session, deps: Deps, who: Caller) -> tuple[Person, bool]:
    """The caller's row; created (without a Slack profile yet) on first contact. Cheap: no API call."""
    person, created = people.ensure_person(session, deps.clock, who.team_id, who.user_id)
    if person.unreachable:  # they are talking to us, so Slack can reach them again
        dispatch.reachable_again(session, deps.clock, person, rules=deps.rules)
    return person, created


def language(deps: Deps, person: Person | None) -> str:
    return people.language_of(person, deps.settings.default_language)


def cat_for(deps: Deps, person: Person | None) -> Catalogue:
    return catalogue(language(deps, person))


def refresh_profile(deps: Deps, who: Caller) -> None:
    """After the ack: fill in a new person's name, time zone and locale from users.info."""
    try:
        user = deps.gateway.user_info(who.user_id)
    except SlackError as exc:
        log.warning("users.info failed: %s", exc.error, extra={"workspace": who.team_id, "user": who.user_id})
        return
    deps.languages.forget(who.team_id, who.user_id)  # the Slack locale may decide the language
    with deps.transaction() as session:
        # A time zone other than the default re-plans what was already planned for the person.
        dispatch.store_profile(
            session,
            deps.clock,
            who.team_id,
            who.user_id,
            people.Profile(name=user.name, timezone=user.timezone, locale=user.locale),
            rules=deps.rules,
        )


def today_of(deps: Deps, person: Person | None) -> date:
    return people.today_for(person, deps.clock, deps.settings.default_timezone)


@dataclass
class Turn:
    """One request's view inside its transaction."""

    deps: Deps
    who: Caller
    session: Session
    person: Person
    created: bool
    cat: Catalogue
    today: date


@contextmanager
def turn(deps: Deps, who: Caller) -> Iterator[Turn]:
    with deps.transaction() as session:
        person, created = person_for(session, deps, who)
        yield Turn(deps, who, session, person, created, cat_for(deps, person), today_of(deps, person))
