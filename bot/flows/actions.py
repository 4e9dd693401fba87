"""What a person does to their own actions, wherever the action is shown (the /actions list, the Home tab,
a quick-add reply): list, edit, reschedule, finish (with an outcome), drop, undo, mark a contact, book.

Each use case changes the action through the actions service, then refreshes what the change touched: the
ephemeral list it came from (through its response_url, with a note) and the Home tab.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.deps import Deps
from bot.flows import home, notify
from bot.flows.celebrate import celebrate
from bot.flows.context import Caller, Turn, turn
from bot.flows.forms import open_form, state_from_action
from bot.messages import actions as action_messages
from bot.messages.action_form import booked_modal, outcome_modal
from bot.messages.catalogue import escape
from bot.messages.dates import format_day
from bot.services import actions
from bot.slack import SlackError
from models import Action, ActionContact

DONE_WINDOW = timedelta(days=90)


def show_list(deps: Deps, who: Caller, response_url: str | None, done: bool) -> None:
    """`/actions`: the open actions, soonest first, with buttons; `/actions done`: what was finished lately."""
    with turn(deps, who) as t:
        if done:
            finished = actions.done_since(t.session, t.person, deps.clock.now() - DONE_WINDOW)
            payload = action_messages.done_list(t.cat, finished, t.today)
        else:
            payload = _open_list(t)
    notify.respond(deps, who.team_id, response_url, payload)


def refresh(deps: Deps, who: Caller, origin: dict[str, str], note: str | None = None) -> None:
    """After a change: the list it came from shows the new state (with a note), and the Home tab too."""
    response_url = origin.get("response_url")
    if response_url:
        with turn(deps, who) as t:
            payload = _open_list(t, note)
        notify.respond(deps, who.team_id, response_url, payload)
    home.publish(deps, who.team_id, who.user_id)


def _open_list(t: Turn, note: str | None = None) -> dict[str, Any]:
    return action_messages.open_list(
        t.cat,
        actions.open_actions(t.session, t.person),
        t.today,
        note=note,
        proposals=actions.pending_proposals(t.session, t.person),
    )


def answer_error(deps: Deps, who: Caller, origin: dict[str, str], code: str) -> None:
    """Say what went wrong where they clicked (or by direct message), and show the Home tab as it is."""
    with turn(deps, who) as t:
        text = t.cat.t(f"error.{code}")
    notify.tell(deps, who.team_id, who.user_id, origin, action_messages.notice(text, replace=False))
    home.publish(deps, who.team_id, who.user_id)


def _open_modal(deps: Deps, who: Caller, trigger_id: str, view: dict[str, Any], origin: dict[str, str]) -> None:
    try:
        deps.gateway.open_view(trigger_id, view)
    except SlackError:
        answer_error(deps, who, origin, "slack_busy")


def open_edit(deps: Deps, who: Caller, trigger_id: str, action_id: int, origin: dict[str, str]) -> None:
    """Edit: the form, filled with the action as it is; a finished action can no longer be edited."""
    state, error = None, ""
    with turn(deps, who) as t:
        cat = t.cat
        try:
            found = actions.get_own(t.session, t.person, action_id)
            if found.is_final:
                raise actions.ActionError("not_open")
            state = state_from_action(found, "edit", origin)
        except actions.ActionError as exc:
            error = exc.code
    if state is None:
        answer_error(deps, who, origin, error)
    elif not open_form(deps, trigger_id, cat, state):
        answer_error(deps, who, origin, "slack_busy")


def reschedule(deps: Deps, who: Caller, action_id: int, picked: date | None, origin: dict[str, str]) -> None:
    note = None
    with turn(deps, who) as t:
        try:
            found = actions.get_own(t.session, t.person, action_id)
            if picked and actions.reschedule(
                t.session, deps.clock, found, t.person, picked, t.today, rules=t.deps.rules
            ):
                due = format_day(t.cat, found.due_date, t.today)
                note = t.cat.t("result.rescheduled", title=escape(found.title), due=due)
        except actions.ActionError as exc:
            note = t.cat.t(f"error.{exc.code}")
    refresh(deps, who, origin, note)


def drop(deps: Deps, who: Caller, action_id: int, origin: dict[str, str]) -> None:
    with turn(deps, who) as t:
        note = _drop(t, action_id, "dropped", "result.dropped")
    refresh(deps, who, origin, note)


def undo(deps: Deps, who: Caller, action_id: int, origin: dict[str, str]) -> None:
    """Undo of a quick add: the action leaves the list, and the reply says so in place."""
    with turn(deps, who) as t:
        text = _drop(t, action_id, "undo", "quick.undone")
    notify.respond(deps, who.team_id, origin.get("response_url"), action_messages.notice(text, replace=True))
    home.publish(deps, who.team_id, who.user_id)


def _drop(t: Turn, action_id: int, reason: str, said: str) -> str:
    """Drop the action (for `reason`); returns the text `said` about it, or why it could not be dropped."""
    try:
        found = actions.get_own(t.session, t.person, action_id)
        actions.drop(t.session, t.deps.clock, found, t.person, reason=reason, rules=t.deps.rules)
    except actions.ActionError as exc:
        return t.cat.t(f"error.{exc.code}")
    return t.cat.t(said, title=escape(found.title))


def ask_outcome(deps: Deps, who: Caller, trigger_id: str, action_id: int, origin: dict[str, str]) -> None:
    """Done asks for a short outcome first (a modal); the outcome's submit finishes the action (`complete`)."""
    with turn(deps, who) as t:
        cat = t.cat
        try:
            found = actions.get_own(t.session, t.person, action_id)
            error = None if found.status == "open" else "not_open"
            title = found.title
        except actions.ActionError as exc:
            error, title = exc.code, ""
    if error:
        answer_error(deps, who, origin, error)
        return
    _open_modal(deps, who, trigger_id, outcome_modal(cat, action_id, title, origin), origin)


