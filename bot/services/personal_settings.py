"""A person's own settings of when the bot may speak (hours, days, check-in time, country, pause), and how
suggested opening lines address clients in Dutch (`je` or `u`).

Two layers, both free of Slack:
- parsers (pure): the text a person typed -> a value, or `SettingError(code)`;
- changes (Session + Clock + Person): validate against the other settings, store, record a
  `settings_changed` event and re-plan, so a new setting applies at once.

A `SettingError`'s code names the catalogue text `settings.error.<code>`; its params fill that text.
A failed change changes nothing.
"""

from __future__ import annotations

import re
from datetime import date, time
from functools import cache
from typing import Any

import holidays
from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.services import events, planning
from bot.services.calendar import format_days
from bot.services.clock import Clock
from bot.services.dates import read_due
from bot.services.rules import PlanRules
from models import Membership, Person, Team

PAUSE_MAX_MONTHS = 12
# How opening lines to clients address them in Dutch; English has one form. "je" unless chosen.
FORMALITIES = ("je", "u")
DEFAULT_FORMALITY = "je"
ALL_DAYS = frozenset(range(7))


class SettingError(ValueError):
    """A setting the person typed cannot be used; `code` names the text `settings.error.<code>`."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


# ---- parsers --------------------------------------------------------------------------------------------

# Times as people write them in either language: "15:00", "15.00", "15u", "15 uur", "3pm", "3:30 p.m.".
_TIME = re.compile(
    r"(?P<h>\d{1,2})(?:[:.hu](?P<m>\d{2}))?(?:\s*(?:h|u|uur))?(?:\s*(?P<half>[ap])\.?\s?m\.?)?", re.IGNORECASE
)
_RANGE_SEPARATOR = re.compile(
    r"\s*(?:-|–|—|\bto\b|\btot\b|\btill\b|\buntil\b|\bt/m\b|\band\b|\ben\b)\s*", re.IGNORECASE
)
_RANGE_LEAD = re.compile(r"^\s*(?:from|between|van|tussen)\s+", re.IGNORECASE)  # "van 9 tot 17"


def parse_time(text: str) -> time:
    """ "15:00", "15.00", "9:30", "15", "15u", "3pm" -> time; anything else raises SettingError("time_format")."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise SettingError("time_format")
    hour, minute = int(match["h"]), int(match["m"] or 0)
    if match["half"]:  # 12-hour clock: 12am is midnight, 12pm noon
        if not 1 <= hour <= 12:
            raise SettingError("time_format")
        hour = hour % 12 + (12 if match["half"].lower() == "p" else 0)
    if hour > 23 or minute > 59:
        raise SettingError("time_format")
    return time(hour, minute)


def parse_hours(text: str) -> tuple[time, time]:
    """ "08:30-16:00", "8.30-16.00", "9 to 17", "van 9 tot 17", "between 9am and 5pm" -> (start, end)."""
    parts = _RANGE_SEPARATOR.split(_RANGE_LEAD.sub("", text.strip()), maxsplit=1)
    if len(parts) != 2 or _RANGE_SEPARATOR.search(parts[1]):
        raise SettingError("hours_format")
    try:
        start, end = parse_time(parts[0]), parse_time(parts[1])
    except SettingError:
        raise SettingError("hours_format") from None
    if start >= end:
        raise SettingError("hours_order")
    return start, end


def parse_checkin(text: str) -> time:
    try:
        return parse_time(text)
    except SettingError:
        raise SettingError("checkin_format") from None


_DAY_WORDS: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("mon", "monday", "mo", "ma", "maandag", "maa"),
        ("tue", "tues", "tuesday", "tu", "di", "dinsdag", "din"),
        ("wed", "wednesday", "we", "wo", "woensdag", "woe"),
        ("thu", "thur", "thurs", "thursday", "th", "do", "donderdag", "don"),
        ("fri", "friday", "fr", "vr", "vrijdag", "vrij"),
        ("sat", "saturday", "sa", "za", "zaterdag", "zat"),
        ("sun", "sunday", "su", "zo", "zondag", "zon"),
    )
):
    for _name in _names:
        _DAY_WORDS[_name] = _index

