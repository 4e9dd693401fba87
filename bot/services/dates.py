"""Find the due date in a short English or Dutch action text ("bel Jan voor eind juni").

Pure: no Slack, no database, no clock. The caller passes `today` and gets back the due date plus the span
of the date phrase, so it can cut the phrase out and keep the rest as the action's title.

A due date is the last day the action may be done, so vague phrases resolve to the end of what they name:
"next week" is Friday of next week, "in June" is 30 June, "end of Q2" is 30 June.

How it works: a table of hand-written regular-expression rules (deterministic, readable, and right about
Dutch, which dateparser often gets wrong) is tried first. Every rule that matches proposes a candidate and
the longest phrase wins, so "volgende week vrijdag" beats both "volgende week" and "vrijdag". Only when no
rule matches is dateparser asked, and its answer is kept only if it looks like an explicit calendar date
("30 juni '27", "2027/06/30"), never a bare name or number.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from functools import cache

from dateparser.search import search_dates
from dateutil.relativedelta import relativedelta

from config.languages import LANGUAGES  # the languages the vocabulary below knows


@dataclass(frozen=True)
class DueMatch:
    due: date  # the due date the person meant
    start: int  # span of the matched date phrase in the original text (text[start:end])
    end: int


def find_due(text: str, today: date, language: str | None = None) -> DueMatch | None:
    """Find the due-date phrase in text (English or Dutch, language is a hint 'en'/'nl' or None for both).

    Returns None when the text holds no date phrase. A `datetime` for `today` is accepted and cut to its date.
    """
    if isinstance(today, datetime):
        today = today.date()
    if not text or not text.strip():
        return None
    code = _language_code(language)
    return _best_rule_match(text, today, code) or _dateparser_match(text, today, code)


def read_due(text: str, today: date, language: str | None) -> DueMatch | None:
    """Find the due date in text a person typed: their own language first, then the other one.

    People type in the language they think in, not the one their Slack is set to ("bel Jan morgen" from
    someone set to English). Trying one language at a time, rather than the merged vocabulary, lets the
    person's own language win where both would read something: in English "over 3 days" is no date, and a
    text with a date phrase in each language keeps the one in their language. Only a longer reading of the
    same phrase replaces it ("op vrijdag 4 december" over English "4 december", "uiterlijk friday" over
    "friday"), so no word of the date stays behind in the title. The hand-written rules of every language
    go before dateparser, whose guesses are the least sure.
    """
    code = _language_code(language)
    if code is None:
        return find_due(text, today)
    if isinstance(today, datetime):
        today = today.date()
    if not text or not text.strip():
        return None
    order = (code, *(other for other in LANGUAGES if other != code))
    found = next((match for each in order if (match := _best_rule_match(text, today, each))), None)
    if found is None:
        return next((match for each in order if (match := _dateparser_match(text, today, each))), None)
    wider = _best_rule_match(text, today, None)
    if wider and wider.start <= found.start and found.end <= wider.end and _rank(wider) > _rank(found):
        return wider
    return found


# --------------------------------------------------------------------------------------------------------
# Vocabulary. Each language lists regex fragments (for phrases) and word tables (for values); with no
# language hint both are merged, so mixed texts like "bel Jan by Friday" work too.
# --------------------------------------------------------------------------------------------------------

_DayFn = Callable[[date], date]


@dataclass(frozen=True)
class _Vocab:
    prep: tuple[str, ...]  # leading words that belong to the date phrase: "by", "voor", "uiterlijk"
    strict_prep: tuple[str, ...]  # of those, the ones that are only ever about time (see _NAME_LIKE)
    latest: tuple[str, ...]  # trailing "at the latest"
    end: tuple[str, ...]  # "end of", "eind van"; each fragment ends with its own separator
    late: tuple[str, ...]
    begin: tuple[str, ...]
    mid: tuple[str, ...]
    month_in: tuple[str, ...]  # "in June": a whole month, so its last day
    period_prep: tuple[str, ...]  # "in two weeks", "over twee weken", "binnen vier maanden"
    period_fill: tuple[str, ...]  # "within the next two weeks", "binnen de komende twee weken"
    from_now: tuple[str, ...]  # "two weeks from now"
    week_next: tuple[str, ...]  # "next week" next to a weekday
    week_this: tuple[str, ...]
    wd_next: tuple[str, ...]  # "next Friday": Friday of next calendar week
    wd_this: tuple[str, ...]  # "this Friday": this week's, unless already past
    wd_coming: tuple[str, ...]  # "coming Friday": the first Friday after today
    wd_coming_after: tuple[str, ...]  # "vrijdag a.s."
    daypart: tuple[str, ...]  # "Friday morning", "vrijdagmiddag"
    ordinal: tuple[str, ...]  # "30th", "30e", "1ste"
    the: tuple[str, ...]  # "the 30th of June", "de 30e juni"
    months: dict[str, int]  # full names: may stand without a day number ("in June")
    month_abbr: dict[str, int]  # only count next to a day number ("Jan" is also a first name)
    weekdays: dict[str, int]
    weekday_abbr: dict[str, int]  # only the unambiguous ones: no "sat", "sun", "ma", "do", "zo", "di"
    numbers: dict[str, int]
    units: dict[str, tuple[str, int]]  # word -> (relativedelta field or "business_days", multiplier)
    fixed: tuple[tuple[str, _DayFn], ...]  # phrases with a fixed meaning: "tomorrow", "eind deze maand"


# ---- what the phrases mean -------------------------------------------------------------------------------


def _week_day(today: date, weekday: int, weeks_ahead: int) -> date:
    """The given weekday (Monday=0) in the calendar week `weeks_ahead` after today's (ISO, Monday start)."""
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(weeks=weeks_ahead, days=weekday)


