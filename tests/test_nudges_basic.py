"""What a person receives and when: prep, check-in, week plan; working hours; delivery to the DM."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot.delivery import Delivery
from bot.services import actions, people
from models import Nudge
from tests.conftest import AMSTERDAM
from tests.scenario import person, text_of


def add_action(deps, title="Call Jan", due=date(2026, 12, 1), owner="U1", **extra):
    owner_row = person(deps, owner)
    with deps.transaction() as session:
        owner_row = session.merge(owner_row)
        data = actions.ActionInput(title=title, due=due, contacts=["Jan"], opening_line="How is the new office?",
                                   **extra)
        action, _ = actions.create(session, deps.clock, owner=owner_row, actor=owner_row, data=data,
                                   today=date(2026, 11, 26), rules=deps.rules)
        return action.id


def planned(deps, kind=None):
    with deps.sessions() as session:
        query = select(Nudge).where(Nudge.status == "planned").order_by(Nudge.due_at)
        if kind:
            query = query.where(Nudge.kind == kind)
        return list(session.scalars(query))


@pytest.fixture
def delivery(deps):
    d = Delivery(deps)
    yield d
    d.close()


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=AMSTERDAM)


def test_an_action_gets_a_prep_two_working_days_before_and_a_check_in_on_the_day(deps):
    add_action(deps)
    prep = planned(deps, "prep")
    checkin = planned(deps, "checkin")
    assert [(n.local_date, n.due_at.astimezone(AMSTERDAM).time().isoformat()) for n in prep] == [
        (date(2026, 11, 27), "09:30:00")]
    assert [(n.local_date, n.due_at.astimezone(AMSTERDAM).time().isoformat()) for n in checkin] == [
        (date(2026, 12, 1), "16:00:00")]


def test_the_prep_is_delivered_in_a_dm_at_its_time_and_not_before(deps, fake_slack, delivery, clock):
    add_action(deps)
    clock.set(at(27, 9, 0))
    assert delivery.tick().sent == 0
    clock.set(at(27, 9, 31))
    report = delivery.tick()
    assert report.sent >= 1
    post = fake_slack.calls_to("chat.postMessage")[0].params
    assert post["channel"] == "U1"  # first contact: Slack opens the DM for the user id
    with deps.sessions() as session:
        assert people.find_person(session, "T1", "U1").dm_channel_id == "DU1"  # kept for the next messages
    assert "How is the new office?" in text_of(post["blocks"])
    assert "Call Jan" in post["text"]
    # A second tick sends nothing more.
    assert delivery.tick().sent == 0
