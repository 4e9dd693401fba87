"""Dates as people read them, in their language, without depending on the machine's locale."""

from __future__ import annotations

from datetime import date

from bot.messages.catalogue import Catalogue


def format_day(cat: Catalogue, day: date, today: date | None = None) -> str:
    if today is not None:
        if day == today:
            return cat.t("date.today")
        if (day - today).days == 1:
            return cat.t("date.tomorrow")
    months = cat.raw("date.months")
    weekdays = cat.raw("date.weekdays")
    params = {"weekday": weekdays[day.weekday()], "day": day.day, "month": months[day.month - 1], "year": day.year}
    key = "date.format" if today is None or day.year == today.year else "date.format_year"
    return cat.t(key, **params)
