"""One effect per click, held by the mechanism: the same click or submission twice at the same time.

Two identical signed requests start together (a barrier) from two threads; the state changes are conditional
updates and an action has at most one next occurrence (a unique constraint), so exactly one of them acts,
on SQLite and PostgreSQL alike. No sleeps, no timing: the outcome is decided by the database.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime

import pytest
from sqlalchemy import select

from bot.delivery import Delivery
from bot.services import actions
from models import Action, Event, Nudge
from tests.conftest import AMSTERDAM
from tests.scenario import actions_of, click_button, event_kinds, form_values, opened_view, person, text_of

MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=AMSTERDAM)


def together(*requests: Callable[[], object]) -> list[object]:
    """Send the requests at the same moment, each from its own thread; return their answers."""
    barrier = threading.Barrier(len(requests))
    answers: list[object] = [None] * len(requests)
    failures: list[BaseException] = []

    def run(index: int, request: Callable[[], object]) -> None:
        try:
            barrier.wait()
            answers[index] = request()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return answers


def twice(request: Callable[[], object]) -> list[object]:
    return together(request, request)


@pytest.fixture(autouse=True)
def no_request_fails(caplog):
    """Neither of the two requests may fail (a constraint alone would keep the count, with an error)."""
    yield
    failed = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failed, failed


@pytest.fixture
def delivery(deps):
    d = Delivery(deps, threads=2)
    yield d
    d.close()


def celebrations(fake_slack) -> list[dict]:
    return [c.params for c in fake_slack.calls_to("chat.postMessage") if "Did you" not in text_of(c.params)]


def events_of(deps, kind: str) -> list[Event]:
    with deps.sessions() as session:
        return list(session.scalars(select(Event).where(Event.kind == kind)))


def repeating(slack, running, fake_slack, deps) -> Action:
    """A keep-in-touch action, repeated every 6 weeks, added through the form."""
    slack.command("/action", "")
    view = opened_view(fake_slack)
    values = form_values("Call Jan for a catch-up", date(2026, 12, 1), kind="top_client", contacts="Jan", repeat=6)
    slack.view_submission("action_form", values, private_metadata=view["private_metadata"])
    running.settle()
    [action] = actions_of(deps)
    return action


def test_done_submitted_twice_at_once_makes_one_next_occurrence(slack, running, fake_slack, deps):
    first = repeating(slack, running, fake_slack, deps)
    slack.block_action("action_done", str(first.id))
    outcome = opened_view(fake_slack, 2)
    answers = twice(lambda: slack.view_submission("action_outcome", {}, private_metadata=outcome["private_metadata"]))
    running.settle()
    assert [a.status for a in answers] == [200, 200]
    done, follow = actions_of(deps)
    assert (done.status, follow.status, follow.repeat_of_id) == ("done", "open", done.id)
    assert len(events_of(deps, "done")) == 1
    assert event_kinds(deps).count("created") == 2  # the first action and its one next occurrence
    assert len(celebrations(fake_slack)) == 1


def add(deps, title: str, due: date, *, repeat: int | None = None, contacts=("Jan",)) -> int:
    owner = person(deps)
    with deps.transaction() as session:
        owner = session.merge(owner)
        data = actions.ActionInput(
            title=title, due=due, contacts=list(contacts), kind="top_client", repeat_weeks=repeat
        )
        return actions.create(
            session, deps.clock, owner=owner, actor=owner, data=data, today=MONDAY.date(), rules=deps.rules
        )[0].id


def checkin_about(deps, clock, delivery, *titles: str, repeat: int | None = 6) -> Nudge:
    clock.set(MONDAY)
    ids = [add(deps, title, date(2026, 12, 2), repeat=repeat) for title in titles]
    clock.set(datetime(2026, 12, 2, 16, 0, 30, tzinfo=AMSTERDAM))
    delivery.tick()
    with deps.sessions() as session:
        nudge = session.scalar(select(Nudge).where(Nudge.kind == "checkin", Nudge.status == "sent"))
    assert nudge is not None and sorted(nudge.action_ids) == sorted(ids)
    return nudge


def click_done(slack, fake_slack, nudge: Nudge, action_id: int):
    return lambda: click_button(slack, fake_slack, "nudge_answer:done", f"{nudge.id}:{action_id}:done")


def occurrences_of(deps, action_id: int) -> list[Action]:
    with deps.sessions() as session:
        return list(session.scalars(select(Action).where(Action.repeat_of_id == action_id)))


def test_done_in_a_check_in_clicked_twice_at_once_acts_once(deps, clock, delivery, fake_slack, slack, running):
    nudge = checkin_about(deps, clock, delivery, "Call Jan for a catch-up")
    [first] = nudge.action_ids
    answers = twice(click_done(slack, fake_slack, nudge, first))
    running.settle()
    assert [a.status for a in answers] == [200, 200]
    assert len(occurrences_of(deps, first)) == 1
    assert len(events_of(deps, "done")) == 1
    assert len(events_of(deps, "answered")) == 1
    assert len(celebrations(fake_slack)) == 1
    with deps.sessions() as session:
        assert session.get(Nudge, nudge.id).answer == {str(first): "done"}


def test_done_on_two_actions_of_one_check_in_at_once_keeps_both_answers(
    deps, clock, delivery, fake_slack, slack, running
):
    nudge = checkin_about(deps, clock, delivery, "Call Jan for a catch-up", "Call Piet for a catch-up")
    first, second = nudge.action_ids
    together(click_done(slack, fake_slack, nudge, first), click_done(slack, fake_slack, nudge, second))
    running.settle()
    with deps.sessions() as session:
        assert session.get(Nudge, nudge.id).answer == {str(first): "done", str(second): "done"}
        assert {session.get(Action, a).status for a in (first, second)} == {"done"}
    assert len(occurrences_of(deps, first)) == len(occurrences_of(deps, second)) == 1
    assert len(events_of(deps, "done")) == 2


def test_done_change_my_answer_done_again_reuses_the_one_next_occurrence(
    deps, clock, delivery, fake_slack, slack, running
):
    nudge = checkin_about(deps, clock, delivery, "Call Jan for a catch-up")
    [first] = nudge.action_ids
    click_done(slack, fake_slack, nudge, first)()
    running.settle()
    [follow] = occurrences_of(deps, first)
    assert click_button(slack, fake_slack, "nudge_change", f"{nudge.id}:{first}").status == 200
    running.settle()
    with deps.sessions() as session:
        assert session.get(Action, first).status == "open"
    click_done(slack, fake_slack, nudge, first)()
    running.settle()
    assert [a.id for a in occurrences_of(deps, first)] == [follow.id]
    with deps.sessions() as session:
        assert session.get(Action, first).status == "done"
    assert [e.action_id for e in events_of(deps, "created")].count(follow.id) == 1


def test_change_my_answer_clicked_twice_at_once_reopens_once(deps, clock, delivery, fake_slack, slack, running):
    nudge = checkin_about(deps, clock, delivery, "Call Jan for a catch-up")
    [first] = nudge.action_ids
    click_done(slack, fake_slack, nudge, first)()
    running.settle()
    twice(lambda: click_button(slack, fake_slack, "nudge_change", f"{nudge.id}:{first}"))
    running.settle()
    assert len(events_of(deps, "reopened")) == 1
    assert len(events_of(deps, "answer_changed")) == 1
    with deps.sessions() as session:
        assert session.get(Action, first).status == "open"
        assert session.get(Nudge, nudge.id).answer == {}


def test_drop_clicked_twice_at_once_drops_once(slack, running, fake_slack, deps):
    slack.command("/action", "call Jan tomorrow")
    running.settle()
    [action] = actions_of(deps)
    twice(lambda: slack.block_action("action_drop", str(action.id)))
    running.settle()
    assert actions_of(deps)[0].status == "dropped"
    assert len(events_of(deps, "dropped")) == 1


def test_a_new_date_picked_twice_at_once_moves_it_once(slack, running, fake_slack, deps):
    slack.command("/action", "call Jan tomorrow")
    running.settle()
    [action] = actions_of(deps)
    twice(lambda: slack.block_action("action_reschedule", selected_date="2026-12-10", block_id=f"card:{action.id}"))
    running.settle()
    assert actions_of(deps)[0].due_date == date(2026, 12, 10)
    assert len(events_of(deps, "rescheduled")) == 1


def test_a_contact_ticked_twice_at_once_is_ticked_once(slack, running, fake_slack, deps):
    slack.command("/action", "call Jan tomorrow")
    running.settle()
    [action] = actions_of(deps)
    [jan] = action.contacts
    value = f"{action.id}:{jan.id}:done"
    twice(lambda: slack.block_action("contact_status", selected_option=value, block_id="c"))
    running.settle()
    assert actions_of(deps)[0].status == "done"
    assert len(events_of(deps, "contact_updated")) == 1
    assert len(events_of(deps, "done")) == 1
    assert len(celebrations(fake_slack)) == 1
