"""Due dates in English and Dutch action texts, against fixed days (never the real clock)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.services.dates import DueMatch, find_due

THURSDAY = date(2026, 11, 26)  # a Thursday, late in the year: many phrases roll over into 2027
JUNE_THURSDAY = date(2027, 6, 10)  # a Thursday in June: "juni" is this month, "mei" is past


def _title(text: str, match: DueMatch) -> str:
    """What the caller keeps as the action title: the text without the date phrase."""
    return " ".join((text[: match.start] + text[match.end :]).split())


@pytest.mark.parametrize(
    ("text", "due"),
    [
        # from the product spec
        ("bel Jan en Piet voor eind juni", date(2027, 6, 30)),
        ("call Jan by end of June", date(2027, 6, 30)),
        ("volgende week vrijdag", date(2026, 12, 4)),
        ("next Friday", date(2026, 12, 4)),
        ("over twee weken", date(2026, 12, 10)),
        ("in two weeks", date(2026, 12, 10)),
        ("binnen vier maanden", date(2027, 3, 26)),
        ("within 4 months", date(2027, 3, 26)),
        ("30 juni", date(2027, 6, 30)),
        ("June 30", date(2027, 6, 30)),
        ("30/6", date(2027, 6, 30)),
        ("morgen", date(2026, 11, 27)),
        ("tomorrow", date(2026, 11, 27)),
        # today, tomorrow, the day after
        ("vandaag", THURSDAY),
        ("today", THURSDAY),
        ("by end of day", THURSDAY),
        ("vanmiddag", THURSDAY),
        ("overmorgen", date(2026, 11, 28)),
        ("the day after tomorrow", date(2026, 11, 28)),
        ("morgenochtend", date(2026, 11, 27)),
        ("tomorrow morning", date(2026, 11, 27)),
        # weekdays: strictly after today, "next" is next calendar week, "this" is this week unless past
        ("friday", date(2026, 11, 27)),
        ("vrijdag", date(2026, 11, 27)),
        ("on Friday", date(2026, 11, 27)),
        ("op vrijdag", date(2026, 11, 27)),
        ("fri", date(2026, 11, 27)),
        ("vr", date(2026, 11, 27)),
        ("donderdag", date(2026, 12, 3)),
        ("thursday", date(2026, 12, 3)),
        ("maandag", date(2026, 11, 30)),
        ("vrijdagmiddag", date(2026, 11, 27)),
        ("vrijdag a.s.", date(2026, 11, 27)),
        ("aanstaande maandag", date(2026, 11, 30)),
        ("this Friday", date(2026, 11, 27)),
        ("deze vrijdag", date(2026, 11, 27)),
        ("deze woensdag", date(2026, 12, 2)),
        ("vrijdag volgende week", date(2026, 12, 4)),
        ("Friday next week", date(2026, 12, 4)),
        ("next week Tuesday", date(2026, 12, 1)),
        ("volgende vrijdag", date(2026, 12, 4)),
        ("next Monday", date(2026, 11, 30)),
        # periods from today
        ("in 3 days", date(2026, 11, 29)),
        ("over 3 dagen", date(2026, 11, 29)),
        ("in 2 weeks", date(2026, 12, 10)),
        ("within a month", date(2026, 12, 26)),
        ("binnen een maand", date(2026, 12, 26)),
        ("binnen 4 maanden", date(2027, 3, 26)),
        ("in a week", date(2026, 12, 3)),
        ("over een week", date(2026, 12, 3)),
        ("binnen de komende twee weken", date(2026, 12, 10)),
        ("two weeks from now", date(2026, 12, 10)),
        ("within 3 business days", date(2026, 12, 1)),
        ("binnen 2 werkdagen", date(2026, 11, 30)),
        # weeks, months, quarters, years
        ("next week", date(2026, 12, 4)),
        ("volgende week", date(2026, 12, 4)),
        ("this week", date(2026, 11, 27)),
        ("deze week", date(2026, 11, 27)),
        ("end of the week", date(2026, 11, 27)),
        ("eind van de week", date(2026, 11, 27)),
        ("eind deze week", date(2026, 11, 27)),
        ("end of the month", date(2026, 11, 30)),
        ("eind van de maand", date(2026, 11, 30)),
        ("eind deze maand", date(2026, 11, 30)),
        ("next month", date(2026, 12, 31)),
        ("volgende maand", date(2026, 12, 31)),
        ("end of the year", date(2026, 12, 31)),
        ("eind van het jaar", date(2026, 12, 31)),
        ("voor het eind van het jaar", date(2026, 12, 31)),
        ("end of Q2", date(2027, 6, 30)),
        ("eind Q2", date(2027, 6, 30)),
        ("eind Q4", date(2026, 12, 31)),
        ("next quarter", date(2027, 3, 31)),
        # parts of a named month (a month already past this year is next year's)
        ("end of June", date(2027, 6, 30)),
        ("by end of June", date(2027, 6, 30)),
        ("eind juni", date(2027, 6, 30)),
        ("voor eind juni", date(2027, 6, 30)),
        ("eind van juni", date(2027, 6, 30)),
        ("in June", date(2027, 6, 30)),
        ("in juni", date(2027, 6, 30)),
        ("begin juli", date(2027, 7, 7)),
        ("early July", date(2027, 7, 7)),
        ("begin van juli", date(2027, 7, 7)),
        ("mid June", date(2027, 6, 15)),
        ("half juni", date(2027, 6, 15)),
        ("medio juni", date(2027, 6, 15)),
        ("in december", date(2026, 12, 31)),
        ("before May", date(2027, 5, 31)),
        # explicit dates
        ("30 June", date(2027, 6, 30)),
        ("June 30th", date(2027, 6, 30)),
        ("the 30th of June", date(2027, 6, 30)),
        ("30-6", date(2027, 6, 30)),
        ("30/06/2027", date(2027, 6, 30)),
        ("30-06-2027", date(2027, 6, 30)),
        ("30.06.2027", date(2027, 6, 30)),
        ("2027-06-30", date(2027, 6, 30)),
        ("30 juni 2027", date(2027, 6, 30)),
        ("30 juni '27", date(2027, 6, 30)),
        ("June 30, 2027", date(2027, 6, 30)),
        ("1 januari", date(2027, 1, 1)),
        ("1 december", date(2026, 12, 1)),
        ("26 november", THURSDAY),  # today is not past
        ("25 november", date(2027, 11, 25)),  # yesterday is: next year
        ("3 dec.", date(2026, 12, 3)),
        ("Dec 3rd", date(2026, 12, 3)),
        ("vrijdag 4 december", date(2026, 12, 4)),
        ("on 29 February", date(2028, 2, 29)),
        # "before" is the due date itself
        ("before 30 June", date(2027, 6, 30)),
        ("voor 30 juni", date(2027, 6, 30)),
        ("by June 30", date(2027, 6, 30)),
        ("uiterlijk 1 december", date(2026, 12, 1)),
        ("vóór 1 december", date(2026, 12, 1)),
        # case does not matter
        ("BEL JAN VOLGENDE WEEK VRIJDAG", date(2026, 12, 4)),
        ("Bel Jan Morgen", date(2026, 11, 27)),
        # dateparser fallback for a shape the rules do not know
        ("send it 2027/06/30", date(2027, 6, 30)),
    ],
)
def test_due_date_from_a_thursday_in_november(text: str, due: date) -> None:
    match = find_due(text, THURSDAY)
    assert match is not None, text
    assert match.due == due


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("eind juni", date(2027, 6, 30)),
        ("in juni", date(2027, 6, 30)),
        ("begin juni", date(2028, 6, 7)),  # already past this year
        ("30 mei", date(2028, 5, 30)),
        ("10 juni", JUNE_THURSDAY),
        ("end of Q2", date(2027, 6, 30)),
        ("eind Q1", date(2028, 3, 31)),
        ("next month", date(2027, 7, 31)),
        ("volgende week vrijdag", date(2027, 6, 18)),
        ("over twee weken", date(2027, 6, 24)),
    ],
)
def test_due_date_from_a_thursday_in_june(text: str, due: date) -> None:
    match = find_due(text, JUNE_THURSDAY)
    assert match is not None, text
    assert match.due == due


@pytest.mark.parametrize(
    ("today", "text", "due"),
    [
        (date(2027, 6, 11), "this Friday", date(2027, 6, 11)),  # today is Friday: still this week
        (date(2027, 6, 11), "vrijdag", date(2027, 6, 18)),  # plain weekday: strictly after today
        (date(2027, 6, 12), "this Friday", date(2027, 6, 18)),  # Saturday: this week's Friday is past
        (date(2027, 6, 12), "deze week", date(2027, 6, 12)),  # never a due date in the past
        (date(2027, 6, 13), "next Friday", date(2027, 6, 18)),  # Sunday: next ISO week starts tomorrow
        (date(2027, 1, 31), "next month", date(2027, 2, 28)),
        (date(2027, 1, 31), "within a month", date(2027, 2, 28)),
    ],
)
def test_edges_of_weeks_and_months(today: date, text: str, due: date) -> None:
    match = find_due(text, today)
    assert match is not None, text
    assert match.due == due


@pytest.mark.parametrize(
    ("text", "title", "phrase", "due"),
    [
        ("bel Jan en Piet voor eind juni", "bel Jan en Piet", "voor eind juni", date(2027, 6, 30)),
        ("call Jan by end of June", "call Jan", "by end of June", date(2027, 6, 30)),
        ("bel Jan morgen", "bel Jan", "morgen", date(2026, 11, 27)),
        (
            "stuur Piet de offerte uiterlijk op vrijdag",
            "stuur Piet de offerte",
            "uiterlijk op vrijdag",
            date(2026, 11, 27),
        ),
        ("follow up with Anna in two weeks", "follow up with Anna", "in two weeks", date(2026, 12, 10)),
        ("lunch met Mei volgende week vrijdag", "lunch met Mei", "volgende week vrijdag", date(2026, 12, 4)),
        ("send May the proposal before 30 June", "send May the proposal", "before 30 June", date(2027, 6, 30)),
        ("werk het voorstel uit binnen 2 werkdagen", "werk het voorstel uit", "binnen 2 werkdagen", date(2026, 11, 30)),
        ("vrijdagmiddag Piet bellen", "Piet bellen", "vrijdagmiddag", date(2026, 11, 27)),
        ("call the client tomorrow at the latest", "call the client", "tomorrow at the latest", date(2026, 11, 27)),
        ("bel Jan 5 mei", "bel Jan", "5 mei", date(2027, 5, 5)),
        ("stuur Jan 2 voorstellen voor vrijdag", "stuur Jan 2 voorstellen", "voor vrijdag", date(2026, 11, 27)),
    ],
)
def test_the_rest_is_the_title(text: str, title: str, phrase: str, due: date) -> None:
    match = find_due(text, THURSDAY)
    assert match is not None, text
    assert text[match.start : match.end] == phrase
    assert _title(text, match) == title
    assert match.due == due


@pytest.mark.parametrize(
    "text",
    [
        "call Jan and Piet",
        "bel Jan",
        "call May about the proposal",
        "meet 3 clients",
        "",
        "   ",
        "bel Jan voor Mei",  # "for May", the person
        "call Jan 3 times",
        "stuur Jan 5 offertes",  # a name and a count
        "meet 10-12 people",  # a range
        "spend 1/2 day on the pitch",  # a fraction
        "bel Piet om 15:00",  # a time is not a due date
        "Q2 review voorbereiden",  # a topic, not a deadline
        "call June about the budget",
        "zo snel mogelijk offerte sturen",
        "31 juni",  # no such day
        "ma bellen",  # "ma" is mum, "do" and "zo" are words too: no Dutch abbreviations that collide
    ],
)
def test_no_date_phrase(text: str) -> None:
    assert find_due(text, THURSDAY) is None


@pytest.mark.parametrize(
    ("text", "language", "due"),
    [
        ("vrijdag", "nl", date(2026, 11, 27)),
        ("vrijdag", "en", None),
        ("friday", "nl", None),
        ("over 3 dagen", "nl", date(2026, 11, 29)),
        ("over 3 days", "en", None),  # English "over" is not "in"
        ("June 30", "en-GB", date(2027, 6, 30)),
        ("30 juni", "nl_NL", date(2027, 6, 30)),
        ("30 juni", "de", date(2027, 6, 30)),  # an unknown hint means: try both languages
    ],
)
def test_language_hint(text: str, language: str, due: date | None) -> None:
    match = find_due(text, THURSDAY, language)
    assert (match.due if match else None) == due


def test_a_datetime_for_today_is_cut_to_its_date() -> None:
    match = find_due("morgen", datetime(2026, 11, 26, 23, 30))
    assert match == DueMatch(date(2026, 11, 27), 0, 6)
