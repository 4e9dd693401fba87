"""The sample team: a manager and professionals who agree on a few concrete actions every week.

Generated from a seeded random.Random, so a seed always gives the same team, actions and dates.
Titles and preparation are written in the simulation's language, as a person would type them. Plausible on
purpose: each client works at one firm, and nothing is agreed or due on a weekend or a public holiday.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import holidays

from bot.simulate.plan import Plan, PlannedAction, PlannedPerson

MANAGER = "Marieke Jansen"
MEMBERS = (
    "Bram de Wit",
    "Sanne Bakker",
    "Joost Visser",
    "Eva Mulder",
    "Daan Smit",
    "Lotte de Boer",
    "Ruben Meijer",
    "Fleur Dekker",
)
DEFAULT_ANSWERS = ("on_time", "late", "never", "rescheduler")
# Actions agreed per week, per member in turn: most agree on two, some on one or three.
PER_WEEK = (2.0, 2.0, 2.0, 2.0, 2.5, 1.5, 2.0, 2.0)
# Agreed on a Monday, due on a working day from that Thursday up to two weeks on.
DUE_DAYS = tuple(d for d in range(3, 17) if d % 7 < 5)
AWAY_WEEK = 3  # the second member is on holiday that week: a pause, then a welcome back
COUNTRY = "NL"  # the sample team works in Amsterdam: Dutch public holidays
CLIENTS = (
    "Jan de Vries",
    "Piet Hendriks",
    "Klaas Boer",
    "Anouk Peters",
    "Marloes Kok",
    "Thomas Bos",
    "Ingrid Vos",
    "Ahmed El Amrani",
    "Sophie Willems",
    "Kees van Dijk",
    "Linda Smit",
    "Mark Jacobs",
)
FIRMS = (
    "Acme Legal",
    "Noordzee Logistics",
    "Van Dam Bouw",
    "Groen Energie",
    "Delta Foods",
    "Brightline Software",
    "Stadsbank",
    "Hof & Partners",
    "Polder Water",
    "Vitaal Zorg",
)
# Each client at one firm, whatever the action: Jan de Vries is always at Acme Legal.
FIRM_OF = {client: FIRMS[index % len(FIRMS)] for index, client in enumerate(CLIENTS)}


@dataclass(frozen=True)
class Template:
    kind: str
    title: str
    opening: str | None
    voicemail: str | None
    contacts: int = 1


TEMPLATES = {
    "en": (
        Template(
            "top_client",
            "Call {c1} at {firm} for a catch-up",
            "Hi {first}, it's been a while. I was curious how things are going at {firm}.",
            "Leave a short message that you'll try again in a couple of days, and send a two-line email.",
        ),
        Template(
            "top_client",
            "Call {c1}, {c2} and {c3} and book a catch-up with each",
            None,
            "Say you'll call back, and send a short email proposing two dates.",
            contacts=3,
        ),
        Template(
            "aftercare",
            "Book an aftercare meeting with {c1} about the {firm} project",
            "Now that the project has settled, I'd like to hear how the result is working out in practice.",
            "Leave a message and follow up by email with two possible dates.",
        ),
        Template(
            "buying_signal",
            "Follow up {c1}'s question about the reorganisation at {firm}",
            "You mentioned the reorganisation last week. I've been thinking about it; may I share an idea?",
            None,
        ),
        Template(
            "networking",
            "Have coffee with {c1} of {firm}, met at the round table",
            "It was good to meet you at the round table. Shall we have coffee soon?",
            None,
        ),
        Template(
            "buying_signal",
            "Send {c1} at {firm} the article on new tax rules, and ask for a call",
            "I came across this and thought of our conversation. Would a short call be useful?",
            None,
        ),
        Template("other", "Mail {c1} at {firm} to introduce our new colleague", None, None),
    ),
    "nl": (
        Template(
            "top_client",
            "Bel {c1} van {firm} om bij te praten",
            "Hoi {first}, het is alweer even geleden. Ik was benieuwd hoe het gaat bij {firm}.",
            "Kort inspreken dat ik over een paar dagen terugbel, en een mailtje van twee regels sturen.",
        ),
        Template(
            "top_client",
            "Bel {c1}, {c2} en {c3} en plan met elk een kop koffie",
            None,
            "Zeggen dat ik terugbel, en een korte mail met twee datums sturen.",
            contacts=3,
        ),
        Template(
            "aftercare",
            "Plan een nazorggesprek met {c1} over het project bij {firm}",
            "Nu het project is afgerond, hoor ik graag hoe het resultaat in de praktijk werkt.",
            "Inspreken en per mail twee mogelijke datums voorstellen.",
        ),
        Template(
            "buying_signal",
            "Reageer op de vraag van {c1} over de reorganisatie bij {firm}",
            "Je noemde vorige week de reorganisatie. Ik heb erover nagedacht; mag ik een idee delen?",
            None,
        ),
        Template(
            "networking",
            "Koffie met {c1} van {firm}, ontmoet op de rondetafel",
            "Leuk je gesproken te hebben bij de rondetafel. Zullen we binnenkort koffie drinken?",
            None,
        ),
        Template(
            "buying_signal",
            "Stuur {c1} van {firm} het artikel over de nieuwe belastingregels en vraag om een belletje",
            "Ik kwam dit tegen en moest aan ons gesprek denken. Heb je binnenkort tijd voor een kort telefoongesprek?",
            None,
        ),
        Template("other", "Mail {c1} van {firm} om onze nieuwe collega voor te stellen", None, None),
    ),
}


def sample_plan(
    weeks: int, language: str, rng: random.Random, answers: list[str] | None = None, *, start: date | None = None
) -> Plan:
    """A manager and one professional per answer style, each agreeing on actions every week.

    start: the Monday of the first week; with it, no action is agreed on a public holiday (that week's
    Monday) or falls due on one (it moves to the next working day)."""
    styles = list(answers or DEFAULT_ANSWERS)
    templates = TEMPLATES[language]
    off = _days_off(start, weeks)
    members = []
    for index, style in enumerate(styles[: len(MEMBERS)]):
        rate = PER_WEEK[index]
        actions: list[PlannedAction] = []
        for week in range(1, weeks + 1):
            if index == 1 and week == AWAY_WEEK:
                continue  # nobody agrees on actions with someone on holiday
            count = int(rate) + (1 if rng.random() < rate % 1 else 0)
            monday = start + timedelta(weeks=week - 1) if start else None
            if monday in off:
                continue  # nobody agrees on actions on Easter Monday
            for _ in range(count):
                actions.append(_action(rng, templates, week, monday, off, {a.title for a in actions}))
        members.append(
            PlannedPerson(
                name=MEMBERS[index],
                answers=style,
                away=(AWAY_WEEK,) if index == 1 and weeks > AWAY_WEEK else (),
                actions=tuple(actions),
            )
        )
    manager = PlannedPerson(name=MANAGER, role="manager", answers="never")
    return Plan(people=(manager, *members))


def _days_off(start: date | None, weeks: int) -> set[date]:
    """The public holidays of the weeks played, and a week beyond for what falls due late."""
    if start is None:
        return set()
    last = start + timedelta(weeks=weeks + 3)
    found = holidays.country_holidays(COUNTRY, years=range(start.year, last.year + 1))
    return {day for day in found if start <= day <= last}


def _due_days(chosen: int, monday: date | None, off: set[date]) -> int:
    """The chosen day, or the next working day when it is a public holiday (no coffee on New Year's Day)."""
    if monday is None:
        return chosen
    while (monday + timedelta(days=chosen)).weekday() >= 5 or monday + timedelta(days=chosen) in off:
        chosen += 1
    return chosen


def _action(
    rng: random.Random,
    templates: tuple[Template, ...],
    week: int,
    monday: date | None,
    off: set[date],
    taken: set[str],
) -> PlannedAction:
    """A new action, not one the person agreed already (nobody calls Sophie for a catch-up twice in a quarter)."""
    for _ in range(50):
        template = rng.choice(templates)
        people = rng.sample(CLIENTS, template.contacts)
        if _title(template, people) not in taken:
            break
    names = _names(people)
    return PlannedAction(
        title=template.title.format(**names),
        kind=template.kind,
        week=week,
        due_days=_due_days(rng.choice(DUE_DAYS), monday, off),
        contacts=tuple(people),
        opening=template.opening.format(**names) if template.opening else None,
        voicemail=template.voicemail.format(**names) if template.voicemail else None,
    )


def _names(people: list[str]) -> dict[str, str]:
    return {
        "c1": people[0],
        "c2": people[-2] if len(people) > 1 else "",
        "c3": people[-1],
        "first": people[0].split()[0],
        "firm": FIRM_OF[people[0]],
    }


def _title(template: Template, people: list[str]) -> str:
    return template.title.format(**_names(people))
