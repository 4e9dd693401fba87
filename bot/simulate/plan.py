"""What a simulation plays: a team, its people (and how each answers), and the actions they agree on."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import time

# How a simulated person answers their messages (see personas.py).
BEHAVIOURS = ("on_time", "late", "never", "rescheduler")
ROLES = ("member", "manager")
PRIVACY = ("summary", "detailed")


@dataclass(frozen=True)
class PlannedAction:
    title: str
    kind: str = "other"
    week: int = 1  # agreed on the Monday of this simulated week (1 = the first)
    due_days: int = 3  # due this many days after that Monday
    contacts: tuple[str, ...] = ()
    opening: str | None = None
    voicemail: str | None = None
    repeat: int | None = None  # keep-in-touch: the next one comes this many weeks after it is done
    line: int | None = None  # where it is written in a plan file


@dataclass(frozen=True)
class PlannedPerson:
    name: str
    role: str = "member"
    answers: str = "on_time"
    language: str | None = None  # None: the simulation's language
    hours: tuple[time, time] | None = None
    days: frozenset[int] | None = None
    checkin: time | None = None
    country: str | None = None
    away: tuple[int, ...] = ()  # weeks on holiday: `/conscience pause` for that week
    actions: tuple[PlannedAction, ...] = ()
    line: int | None = None


@dataclass(frozen=True)
class Plan:
    team: str = "Advisory"
    channel: str = "advisory"
    privacy: str = "summary"
    digest_day: int = 0  # Monday
    digest_time: time = time(9, 0)
    people: tuple[PlannedPerson, ...] = field(default_factory=tuple)
    source: str = "the sample team"

    @property
    def members(self) -> list[PlannedPerson]:
        return [p for p in self.people if p.role == "member"]

    def with_answers(self, answers: list[str]) -> Plan:
        """The members answer in these characters, in order (the list repeats for a larger team)."""
        people, index = [], 0
        for person in self.people:
            if person.role == "member":
                person = replace(person, answers=answers[index % len(answers)])
                index += 1
            people.append(person)
        return replace(self, people=tuple(people))
