"""When the bot may speak to a person: their working days and hours, time zone, holidays and pauses.

All arithmetic is on the person's local calendar; a moment is made with zoneinfo from a local date and
time, so a daylight-saving change never moves a message by an hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from models import Person

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DUTCH_DAY_NAMES = ("ma", "di", "wo", "do", "vr", "za", "zo")
# Inspiring messages come early in the working day; checking ones at the person's check-in time.
MORNING_OFFSET = timedelta(minutes=30)


@lru_cache(maxsize=256)
def _holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country, years=year).keys())
    except NotImplementedError:  # a country the library does not know: no public holidays
        return frozenset()


def parse_days(text: str) -> frozenset[int]:
    """'mon,tue,wed' -> {0, 1, 2}; stored form of Person.work_days."""
    return frozenset(DAY_NAMES.index(d) for d in text.split(",") if d in DAY_NAMES)


def format_days(days: frozenset[int] | set[int]) -> str:
    return ",".join(DAY_NAMES[d] for d in sorted(days))


@dataclass(frozen=True)
class WorkWeek:
    zone: ZoneInfo
    days: frozenset[int]
    start: time
    end: time
    checkin: time
    country: str
    paused_until: date | None = None

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.days and day not in _holidays(self.country, day.year)

    def is_paused(self, day: date) -> bool:
        return self.paused_until is not None and day <= self.paused_until

    def can_speak_on(self, day: date) -> bool:
        return self.is_working_day(day) and not self.is_paused(day)

    def next_working_day(self, day: date, *, include: bool = False) -> date:
        """The first working day after `day` (or `day` itself with include=True)."""
        candidate = day if include else day + timedelta(days=1)
        for _ in range(370):  # a person with no working days at all never gets a message
            if self.is_working_day(candidate):
                return candidate
            candidate += timedelta(days=1)
        raise ValueError("no working day within a year")

    def add_working_days(self, day: date, count: int) -> date:
        """`count` working days after (or, negative, before) `day`."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        candidate = day
        guard = 0
        while remaining:
            candidate += timedelta(days=step)
            guard += 1
            if guard > 740:
                raise ValueError("no working days")
            if self.is_working_day(candidate):
                remaining -= 1
        return candidate

    def moment(self, day: date, at: time) -> datetime:
        """A local date and time as an aware UTC moment."""
        return datetime.combine(day, at, tzinfo=self.zone).astimezone(UTC)

    def morning(self, day: date) -> datetime:
        local = (datetime.combine(day, self.start) + MORNING_OFFSET).time()
        return self.moment(day, min(local, self.end))

    def checkin_at(self, day: date) -> datetime:
        at = min(max(self.checkin, self.start), self.end)
        return self.moment(day, at)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def within_hours(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return self.can_speak_on(local.date()) and self.start <= local.time() <= self.end


def work_week_of(person: Person, default_timezone: str) -> WorkWeek:
    try:
        zone = ZoneInfo(person.timezone or default_timezone)
    except Exception:  # an unknown zone stored long ago: the default is better than no messages
        zone = ZoneInfo(default_timezone)
    return WorkWeek(
        zone=zone,
        days=parse_days(person.work_days) or frozenset(range(5)),
        start=person.work_start,
        end=person.work_end,
        checkin=person.checkin_time,
        country=person.country or "NL",
        paused_until=person.paused_until,
    )