_DAY_GROUPS: dict[str, frozenset[int]] = {
    "weekdays": frozenset(range(5)),
    "weekdagen": frozenset(range(5)),
    "workdays": frozenset(range(5)),
    "werkdagen": frozenset(range(5)),
    "doordeweeks": frozenset(range(5)),
    "weekend": frozenset({5, 6}),
    "daily": ALL_DAYS,
    "dagelijks": ALL_DAYS,
    "everyday": ALL_DAYS,
}
_DAY_LIST_SEPARATOR = re.compile(r"\s*(?:,|;|&|\+|\band\b|\ben\b|\s)\s*", re.IGNORECASE)
_DAY_RANGE = re.compile(
    r"\s*(?:-|–|—|\bto\b|\btot(?:\s+en\s+met)?\b|\bt/m\b|\btill\b|\buntil\b|\bthrough\b|\bthru\b)\s*", re.IGNORECASE
)


def _day(word: str) -> int:
    key = word.strip().lower().rstrip(".")
    if key not in _DAY_WORDS:
        raise SettingError("days_format", given=word.strip())
    return _DAY_WORDS[key]


def parse_days(text: str) -> frozenset[int]:
    """ "mon-thu", "mon,wed,fri", "ma-do", "maandag tot en met donderdag", "werkdagen" -> {0..6}.

    Day names of both languages are read whatever the person's language (nl and en abbreviations do not
    collide), so "days ma-do" works from someone set to English.

    Ranges may wrap round the week ("fri-mon"). Raises SettingError("days_format") for an unknown word
    and SettingError("days_empty") when nothing is named.
    """
    cleaned = text.strip().lower()
    if not cleaned:
        raise SettingError("days_empty")
    # Make ranges one token first ("maandag t/m donderdag" -> "maandag-donderdag"), then split the list.
    cleaned = _DAY_RANGE.sub("-", cleaned)
    cleaned = re.sub(r"\b(?:every|each|elke|alle)\s+(?:day|dag|dagen)\b", "everyday", cleaned)
    days: set[int] = set()
    for token in _DAY_LIST_SEPARATOR.split(cleaned):
        if not token:
            continue
        if token in _DAY_GROUPS:
            days |= _DAY_GROUPS[token]
            continue
        ends = token.split("-")
        if len(ends) == 1:
            days.add(_day(token))
        elif len(ends) == 2 and all(ends):
            first, last = _day(ends[0]), _day(ends[1])
            span = (last - first) % 7
            days |= {(first + step) % 7 for step in range(span + 1)}
        else:
            raise SettingError("days_format", given=token)
    if not days:
        raise SettingError("days_empty")
    return frozenset(days)


@cache
def supported_countries() -> frozenset[str]:
    """ISO 3166 alpha-2 codes the holidays library knows."""
    return frozenset(code for code in holidays.list_supported_countries() if len(code) == 2)


def parse_country(text: str) -> str:
    code = text.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise SettingError("country_format", given=text.strip())
    if code not in supported_countries():
        raise SettingError("country_unknown", given=code)
    return code


_FORMALITY_WORDS = {
    "je": "je",
    "jij": "je",
    "jou": "je",
    "informal": "je",
    "informeel": "je",
    "u": "u",
    "formal": "u",
    "formeel": "u",
}


def parse_formality(text: str) -> str:
    """ "je", "jij", "informal", "u", "formeel" -> "je" or "u"; anything else raises SettingError."""
    found = _FORMALITY_WORDS.get(text.strip().lower().strip("'\"`"))
    if found is None:
        raise SettingError("formality_format", given=text.strip())
    return found


_PAUSE_LEAD = re.compile(r"^\s*(?:until|till|til|to|tot\s+en\s+met|tot|t/m)\b\s*", re.IGNORECASE)


def parse_pause(text: str, today: date, language: str | None = None) -> date:
    """ "until 3 January", "tot 15 maart", "next Friday", "2027-01-04" -> the last day of the pause."""
    phrase = _PAUSE_LEAD.sub("", text.strip())
    if not phrase:
        raise SettingError("pause_format")
    found = read_due(phrase, today, language)  # their own language first, then the other
    if found is None:
        raise SettingError("pause_format")
    rest = (phrase[: found.start] + phrase[found.end :]).strip(" ,.!")
    if rest:
        raise SettingError("pause_format")  # "pause until Jan calls me back": not a date
    return found.due


