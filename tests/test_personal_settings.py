"""Personal settings: when the bot may speak. Parsers first, then the commands through signed requests."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import select

from bot.messages.catalogue import Catalogue
from bot.messages.settings import days_text
from bot.services import actions
from bot.services.personal_settings import (
    SettingError,
    parse_checkin,
    parse_country,
    parse_days,
    parse_hours,
    parse_pause,
)
from models import Event, Nudge
from tests.conftest import AMSTERDAM
from tests.scenario import person, stored_person, text_of

TODAY = date(2026, 11, 26)  # Thursday, the day of TEST_NOW


def settings_events(deps) -> list[dict]:
    with deps.sessions() as session:
        rows = session.scalars(select(Event).where(Event.kind == "settings_changed").order_by(Event.id))
        return [dict(row.data) for row in rows]


def answer(slack, text: str, user: str = "U1") -> dict:
    response = slack.command("/conscience", text, user=user)
    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    return body


# ---- parsers ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("08:30-16:00", (time(8, 30), time(16, 0))),
        ("8:30-16", (time(8, 30), time(16, 0))),
        ("8.30-16.00", (time(8, 30), time(16, 0))),
        ("8:30 - 16:00", (time(8, 30), time(16, 0))),
        ("08:30–16:00", (time(8, 30), time(16, 0))),
        ("9-17", (time(9, 0), time(17, 0))),
        ("9 to 17:30", (time(9, 0), time(17, 30))),
        ("9u-17u", (time(9, 0), time(17, 0))),
        ("0:00-23:59", (time(0, 0), time(23, 59))),
    ],
)
def test_parse_hours_reads_common_shapes(typed: str, expected: tuple[time, time]) -> None:
    assert parse_hours(typed) == expected


@pytest.mark.parametrize(
    "typed, code",
    [
        ("16:00-08:30", "hours_order"),
        ("9-9", "hours_order"),
        ("25-26", "hours_format"),
        ("9:75-17", "hours_format"),
        ("8:30", "hours_format"),
        ("morning", "hours_format"),
        ("8-12-17", "hours_format"),
        ("", "hours_format"),
    ],
)
def test_parse_hours_rejects_bad_input(typed: str, code: str) -> None:
    with pytest.raises(SettingError) as caught:
        parse_hours(typed)
    assert caught.value.code == code


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("mon-thu", {0, 1, 2, 3}),
        ("mon,wed,fri", {0, 2, 4}),
        ("Mon, Wed and Fri", {0, 2, 4}),
        ("monday-thursday", {0, 1, 2, 3}),
        ("mon to thu", {0, 1, 2, 3}),
        ("tue thu", {1, 3}),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("weekend", {5, 6}),
        ("every day", set(range(7))),
        ("fri-mon", {4, 5, 6, 0}),
        ("ma-do", {0, 1, 2, 3}),
        ("maandag-donderdag", {0, 1, 2, 3}),
        ("maandag t/m donderdag", {0, 1, 2, 3}),
        ("ma, wo en vr", {0, 2, 4}),
        ("di,do", {1, 3}),
        ("werkdagen", {0, 1, 2, 3, 4}),
        ("za,zo", {5, 6}),
        ("vr.", {4}),
        ("mon-wed, fri", {0, 1, 2, 4}),
    ],
)
def test_parse_days_in_english_and_dutch(typed: str, expected: set[int]) -> None:
    assert parse_days(typed) == frozenset(expected)


@pytest.mark.parametrize(
    "typed, code, given",
    [
        ("funday", "days_format", "funday"),
        ("mon-", "days_format", "mon-"),
        ("mon-blah", "days_format", "blah"),
        ("", "days_empty", None),
        (" , ", "days_empty", None),
    ],
)
def test_parse_days_rejects_bad_input(typed: str, code: str, given: str | None) -> None:
    with pytest.raises(SettingError) as caught:
        parse_days(typed)
    assert caught.value.code == code
    assert caught.value.params.get("given") == given


@pytest.mark.parametrize(
    "typed, expected", [("15:00", time(15)), ("9.30", time(9, 30)), ("15", time(15)), ("8h15", time(8, 15))]
)
def test_parse_checkin(typed: str, expected: time) -> None:
    assert parse_checkin(typed) == expected


@pytest.mark.parametrize("typed", ["noon", "24:00", "15:60", "15:00-16:00", ""])
def test_parse_checkin_rejects_bad_input(typed: str) -> None:
    with pytest.raises(SettingError) as caught:
        parse_checkin(typed)
    assert caught.value.code == "checkin_format"


@pytest.mark.parametrize("typed, expected", [("BE", "BE"), ("be", "BE"), (" de ", "DE"), ("NL", "NL")])
def test_parse_country(typed: str, expected: str) -> None:
    assert parse_country(typed) == expected


@pytest.mark.parametrize("typed, code", [("XX", "country_unknown"), ("BEL", "country_format"), ("", "country_format")])
def test_parse_country_rejects_unknown_codes(typed: str, code: str) -> None:
    with pytest.raises(SettingError) as caught:
        parse_country(typed)
    assert caught.value.code == code


@pytest.mark.parametrize(
    "typed, language, expected",
    [
        ("until 3 January", "en", date(2027, 1, 3)),
        ("until next Friday", "en", date(2026, 12, 4)),
        ("3 January", "en", date(2027, 1, 3)),
        ("tot 15 maart", "nl", date(2027, 3, 15)),
        ("tot volgende week vrijdag", "nl", date(2026, 12, 4)),
        ("tot 15 maart", "en", date(2027, 3, 15)),  # Dutch text from someone set to English still works
        ("2026-12-10", None, date(2026, 12, 10)),
        ("until today", "en", TODAY),
    ],
)
def test_parse_pause(typed: str, language: str | None, expected: date) -> None:
    assert parse_pause(typed, TODAY, language) == expected


@pytest.mark.parametrize("typed", ["", "until", "until Jan calls me", "for a while"])
def test_parse_pause_rejects_text_without_a_date(typed: str) -> None:
    with pytest.raises(SettingError) as caught:
        parse_pause(typed, TODAY, "en")
    assert caught.value.code == "pause_format"


@pytest.mark.parametrize(
    "days, english, dutch",
    [
        ({0, 1, 2, 3}, "Mon–Thu", "ma–do"),
        ({0, 2, 4}, "Mon, Wed and Fri", "ma, wo en vr"),
        ({0, 1, 3, 4}, "Mon, Tue, Thu and Fri", "ma, di, do en vr"),
        ({5}, "Sat", "za"),
    ],
)
def test_days_are_shown_in_the_persons_language(days: set[int], english: str, dutch: str) -> None:
    assert days_text(Catalogue("en"), frozenset(days)) == english
    assert days_text(Catalogue("nl"), frozenset(days)) == dutch


# ---- hours --------------------------------------------------------------------------------------------------


def test_hours_are_stored_and_confirmed(slack, deps) -> None:
    body = answer(slack, "hours 08:30-16:00")
    assert "08:30" in body["text"] and "16:00" in body["text"]
    found = stored_person(deps)
    assert (found.work_start, found.work_end) == (time(8, 30), time(16, 0))
    assert settings_events(deps) == [{"setting": "hours", "value": "08:30-16:00"}]


def test_hours_in_other_shapes(slack, deps) -> None:
    answer(slack, "hours 8.30-17.00")
    assert (stored_person(deps).work_start, stored_person(deps).work_end) == (time(8, 30), time(17, 0))


@pytest.mark.parametrize("typed", ["hours 16:00-08:30", "hours mornings", "hours 8:30"])
def test_bad_hours_change_nothing_and_show_the_format(slack, deps, typed: str) -> None:
    person(deps)
    body = answer(slack, typed)
    assert "/conscience hours 08:30-16:00" in body["text"]
    found = stored_person(deps)
    assert (found.work_start, found.work_end) == (time(9, 0), time(17, 30))
    assert settings_events(deps) == []


def test_hours_that_exclude_the_checkin_move_it_inside(slack, deps) -> None:
    body = answer(slack, "hours 07:00-15:00")  # the default check-in is 16:00
    assert "15:00" in body["text"] and "moved" in body["text"]
    found = stored_person(deps)
    assert found.checkin_time == time(15, 0)
    assert settings_events(deps) == [{"setting": "hours", "value": "07:00-15:00", "checkin_moved_to": "15:00"}]


def test_hours_answer_in_dutch(slack, deps) -> None:
    person(deps, language="nl")
    assert "Geregeld" in answer(slack, "hours 08:00-16:00")["text"]
    assert "Die tijden kan ik niet lezen" in answer(slack, "hours ochtend")["text"]


# ---- days ---------------------------------------------------------------------------------------------------


def test_days_are_stored(slack, deps) -> None:
    body = answer(slack, "days mon-thu")
    assert "Mon–Thu" in body["text"]
    assert stored_person(deps).work_days == "mon,tue,wed,thu"
    assert settings_events(deps) == [{"setting": "days", "value": "mon,tue,wed,thu"}]


def test_days_in_dutch_for_a_dutch_person(slack, deps) -> None:
    person(deps, language="nl")
    body = answer(slack, "days maandag-donderdag")
    assert body["text"].startswith("Geregeld") and "ma–do" in body["text"]
    assert stored_person(deps).work_days == "mon,tue,wed,thu"
    answer(slack, "days ma,wo,vr")
    assert stored_person(deps).work_days == "mon,wed,fri"


def test_bad_days_change_nothing_and_are_escaped(slack, deps) -> None:
    person(deps)
    body = answer(slack, "days mon-<!channel>")
    text = text_of(body)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "/conscience days mon-thu" in body["text"]
    assert stored_person(deps).work_days == "mon,tue,wed,thu,fri"
    assert settings_events(deps) == []


# ---- check-in -----------------------------------------------------------------------------------------------


def test_checkin_is_stored(slack, deps) -> None:
    body = answer(slack, "checkin 15:00")
    assert "15:00" in body["text"]
    assert stored_person(deps).checkin_time == time(15, 0)
    assert settings_events(deps) == [{"setting": "checkin", "value": "15:00"}]


def test_checkin_outside_the_working_hours_is_refused(slack, deps) -> None:
    person(deps)
    body = answer(slack, "checkin 18:00")
    assert "09:00" in body["text"] and "17:30" in body["text"]
    assert "/conscience checkin" in body["text"]
    assert stored_person(deps).checkin_time == time(16, 0)
    answer(slack, "checkin noon")
    assert stored_person(deps).checkin_time == time(16, 0)
    assert settings_events(deps) == []


def test_checkin_error_in_dutch(slack, deps) -> None:
    person(deps, language="nl")
    body = answer(slack, "checkin 07:00")
    assert "binnen je werktijden" in body["text"]


def test_a_later_checkin_today_moves_todays_checkin(slack, deps) -> None:
    owner = person(deps)
    with deps.transaction() as session:
        owner = session.merge(owner)
        data = actions.ActionInput(title="Call Jan", due=TODAY, contacts=["Jan"])
        actions.create(session, deps.clock, owner=owner, actor=owner, data=data, today=TODAY, rules=deps.rules)

    def checkins() -> list[tuple[date, datetime]]:
        with deps.sessions() as session:
            rows = session.scalars(
                select(Nudge).where(Nudge.person_id == owner.id, Nudge.kind == "checkin", Nudge.status == "planned")
            )
            return [(row.local_date, row.due_at.astimezone(UTC)) for row in rows]

    assert checkins() == [(TODAY, datetime(2026, 11, 26, 16, 0, tzinfo=AMSTERDAM).astimezone(UTC))]
    answer(slack, "checkin 15:00")
    assert checkins() == [(TODAY, datetime(2026, 11, 26, 14, 0, tzinfo=UTC))]


def _todays_action_checkins(deps) -> list[tuple[date, datetime]]:
    owner = person(deps)
    with deps.transaction() as session:
        owner = session.merge(owner)
        data = actions.ActionInput(title="Call Jan", due=TODAY, contacts=["Jan"])
        actions.create(session, deps.clock, owner=owner, actor=owner, data=data, today=TODAY, rules=deps.rules)
    with deps.sessions() as session:
        rows = session.scalars(select(Nudge).where(Nudge.kind == "checkin", Nudge.status == "planned"))
        return [(row.local_date, row.due_at.astimezone(AMSTERDAM)) for row in rows]


def planned_checkins(deps) -> list[tuple[date, datetime]]:
    with deps.sessions() as session:
        rows = session.scalars(select(Nudge).where(Nudge.kind == "checkin", Nudge.status == "planned"))
        return [(row.local_date, row.due_at.astimezone(AMSTERDAM)) for row in rows]


def test_shorter_hours_today_bring_todays_checkin_inside_them(slack, deps) -> None:
    assert [due.time() for _, due in _todays_action_checkins(deps)] == [time(16, 0)]
    answer(slack, "hours 08:00-15:00")
    [(day, due)] = planned_checkins(deps)
    assert day == TODAY and time(10, 0) < due.time() <= time(15, 0)  # still today, inside the new hours


def test_dropping_today_from_the_working_days_moves_todays_checkin(slack, deps) -> None:
    assert [day for day, _ in _todays_action_checkins(deps)] == [TODAY]
    answer(slack, "days mon-wed")
    [(day, due)] = planned_checkins(deps)
    assert day == date(2026, 11, 30) and due.weekday() == 0  # Thursday is no working day any more: Monday


# ---- country ------------------------------------------------------------------------------------------------


def test_country_is_stored(slack, deps) -> None:
    body = answer(slack, "country be")
    assert "BE" in body["text"]
    assert stored_person(deps).country == "BE"
    assert settings_events(deps) == [{"setting": "country", "value": "BE"}]


@pytest.mark.parametrize("typed", ["country XX", "country Belgium"])
def test_unknown_country_changes_nothing(slack, deps, typed: str) -> None:
    person(deps)
    body = answer(slack, typed)
    assert "/conscience country BE" in body["text"]
    assert stored_person(deps).country == "NL"


# ---- pause and resume ---------------------------------------------------------------------------------------


def test_pause_until_a_date(slack, deps) -> None:
    body = answer(slack, "pause until 3 January")
    assert "3 January" in body["text"]
    found = stored_person(deps)
    assert found.paused_until == date(2027, 1, 3)
    assert found.welcome_back_pending is True
    assert settings_events(deps) == [{"setting": "paused_until", "value": "2027-01-03"}]


def test_pause_in_dutch(slack, deps) -> None:
    person(deps, language="nl")
    body = answer(slack, "pause tot 15 maart")
    assert "Geniet ervan" in body["text"] and "15 maart" in body["text"]
    assert stored_person(deps).paused_until == date(2027, 3, 15)


def test_pause_without_until_and_relative_dates(slack, deps) -> None:
    answer(slack, "pause next Friday")
    assert stored_person(deps).paused_until == date(2026, 12, 4)


@pytest.mark.parametrize(
    "typed, hint",
    [
        ("pause", "/conscience pause until 3 January"),
        ("pause until whenever", "/conscience pause until 3 January"),
        ("pause until 1 November 2026", "already passed"),
        ("pause until 1 January 2028", "12 months"),
    ],
)
def test_bad_pause_changes_nothing(slack, deps, typed: str, hint: str) -> None:
    person(deps)
    body = answer(slack, typed)
    assert hint in body["text"]
    found = stored_person(deps)
    assert found.paused_until is None and found.welcome_back_pending is False


def test_nothing_is_planned_during_a_pause(slack, deps) -> None:
    owner = person(deps)
    with deps.transaction() as session:
        owner = session.merge(owner)
        data = actions.ActionInput(title="Call Jan", due=date(2026, 12, 1), contacts=["Jan"])
        actions.create(session, deps.clock, owner=owner, actor=owner, data=data, today=TODAY, rules=deps.rules)
    answer(slack, "pause until 4 December")
    with deps.sessions() as session:
        rows = list(session.scalars(select(Nudge).where(Nudge.status == "planned")))
    assert rows and all(row.local_date > date(2026, 12, 4) for row in rows)
    assert "summary" in {row.kind for row in rows}


def test_resume_ends_the_pause_and_keeps_the_summary(slack, deps) -> None:
    answer(slack, "pause until 3 January")
    body = answer(slack, "resume")
    assert "Welcome back" in body["text"]
    found = stored_person(deps)
    assert found.paused_until is None and found.welcome_back_pending is True
    assert settings_events(deps)[-1] == {"setting": "paused_until", "value": None}


def test_resume_without_a_pause_says_so(slack, deps) -> None:
    person(deps, language="nl")
    body = answer(slack, "resume")
    assert "geen pauze" in body["text"]
    assert settings_events(deps) == []


# ---- the overview -------------------------------------------------------------------------------------------


def test_settings_show_the_current_values(slack, deps) -> None:
    answer(slack, "hours 08:30-16:00")
    answer(slack, "days mon-thu")
    answer(slack, "checkin 15:00")
    answer(slack, "country BE")
    answer(slack, "pause until 3 January")
    text = text_of(answer(slack, "settings")["blocks"])
    for expected in ("Europe/Amsterdam", "Mon–Thu", "08:30–16:00", "15:00", "BE", "3 January"):
        assert expected in text


def test_a_setting_command_without_a_value_shows_the_overview_in_dutch(slack, deps) -> None:
    person(deps, language="nl")
    text = text_of(answer(slack, "hours")["blocks"])
    assert "Je instellingen" in text
    assert "ma–vr" in text and "09:00–17:30" in text and "geen pauze" in text


def test_help_lists_the_settings_commands(slack) -> None:
    text = text_of(answer(slack, "help")["blocks"])
    for command in ("hours", "days", "checkin", "country", "pause", "resume", "settings"):
        assert f"/conscience {command}" in text
