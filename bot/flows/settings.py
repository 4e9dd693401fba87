"""A person's own settings through `/conscience`: help, language, working hours and days, check-in time,
country, form of address, pause and resume. Each answers in the command's ack: a small write, then the answer.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.flows.context import Caller, cat_for, language, person_for, refresh_profile, today_of, turn
from bot.messages import help as help_messages
from bot.messages import settings as settings_messages
from bot.messages.catalogue import catalogue
from bot.messages.dates import format_day
from bot.services import people, personal_settings
from bot.services.personal_settings import SettingError
from models import Person

Payload = dict[str, Any]
Handler = Callable[[Session, Deps, Person, str], Payload]


def _help(session: Session, deps: Deps, person: Person, rest: str) -> Payload:
    return help_messages.help_message(cat_for(deps, person))


def _language(session: Session, deps: Deps, person: Person, rest: str) -> Payload:
    choice = rest.strip().lower()
    if choice not in people.LANGUAGES:
        return help_messages.text_message(cat_for(deps, person).t("language.usage"))
    if person.language == choice:
        return help_messages.text_message(catalogue(choice).t("language.same"))
    people.set_language(session, deps.clock, person, choice)
    return help_messages.text_message(catalogue(choice).t("language.set"))


def _overview(session: Session, deps: Deps, person: Person, rest: str) -> Payload:
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
    def wrapped(session: Session, deps: Deps, person: Person, rest: str) -> Payload:
        if not rest.strip():
            return _overview(session, deps, person, rest)
        try:
            return handler(session, deps, person, rest.strip())
        except SettingError as exc:
            return settings_messages.error_message(cat_for(deps, person), exc.code, exc.params)

    return wrapped


@_setting
def _hours(session: Session, deps: Deps, person: Person, rest: str) -> Payload:
    start, end = personal_settings.parse_hours(rest)
    moved = personal_settings.set_hours(session, deps.clock, person, start, end, rules=deps.rules)
    cat = cat_for(deps, person)
    text = cat.t("settings.saved.hours", start=settings_messages.hhmm(start), end=settings_messages.hhmm(end))
    if moved is not None:
        text += " " + cat.t("settings.saved.hours_checkin_moved", checkin=settings_messages.hhmm(moved))
    return help_messages.text_message(text)


@_setting
def _days(session: Session, deps: Deps, person: Person, rest: str) -> Payload:
    days = personal_settings.parse_days(rest)
    personal_settings.set_days(session, deps.clock, person, days, rules=deps.rules)
    cat = cat_for(deps, person)
    return help_messages.text_message(cat.t("settings.saved.days", days=settings_messages.days_text(cat, days)))


@_setting
def _checkin(session: Session, deps: Deps, person: Person, rest: str) -> Payload:
    at = personal_settings.parse_checkin(rest)
    personal_settings.set_checkin(session, deps.clock, person, at, rules=deps.rules)
    return help_messages.text_message(
        cat_for(deps, person).t("settings.saved.checkin", time=settings_messages.hhmm(at))
    )


@_setting
def _country(session: Session, deps: Deps, person: Person, rest: str) -> Payload:
    code = personal_settings.parse_country(rest)
    personal_settings.set_country(session, deps.clock, person, code, rules=deps.rules)
    return help_messages.text_message(cat_for(deps, person).t("settings.saved.country", country=code))


@_setting
def _formality(session: Session, deps: Deps, person: Person, rest: str) -> Payload:
    chosen = personal_settings.parse_formality(rest)
    personal_settings.set_formality(session, deps.clock, person, chosen, rules=deps.rules)
    return help_messages.text_message(cat_for(deps, person).t("settings.saved.formality", value=chosen))


def _pause(session: Session, deps: Deps, person: Person, rest: str) -> Payload:
    cat = cat_for(deps, person)
    today = today_of(deps, person)
    try:
        until = personal_settings.parse_pause(rest, today, language(deps, person))
        personal_settings.pause(session, deps.clock, person, until, today, rules=deps.rules)
    except SettingError as exc:
        return settings_messages.error_message(cat, exc.code, exc.params)
    return help_messages.text_message(cat.t("settings.saved.pause", date=format_day(cat, until, today)))


def _resume(session: Session, deps: Deps, person: Person, rest: str) -> Payload:
    cat = cat_for(deps, person)
    if not personal_settings.resume(session, deps.clock, person, today_of(deps, person), rules=deps.rules):
        return help_messages.text_message(cat.t("settings.saved.not_paused"))
    return help_messages.text_message(cat.t("settings.saved.resume"))


SUBCOMMANDS: dict[str, Handler] = {
    "help": _help,
    "language": _language,
    "settings": _overview,
    "hours": _hours,
    "days": _days,
    "checkin": _checkin,
    "country": _country,
    "pause": _pause,
    "resume": _resume,
    "formality": _formality,
}


def is_help(sub: str) -> bool:
    """Help is what an empty, `help` or unknown subcommand gets."""
    return SUBCOMMANDS.get(sub.lower() or "help") in (None, _help)


def help_answer(deps: Deps, who: Caller, sub: str, suggestion: str | None) -> tuple[Payload, bool]:
    """(the help, whether the person is known). The most common request: answered before any database
    write (from memory when possible); a newcomer's row is made after the ack (`first_contact`)."""
    spoken, known = _help_language(deps, who)
    cat = catalogue(spoken)
    if sub.lower() in ("", "help"):
        return help_messages.help_message(cat), known
    return help_messages.help_message(cat, unknown=sub, suggestion=suggestion), known


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


def first_contact(deps: Deps, who: Caller) -> None:
    """After the ack of a newcomer's help: their row, then their Slack profile."""
    with deps.transaction() as session:
        person_for(session, deps, who)
    refresh_profile(deps, who)


def change(deps: Deps, who: Caller, sub: str, rest: str) -> tuple[Payload, bool]:
    """A personal setting shown or changed: (the answer, whether the person was new; then `refresh_profile`
    after the ack)."""
    handler = SUBCOMMANDS[sub.lower()]
    with turn(deps, who) as t:
        payload = handler(t.session, deps, t.person, rest)
        deps.languages.put(who.team_id, who.user_id, language(deps, t.person))
    return payload, t.created
