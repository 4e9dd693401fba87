"""The answers of the personal settings commands: the overview, confirmations and format hints."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from bot.messages.blocks import context, header, section, to_dicts
from bot.messages.catalogue import Catalogue, escape
from bot.messages.dates import format_day
from bot.messages.help import text_message
from bot.services.calendar import parse_days
from models import Person


def hhmm(moment: time) -> str:
    return moment.strftime("%H:%M")


def days_text(cat: Catalogue, days: frozenset[int] | set[int]) -> str:
    """{0, 1, 2, 3} -> "Mon–Thu"; {0, 2, 4} -> "Mon, Wed and Fri", in the catalogue's language."""
    names = cat.raw("date.weekdays")
    ordered = sorted(days)
    runs: list[list[int]] = []
    for day in ordered:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{names[run[0]]}–{names[run[-1]]}")
        else:
            parts.extend(names[d] for d in run)
    if len(parts) == 1:
        return parts[0]
    return cat.t("settings.days_and", first=", ".join(parts[:-1]), last=parts[-1])


def error_message(cat: Catalogue, code: str, params: dict[str, Any]) -> dict[str, Any]:
    """A validation error: what went wrong, the expected format and an example. Params may be user text."""
    safe = {name: escape(value) if isinstance(value, str) else value for name, value in params.items()}
    return text_message(cat.t(f"settings.error.{code}", **safe))


def formality_text(cat: Catalogue, own: str | None, team: str | None) -> str:
    """The person's form of address in opening lines, and where it comes from when they did not choose."""
    if own:
        return cat.t(f"settings.formality.{own}")
    if team:
        return cat.t("settings.formality.team", value=cat.t(f"settings.formality.{team}"))
    return cat.t("settings.formality.default", value=cat.t("settings.formality.je"))


def overview(
    cat: Catalogue, person: Person, default_timezone: str, today: date, team_formality: str | None = None
) -> dict[str, Any]:
    if person.timezone:
        zone = cat.t("settings.timezone_note", zone=escape(person.timezone))
    else:
        zone = cat.t("settings.timezone_default", zone=escape(default_timezone))
    paused = person.paused_until
    rows = [
        ("timezone", zone),
        ("days", days_text(cat, parse_days(person.work_days) or frozenset(range(5)))),
        ("hours", f"{hhmm(person.work_start)}–{hhmm(person.work_end)}"),
        ("checkin", hhmm(person.checkin_time)),
        ("country", escape(person.country or "NL")),
        (
            "paused",
            format_day(cat, paused, today) if paused is not None and paused >= today else cat.t("settings.not_paused"),
        ),
        ("formality", formality_text(cat, person.formality, team_formality)),
    ]
    lines = "\n".join(f"*{cat.t(f'settings.label.{name}')}:* {value}" for name, value in rows)
    blocks = [header(cat.t("settings.title")), section(lines), context(cat.t("settings.footer"))]
    return {"response_type": "ephemeral", "text": cat.t("settings.title"), "blocks": to_dicts(blocks)}
