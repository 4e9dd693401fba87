"""The action form replans after its ack: the save marks the plan stale, the after-work replans it, and the
worker repairs a plan whose after-work never ran (the process died between the ack and the replan)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from bot.delivery import Delivery
from bot.flows import action_form as form_flow
from bot.services import planning, stale_plans
from models import Person
from tests.scenario import actions_of, form_values, last_response, nudges, opened_view, person, text_of

CONCRETE = "Call Jan, Piet and Klaas and book a catch-up with each"


def submit_form(slack, fake_slack, due: date) -> None:
    slack.command("/action", "")
    view = opened_view(fake_slack)
    slack.view_submission("action_form", form_values(CONCRETE, due), private_metadata=view["private_metadata"])


def marks(deps) -> list[object]:
    with deps.sessions() as session:
        return list(session.scalars(select(Person.plan_stale_at)))


def planned_for(deps, action_id: int) -> list[object]:
    return [n for n in nudges(deps) if action_id in (n.action_ids or [])]


def test_a_submitted_form_has_its_messages_planned_once_the_modal_is_closed(slack, running, fake_slack, deps):
    submit_form(slack, fake_slack, date(2026, 12, 11))
    running.settle()
    [action] = actions_of(deps)
    assert planned_for(deps, action.id)  # the check-in (and the preparation) are planned
    assert marks(deps) == [None]


def test_a_plan_whose_replan_never_came_is_repaired_by_the_worker(slack, running, fake_slack, deps, clock, monkeypatch):
    monkeypatch.setattr(form_flow, "after_save", lambda *args: None)  # the process died right after the ack
    submit_form(slack, fake_slack, date(2026, 12, 11))
    running.settle()
    [action] = actions_of(deps)
    assert planned_for(deps, action.id) == []
    assert marks(deps) == [clock.now()]
    worker = Delivery(deps, threads=1)
    try:
        assert worker.tick().replanned == 0  # within the grace: the after-ack replan may still be under way
        clock.advance(stale_plans.GRACE + timedelta(seconds=1))
        assert worker.tick().replanned == 1
    finally:
        worker.close()
    assert planned_for(deps, action.id)
    assert marks(deps) == [None]


def test_a_replan_that_fails_after_the_ack_still_answers_and_is_repaired(
    slack, running, fake_slack, deps, clock, monkeypatch
):
    def database_gone(*args, **kwargs):
        raise OperationalError("DELETE FROM nudges ...", {}, Exception("server closed the connection"))

    monkeypatch.setattr(stale_plans, "replan", database_gone)
    submit_form(slack, fake_slack, date(2026, 12, 11))
    running.settle()
    assert "Saved:" in text_of(last_response(fake_slack))  # the person still hears it was saved
    [action] = actions_of(deps)
    assert planned_for(deps, action.id) == []
    monkeypatch.undo()
    clock.advance(stale_plans.GRACE + timedelta(seconds=1))
    worker = Delivery(deps, threads=1)
    try:
        assert worker.tick().replanned == 1
    finally:
        worker.close()
    assert planned_for(deps, action.id)
    assert marks(deps) == [None]


def test_a_mark_set_again_during_the_replan_stays_for_its_own_replan(deps, clock, monkeypatch):
    person_id = person(deps).id
    with deps.transaction() as session:
        stale_plans.mark(session, clock, session.get(Person, person_id))
    later = clock.now() + timedelta(seconds=1)
    replan = planning.replan

    def another_change_meanwhile(session, clock_, someone, *, rules):
        replan(session, clock_, someone, rules=rules)
        session.execute(update(Person).where(Person.id == someone.id).values(plan_stale_at=later))

    monkeypatch.setattr(planning, "replan", another_change_meanwhile)
    with deps.transaction() as session:
        assert stale_plans.replan(session, clock, person_id, rules=deps.rules)
    assert marks(deps) == [later]
