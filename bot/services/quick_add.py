"""Reading `/action <text>`: who it is for, what, for whom, by when, and which kind of action."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.services.coaching import extract_contacts
from bot.services.dates import read_due
from bot.services.slack_text import decode

# A leading mention makes it a manager's proposal: "/action @piet call Jan ...".
_LEADING_MENTION = re.compile(r"^\s*<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\s*")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_TRAILING_JOIN = re.compile(r"[\s,;:.\-–]+(?:and|en|&)?\s*$", re.IGNORECASE)

# Words that tell the kind of action, in English and Dutch; the first that matches wins.
_KIND_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aftercare", re.compile(r"\b(aftercare|nazorg|evaluat\w*|after the project|na het project)\b", re.I)),
    ("buying_signal", re.compile(r"\b(buying signal|koopsignaal|signal|signaal|follow[ -]?up|opvolg\w*)\b", re.I)),
    (
        "top_client",
        re.compile(
            r"\b(top ?(3|three|drie)?\s*clients?|topklant\w*|keep in touch|contact houden|"
            r"catch[ -]?up|bijpraten)\b",
            re.I,
        ),
    ),
    ("networking", re.compile(r"\b(network\w*|netwerk\w*|event|borrel|conference|congres|meetup)\b", re.I)),
)


@dataclass
class QuickAdd:
    title: str
    due: date | None
    contacts: list[str] = field(default_factory=list)  # names
    kind: str = "other"
    for_user_id: str | None = None  # set when a manager proposes the action to someone
    contact_user_ids: list[str] = field(default_factory=list)  # people mentioned in the text (Slack markup)


def guess_kind(text: str) -> str:
    for kind, pattern in _KIND_WORDS:
        if pattern.search(text):
            return kind
    return "other"


def _tidy(title: str) -> str:
    title = re.sub(r"\s{2,}", " ", title).strip()
    title = _TRAILING_JOIN.sub("", title).strip()
    return title[:1].upper() + title[1:] if title else title


def parse(text: str, today: date, language: str | None = None) -> QuickAdd:
    """`text` as Slack sent it: the leading mention is read from the markup, the rest is decoded once."""
    text = text.strip()
    for_user_id = None
    mention = _LEADING_MENTION.match(text)
    if mention:
        for_user_id = mention.group(1)
        text = text[mention.end() :]
    mentioned = set(_MENTION.findall(text))
    text = decode(text)
    due_match = read_due(text, today, language)  # their own language first, then the other
    if due_match is not None:
        title = text[: due_match.start] + " " + text[due_match.end :]
        due = due_match.due
    else:
        title, due = text, None
    title = _tidy(title)
    names, user_ids = [], []
    for contact in extract_contacts(title):
        mention = _MENTION.fullmatch(contact)
        if mention and mention.group(1) in mentioned:  # not a mention typed out by hand (`&lt;@U1&gt;`)
            user_ids.append(mention.group(1))
        else:
            names.append(contact)
    return QuickAdd(
        title=title,
        due=due,
        contacts=names,
        kind=guess_kind(title),
        for_user_id=for_user_id,
        contact_user_ids=user_ids,
    )
