"""/actions and every button on an action: done with an outcome, new date, edit, drop, contacts, repeat."""

from __future__ import annotations

from datetime import date, timedelta

from bot.services.actions import ActionInput, create
from tests.scenario import (
    actions_of,
    buttons,
    event_kinds,
    form_values,
    last_response,
    opened_view,
    person,
    text_of,
)


def add(slack, running, deps, text: str):
    slack.command("/action", text)
    running.settle()
    return actions_of(deps)[-1]


def test_actions_lists_open_actions_soonest_first_with_buttons(slack, running, fake_slack, deps):
    add(slack, running, deps, "call Piet in two weeks")
    add(slack, running, deps, "call Jan tomorrow")
    slack.command("/actions")
    running.settle()
    reply = last_response(fake_slack, 3)
    text = text_of(reply)
    assert text.index("Call Jan") < text.index("Call Piet")
    found = buttons(reply)
    assert {"action_done", "action_reschedule", "action_edit", "action_drop"} <= set(found)
    drop = next(e for b in reply["blocks"] for e in b.get("elements", []) if e.get("action_id") == "action_drop")
    assert drop["confirm"]["title"]["text"] == "Drop this action?"


def test_actions_with_nothing_open_says_how_to_start(slack, running, fake_slack):
    slack.command("/actions")
    assert "/action call Jan before Friday" in text_of(last_response(fake_slack))


def test_done_asks_for_the_outcome_and_records_it(slack, running, fake_slack, deps):
    action = add(slack, running, deps, "call Jan tomorrow")
    slack.block_action("action_done", str(action.id))
    view = opened_view(fake_slack)
    assert view["callback_id"] == "action_outcome"
    values = {
        "note": {"value": {"value": "Lunch booked for March"}},
        "outcomes": {"value": {"selected_options": [{"value": "meeting"}, {"value": "buying_signal"}]}},
    }
    slack.view_submission("action_outcome", values, private_metadata=view["private_metadata"])
    running.settle()
    [action] = actions_of(deps)
    assert (action.status, action.outcome_note, action.outcomes) == (
        "done",
        "Lunch booked for March",
        "meeting,buying_signal",
    )
    assert "*Call Jan*\\nDone." in text_of(last_response(fake_slack, 2))
    # Submitting the outcome again changes nothing.
    slack.view_submission("action_outcome", values, private_metadata=view["private_metadata"])
    running.settle()
    assert event_kinds(deps).count("done") == 1


def test_done_of_a_repeating_action_plans_the_next_one_with_the_same_preparation(slack, running, fake_slack, deps):
    slack.command("/action", "")
    view = opened_view(fake_slack)
    values = form_values(
        "Call Jan for a catch-up",
        date(2026, 12, 1),
        kind="top_client",
        contacts="Jan",
        opening="How is the new office?",
        repeat=6,
    )
    slack.view_submission("action_form", values, private_metadata=view["private_metadata"])
    running.settle()
    [first] = actions_of(deps)
    slack.block_action("action_done", str(first.id))
    outcome = opened_view(fake_slack, 2)
    slack.view_submission("action_outcome", {}, private_metadata=outcome["private_metadata"])
    running.settle()
    done, follow = actions_of(deps)
    assert done.status == "done" and follow.status == "open"
    assert follow.due_date == date(2026, 12, 1) + timedelta(weeks=6)
    assert (follow.opening_line, follow.repeat_weeks, follow.repeat_of_id) == ("How is the new office?", 6, done.id)
    assert [c.status for c in follow.contacts] == ["todo"]


def test_reschedule_moves_the_date_and_refuses_the_past(slack, running, fake_slack, deps):
    action = add(slack, running, deps, "call Jan tomorrow")
    slack.block_action("action_reschedule", selected_date="2026-12-10", block_id=f"card:{action.id}")
    running.settle()
    assert actions_of(deps)[0].due_date == date(2026, 12, 10)
    assert "*Call Jan*\\nMoved to Thu 10 December" in text_of(last_response(fake_slack, 2))
    slack.block_action("action_reschedule", selected_date="2026-11-01", block_id=f"card:{action.id}")
    running.settle()
    assert actions_of(deps)[0].due_date == date(2026, 12, 10)
    assert "That day has passed" in text_of(last_response(fake_slack, 3))


def test_drop_removes_it_from_the_list_once(slack, running, fake_slack, deps):
    action = add(slack, running, deps, "call Jan tomorrow")
    for _ in range(2):  # a double click
        slack.block_action("action_drop", str(action.id))
        running.settle()
    assert actions_of(deps)[0].status == "dropped"
    assert event_kinds(deps).count("dropped") == 1
    assert "You have no open actions" in text_of(last_response(fake_slack, 2))


def test_three_contacts_are_ticked_off_one_by_one_until_the_action_is_done(slack, running, fake_slack, deps):
    action = add(slack, running, deps, "call Jan, Piet and Klaas before the end of June")
    jan, piet, klaas = action.contacts
    slack.command("/actions")
    running.settle()
    menu_values = buttons(last_response(fake_slack, 2))["contact_status"]
    assert len(menu_values) == 3  # one progress menu per contact

    def tick(contact, status):
        # An overflow menu sends the chosen option:
        slack.block_action("contact_status", selected_option=f"{action.id}:{contact.id}:{status}", block_id="c")
        running.settle()

    tick(jan, "reached")
    tick(piet, "voicemail")
    statuses = {c.name: (c.status, c.retry_on) for c in actions_of(deps)[0].contacts}
    assert statuses["Jan"] == ("reached", None)
    assert statuses["Piet"] == ("voicemail", date(2026, 11, 27))  # retry the next working day
    assert "2 of 3 reached" not in text_of(last_response(fake_slack))  # voicemail is not reached
    assert "1 of 3 reached" in text_of(last_response(fake_slack))
    for contact in (jan, piet, klaas):
        tick(contact, "done")
    [action] = actions_of(deps)
    assert action.status == "done"
    assert "*Call Jan, Piet and Klaas*\\nDone." in text_of(last_response(fake_slack))


