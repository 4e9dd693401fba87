"""The action form's ack waits only for the submission to be kept (one row); it becomes the action after the
ack, and the worker saves a kept submission whose save never came. Nothing typed into a closed form is lost."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.delivery import Delivery
from bot.flows import action_form as form_flow
from bot.services import actions as action_service
from bot.services import form_submissions
from models import FormSubmission
from tests.scenario import actions_of, form_values, last_response, opened_view, text_of, together

CONCRETE = "Call Jan, Piet and Klaas and book a catch-up with each"


@pytest.fixture
def worker(deps):
    delivery = Delivery(deps, threads=1)
    yield delivery
    delivery.close()


def kept(deps) -> int:
    with deps.sessions() as session:
        return session.scalar(select(func.count()).select_from(FormSubmission)) or 0


def submit(slack, fake_slack, view_id: str = "V1"):
    slack.command("/action", "")
    view = opened_view(fake_slack)
    values = form_values(CONCRETE, date(2026, 12, 11), opening="Hi Jan, a quick question")
    return slack.view_submission("action_form", values, private_metadata=view["private_metadata"], view_id=view_id)


def test_a_submitted_form_closes_and_becomes_the_action_right_after(slack, running, fake_slack, deps):
    answer = submit(slack, fake_slack)
    assert answer.status == 200 and (answer.body in ("", "{}") or answer.json().get("response_action") is None)
    running.settle()
    [action] = actions_of(deps)
    assert (action.title, action.opening_line) == (CONCRETE, "Hi Jan, a quick question")
    assert kept(deps) == 0  # saved, and the kept submission gone in the same transaction
    assert "Saved:" in text_of(last_response(fake_slack))


def test_a_form_whose_save_never_came_is_saved_by_the_worker(slack, running, fake_slack, deps, clock, worker,
                                                            monkeypatch):  # fmt: skip
    monkeypatch.setattr(form_flow, "complete", lambda *args: None)  # the process died right after the ack
    submit(slack, fake_slack)
    running.settle()
    assert actions_of(deps) == [] and kept(deps) == 1
    monkeypatch.undo()
    assert worker.tick().forms == 0  # within the grace: the save after the ack may still be under way
    clock.advance(form_submissions.GRACE + timedelta(seconds=1))
    assert worker.tick().forms == 1
    [action] = actions_of(deps)
    assert action.opening_line == "Hi Jan, a quick question"  # what was typed, all of it
    assert kept(deps) == 0
    assert "Saved:" in text_of(last_response(fake_slack))  # they hear it, where they typed /action


def test_a_save_that_fails_after_the_ack_is_tried_again_by_the_worker(slack, running, fake_slack, deps, clock,
                                                                     worker, monkeypatch):  # fmt: skip
    def database_gone(*args, **kwargs):
        raise OperationalError("INSERT INTO actions ...", {}, Exception("server closed the connection"))

    monkeypatch.setattr(action_service, "create", database_gone)
    submit(slack, fake_slack)
    running.settle()
    assert actions_of(deps) == [] and kept(deps) == 1  # rolled back: the submission is still kept
    monkeypatch.undo()
    clock.advance(form_submissions.GRACE + timedelta(seconds=1))
    assert worker.tick().forms == 1
    assert [a.title for a in actions_of(deps)] == [CONCRETE] and kept(deps) == 0
    assert worker.tick().forms == 0  # once


def test_the_same_form_submitted_twice_at_once_is_saved_once(slack, running, fake_slack, deps):
    slack.command("/action", "")
    view = opened_view(fake_slack)
    values = form_values(CONCRETE, date(2026, 12, 11))
    answers = together(
        *[lambda: slack.view_submission("action_form", values, private_metadata=view["private_metadata"],
                                        view_id="V9")] * 2
    )  # fmt: skip
    assert all(a.status == 200 and "errors" not in (a.body or "") for a in answers)
    running.settle()
    assert len(actions_of(deps)) == 1 and kept(deps) == 0


def test_a_form_that_cannot_be_saved_at_all_comes_back_to_its_author(slack, running, fake_slack, deps, clock,
                                                                       worker, monkeypatch):  # fmt: skip
    def broken(*args, **kwargs):
        raise RuntimeError("a bug in saving")

    monkeypatch.setattr(action_service, "create", broken)
    submit(slack, fake_slack)
    running.settle()
    clock.advance(form_submissions.GRACE + timedelta(seconds=1))
    for _ in range(form_submissions.MAX_ATTEMPTS):
        assert worker.tick().forms == 0 and kept(deps) == 1  # tried again each tick
    worker.tick()
    assert kept(deps) == 0 and actions_of(deps) == []
    [dm] = [c.params for c in fake_slack.calls_to("chat.postMessage") if "several tries" in text_of(c.params)]
    assert CONCRETE in text_of(dm) and "Hi Jan, a quick question" in text_of(dm)  # what they typed, back