# ---- changes --------------------------------------------------------------------------------------------


def _changed(
    session: Session, clock: Clock, person: Person, setting: str, value: Any, *, rules: PlanRules, **extra: Any
) -> None:
    person.updated_at = clock.now()
    events.by(session, clock, person, "settings_changed", setting=setting, value=value, **extra)
    session.flush()
    planning.replan(session, clock, person, rules=rules)


def hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def set_hours(
    session: Session, clock: Clock, person: Person, start: time, end: time, *, rules: PlanRules
) -> time | None:
    """New working hours. A check-in time outside them moves to the nearest edge; returns that new time."""
    if start >= end:
        raise SettingError("hours_order")
    moved: time | None = None
    if not start <= person.checkin_time <= end:
        moved = min(max(person.checkin_time, start), end)
        person.checkin_time = moved
    person.work_start, person.work_end = start, end
    extra = {"checkin_moved_to": hhmm(moved)} if moved else {}
    _changed(session, clock, person, "hours", f"{hhmm(start)}-{hhmm(end)}", **extra, rules=rules)
    return moved


def set_days(
    session: Session, clock: Clock, person: Person, days: frozenset[int] | set[int], *, rules: PlanRules
) -> None:
    days = frozenset(d for d in days if d in ALL_DAYS)
    if not days:
        raise SettingError("days_empty")
    person.work_days = format_days(days)
    _changed(session, clock, person, "days", person.work_days, rules=rules)


def set_checkin(session: Session, clock: Clock, person: Person, at: time, *, rules: PlanRules) -> None:
    if not person.work_start <= at <= person.work_end:
        raise SettingError("checkin_outside", start=hhmm(person.work_start), end=hhmm(person.work_end))
    person.checkin_time = at
    _changed(session, clock, person, "checkin", hhmm(at), rules=rules)


def set_country(session: Session, clock: Clock, person: Person, code: str, *, rules: PlanRules) -> None:
    code = code.upper()
    if code not in supported_countries():
        raise SettingError("country_unknown", given=code)
    person.country = code
    _changed(session, clock, person, "country", code, rules=rules)


def set_formality(session: Session, clock: Clock, person: Person, formality: str, *, rules: PlanRules) -> None:
    if formality not in FORMALITIES:
        raise SettingError("formality_format", given=formality)
    person.formality = formality
    _changed(session, clock, person, "formality", formality, rules=rules)


def team_formality(session: Session, person: Person) -> str | None:
    """The default of the first team the person is an active member of that chose one, else None."""
    return session.scalars(
        select(Team.formality)
        .join(Membership, Membership.team_id == Team.id)
        .where(
            Membership.person_id == person.id,
            Membership.status == "active",
            Team.formality.is_not(None),
        )
        .order_by(Team.id)
        .limit(1)
    ).first()


def formality_of(session: Session, person: Person) -> str:
    """How opening lines address the person's clients: their own choice, else their team's, else "je"."""
    return person.formality or team_formality(session, person) or DEFAULT_FORMALITY


def latest_pause(today: date) -> date:
    return today + relativedelta(months=PAUSE_MAX_MONTHS)


def pause(session: Session, clock: Clock, person: Person, until: date, today: date, *, rules: PlanRules) -> None:
    """Nothing is sent up to and including `until`; on return the person gets one summary."""
    if until < today:
        raise SettingError("pause_past")
    if until > latest_pause(today):
        raise SettingError("pause_too_far", months=PAUSE_MAX_MONTHS)
    person.paused_until = until
    person.welcome_back_pending = True
    _changed(session, clock, person, "paused_until", until.isoformat(), rules=rules)


def is_paused(person: Person, today: date) -> bool:
    return person.paused_until is not None and person.paused_until >= today


def resume(session: Session, clock: Clock, person: Person, today: date, *, rules: PlanRules) -> bool:
    """End a pause now. Returns False (and changes nothing) when the person was not paused.

    welcome_back_pending stays as it is: the summary comes at the next slot.
    """
    if not is_paused(person, today):
        return False
    person.paused_until = None
    _changed(session, clock, person, "paused_until", None, rules=rules)
    return True
