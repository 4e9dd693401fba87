"""The SMART coach: checks whether a drafted action is concrete enough to act on and follow up.

A pure domain module: no Slack, no database. It answers four questions about a draft action:

- specific: who exactly? At least one person or client is named.
- action:   what will you do? The title holds a concrete verb (English or Dutch).
- kiss:     is it one short step, not a paragraph?
- due:      is there a date, from today on and within twelve months?

The date findings are blocking (an action without a valid date cannot be followed up); the others are
advice the person may override once. Where the who or the what is missing, the coach says what a better
version is made of; the messages layer (its coaching module) words the tips and that version.

The name and verb detection is a readable heuristic, no NLP: it is meant to catch the typical vague
draft ("call some clients this summer"), not to parse every sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from dateutil.relativedelta import relativedelta

KINDS = ("buying_signal", "aftercare", "top_client", "networking", "other")

# How an action reaches its contact, as far as its title tells: the tips that fit depend on it.
CHANNELS = ("call", "email", "coffee", "meeting")

MAX_TITLE_CHARS = 140
MAX_SENTENCES = 2
MAX_CHAINS = 2
HORIZON = relativedelta(months=12)

BLOCKING_POINTS = frozenset({"due_missing", "due_past", "due_far"})


# --------------------------------------------------------------------------------------------------
# The interface
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    title: str  # what the person will do, e.g. "Call Jan, Piet and Klaas and book a catch-up"
    contacts: list[str]  # names or Slack mentions like "<@U123>"; may be empty
    due: date | None
    kind: str = "other"


@dataclass(frozen=True)
class Finding:
    point: str  # "specific", "action", "kiss", "due_missing", "due_past" or "due_far"
    blocking: bool  # True for the date findings; False for advice the person may override once


@dataclass(frozen=True)
class Better:
    """What a better version is built from: the title's verb group (None: no verb found), the people
    named (empty: none), and the due date when it is a valid one. The messages layer words it."""

    verb_group: str | None
    contacts: tuple[str, ...]
    due: date | None


@dataclass(frozen=True)
class Coaching:
    findings: list[Finding]
    better: Better | None  # where the who or the what is missing, what a better version is made of
    # What the date tips need to say; filled in by coach(), optional for anyone else.
    due: date | None = field(default=None)
    latest: date | None = field(default=None)

    @property
    def concrete(self) -> bool:
        """Nothing to improve: no findings at all."""
        return not self.findings

    @property
    def blocking(self) -> bool:
        """At least one finding that must be fixed before the action can be saved."""
        return any(finding.blocking for finding in self.findings)

    @property
    def points(self) -> list[str]:
        return [finding.point for finding in self.findings]


# --------------------------------------------------------------------------------------------------
# Word lists (data for the heuristics, not user-facing text)
# --------------------------------------------------------------------------------------------------

# Verb patterns per group, matched case-insensitively on word boundaries. The group picks the verb of
# the better version; Dutch separable verbs ("nodig Jan uit") are matched as "prefix ... particle".
_VERB_PATTERNS: tuple[tuple[str, str], ...] = (
    ("call", r"call(?:s|ed|ing)?|phone|ring|telephone"),
    ("call", r"bel(?:t|len)?|opbellen|terugbellen|nabellen|telefoneer|telefoneren"),
    ("mail", r"e-?mail(?:s|ed|ing|en)?|mail(?:s|ed|ing|en)?|send|stuur|sturen|versturen|verstuur|opsturen"),
    ("mail", r"write|schrijf|schrijven|text|message|app|appen|ping|whatsapp"),
    ("meet", r"meet|afspreken|ontmoet|ontmoeten|bijpraten|catch(?:ing)?[- ]up"),
    ("meet", r"spreek\b[^.!?\n]*?\baf|praat\b[^.!?\n]*?\bbij"),
    ("meet", r"book|boek|boeken|schedule|plan|plannen|inplannen|arrange|organi[sz]e|organiseer|organiseren"),
    ("meet", r"set[- ]up|\w*afspra(?:ak|ken)\w*|appointment|coffee|koffie|dinner|diner|dineren|drinks?"),
    ("visit", r"visit|bezoek|bezoeken|langsgaan|langskomen|drop by|stop by|pop in"),
    ("visit", r"ga\b[^.!?\n]*?\blangs|kom\b[^.!?\n]*?\blangs"),
    ("invite", r"invite|uitnodigen|nodig\b[^.!?\n]*?\buit"),
    ("lunch", r"lunch(?:en)?"),
    ("other", r"follow(?:ing)?[- ]up|opvolgen|volg\b[^.!?\n]*?\bop|contact|reach out|benader|benaderen"),
    ("other", r"ask|vraag|vragen|introduce|stel\b[^.!?\n]*?\bvoor|voorstellen|present|presenteer"),
    ("other", r"presenteren|pitch|propose|congratulate|feliciteer|feliciteren|thank|bedank|bedanken"),
    ("other", r"attend|host|share|connect|check[- ]in|netwerken|informeer|informeren"),
)
_VERB_RES = tuple((group, re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)) for group, pattern in _VERB_PATTERNS)

# Capitalised words that are never names, wherever they are (compared lowercased).
_MONTHS = (
    "january february march april may june july august september october november december "
    "januari februari maart mei juni juli augustus oktober "
    "feb mar apr jun jul aug sep sept oct okt nov dec"
)
_WEEKDAYS = (
    "monday tuesday wednesday thursday friday saturday sunday "
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag"
)
_OTHER_NON_NAMES = (
    "i q1 q2 q3 q4 h1 h2 ok asap eod eom fyi linkedin slack teams zoom whatsapp outlook "
    "christmas xmas easter kerst kerstmis pasen pinksteren "
    "spring summer autumn fall winter lente voorjaar zomer herfst najaar"
)
_NON_NAMES = frozenset(f"{_MONTHS} {_WEEKDAYS} {_OTHER_NON_NAMES}".split())

# Vague words: not a name when capitalised at the start of a name ("Call Some Clients"), though they
# may continue one ("Acme Partners").
_VAGUE = frozenset(
    (
        "some few several many all any every client clients customer customers people someone somebody "
        "contacts prospects relations partners colleagues "
        "klant klanten iemand mensen contacten relaties prospects partners collega's collega enkele "
        "sommige paar wat alle elke iedere"
    ).split()
)

# Words that start a sentence but are not names ("Before June, call Jan", "Morgen Piet bellen").
_SENTENCE_START = frozenset(
    (
        "the a an this that these those next before after by in on at for with to from and or then also "
        "please my our his her their we you he she they it me us tomorrow today tonight first finally "
        "again still maybe once one two three four five within during until "
        "de het een deze dit die dat volgende voor vóór na in op met van naar om en of dan ook graag "
        "mijn onze ons ik wij we jij je u hij zij ze morgen vandaag vanavond eerst nog even binnen "
        "tijdens tot uiterlijk twee drie vier vijf komende "
        # nouns that open a Dutch sentence capitalised: "Aftercare gesprek inplannen met De Groot"
        "aftercare buying signal follow-up catch-up meeting gesprek afspraak netwerkafspraak "
        "vervolgafspraak kerstkaart kerstkaarten card cards offerte proposal nieuwsbrief newsletter "
        "seminar webinar borrel event evenement evaluatie evaluation koffie coffee dinner diner "
        "klantbezoek bezoek uitnodiging invitation telefoontje voicemail top top-3 netwerken networking"
    ).split()
)

# The verbs' own words, so a capitalised verb at the start of a sentence is not taken for a name.
_VERB_WORDS = frozenset(
    (
        "call phone ring telephone meet mail email e-mail send write text message ping book schedule plan "
        "arrange organise organize set visit invite lunch follow contact reach ask introduce present "
        "pitch propose congratulate thank attend host share connect check catch have grab drop stop pop "
        "go make get take "
        "bel bellen opbellen terugbellen nabellen telefoneer mail mailen e-mailen stuur sturen verstuur "
        "versturen schrijf schrijven app appen spreek afspreken ontmoet ontmoeten praat bijpraten boek "
        "boeken plan plannen inplannen organiseer organiseren bezoek bezoeken ga langsgaan kom nodig "
        "uitnodigen lunch lunchen volg opvolgen neem benader benaderen vraag vragen stel voorstellen "
        "presenteer feliciteer bedank drink maak maken regel regelen informeer"
    ).split()
)

# Name particles that belong to a surname: "Marieke de Vries", "Jan van der Berg", "Van Dijk".
_PARTICLES = frozenset("de van der den ter ten te 't von la le du da di del".split())

# A capitalised name right after one of these, once a person is named, is where that person works:
# "lunch with Marieke de Vries from Acme" names Marieke, not Acme.
_AFFILIATION = frozenset("from at of bij van".split())

_TOKEN = re.compile(
    r"(?P<mention><@[UW][A-Z0-9]+(?:\|[^>]*)?>)"
    r"|(?P<link><[^>]*>)"
    r"|(?P<at>(?<![\w.])@(?:[^\W_][\w.\-]*\w|[^\W_]))"
    r"|(?P<word>[A-Z]\.(?:[A-Z]\.)*(?=\s)|['’]t\b|[^\W\d_](?:[\w'’\-]*\w)?)"
    r"|(?P<number>\d[\w/.:\-]*)"
    r"|(?P<stop>[.!?]+|\n)"
    r"|(?P<other>\S)"
)
_MENTION_ID = re.compile(r"<@([UW][A-Z0-9]+)")

_CHAINS = re.compile(
    r"\b(?:(?:and\s+)?then|after\s+that|afterwards|followed\s+by|and\s+also|"
    r"(?:en\s+)?daarna|en\s+dan|vervolgens|daarnaast|nadien|en\s+ook)\b",
    re.IGNORECASE,
)
# A sentence ends at . ! ? followed by a space or the end, or at a line break; "J. de Vries" (an
# initial) and a few common abbreviations are not ends.
_ABBREVIATIONS = re.compile(
    r"\b(?:e\.g|i\.e|etc|vs|approx|incl|excl|bijv|bv|o\.a|d\.w\.z|m\.b\.t|i\.v\.m|t\.a\.v|ca|dhr|mevr|mw|"
    r"mr|mrs|ms|dr|drs|ir|ing|prof)\.",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<!\b[A-Z])[.!?]+(?=\s|$)|\n+")


# --------------------------------------------------------------------------------------------------
# Contacts
# --------------------------------------------------------------------------------------------------


def extract_contacts(text: str) -> list[str]:
    """The people and clients named in a short action text, in order, without duplicates.

    Slack user mentions come back as "<@U123>"; names are runs of capitalised words, with Dutch surname
    particles included ("Marieke de Vries"). Verbs at the start of a sentence, months, weekdays and a
    few other capitalised non-names are skipped, as is the employer right after a named person
    ("Jan from Acme").
    """
    tokens = _tokenize(text)
    found: list[str] = []
    seen: set[str] = set()

    def add(name: str) -> None:
        key = name.casefold()
        if key not in seen:
            seen.add(key)
            found.append(name)

    # In a text without a known verb, a capitalised first word followed by a plain lower-case word is
    # most likely a verb we do not know ("Think about ...", "Prepare the ..."), not a name ("Jan bellen").
    names_may_lead = _verb_group(text) is not None
    sentence_start = True
    previous = ""
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        if kind == "stop":
            sentence_start, previous, i = True, "", i + 1
            continue
        if kind == "mention":
            mention = _MENTION_ID.match(value)
            assert mention is not None  # the tokeniser yields only what this pattern matches
            add("<@" + mention.group(1) + ">")
        elif kind == "at":
            add(value)
        elif kind == "word" and sentence_start and not names_may_lead and _unknown_verb_at(tokens, i):
            pass
        elif kind == "word":
            parts, end = _name_at(tokens, i, sentence_start)
            if parts:
                if not (previous.lower() in _AFFILIATION and found):
                    add(" ".join(parts))
                sentence_start, previous, i = False, tokens[end - 1][1], end
                continue
        if kind != "link":
            sentence_start = False
            previous = value
        i += 1
    return found


def _unknown_verb_at(tokens: list[tuple[str, str]], i: int) -> bool:
    following = _word(tokens, i + 1)
    return (
        following is not None
        and following.islower()
        and following not in ("and", "en", "or", "of")
        and following not in _PARTICLES  # "Marieke de Vries"
    )


def _tokenize(text: str) -> list[tuple[str, str]]:
    text = text.replace("&amp;", "&").replace("&lt;", "‹").replace("&gt;", "›")
    return [(match.lastgroup or "other", match.group()) for match in _TOKEN.finditer(text)]


def _base(word: str) -> str:
    """The word without a possessive or contraction: "Jan's" -> "Jan", "I'll" -> "I"."""
    return re.split(r"['’]", word, maxsplit=1)[0] or word


def _is_name_word(word: str, *, first: bool, sentence_start: bool) -> bool:
    base = _base(word)
    if not base or not base[0].isupper():
        return False
    lower = base.lower()
    if lower in _NON_NAMES:
        return False
    if first and lower in _VAGUE:
        return False
    if sentence_start and (lower in _SENTENCE_START or lower in _VERB_WORDS):
        return False
    return True


def _word(tokens: list[tuple[str, str]], i: int) -> str | None:
    if i < len(tokens) and tokens[i][0] == "word":
        return tokens[i][1]
    return None


def _particles_then_name(tokens: list[tuple[str, str]], i: int) -> int | None:
    """If tokens[i:] is one or more particles followed by a name word, the index of that name word."""
    j = i
    while (word := _word(tokens, j)) is not None and word.lower() in _PARTICLES:
        j += 1
    if j == i:
        return None
    word = _word(tokens, j)
    if word is not None and _is_name_word(word, first=False, sentence_start=False):
        return j
    return None


def _name_at(tokens: list[tuple[str, str]], i: int, sentence_start: bool) -> tuple[list[str], int]:
    """The name starting at tokens[i] as its words, and the index after it; ([], i) if there is none."""
    lead = tokens[i][1]
    has_particle = False
    if _is_name_word(lead, first=True, sentence_start=sentence_start):
        parts, j = [_base(lead)], i + 1
    elif lead[0].isupper() and (name_at := _particles_then_name(tokens, i)) is not None:
        # A surname on its own starts with a capitalised particle: "bel Van Dijk", "De Vries bellen".
        parts = [w for _, w in tokens[i:name_at]] + [_base(tokens[name_at][1])]
        j, has_particle = name_at + 1, True
    else:
        return [], i

    while j < len(tokens):
        word = _word(tokens, j)
        if word is not None and _is_name_word(word, first=False, sentence_start=False):
            parts.append(_base(word))
            if _base(word) != word:  # "Jan's": the possessive ends the name
                return parts, j + 1
            j += 1
            continue
        if word is not None and not has_particle and (name_at := _particles_then_name(tokens, j)) is not None:
            parts.extend(w for _, w in tokens[j:name_at])
            parts.append(_base(tokens[name_at][1]))
            j, has_particle = name_at + 1, True
            continue
        following = _word(tokens, j + 1)
        if (
            tokens[j] == ("other", "&")
            and following is not None
            and _is_name_word(following, first=False, sentence_start=False)
        ):
            parts += ["&", _base(following)]
            j += 2
            continue
        break
    return parts, j


# --------------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------------


def _verb_group(title: str) -> str | None:
    """The group of the first concrete verb in the title ("call", "mail", ...), or None."""
    best: tuple[int, str] | None = None
    for group, pattern in _VERB_RES:
        match = pattern.search(title)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), group)
    return best[1] if best else None


# Words that make a meeting an informal one over coffee, a meal or a drink.
_COFFEE = re.compile(
    r"\b(?:coffee|koffie\w*|lunch\w*|dinner|diner|dineren|drinks?|borrel\w*|breakfast|ontbijt\w*)\b",
    re.IGNORECASE,
)


def channel(title: str) -> str | None:
    """How the action reaches its contact ("call", "email", "coffee", "meeting"), from the title's first
    verb; None when the title does not say (an invitation, a follow-up, no verb)."""
    group = _verb_group(title)
    if group == "call":
        return "call"
    if group == "mail":
        return "email"
    informal = _COFFEE.search(title) is not None
    if group in ("meet", "visit", "lunch"):
        return "coffee" if informal else "meeting"
    return "coffee" if informal else None


def _sentence_count(title: str) -> int:
    text = _ABBREVIATIONS.sub(lambda m: m.group().replace(".", ""), title)
    return sum(1 for part in _SENTENCE_END.split(text) if part.strip())


def _is_kiss(title: str) -> bool:
    title = title.strip()
    return (
        len(title) <= MAX_TITLE_CHARS
        and _sentence_count(title) <= MAX_SENTENCES
        and len(_CHAINS.findall(title)) <= MAX_CHAINS
    )


def coach(draft: Draft, today: date) -> Coaching:
    """Check a drafted action against SMART and KISS and, where it helps, propose a better version."""
    title = draft.title.strip()
    contacts = list(draft.contacts) or extract_contacts(title)
    verb_group = _verb_group(title)
    latest = today + HORIZON

    findings: list[Finding] = []
    if not contacts:
        findings.append(Finding("specific", blocking=False))
    if verb_group is None:
        findings.append(Finding("action", blocking=False))
    if not _is_kiss(title):
        findings.append(Finding("kiss", blocking=False))

    due_ok = False
    if draft.due is None:
        findings.append(Finding("due_missing", blocking=True))
    elif draft.due < today:
        findings.append(Finding("due_past", blocking=True))
    elif draft.due > latest:
        findings.append(Finding("due_far", blocking=True))
    else:
        due_ok = True

    better = None
    if not contacts or verb_group is None:
        better = Better(verb_group=verb_group, contacts=tuple(contacts), due=draft.due if due_ok else None)
    return Coaching(findings=findings, better=better, due=draft.due, latest=latest)
