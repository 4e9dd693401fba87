"""Workspaces and people: found or created on first contact, and their personal settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.services import events
from bot.services.clock import Clock
from config.languages import LANGUAGES
from models import Person, Workspace


@dataclass(frozen=True)
class Profile:
    """What Slack told us about a person (users.info), if anything."""

    name: str | None = None
    timezone: str | None = None
    locale: str | None = None


def get_workspace(session: Session, slack_team_id: str) -> Workspace | None:
    return session.scalar(select(Workspace).where(Workspace.slack_team_id == slack_team_id))


def get_workspace_by_id(session: Session, workspace_id: int) -> Workspace:
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise LookupError(f"no workspace {workspace_id}")
    return workspace


def ensure_workspace(session: Session, clock: Clock, slack_team_id: str) -> Workspace:
    workspace = get_workspace(session, slack_team_id)
    if workspace is not None:
        return workspace
    try:
        with session.begin_nested():
            workspace = Workspace(slack_team_id=slack_team_id, created_at=clock.now())
            session.add(workspace)
    except IntegrityError:  # another request created it a moment ago
        workspace = get_workspace(session, slack_team_id)
        assert workspace is not None
    return workspace


def find_person(session: Session, slack_team_id: str, slack_user_id: str) -> Person | None:
    return session.scalar(
        select(Person)
        .join(Workspace, Person.workspace_id == Workspace.id)
        .where(Workspace.slack_team_id == slack_team_id, Person.slack_user_id == slack_user_id)
    )


def language_from_locale(locale: str | None, default: str) -> str:
    if locale and locale.split("-")[0].lower() in LANGUAGES:
        return locale.split("-")[0].lower()
    return default


def valid_timezone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def ensure_person(
    session: Session,
    clock: Clock,
    slack_team_id: str,
    slack_user_id: str,
    profile: Profile | None = None,
) -> tuple[Person, bool]:
    """The person's row, created on first contact from their Slack profile. Returns (person, created)."""
    person = find_person(session, slack_team_id, slack_user_id)
    if person is not None:
        return person, False
    workspace = ensure_workspace(session, clock, slack_team_id)
    profile = profile or Profile()
    now = clock.now()
    try:
        with session.begin_nested():
            person = Person(
                workspace_id=workspace.id,
                slack_user_id=slack_user_id,
                display_name=profile.name,
                locale=profile.locale,
                timezone=valid_timezone(profile.timezone),
                timezone_checked_at=now if profile.timezone else None,
                created_at=now,
                updated_at=now,
            )
            session.add(person)
            session.flush()
            events.by(session, clock, person, "person_joined")
    except IntegrityError:
        person = find_person(session, slack_team_id, slack_user_id)
        assert person is not None
        return person, False
    return person, True


def language_of(person: Person | None, default: str) -> str:
    """The language to speak to a person: their choice, else their Slack locale, else the default."""
    if person is None:
        return default
    if person.language in LANGUAGES:
        return person.language
    return language_from_locale(person.locale, default)


def set_language(session: Session, clock: Clock, person: Person, language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    previous = person.language
    person.language = language
    person.updated_at = clock.now()
    events.by(session, clock, person, "language_set", previous=previous, language=language)


def apply_profile(session: Session, clock: Clock, person: Person, profile: Profile) -> None:
    """Store what Slack says about the person: name, time zone, locale (not their chosen language)."""
    now = clock.now()
    if profile.name:
        person.display_name = profile.name
    if profile.locale:
        person.locale = profile.locale
    timezone = valid_timezone(profile.timezone)
    if timezone:
        person.timezone = timezone
    person.timezone_checked_at = now
    person.updated_at = now


def zone_of(person: Person | None, default_timezone: str) -> ZoneInfo:
    return ZoneInfo((person.timezone if person else None) or default_timezone)


def today_for(person: Person | None, clock: Clock, default_timezone: str) -> date:
    """The person's own calendar date: "today" is where they are, not where the server is."""
    return clock.now().astimezone(zone_of(person, default_timezone)).date()