def complete(deps: Deps, who: Caller, action_id: int, note: str | None, outcomes: list[str]) -> str:
    """Save the outcome: the action is done (and its next one planned when it repeats). Returns what the
    list says about it; `show_done` shows it once the modal is closed."""
    with turn(deps, who) as t:
        try:
            action = actions.get_own(t.session, t.person, action_id)
            follow = actions.complete(
                t.session, deps.clock, action, t.person, note=note, outcomes=outcomes, rules=t.deps.rules
            ).follow
        except actions.ActionError as exc:
            return t.cat.t(f"error.{exc.code}")
        said = t.cat.t("result.done", title=escape(action.title))
        if follow is not None:
            said += " " + t.cat.t("result.next", due=format_day(t.cat, follow.due_date, t.today))
        return said


def show_done(deps: Deps, who: Caller, origin: dict[str, str], note: str | None) -> None:
    """After a Done: the list and Home show it, and the planned celebration goes out now."""
    refresh(deps, who, origin, note)
    celebrate(deps, who.team_id, who.user_id)


def set_contact_status(
    deps: Deps, who: Caller, trigger_id: str, action_id: int, contact_id: int, status: str, origin: dict[str, str]
) -> None:
    """A contact reached, not reached, or booked; a booking has a date, so that one asks for it first."""
    view = note = None
    with turn(deps, who) as t:
        try:
            found = actions.get_own(t.session, t.person, action_id)
            contact = _contact(found, contact_id)
            if status == "booked":
                view = booked_modal(t.cat, action_id, contact_id, contact.name, t.today, origin)
            else:
                note = _mark(t, found, contact, status)
        except actions.ActionError as exc:
            note = t.cat.t(f"error.{exc.code}")
    if view is not None:
        _open_modal(deps, who, trigger_id, view, origin)
        return
    show_done(deps, who, origin, note)


def _contact(action: Action, contact_id: int) -> ActionContact:
    contact = next((c for c in action.contacts if c.id == contact_id), None)
    if contact is None:
        raise actions.ActionError("not_found")
    return contact


def _mark(t: Turn, action: Action, contact: ActionContact, status: str) -> str:
    finished = actions.set_contact_status(
        t.session, t.deps.clock, action, t.person, contact.id, status, rules=t.deps.rules
    )
    if finished:
        return t.cat.t("result.done", title=escape(action.title))
    return t.cat.t("result.contact", name=escape(contact.name), status=t.cat.t(f"contact.{status}"))


def book(deps: Deps, who: Caller, action_id: int, contact_id: int, on: date | None) -> str:
    """Save a booking's date (the booked modal). Returns what the list says about it."""
    with turn(deps, who) as t:
        try:
            action = actions.get_own(t.session, t.person, action_id)
            actions.set_contact_status(
                t.session, deps.clock, action, t.person, contact_id, "booked", on=on, rules=t.deps.rules
            )
        except actions.ActionError as exc:
            return t.cat.t(f"error.{exc.code}")
        contact = next(c for c in action.contacts if c.id == contact_id)
        status = action_messages.contact_status_text(t.cat, "booked", on=on, retry=None, today=t.today)
        return t.cat.t("result.contact", name=escape(contact.name), status=status)
