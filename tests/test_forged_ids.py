"""Every click and submission looks up what it names through the owner check: another person's ids (a
forged value, a shared or stale message) change nothing of theirs and reveal nothing of it.

Each listener that takes an action, contact, nudge or proposal id is driven by an intruder in the same
workspace with the ids of someone else's things; afterwards that person's actions, contacts, nudges and
events are exactly as before, their messages were not touched, and nothing the intruder received (answers,
DMs, forms) shows their words.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from bot.delivery import Delivery
from bot.flows.forms import state_from_action
from bot.messages.action_form import BOOKED_CALLBACK, DECLINE_CALLBACK, FORM_CALLBACK, OUTCOME_CALLBACK
from bot.services import actions, people
from models import Action, ActionContact, Event, Nudge
from tests.conftest import AMSTERDAM
from tests.scenario import form_values, manager_of, person

SECRET = "SECRETWORDS"
MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=AMSTERDAM)
WED = date(2026, 12, 2)
INTRUDER = "U2"


def victims_world(deps, clock) -> dict[str, int]:
    """U1 has an open action with a contact and a check-in about it in their DM; UMAN proposed U1 another."""
    clock.set(MONDAY)
    manager_of(deps, "UMAN", "U1")
    owner = person(deps, "U1")
    with deps.transaction() as session:
        owner = session.merge(owner)
        manager = people.find_person(session, "T1", "UMAN")
        data = actions.ActionInput(
            title=f"Call Jan {SECRET}", due=WED, contacts=[f"Jan {SECRET}"], kind="aftercare", notes=SECRET
        )
        action, _ = actions.create(
            session, clock, owner=owner, actor=owner, data=data, today=MONDAY.date(), rules=deps.rules
        )
        proposal_data = actions.ActionInput(title=f"Visit Piet {SECRET}", due=date(2026, 12, 11), contacts=["Piet"])
        proposal, _ = actions.create(
            session, clock, owner=owner, actor=manager, data=proposal_data, today=MONDAY.date(), rules=deps.rules
        )
        ids = {"action": action.id, "contact": action.contacts[0].id, "proposal": proposal.id}
    clock.set(datetime.combine(WED, time(16, 0, 30), tzinfo=AMSTERDAM))
    delivery = Delivery(deps, threads=1)
    delivery.tick()
    delivery.close()
    with deps.sessions() as session:
        nudge = session.scalar(select(Nudge).where(Nudge.kind == "checkin", Nudge.status == "sent"))
        assert nudge is not None and nudge.action_ids == [ids["action"]]
        ids["nudge"] = nudge.id
    return ids


def snapshot(deps) -> Any:
    with deps.sessions() as session:
        return (
            [
                (a.id, a.status, a.due_date, a.title, a.notes, a.needs_attention, a.decline_reason, a.outcomes)
                for a in session.scalars(select(Action).order_by(Action.id))
            ],
            [
                (c.id, c.status, c.appointment_on, c.retry_on)
                for c in session.scalars(select(ActionContact).order_by(ActionContact.id))
            ],
            [
                (n.id, n.status, n.due_at, json.dumps(n.answer, sort_keys=True), n.answered_at)
                for n in session.scalars(select(Nudge).order_by(Nudge.id))
            ],
            # What happened to the victim's things (the intruder's own first visit is recorded too: not theirs).
            [
                (e.id, e.kind, e.action_id)
                for e in session.scalars(select(Event).where(Event.action_id.is_not(None)).order_by(Event.id))
            ],
        )


def forged_clicks(ids: dict[str, int]) -> list[tuple[str, dict[str, Any]]]:
    n, a, c, p = ids["nudge"], ids["action"], ids["contact"], ids["proposal"]
    return [
        ("nudge_answer:done", {"value": f"{n}:{a}:done"}),
        ("nudge_answer:drop", {"value": f"{n}:{a}:drop"}),
        ("nudge_date", {"block_id": f"nd:{n}:{a}:date", "selected_date": "2026-12-10", "element": "datepicker"}),
        ("nudge_change", {"value": f"{n}:{a}"}),
        ("nudge_contact", {"selected_option": f"{n}:{a}:{c}:reached"}),
        ("nudge_edit", {"value": f"{n}:{a}"}),
        ("nudge_edit", {"value": f"{n}:{a}:smaller"}),
        ("nudge_next_step", {"value": f"{n}:{a}"}),
        ("action_done", {"value": str(a)}),
        ("action_reschedule", {"block_id": f"reschedule:{a}", "selected_date": "2026-12-10"}),
        ("action_edit", {"value": str(a)}),
        ("action_drop", {"value": str(a)}),
        ("quick_undo", {"value": str(a)}),
        ("contact_status", {"selected_option": f"{a}:{c}:booked"}),
        ("contact_status", {"selected_option": f"{a}:{c}:reached"}),
        ("proposal_accept", {"value": str(p)}),
        ("proposal_adjust", {"value": str(p)}),
        ("proposal_decline", {"value": str(p)}),
    ]


def test_another_persons_ids_change_nothing_and_reveal_nothing(deps, clock, fake_slack, slack, running):
    ids = victims_world(deps, clock)
    with deps.sessions() as session:
        message = session.get(Nudge, ids["nudge"])
        victims_message = (message.channel_id, message.message_ts)
        form_state = state_from_action(session.get(Action, ids["action"]), "edit", {"nudge": str(ids["nudge"])})
        adjust_state = state_from_action(session.get(Action, ids["proposal"]), "adjust", {})
    before = snapshot(deps)
    calls_before = len(fake_slack.calls)

    for action_id, kwargs in forged_clicks(ids):
        kwargs = dict(kwargs)
        value = kwargs.pop("value", None)
        response = slack.block_action(action_id, value, user=INTRUDER, **kwargs)
        assert response.status == 200, action_id
        running.settle()
        assert snapshot(deps) == before, f"{action_id} changed someone else's things"

    submissions = [
        (OUTCOME_CALLBACK, {"action_id": ids["action"]}, {}),
        (DECLINE_CALLBACK, {"action_id": ids["proposal"]}, {"reason": {"value": {"type": "plain_text_input"}}}),
        (BOOKED_CALLBACK, {"action_id": ids["action"], "contact_id": ids["contact"]}, {}),
    ]
    for callback, meta, values in submissions:
        assert slack.view_submission(callback, values, user=INTRUDER, private_metadata=json.dumps(meta)).status == 200
        running.settle()
        assert snapshot(deps) == before, f"{callback} changed someone else's things"
    for state in (form_state, adjust_state):
        values = form_values("Call Jan about nothing", date(2026, 12, 10), kind=state.kind or "other")
        response = slack.view_submission(FORM_CALLBACK, values, user=INTRUDER, private_metadata=state.metadata())
        assert response.status == 200
        running.settle()
        assert snapshot(deps) == before, f"the form ({state.mode}) changed someone else's things"

    after = fake_slack.calls[calls_before:]
    touched = [
        c for c in after if c.method == "chat.update" and (c.params["channel"], c.params["ts"]) == victims_message
    ]
    assert touched == [], "the victim's message was re-rendered"
    assert not [c for c in after if c.method == "views.open"], "a form opened on someone else's action"
    seen_by_intruder = json.dumps([c.params for c in after], ensure_ascii=False)
    assert SECRET not in seen_by_intruder  # no answer, DM, Home tab or form shows the victim's words
    assert not [c for c in after if c.method == "chat.postMessage" and c.params["channel"] in ("UMAN", "DUMAN")]
