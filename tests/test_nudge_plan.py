"""What the planner promises a person: check-ins on the due date, "fewer messages", preps that are not lost."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from bot.delivery import Delivery
from bot.services import kinds
from models import Nudge, Person
from tests.conftest import AMSTERDAM
from tests.scenario import create_action, local, nudges, person, text_of

MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=AMSTERDAM)


def add(deps, title: str, due: date, user: str = "U1", **extra) -> int:
    return create_action(deps, title, due, today=deps.clock.now().astimezone(AMSTERDAM).date(), user=user, **extra)


def planned(deps, kind: str | None = None, user: str | None = None) -> list[Nudge]:
    return nudges(deps, kind=kind, user=user)


@pytest.fixture
def delivery(deps):
    d = Delivery(deps, threads=1)
    yield d
    d.close()


def deliver_at(deps, clock, delivery, moment: datetime) -> None:
    clock.set(moment)
    delivery.tick()


def test_an_action_due_friday_is_checked_on_friday_at_the_check_in_time(deps, clock):
    clock.set(MONDAY)
    add(deps, "Call Jan", date(2026, 12, 4))  # a Friday
    [checkin] = planned(deps, "checkin")
    assert local(checkin) == (date(2026, 12, 4), time(16, 0))


def test_a_bundled_check_in_says_when_each_action_was_due(deps, clock, delivery, fake_slack):
    clock.set(MONDAY)
    add(deps, "Call Piet", date(2026, 12, 3))  # Thursday
    add(deps, "Call Jan", date(2026, 12, 4))  # Friday: the two check-ins come together on Friday
    [checkin] = planned(deps, "checkin")
    assert local(checkin) == (date(2026, 12, 4), time(16, 0)) and len(checkin.action_ids) == 2
    deliver_at(deps, clock, delivery, datetime(2026, 12, 4, 16, 0, tzinfo=AMSTERDAM))
    [post] = [c.params for c in fake_slack.calls_to("chat.postMessage") if "Call Jan" in text_of(c.params)]
    text = text_of(post)
    assert "due today" not in text.lower()  # one of them was not
    # Each title on a line of its own, the question after it.
    assert "*Call Piet*\\nDid you get to it? It was planned for Thu 3 December." in text
    assert "*Call Jan*\\nDid you get to it?" in text and "*Call Jan*\\nDid you get to it? It was" not in text


def test_fewer_messages_means_fewer_planned_messages(deps, clock):
    clock.set(MONDAY)
    person(deps, "U2")
    with deps.transaction() as session:
        quiet = session.scalar(select(Person).where(Person.slack_user_id == "U2"))
        quiet.rhythm = "fewer"  # chose "Fewer messages" on the rhythm question
    added: dict[str, list[int]] = {"U1": [], "U2": []}
    for user in added:
        for n, due in enumerate([date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 9)]):
            added[user].append(add(deps, f"Call client {n}", due, user=user))
    usual = [n for n in planned(deps, user="U1") if n.kind not in kinds.UNCAPPED]
    fewer = [n for n in planned(deps, user="U2") if n.kind not in kinds.UNCAPPED]
    assert len(fewer) < len(usual)
    assert "progress" not in {n.kind for n in fewer}  # too much encouragement loses a tip, not gains a question
    # Every action is still asked about.
    assert sorted(a for n in fewer if n.kind == "checkin" for a in n.action_ids) == sorted(added["U2"])


def test_the_week_plan_carries_the_opening_line_of_the_preparation_it_replaces_on_one_line(
    deps, clock, delivery, fake_slack
):
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=AMSTERDAM))  # a Friday
    add(
        deps,
        "Call Linda",
        date(2026, 12, 2),  # Wednesday: its prep would come on Monday morning, the week plan's morning
        kind="aftercare",
        opening_line="How is the new office working out?",
        voicemail_plan="Leave my name and try again Thursday.",
    )
    assert planned(deps, "weekplan") == []  # one action: its own preparation says it all
    add(deps, "Call Piet", date(2026, 12, 3), opening_line="Shall we look at the renewal together?")
    assert [n.local_date for n in planned(deps, "weekplan")] == [date(2026, 11, 30)]
    # Linda's preparation comes in the week plan only; Piet's in its own message, so not in the week plan too.
    assert [n.local_date for n in planned(deps, "prep")] == [date(2026, 12, 1)]
    deliver_at(deps, clock, delivery, datetime(2026, 11, 30, 9, 30, tzinfo=AMSTERDAM))
    [post] = fake_slack.calls_to("chat.postMessage")
    text = text_of(post.params)
    assert "How is the new office working out?" in text
    assert "renewal" not in text
    assert "Leave my name" not in text  # compact: the opening line only
    assert len(text.split()) <= 150


def test_the_week_plan_stays_within_slack_limits(deps, clock, delivery, fake_slack):
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=AMSTERDAM))
    for n in range(14):
        add(deps, f"Call client {n}", date(2026, 12, 1 + n % 2), opening_line="x" * 2000, voicemail_plan="y" * 2000)
    deliver_at(deps, clock, delivery, datetime(2026, 11, 30, 9, 30, tzinfo=AMSTERDAM))
    posts = [c.params for c in fake_slack.calls_to("chat.postMessage") if "week" in text_of(c.params).lower()]
    assert posts
    blocks = posts[0]["blocks"]
    assert len(blocks) <= 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in blocks if b["type"] == "section")
    assert len(text_of(posts[0]).split()) <= 150  # compact: a line per action, "…and N more"


def test_an_action_due_tomorrow_made_after_the_morning_slot_is_prepared_today(deps, clock):
    clock.set(datetime(2026, 11, 26, 11, 0, tzinfo=AMSTERDAM))  # Thursday, after the 09:30 prep slot
    add(deps, "Call Jan", date(2026, 11, 27))
    [prep] = planned(deps, "prep")
    assert prep.due_at.astimezone(AMSTERDAM) == datetime(2026, 11, 26, 12, 0, tzinfo=AMSTERDAM)  # an hour on
    [checkin] = planned(deps, "checkin")
    assert local(checkin) == (date(2026, 11, 27), time(16, 0))


def test_no_prep_when_there_is_no_time_left_before_the_action(deps, clock):
    clock.set(datetime(2026, 11, 26, 18, 0, tzinfo=AMSTERDAM))  # Thursday, after working hours
    add(deps, "Call Jan", date(2026, 11, 27))
    assert planned(deps, "prep") == []  # tomorrow's morning is the due day itself: too late to help
    clock.set(datetime(2026, 11, 27, 11, 0, tzinfo=AMSTERDAM))
    add(deps, "Call Piet", date(2026, 11, 27))  # due today
    assert planned(deps, "prep") == []


def test_a_late_prep_counts_against_the_daily_maximum(deps, clock):
    clock.set(datetime(2026, 11, 26, 11, 0, tzinfo=AMSTERDAM))
    add(deps, "Call Jan", date(2026, 11, 27))
    add(deps, "Call Piet", date(2026, 11, 27))
    add(deps, "Call Kees", date(2026, 11, 27))
    today = [n for n in planned(deps) if n.local_date == date(2026, 11, 26) and n.kind not in kinds.UNCAPPED]
    assert len(today) <= 2


def test_the_week_plan_lists_the_week_in_date_order(deps, clock, delivery, fake_slack):
    clock.set(datetime(2026, 11, 27, 10, 0, tzinfo=AMSTERDAM))  # a Friday
    add(deps, "Mail Piet", date(2026, 12, 4))  # Friday, added first
    add(deps, "Call Linda", date(2026, 12, 3))  # Thursday
    deliver_at(deps, clock, delivery, datetime(2026, 11, 30, 9, 30, tzinfo=AMSTERDAM))
    [post] = [c.params for c in fake_slack.calls_to("chat.postMessage")]
    text = text_of(post)
    assert text.index("Call Linda") < text.index("Mail Piet")
