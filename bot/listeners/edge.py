"""Small helpers every listener uses: who is asking, in which language, with what deps."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from slack_bolt import Ack
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.messages.catalogue import Catalogue, catalogue
from bot.services import dispatch, people
from bot.slack import SlackError
from models import Person

T = TypeVar("T")

log = logging.getLogger(__name__)


@dataclass
class Caller:
    team_id: str
    user_id: str


def caller(body: dict[str, Any]) -> Caller:
    team = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    user = body.get("user_id") or (body.get("user") or {}).get("id") or (body.get("event") or {}).get("user")
    return Caller(team_id=str(team or ""), user_id=str(user or ""))


def deps_of(context: dict[str, Any]) -> Deps:
    return context["deps"]


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


def origin_of(body: dict[str, Any]) -> dict[str, str]:
    """Where a click or command came from, so the answer can go back there after a modal."""
    origin: dict[str, str] = {}
    if body.get("response_url"):
        origin["response_url"] = body["response_url"]
    container = body.get("container") or {}
    if container.get("type") == "message" and not container.get("is_ephemeral"):
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
        if channel and ts:
            origin.update(channel=channel, ts=ts)
    return origin


def today_of(deps: Deps, person: Person | None) -> date:
    return people.today_for(person, deps.clock, deps.settings.default_timezone)


def save_then_ack(ack: Ack, deps: Deps, who: Caller, field: str, write: Callable[[Session], T]) -> T | None:
    """Save what a submitted form carries, then close it: the ack waits for the write (milliseconds, far
    within Slack's 3 seconds). When the save fails the modal stays open with everything the person typed,
    and says so on `field` (an input block of the view); None tells the caller to stop there."""
    try:
        with deps.transaction() as session:
            result = write(session)
    except SQLAlchemyError:
        log.exception("saving a form failed", extra={"workspace": who.team_id, "user": who.user_id})
        spoken = deps.languages.get(who.team_id, who.user_id) or deps.settings.default_language
        ack(response_action="errors", errors={field: catalogue(spoken).t("error.not_saved")})
        return None
    ack()
    return result
