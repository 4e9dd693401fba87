"""The SMART coach's words: its tips and the better version, from `config/messages/<lang>/coach.toml`.

bot/services/coaching.py decides (which findings, which verb, which names, which dates); this module
says it in the person's language.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from bot.messages.catalogue import load
from bot.services.coaching import Better, Coaching
from config.languages import LANGUAGES

DEFAULT_LANGUAGE = "en"


def tips(coaching: Coaching, language: str, original: str) -> list[str]:
    """One tip line per finding, then the "not this, but that" line when there is a better version.

    `original` is the person's own title, put in as is: the caller escapes it for Slack mrkdwn.
    """
    language = _language(language)
    texts = _texts(language)
    values = {
        "due": format_date(coaching.due, language, with_year=True) if coaching.due else "",
        "latest": format_date(coaching.latest, language, with_year=True) if coaching.latest else "",
    }
    lines = [texts[f"tip_{finding.point}"].format(**values) for finding in coaching.findings]
    if coaching.better:
        better = better_version(coaching.better, language)
        lines.append(texts["better"].format(original=original.strip().rstrip("."), better=better))
    return lines


def better_version(better: Better, language: str) -> str:
    """The better version in words: "Call Jan, Piet and Klaas before 30 June."."""
    language = _language(language)
    texts = _texts(language)
    verb = texts.get(f"verb_{better.verb_group}") or texts["verb_default"]
    who = join_names(list(better.contacts), language) if better.contacts else texts["placeholder_contacts"]
    when = format_date(better.due, language) if better.due else texts["placeholder_due"]
    return str(texts["better_template"].format(verb=verb, contacts=who, due=when))


def format_date(day: date, language: str, *, with_year: bool = False) -> str:
    """A date in the person's language with the catalogue's month names: "30 June", "30 juni 2027"."""
    texts = _texts(_language(language))
    template = texts["date_format_year"] if with_year else texts["date_format"]
    return str(template.format(day=day.day, month=texts["months"][day.month - 1], year=day.year))


def join_names(names: list[str], language: str) -> str:
    """Join names the way the language does: "Jan, Piet and Klaas" / "Jan, Piet en Klaas"."""
    names = [name for name in names if name]
    if len(names) <= 1:
        return "".join(names)
    conjunction = _texts(_language(language))["and"]
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def _language(language: str | None) -> str:
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


@cache
def _texts(language: str) -> dict[str, Any]:
    """The coach's texts (`[coach]` in config/messages/<language>/coach.toml), from the shared catalogue."""
    return {
        key.removeprefix("coach."): value
        for key, value in load(_language(language)).items()
        if key.startswith("coach.")
    }
