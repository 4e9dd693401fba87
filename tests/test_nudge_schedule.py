"""When messages come: downtime, daylight saving, holidays, pauses, the daily maximum, unanswered check-ins."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.delivery import Delivery
from bot.services import personal_settings
from models import Action, Person
from tests.conftest import AMSTERDAM
from tests.scenario import create_action, local, manager_of, nudges, person, run_until, text_of

THURSDAY = datetime(2026, 11, 26, 10, 0, tzinfo=AMSTERDAM)


def add(deps, title: str, due: date, user: str = "U1", today: date = date(2026, 11, 26), **extra) -> int:
    return create_action(deps, title, due, today=today, user=user, **extra)


@pytest.fixture
def delivery(deps):
    d = Delivery(deps, threads=2)
    yield d
    d.close()


def test_after_downtime_nothing_comes_in_a_burst(deps, clock, delivery, fake_slack):
    clock.set(THURSDAY)
    add(deps, "Call Jan", date(2026, 12, 1))  # prep Fri 27 Nov, check-in Tue 1 Dec
    add(deps, "Call Piet", date(2026, 11, 30))  # prep Thu 26 Nov (today), check-in Mon 30 Nov
    # The worker is down from Thursday until Wednesday 2 December, 10:00.
    clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=AMSTERDAM))
    delivery.tick()
    assert fake_slack.calls_to("chat.postMessage") == []  # preps lost their point; no burst
    checkins = nudges(deps, kind="checkin")
    assert len(checkins) == 1  # the two missed check-ins are merged into one, at the next check-in slot
    assert local(checkins[0]) == (date(2026, 12, 2), time(16, 0))
    assert len(checkins[0].action_ids) == 2
    assert nudges(deps, kind="prep") == []


def test_daylight_saving_does_not_move_the_local_time(deps, clock):
    clock.set(datetime(2027, 3, 22, 10, 0, tzinfo=AMSTERDAM))
    add(deps, "Call Jan", date(2027, 3, 24), today=date(2027, 3, 22))  # before the switch on 28 March
    add(deps, "Call Piet", date(2027, 3, 31), today=date(2027, 3, 22))  # after it
    before, after = sorted(nudges(deps, kind="checkin"), key=lambda n: n.local_date)
    assert local(before) == (date(2027, 3, 24), time(16, 0)) and before.due_at.hour == 15  # UTC+1
    assert local(after) == (date(2027, 3, 31), time(16, 0)) and after.due_at.hour == 14  # UTC+2


def test_public_holidays_of_the_persons_country_are_skipped(deps, clock):
    clock.set(datetime(2027, 4, 20, 10, 0, tzinfo=AMSTERDAM))
    add(deps, "Call Jan", date(2027, 4, 27), today=date(2027, 4, 20))  # King's Day in the Netherlands
    assert [n.local_date for n in nudges(deps, kind="checkin")] == [date(2027, 4, 28)]
    with deps.transaction() as session:
        belgian = session.scalar(select(Person))
        personal_settings.set_country(session, deps.clock, belgian, "BE", rules=deps.rules)
    assert [n.local_date for n in nudges(deps, kind="checkin")] == [date(2027, 4, 27)]


def test_working_hours_and_days_are_the_persons_own(deps, clock):
    clock.set(THURSDAY)
    owner = person(deps)
    with deps.transaction() as session:
        owner = session.merge(owner)
        owner.work_days, owner.work_start, owner.checkin_time = "mon,tue,wed,thu", time(8, 0), time(15, 0)
        owner.timezone = "America/New_York"
    add(deps, "Call Jan", date(2026, 12, 4))  # a Friday: not their working day
    [checkin] = nudges(deps, kind="checkin")
    moment = checkin.due_at.astimezone(ZoneInfo("America/New_York"))
    assert (moment.date(), moment.time()) == (date(2026, 12, 7), time(15, 0))  # next working day, their time


def test_a_pause_sends_nothing_and_then_one_summary(deps, clock, delivery, fake_slack):
    clock.set(THURSDAY)
    add(deps, "Call Jan", date(2026, 12, 1))
    add(deps, "Call Piet", date(2026, 12, 3))
    with deps.transaction() as session:
        owner = session.scalar(select(Person))
        personal_settings.pause(session, deps.clock, owner, date(2026, 12, 8), date(2026, 11, 26), rules=deps.rules)
    run_until(deps, clock, delivery, datetime(2026, 12, 8, 17, 30, tzinfo=AMSTERDAM))
    assert fake_slack.calls_to("chat.postMessage") == []
    run_until(deps, clock, delivery, datetime(2026, 12, 9, 12, 0, tzinfo=AMSTERDAM))
    posts = fake_slack.calls_to("chat.postMessage")
    assert len(posts) == 1  # one summary, not the backlog of preps and check-ins
    assert "Call Jan" in text_of(posts[0].params) and "Call Piet" in text_of(posts[0].params)
    assert [n.kind for n in nudges(deps, status="sent")] == ["summary"]


def test_at_most_two_messages_a_day_and_the_rest_moves_on(deps, clock, delivery):
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=AMSTERDAM))
    for n, due in enumerate([date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 7)]):
        add(deps, f"Call client {n}", due, today=date(2026, 11, 30))
    run_until(deps, clock, delivery, datetime(2026, 12, 11, 18, 0, tzinfo=AMSTERDAM))
    per_day: dict[date, int] = {}
    for n in nudges(deps, status="sent"):
        if n.kind != "celebration":
            per_day[n.local_date] = per_day.get(n.local_date, 0) + 1
    assert per_day and max(per_day.values()) <= 2


def test_an_unanswered_check_in_gets_one_gentle_follow_up_then_needs_attention(deps, clock, delivery, fake_slack):
    manager_of(deps, "UMAN", "U1")
    clock.set(THURSDAY)
    action_id = add(deps, "Call Jan", date(2026, 11, 30))
    run_until(deps, clock, delivery, datetime(2026, 12, 8, 17, 30, tzinfo=AMSTERDAM))
    sent = [(n.kind, n.local_date) for n in nudges(deps, status="sent") if n.kind in ("checkin", "followup")]
    assert sent == [("checkin", date(2026, 11, 30)), ("followup", date(2026, 12, 2))]
    followup = next(
        c.params
        for c in fake_slack.calls_to("chat.postMessage")
        if "still the right" in text_of(c.params) or "Pick a new date" in text_of(c.params)
    )
    assert followup["channel"] == "DU1"
    with deps.sessions() as session:
        assert session.get(Action, action_id).needs_attention
    # The bot never reports a person to the manager by direct message.
    assert all(c.params["channel"] not in ("UMAN", "DUMAN") for c in fake_slack.calls_to("chat.postMessage"))
    assert all(c.params.get("users") != "UMAN" for c in fake_slack.calls_to("conversations.open"))


def test_a_changed_check_in_time_today_applies_today(deps, clock):
    clock.set(THURSDAY)
    add(deps, "Call Jan", date(2026, 11, 26))
    [checkin] = nudges(deps, kind="checkin")
    assert local(checkin) == (date(2026, 11, 26), time(16, 0))
    with deps.transaction() as session:
        personal_settings.set_checkin(
            session, deps.clock, session.scalar(select(Person)), time(11, 0), rules=deps.rules
        )
    [checkin] = nudges(deps, kind="checkin")
    assert local(checkin) == (date(2026, 11, 26), time(11, 0))