def test_booking_an_appointment_asks_for_its_date(slack, running, fake_slack, deps):
    action = add(slack, running, deps, "call Jan and Piet before the end of June")
    jan = action.contacts[0]
    slack.block_action("contact_status", selected_option=f"{action.id}:{jan.id}:booked", block_id="c")
    view = opened_view(fake_slack)
    assert view["callback_id"] == "contact_booked"
    slack.view_submission(
        "contact_booked",
        {"when": {"value": {"selected_date": "2027-01-12"}}},
        private_metadata=view["private_metadata"],
    )
    running.settle()
    jan = actions_of(deps)[0].contacts[0]
    assert (jan.status, jan.appointment_on) == ("booked", date(2027, 1, 12))
    assert "1 booked" in text_of(last_response(fake_slack))


def test_actions_done_shows_what_was_finished(slack, running, fake_slack, deps):
    action = add(slack, running, deps, "call Jan tomorrow")
    slack.block_action("action_done", str(action.id))
    slack.view_submission("action_outcome", {}, private_metadata=opened_view(fake_slack)["private_metadata"])
    running.settle()
    slack.command("/actions", "done")
    running.settle()
    text = text_of(last_response(fake_slack, 3))
    assert "Done in the last 90 days" in text and "Call Jan" in text


def test_nobody_reaches_someone_elses_action(slack, running, fake_slack, deps):
    mine = add(slack, running, deps, "call Jan tomorrow")
    for user, team in (("U2", "T1"), ("U1", "T2")):  # another person; the same user id in another workspace
        slack.block_action("action_drop", str(mine.id), user=user, team=team)
        slack.block_action("action_edit", str(mine.id), user=user, team=team)
        running.settle()
    assert actions_of(deps)[0].status == "open"
    assert "can't find that action" in text_of(last_response(fake_slack))
    assert fake_slack.calls_to("views.open") == []


def test_the_home_tab_shows_the_plan_and_is_republished_after_changes(slack, running, fake_slack, deps):
    person(deps)
    slack.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"})
    running.settle()
    first = text_of(fake_slack.calls_to("views.publish")[-1].params["view"])
    assert "Nothing on your list yet" in first
    home = fake_slack.calls_to("views.publish")[-1].params["view"]
    assert {"action_add", "home_starter:top_client"} <= set(buttons(home))
    action = add(slack, running, deps, "call Jan tomorrow")
    assert "Call Jan" in text_of(fake_slack.calls_to("views.publish")[-1].params["view"])
    slack.block_action("action_drop", str(action.id), container={"type": "view", "view_id": "VHOME"})
    running.settle()
    last = text_of(fake_slack.calls_to("views.publish")[-1].params["view"])
    assert "Call Jan" not in last


def test_home_starter_opens_a_prefilled_form(slack, running, fake_slack, deps):
    slack.block_action("home_starter:top_client", "top_client", container={"type": "view", "view_id": "VHOME"})
    view = opened_view(fake_slack)
    text = text_of(view)
    assert "top 3 clients" in text
    repeat = next(b for b in view["blocks"] if b.get("block_id") == "repeat")
    assert repeat["element"]["initial_option"]["value"] == "6"


def test_a_long_list_shows_what_fits_in_one_message_and_how_many_more(slack, running, fake_slack, deps):
    owner = person(deps)
    with deps.transaction() as session:
        owner = session.merge(owner)
        for i in range(30):
            title = f"Call the partner group of client {i} about the renewal of the framework agreement for 2027"
            data = ActionInput(title=title, due=date(2026, 12, 1) + timedelta(days=i),
                               contacts=["Jan de Vries", "Piet Jansen", "Klaas Bakker"], kind="aftercare")
            create(session, deps.clock, owner=owner, actor=owner, data=data, today=date(2026, 11, 26), rules=deps.rules)
    slack.command("/actions")
    running.settle()
    listing = last_response(fake_slack)  # the fake took it: within 50 blocks and Slack's text budget
    shown = text_of(listing).count("about the renewal")
    assert 0 < shown < 30 and f"and {30 - shown} more. Your Home tab shows them all." in text_of(listing)


def test_an_outcome_whose_save_fails_stays_open_with_the_note(slack, running, fake_slack, deps, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from bot.services import actions as action_service

    action = add(slack, running, deps, "call Jan tomorrow")
    slack.block_action("action_done", str(action.id))
    view = opened_view(fake_slack)

    def database_down(*args, **kwargs):
        raise OperationalError("UPDATE actions ...", {}, Exception("could not connect"))

    monkeypatch.setattr(action_service, "complete", database_down)
    values = {"note": {"value": {"value": "Lunch booked for March"}}, "outcomes": {"value": {"selected_options": []}}}
    body = slack.view_submission("action_outcome", values, private_metadata=view["private_metadata"]).json()
    assert body["response_action"] == "errors" and "Everything you typed is still here" in body["errors"]["note"]
    running.settle()
    assert actions_of(deps)[0].status == "open"