def _next_occurrence(today: date, weekday: int) -> date:
    """The first such weekday strictly after today: on a Thursday, "Thursday" means next week's."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _this_or_next(today: date, weekday: int) -> date:
    this_week = _week_day(today, weekday, 0)
    return this_week if this_week >= today else _next_occurrence(today, weekday)


def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _end_of_quarter(today: date, quarters_ahead: int) -> date:
    index = (today.month - 1) // 3 + quarters_ahead
    return _end_of_month(today.year + index // 4, index % 4 * 3 + 3)


def _friday_this_week(today: date) -> date:
    # On a weekend this week's Friday is past; a due date in the past helps nobody, so it becomes today.
    return max(_week_day(today, 4, 0), today)


def _friday_next_week(today: date) -> date:
    return _week_day(today, 4, 1)


def _sunday_this_week(today: date) -> date:
    return _week_day(today, 6, 0)


def _sunday_next_week(today: date) -> date:
    return _week_day(today, 6, 1)


def _end_of_this_month(today: date) -> date:
    return _end_of_month(today.year, today.month)


def _end_of_next_month(today: date) -> date:
    later = today + relativedelta(months=1)
    return _end_of_month(later.year, later.month)


def _end_of_this_quarter(today: date) -> date:
    return _end_of_quarter(today, 0)


def _end_of_next_quarter(today: date) -> date:
    return _end_of_quarter(today, 1)


def _end_of_this_year(today: date) -> date:
    return date(today.year, 12, 31)


def _end_of_next_year(today: date) -> date:
    return date(today.year + 1, 12, 31)


def _today(today: date) -> date:
    return today


def _tomorrow(today: date) -> date:
    return today + timedelta(days=1)


def _day_after_tomorrow(today: date) -> date:
    return today + timedelta(days=2)


def _add_business_days(start: date, count: int) -> date:
    """Skip Saturdays and Sundays (public holidays are not considered)."""
    day = start
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _numbered(words: str, start: int = 1) -> dict[str, int]:
    """ "jan feb mar" -> {"jan": 1, "feb": 2, "mar": 3}; "-" leaves a gap (no "may" abbreviation)."""
    return {word: number for number, word in enumerate(words.split(), start) if word != "-"}


def _units(unit: str, words: str, *phrases: str) -> dict[str, tuple[str, int]]:
    return {word: (unit, 1) for word in (*words.split(), *phrases)}


# ---- the two languages ------------------------------------------------------------------------------------

_EN_END = r"(?:at\s+)?(?:the\s+)?end\s+of\s+"

_EN = _Vocab(
    # "before" is read as the due date itself ("before 30 June" -> 30 June): simpler, and what people mean.
    prep=(r"no\s+later\s+than", r"by", r"before", r"until", r"till", r"due(?:\s+(?:by|on))?", r"on"),
    strict_prep=("no later than", "by", "before", "until", "till", "due", "due by", "due on"),
    latest=(r"at\s+the\s+latest",),
    end=(_EN_END, r"end[\s-]+"),
    late=(r"(?:in\s+)?late[\s-]+",),
    begin=(r"(?:at\s+)?(?:the\s+)?(?:beginning|start)\s+of\s+", r"(?:in\s+)?early[\s-]+"),
    mid=(r"(?:in\s+)?mid[\s-]*", r"(?:in\s+)?(?:the\s+)?middle\s+of\s+"),
    month_in=(r"in", r"during"),
    period_prep=(r"in", r"within"),
    period_fill=(r"the\s+next", r"the\s+coming"),
    from_now=(r"from\s+(?:now|today)",),
    week_next=(r"next\s+week",),
    week_this=(r"this\s+week",),
    wd_next=(r"next",),
    wd_this=(r"this",),
    wd_coming=(r"(?:this\s+)?coming", r"upcoming"),
    wd_coming_after=(),
    daypart=(r"\s+(?:morning|afternoon|evening|night)",),
    ordinal=("st", "nd", "rd", "th"),
    the=("the",),
    months=_numbered("january february march april may june july august september october november december"),
    month_abbr={**_numbered("jan feb mar apr - jun jul aug sep oct nov dec"), "sept": 9},
    weekdays=_numbered("monday tuesday wednesday thursday friday saturday sunday", start=0),
    weekday_abbr={"mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4},
    numbers={"a": 1, "an": 1, **_numbered("one two three four five six seven eight nine ten eleven twelve")},
    units={
        **_units("days", "day days"),
        **_units("weeks", "week weeks"),
        **_units("months", "month months"),
        **_units("years", "year years"),
        **_units("business_days", "workday workdays", "business day", "business days", "working day", "working days"),
        "fortnight": ("weeks", 2),
    },
    fixed=(
        (
            r"today|tonight|this\s+(?:morning|afternoon|evening)|eod|cob|close\s+of\s+business"
            rf"|{_EN_END}(?:the\s+)?(?:business\s+)?day",
            _today,
        ),
        (r"tomorrow(?:\s+(?:morning|afternoon|evening|night))?|tmrw", _tomorrow),
        (r"(?:the\s+)?day\s+after\s+tomorrow", _day_after_tomorrow),
        (rf"(?:later\s+)?this\s+week|{_EN_END}(?:(?:the|this)\s+)?week", _friday_this_week),
        (rf"next\s+week|{_EN_END}(?:the\s+)?next\s+week", _friday_next_week),
        (r"(?:(?:over|at|in|during)\s+)?(?:this|the)\s+weekend", _sunday_this_week),
        (r"next\s+weekend", _sunday_next_week),
        (rf"(?:later\s+)?this\s+month|{_EN_END}(?:(?:the|this)\s+)?month", _end_of_this_month),
        (rf"next\s+month|{_EN_END}(?:the\s+)?next\s+month", _end_of_next_month),
        (rf"this\s+quarter|{_EN_END}(?:(?:the|this)\s+)?quarter", _end_of_this_quarter),
        (rf"next\s+quarter|{_EN_END}(?:the\s+)?next\s+quarter", _end_of_next_quarter),
        (rf"this\s+year|{_EN_END}(?:(?:the|this)\s+)?year|year[\s-]end", _end_of_this_year),
        (rf"{_EN_END}(?:the\s+)?next\s+year", _end_of_next_year),
    ),
)

# "eind juni", "einde van de maand", "aan het eind van het jaar", "tegen het einde van de week"
_NL_END = r"(?:(?:aan|tegen)\s+)?(?:het\s+)?einde?\s+(?:van\s+)?"

_NL = _Vocab(
    prep=(
        r"uiterlijk(?:\s+op)?",
        r"ten\s+laatste(?:\s+op)?",
        r"vóór",
        r"voor",
        r"tot(?:\s+en\s+met)?",
        r"t/m",
        r"tegen",
        r"op",
    ),
    strict_prep=("uiterlijk", "uiterlijk op", "ten laatste", "ten laatste op", "vóór", "tot", "tot en met", "t/m"),
    latest=(r"op\s+z(?:ijn|'n|’n)\s+laatst",),
    end=(_NL_END, r"einde?-"),
    late=(r"laat\s+in\s+",),
    begin=(r"(?:(?:aan|in)\s+)?(?:het\s+)?(?:begin|start)\s+(?:van\s+)?", r"begin-", r"vroeg\s+in\s+"),
    mid=(r"(?:rond\s+)?half[\s-]+", r"medio\s+", r"(?:(?:in|rond)\s+)?(?:het\s+)?midden\s+(?:van\s+)?"),
    month_in=(r"in", r"in\s+de\s+loop\s+van"),
    period_prep=(r"over", r"binnen", r"in"),
    period_fill=(r"de\s+komende", r"de\s+volgende"),
    from_now=(r"vanaf\s+(?:nu|vandaag)",),
    week_next=(r"volgende\s+week", r"komende\s+week"),
    week_this=(r"deze\s+week",),
    wd_next=(r"volgende",),
    wd_this=(r"deze",),
    wd_coming=(r"komende", r"aanstaande", r"a\.s\."),
    wd_coming_after=(r"aanstaande", r"a\.s\."),
    daypart=(r"(?:ochtend|middag|avond|morgen|nacht)",),
    ordinal=("e", "ste", "de"),
    the=("de",),
    months=_numbered("januari februari maart april mei juni juli augustus september oktober november december"),
    month_abbr={**_numbered("jan feb mrt apr - jun jul aug sep okt nov dec"), "sept": 9},
    weekdays=_numbered("maandag dinsdag woensdag donderdag vrijdag zaterdag zondag", start=0),
    weekday_abbr={"wo": 2, "vr": 4, "za": 5},
    numbers={"één": 1, **_numbered("een twee drie vier vijf zes zeven acht negen tien elf twaalf")},
    units={
        **_units("days", "dag dagen"),
        **_units("weeks", "week weken"),
        **_units("months", "maand maanden"),
        **_units("years", "jaar jaren"),
        **_units("business_days", "werkdag werkdagen"),
    },
    fixed=(
        (rf"vandaag|vanavond|vanmiddag|vanochtend|vanmorgen|{_NL_END}de\s+dag", _today),
        (r"morgen(?:ochtend|middag|avond|vroeg)?|morgen\s+vroeg", _tomorrow),
        (r"overmorgen", _day_after_tomorrow),
        (rf"(?:later\s+)?deze\s+week|{_NL_END}(?:(?:de|deze)\s+)?week", _friday_this_week),
        (rf"(?:volgende|komende)\s+week|{_NL_END}(?:de\s+)?(?:volgende|komende)\s+week", _friday_next_week),
        (r"(?:(?:in|tijdens)\s+)?(?:dit|het)\s+weekend", _sunday_this_week),
        (r"(?:volgend|komend)\s+weekend", _sunday_next_week),
        (rf"(?:later\s+)?deze\s+maand|{_NL_END}(?:(?:de|deze)\s+)?maand", _end_of_this_month),
        (rf"(?:volgende|komende)\s+maand|{_NL_END}(?:de\s+)?(?:volgende|komende)\s+maand", _end_of_next_month),
        (rf"dit\s+kwartaal|{_NL_END}(?:(?:het|dit)\s+)?kwartaal", _end_of_this_quarter),
        (rf"(?:volgend|komend)\s+kwartaal|{_NL_END}(?:het\s+)?(?:volgend|komend)\s+kwartaal", _end_of_next_quarter),
        (rf"dit\s+jaar|{_NL_END}(?:(?:het|dit)\s+)?jaar|(?:het\s+)?jaareinde", _end_of_this_year),
        (rf"{_NL_END}(?:het\s+)?(?:volgend|komend)\s+jaar", _end_of_next_year),
    ),
)


def _merge(first: _Vocab, second: _Vocab) -> _Vocab:
    values: dict[str, object] = {}
    for spec in fields(_Vocab):
        a, b = getattr(first, spec.name), getattr(second, spec.name)
        values[spec.name] = {**a, **b} if isinstance(a, dict) else a + b
    return _Vocab(**values)  # type: ignore[arg-type]


_BOTH = _merge(_EN, _NL)
_VOCABS: dict[str | None, _Vocab] = {"en": _EN, "nl": _NL, None: _BOTH}

# Month names that are also first names or words: alone, after an ambiguous preposition ("bel Jan voor Mei"
# = "call Jan for May", "on May's behalf"), or before a count ("stuur Jan 5 offertes"), they are not dates.
_NAME_LIKE = frozenset({"jan", "may", "mei", "june", "april", "august"})
# "call Jan 3 times", "bel Jan 2 keer": a number of times, not a day.
_COUNT_WORD = re.compile(r"\s*(?:x|times|keer|maal)(?!\w)", re.IGNORECASE)
_WORD_AFTER = re.compile(r"\s+[^\W\d_]")


def _language_code(language: str | None) -> str | None:
    """'nl', 'nl-NL', 'EN_gb' -> 'nl'/'en'; anything else means: try both."""
    if not language:
        return None
    code = language.lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def _key(word: str) -> str:
    """Normalise a matched word for the value tables: lower case, single spaces, no trailing dot."""
    return re.sub(r"\s+", " ", word.strip().lower()).rstrip(".")


# --------------------------------------------------------------------------------------------------------
# Rules: a pattern plus a resolver that turns the match into a date (or None to reject it after all).
# --------------------------------------------------------------------------------------------------------

_Resolver = Callable[[re.Match[str], date], date | None]


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    resolve: _Resolver


def _alt(fragments: tuple[str, ...]) -> str:
    """Regex fragments as one alternation; an empty list never matches."""
    return "|".join(fragments) if fragments else "(?!)"


def _words(table: dict[str, int] | dict[str, tuple[str, int]], abbreviation: bool = False) -> str:
    """Literal words as an alternation, longest first; abbreviations may carry a dot ("vr.", "Sept.")."""
    escaped = [r"\s+".join(map(re.escape, word.split())) for word in sorted(table, key=len, reverse=True)]
    suffix = r"\.?" if abbreviation else ""
    return "|".join(f"(?:{word}){suffix}" for word in escaped) if escaped else "(?!)"


def _upcoming(today: date, month: int, day: int) -> date | None:
    """A day and month without a year: this year, or next year when it is already past."""
    for year in range(today.year, today.year + 9):  # 29 February may need a few years
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _full_year(year: str) -> int:
    """ "2027" -> 2027, "'27" or "27" -> 2027."""
    digits = year.lstrip("'’")
    return int(digits) + 2000 if len(digits) == 2 else int(digits)


def _calendar_date(today: date, year: str | None, month: int, day: int) -> date | None:
    if year is None:
        return _upcoming(today, month, day)
    try:
        return date(_full_year(year), month, day)
    except ValueError:
        return None  # "31 juni"


_MONTH_NUMBERS = {**_BOTH.month_abbr, **_BOTH.months}
_WEEKDAY_NUMBERS = {**_BOTH.weekdays, **_BOTH.weekday_abbr}


def _month_value(word: str) -> int:
    return _MONTH_NUMBERS[_key(word)]


# ---- resolvers --------------------------------------------------------------------------------------------


def _fixed(day_fn: _DayFn) -> _Resolver:
    def resolve(match: re.Match[str], today: date) -> date | None:
        return day_fn(today)

    return resolve


def _resolve_weekday(match: re.Match[str], today: date) -> date | None:
    weekday = _WEEKDAY_NUMBERS[_key(match["wd"])]
    groups = match.groupdict()
    if groups.get("next"):
        return _week_day(today, weekday, 1)
    if groups.get("this"):
        return _this_or_next(today, weekday)
    return _next_occurrence(today, weekday)  # plain "Friday", "coming Friday", "vrijdag a.s."


def _resolve_period(match: re.Match[str], today: date) -> date | None:
    word = _key(match["n"])
    count = int(word) if word.isdigit() else _BOTH.numbers[word]
    unit, multiplier = _BOTH.units[_key(match["unit"])]
    if unit == "business_days":
        return _add_business_days(today, count * multiplier)
    return today + relativedelta(**{unit: count * multiplier})


def _resolve_month_part(match: re.Match[str], today: date) -> date | None:
    month_word = _key(match["month"])
    if not (match["end"] or match["begin"] or match["mid"] or match["whole"]):
        # A bare month name counts only after a preposition ("by June") or with a year ("June 2027").
        prep = match["prep"]
        if not (prep or match["year"]):
            return None
        if prep and month_word in _NAME_LIKE and _key(prep) not in _BOTH.strict_prep:
            return None  # "bel Jan voor Mei" is "for May"
    month = _month_value(month_word)
    day = 7 if match["begin"] else 15 if match["mid"] else None  # "begin juli"/"early July": end of week one
    if match["year"]:
        return _day_of_month(_full_year(match["year"]), month, day)
    due = _day_of_month(today.year, month, day)
    return due if due >= today else _day_of_month(today.year + 1, month, day)


def _day_of_month(year: int, month: int, day: int | None) -> date:
    """That day of the month, or its last day when day is None."""
    return date(year, month, day) if day else _end_of_month(year, month)


def _resolve_quarter(match: re.Match[str], today: date) -> date | None:
    if not (match["lead"] or match["prep"]):
        return None  # a bare "Q2" is usually a topic ("Q2 review"), not a deadline
    end_month = int(match["q"]) * 3
    if match["year"]:
        return _end_of_month(int(match["year"]), end_month)
    due = _end_of_month(today.year, end_month)
    return due if due >= today else _end_of_month(today.year + 1, end_month)


def _resolve_day_month(match: re.Match[str], today: date) -> date | None:
    if not (match["prep"] or match["ordinal"] or match["year"]):
        after = match.string[match.end() :]
        if _COUNT_WORD.match(after):
            return None  # "call Jan 3 times"
        month_first = match.start("month") < match.start("day")
        if month_first and _key(match["month"]) in _NAME_LIKE and _WORD_AFTER.match(after):
            return None  # "stuur Jan 5 offertes": a name and a count
    return _calendar_date(today, match["year"], _month_value(match["month"]), int(match["day"]))


def _resolve_numeric(match: re.Match[str], today: date) -> date | None:
    # Without a year or a preposition, "10-12 people" and "1/2 day" are a range and a fraction: only accept
    # a short numeric date that ends the sentence or clause ("bel Jan 30/6", "30/6, daarna Piet").
    if match["year"] is None and not match["prep"] and _WORD_AFTER.match(match.string[match.end() :]):
        return None
    return _calendar_date(today, match["year"], int(match["month"]), int(match["day"]))


# ---- the table ---------------------------------------------------------------------------------------------


def _build_rules(v: _Vocab) -> tuple[_Rule, ...]:
    weekday_name = f"(?:{_words(v.weekdays)}|{_words(v.weekday_abbr, abbreviation=True)})"
    daypart = f"(?:{_alt(v.daypart)})?"  # "Friday morning", "vrijdagmiddag"
    weekday = f"(?P<wd>{weekday_name}){daypart}"
    month_full = f"(?:{_words(v.months)})(?!['’]\\w)"  # not "May's"
    month_any = f"(?:{_words(v.months)}|{_words(v.month_abbr, abbreviation=True)})(?!['’]\\w)"
    ordinal = f"(?P<ordinal>{_alt(v.ordinal)})"
    year = r"(?:,?\s+(?P<year>\d{4}|['’]\d{2}))?"  # "30 juni 2027", "June 30, 2027", "30 juni '27"
    weekday_prefix = f"(?:{weekday_name}{daypart},?\\s+)?"  # "vrijdag 4 december", "Friday, June 30"
    the = f"(?:(?:{_alt(v.the)})\\s+)?"
    week_qualifier = f"(?:(?P<next>{_alt(v.week_next)})|(?P<this>{_alt(v.week_this)}))"

    table: list[tuple[str, str, _Resolver, bool]] = [
        # (name, body, resolver, may start with a preposition such as "by"/"voor")
        *((f"fixed:{body[:20]}", body, _fixed(day_fn), True) for body, day_fn in v.fixed),
        ("weekday + week", rf"{weekday}\s+(?:(?:of|van)\s+)?{week_qualifier}", _resolve_weekday, True),
        ("week + weekday", rf"{week_qualifier}\s+(?:(?:on|op)\s+)?{weekday}", _resolve_weekday, True),
        (
            "qualified weekday",
            rf"(?:(?P<next>{_alt(v.wd_next)})|(?P<this>{_alt(v.wd_this)})|{_alt(v.wd_coming)})\s+{weekday}",
            _resolve_weekday,
            True,
        ),
        ("weekday", rf"{weekday}(?:\s+(?:{_alt(v.wd_coming_after)}))?", _resolve_weekday, True),
        (
            "period",
            rf"(?:{_alt(v.period_prep)})\s+(?:(?:{_alt(v.period_fill)})\s+)?"
            rf"(?P<n>\d{{1,3}}|{_words(v.numbers)})\s+(?P<unit>{_words(v.units)})",
            _resolve_period,
            False,
        ),
        (
            "period from now",
            rf"(?P<n>\d{{1,3}}|{_words(v.numbers)})\s+(?P<unit>{_words(v.units)})\s+(?:{_alt(v.from_now)})",
            _resolve_period,
            False,
        ),
        (
            "part of a month",
            rf"(?:(?P<end>{_alt(v.end + v.late)})|(?P<begin>{_alt(v.begin)})|(?P<mid>{_alt(v.mid)})"
            rf"|(?P<whole>(?:{_alt(v.month_in)})\s+))?(?P<month>{month_full}){year}",
            _resolve_month_part,
            True,
        ),
        (
            "quarter",
            rf"(?P<lead>{_alt(v.end)}|(?:{_alt(v.month_in)})\s+)?q(?P<q>[1-4])(?:\s+(?P<year>\d{{4}}))?",
            _resolve_quarter,
            True,
        ),
        (
            "day month",
            rf"{weekday_prefix}{the}(?P<day>\d{{1,2}}){ordinal}?\s+(?:(?:of|van)\s+)?(?P<month>{month_any}){year}",
            _resolve_day_month,
            True,
        ),
        (
            "month day",
            # not "Jan 5 mei" (the number belongs to the next month) and not "Jan 30/6" or "Jan 15:00"
            rf"{weekday_prefix}(?P<month>{month_any})\s+{the}(?P<day>\d{{1,2}}){ordinal}?(?![/:.\-]\d)"
            rf"(?!\s+(?:{month_any})(?!\w)){year}",
            _resolve_day_month,
            True,
        ),
        (
            "numeric date",
            rf"{weekday_prefix}(?<![/.\-])(?P<day>\d{{1,2}})(?P<sep>[/-])(?P<month>\d{{1,2}})"
            r"(?:(?P=sep)(?P<year>\d{4}|\d{2}))?(?![/\-]\d)",
            _resolve_numeric,
            True,
        ),
        (
            "dotted date",
            rf"{weekday_prefix}(?P<day>\d{{1,2}})\.(?P<month>\d{{1,2}})\.(?P<year>\d{{4}})",
            _resolve_numeric,
            True,
        ),
        ("iso date", r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})", _resolve_numeric, True),
    ]
    prep, latest = _alt(v.prep), _alt(v.latest)
    rules = []
    for name, body, resolve, with_prep in table:
        lead = f"(?:(?P<prep>{prep})\\s+)?" if with_prep else "(?P<prep>(?!))?"
        pattern = rf"(?<!\w){lead}(?:{body})(?:,?\s+(?:{latest}))?(?!\w)"
        rules.append(_Rule(name, re.compile(pattern, re.IGNORECASE), resolve))
    return tuple(rules)


@cache
def _rules(language: str | None) -> tuple[_Rule, ...]:
    return _build_rules(_VOCABS[language])


def _best_rule_match(text: str, today: date, language: str | None) -> DueMatch | None:
    """Every rule proposes its matches; the longest phrase wins, then the earliest."""
    best: DueMatch | None = None
    for rule in _rules(language):
        for match in rule.pattern.finditer(text):
            due = rule.resolve(match, today)
            if due is None:
                continue
            candidate = DueMatch(due, match.start(), match.end())
            if best is None or _rank(candidate) > _rank(best):
                best = candidate
    return best


def _rank(match: DueMatch) -> tuple[int, int]:
    return match.end - match.start, -match.start


# --------------------------------------------------------------------------------------------------------
# dateparser fallback, for explicit dates in shapes the rules do not know ("30 juni '27", "2027/06/30").
# It happily reads "Jan" as January, "10-12" as a date and "om 15:00" as today, so its answers are filtered.
# --------------------------------------------------------------------------------------------------------

_FILLERS = frozenset({"the", "of", "de", "van", *_BOTH.ordinal})
_ALL_MONTHS = frozenset(_MONTH_NUMBERS)


@cache
def _trailing_prep(language: str | None) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alt(_VOCABS[language].prep)})\s+\Z", re.IGNORECASE)


def _trim_trailing_words(phrase: str) -> str:
    """dateparser returns "June the 30th about"; keep "June the 30th"."""
    while (last := re.search(r"\s+([^\W\d_]+)\Z", phrase)) and _key(last[1]) not in _ALL_MONTHS:
        phrase = phrase[: last.start()]
    return phrase


def _looks_explicit(phrase: str) -> bool:
    """Only digits, month names and fillers, with a month name or a full day-month-year in digits."""
    words = re.findall(r"[^\W\d_]+", phrase.lower())
    numbers = re.findall(r"\d+", phrase)
    if not numbers or ":" in phrase or any(w not in _ALL_MONTHS and w not in _FILLERS for w in words):
        return False
    if not any(len(n) <= 2 for n in numbers):
        return False  # "feb 2027" has no day
    return any(w in _ALL_MONTHS for w in words) or (len(numbers) == 3 and any(len(n) == 4 for n in numbers))


def _reads_as_count(text: str, phrase: str, end: int) -> bool:
    """ "stuur Jan 5 offertes", "call May 3 times": a name and a count, not a date."""
    after = text[end:]
    if _COUNT_WORD.match(after):
        return True
    first = re.match(r"[^\W\d_]+", phrase)
    name_first = first is not None and _key(first[0]) in _NAME_LIKE
    return name_first and re.search(r"\s\d{1,2}\Z", phrase) is not None and _WORD_AFTER.match(after) is not None


def _dateparser_match(text: str, today: date, language: str | None) -> DueMatch | None:
    settings = {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime.combine(today, time()),
        "DATE_ORDER": "DMY",  # "30/6" is day/month in both languages
    }
    languages = [language] if language else list(LANGUAGES)
    try:
        found = search_dates(text, languages=languages, settings=settings) or []
    except Exception:  # dateparser is a best-effort fallback; a crash in it must not break the caller
        return None
    cursor = 0
    for phrase, moment in found:
        start = text.find(phrase, cursor)
        if start < 0:
            continue
        cursor = start + len(phrase)
        phrase = _trim_trailing_words(phrase)
        end = start + len(phrase)
        if moment.time() != time() or not _looks_explicit(phrase) or _reads_as_count(text, phrase, end):
            continue
        if prep := _trailing_prep(language).search(text[:start]):
            start = prep.start()
        return DueMatch(moment.date(), start, end)
    return None
