"""`/conscience <subcommand>`: help, personal settings, and (later) team and manager commands."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.listeners.commands import team as team_commands
from bot.listeners.edge import Caller, caller, cat_for, deps_of, language, person_for, refresh_profile, today_of
from bot.messages import help as help_messages
from bot.messages import settings as settings_messages
from bot.messages.catalogue import catalogue
from bot.messages.dates import format_day
from bot.services import people, personal_settings
from bot.services.personal_settings import SettingError
from bot.services.slack_text import decode
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


def _settings(session: Session, deps: Deps, person: Person, rest: str) -> dict[str, Any]:
    return settings_messages.overview(
        cat_for(deps, person),
        person,
        deps.settings.default_timezone,
        today_of(deps, person),
        personal_settings.team_formality(session, person),
    )


def _setting(handler: Handler) -> Handler:
    """A settings command: no argument shows the overview; a SettingError answers with the format hint."""

    @functools.wraps(handler)
    def wrapped(session: Session, deps: Deps, person: Person, rest: str) -> dict[str, Any]:
        if not rest.strip():
            return _settings(session, deps, person, rest)
        try:
            return handler(session, deps, person, rest.strip())
        except SettingError as exc:
            return settings_messages.error_message(cat_for(deps, person), exc.code, exc.params)

    return wrapped


@_setting
def _hours(session: Session, deps: Deps, person: Person, rest: str) -> dict[str, Any]:
    start, end = personal_settings.parse_hours(rest)
    moved = personal_settings.set_hours(session, deps.clock, person, start, end, rules=deps.rules)
    cat = cat_for(deps, person)
    text = cat.t("settings.saved.hours", start=settings_messages.hhmm(start), end=settings_messages.hhmm(end))
    if moved is not None:
        text += " " + cat.t("settings.saved.hours_checkin_moved", checkin=settings_messages.hhmm(moved))
    return help_messages.text_message(text)


@_setting
def _days(session: Session, deps: Deps, person: Person, rest: str) -> dict[str, Any]:
    days = personal_settings.parse_days(rest)
    personal_settings.set_days(session, deps.clock, person, days, rules=deps.rules)
    cat = cat_for(deps, person)
    return help_messages.text_message(cat.t("settings.saved.days", days=settings_messages.days_text(cat, days)))


@_setting
def _checkin(session: Session, deps: Deps, person: Person, rest: str) -> dict[str, Any]:
    at = personal_settings.parse_checkin(rest)
    personal_settings.set_checkin(session, deps.clock, person, at, rules=deps.rules)
    return help_messages.text_message(
        cat_for(deps, person).t("settings.saved.checkin", time=settings_messages.hhmm(at))
    )


@_setting
def _country(session: Session, deps: Deps, person: Person, rest: str) -> dict[str, Any]:
    code = personal_settings.parse_country(rest)
    personal_settings.set_country(session, deps.clock, person, code, rules=deps.rules)
    return help_messages.text_message(cat_for(deps, person).t("settings.saved.country", country=code))


@_setting
def _formality(session: Session, deps: Deps, person: Person, rest: str) -> dict[str, Any]:
    chosen = personal_settings.parse_formality(rest)
    personal_settings.set_formality(session, deps.clock, person, chosen, rules=deps.rules)
    return help_messages.text_message(cat_for(deps, person).t("settings.saved.formality", value=chosen))


def _pause(session: Session, deps: Deps, person: Person, rest: str) -> dict[str, Any]:
    cat = cat_for(deps, person)
    today = today_of(deps, person)
    try:
        until = personal_settings.parse_pause(rest, today, language(deps, person))
        personal_settings.pause(session, deps.clock, person, until, today, rules=deps.rules)
    except SettingError as exc:
        return settings_messages.error_message(cat, exc.code, exc.params)
    return help_messages.text_message(cat.t("settings.saved.pause", date=format_day(cat, until, today)))


def _resume(session: Session, deps: Deps, person: Person, rest: str) -> dict[str, Any]:
    cat = cat_for(deps, person)
    if not personal_settings.resume(session, deps.clock, person, today_of(deps, person), rules=deps.rules):
        return help_messages.text_message(cat.t("settings.saved.not_paused"))
    return help_messages.text_message(cat.t("settings.saved.resume"))


SUBCOMMANDS: dict[str, Handler] = {
    "help": _help,
    "language": _language,
    "settings": _settings,
    "hours": _hours,
    "days": _days,
    "checkin": _checkin,
    "country": _country,
    "pause": _pause,
    "resume": _resume,
    "formality": _formality,
}


def closest(given: str) -> str | None:
    known = list(SUBCOMMANDS) + list(team_commands.DEFERRED)
    matches = difflib.get_close_matches(given.lower(), known, n=1, cutoff=0.5)
    return matches[0] if matches else None


def _help_language(deps: Deps, who: Caller) -> tuple[str, bool]:
    """The caller's language for help, read without writing: (language, known person)."""
    remembered = deps.languages.get(who.team_id, who.user_id)
    if remembered is not None:
        return remembered, True
    with deps.sessions() as session:
        person = people.find_person(session, who.team_id, who.user_id)
        spoken = language(deps, person)
    if person is not None:
        deps.languages.put(who.team_id, who.user_id, spoken)
    return spoken, person is not None


def handle(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    deps = deps_of(context)
    who: Caller = caller(body)
    sub, _, rest = (body.get("text") or "").strip().partition(" ")
    deferred = team_commands.DEFERRED.get(sub.lower())
    if deferred is not None:  # team setup and the manager's view talk to Slack: ack first, answer after
        ack()
        deferred(deps, body, rest)  # as Slack sent it: mentions are read from the markup there
        return
    sub, rest = decode(sub), decode(rest)
    handler = SUBCOMMANDS.get(sub.lower() or "help")
    if handler in (None, _help):
        # The most common request: answered before any database write (from memory when possible);
        # a newcomer's row is made after the ack.
        spoken, known = _help_language(deps, who)
        cat = catalogue(spoken)
        ack(
            **(
                help_messages.help_message(cat)
                if handler
                else help_messages.help_message(cat, unknown=sub, suggestion=closest(sub))
            )
        )
        if not known:
            with deps.transaction() as session:
                person_for(session, deps, who)
            refresh_profile(deps, who)
        return
    with deps.transaction() as session:
        person, created = person_for(session, deps, who)
        payload = handler(session, deps, person, rest)
        deps.languages.put(who.team_id, who.user_id, language(deps, person))
    ack(**payload)
    if created:
        refresh_profile(deps, who)


def register(app: App) -> None:
    app.command("/conscience")(handle)
