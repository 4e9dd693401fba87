"""Buttons on an action, wherever it is shown (the /actions list, the Home tab, a quick-add reply).

Each click acks at once; the change goes through the actions service; then the surface it came from
is refreshed (the ephemeral list through its response_url) and the Home tab is republished.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot import home, notify
from bot.delivery import celebrate
from bot.deps import Deps
from bot.listeners.edge import Caller, caller, cat_for, deps_of, origin_of, person_for, today_of
from bot.listeners.forms import open_form, state_from_action
from bot.messages import actions as action_messages
from bot.messages import ids
from bot.messages.action_form import FormState, booked_modal, outcome_modal, starter_state
from bot.messages.catalogue import escape
from bot.messages.dates import format_day
from bot.messages.ids import HOME_STARTER, pattern
from bot.services import actions
from bot.slack import SlackError


def _action_id(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def refresh(deps: Deps, who: Caller, origin: dict[str, str], note: str | None = None) -> None:
    """After a change: the list it came from shows the new state (with a note), and the Home tab too."""
    response_url = origin.get("response_url")
    if response_url:
        with deps.transaction() as session:
            person, _ = person_for(session, deps, who)
            cat = cat_for(deps, person)
            payload = action_messages.open_list(
                cat,
                actions.open_actions(session, person),
                today_of(deps, person),
                note=note,
                proposals=actions.pending_proposals(session, person),
            )
        notify.respond(deps, who.team_id, response_url, payload)
    home.publish(deps, who.team_id, who.user_id)


def _answer_error(deps: Deps, who: Caller, origin: dict[str, str], code: str) -> None:
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        text = cat_for(deps, person).t(f"error.{code}")
    notify.tell(deps, who.team_id, who.user_id, origin, action_messages.notice(text, replace=False))
    home.publish(deps, who.team_id, who.user_id)


def on_done(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    """Done asks for a short outcome first (a modal); the outcome's submit finishes the action."""
    ack()
    deps, who = deps_of(context), caller(body)
    action_id = _action_id(action.get("value"))
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        try:
            found = actions.get_own(session, person, action_id or 0)
            error = None if found.status == "open" else "not_open"
            title = found.title
        except actions.ActionError as exc:
            error, title = exc.code, ""
    if error:
        _answer_error(deps, who, origin_of(body), error)
        return
    try:
        deps.gateway.open_view(body["trigger_id"], outcome_modal(cat, action_id or 0, title, origin_of(body)))
    except SlackError:
        _answer_error(deps, who, origin_of(body), "slack_busy")


def on_reschedule(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who, origin = deps_of(context), caller(body), origin_of(body)
    action_id = _action_id((action.get("block_id") or "").partition(":")[2])
    picked = action.get("selected_date")
    note = None
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat, today = cat_for(deps, person), today_of(deps, person)
        try:
            found = actions.get_own(session, person, action_id or 0)
            if picked and actions.reschedule(
                session, deps.clock, found, person, date.fromisoformat(picked), today, rules=deps.rules
            ):
                note = cat.t(
                    "result.rescheduled", title=escape(found.title), due=format_day(cat, found.due_date, today)
                )
        except actions.ActionError as exc:
            note = cat.t(f"error.{exc.code}")
    refresh(deps, who, origin, note)


def on_edit(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who, origin = deps_of(context), caller(body), origin_of(body)
    state, error = None, ""
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        try:
            found = actions.get_own(session, person, _action_id(action.get("value")) or 0)
            if found.is_final:
                raise actions.ActionError("not_open")
            state = state_from_action(found, "edit", origin)
        except actions.ActionError as exc:
            error = exc.code
    if state is None:
        _answer_error(deps, who, origin, error)
    elif not open_form(deps, body["trigger_id"], cat, state):
        _answer_error(deps, who, origin, "slack_busy")


def on_drop(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who, origin = deps_of(context), caller(body), origin_of(body)
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        try:
            found = actions.get_own(session, person, _action_id(action.get("value")) or 0)
            actions.drop(session, deps.clock, found, person, rules=deps.rules)
            note = cat.t("result.dropped", title=escape(found.title))
        except actions.ActionError as exc:
            note = cat.t(f"error.{exc.code}")
    refresh(deps, who, origin, note)


def on_undo(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    """Undo of a quick add: the action leaves the list, and the reply says so in place."""
    ack()
    deps, who, origin = deps_of(context), caller(body), origin_of(body)
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        try:
            found = actions.get_own(session, person, _action_id(action.get("value")) or 0)
            actions.drop(session, deps.clock, found, person, reason="undo", rules=deps.rules)
            text = cat.t("quick.undone", title=escape(found.title))
        except actions.ActionError as exc:
            text = cat.t(f"error.{exc.code}")
    notify.respond(deps, who.team_id, origin.get("response_url"), action_messages.notice(text, replace=True))
    home.publish(deps, who.team_id, who.user_id)


def on_contact_status(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who, origin = deps_of(context), caller(body), origin_of(body)
    raw = ((action.get("selected_option") or {}).get("value") or "").split(":")
    if len(raw) != 3:
        return
    action_id, contact_id, status = _action_id(raw[0]) or 0, _action_id(raw[1]) or 0, raw[2]
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat, today = cat_for(deps, person), today_of(deps, person)
        try:
            found = actions.get_own(session, person, action_id)
            contact = next((c for c in found.contacts if c.id == contact_id), None)
            if contact is None:
                raise actions.ActionError("not_found")
            if status == "booked":  # a booking has a date: ask for it
                view = booked_modal(cat, action_id, contact_id, contact.name, today, origin)
                note = None
            else:
                view = None
                finished = actions.set_contact_status(
                    session, deps.clock, found, person, contact_id, status, rules=deps.rules
                )
                note = (
                    cat.t("result.done", title=escape(found.title))
                    if finished
                    else cat.t("result.contact", name=escape(contact.name), status=cat.t(f"contact.{status}"))
                )
        except actions.ActionError as exc:
            view, note = None, cat.t(f"error.{exc.code}")
    if view is not None:
        try:
            deps.gateway.open_view(body["trigger_id"], view)
        except SlackError:
            _answer_error(deps, who, origin, "slack_busy")
        return
    refresh(deps, who, origin, note)
    celebrate(deps, who.team_id, who.user_id)


def on_add(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who = deps_of(context), caller(body)
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
    open_form(deps, body["trigger_id"], cat, FormState(origin=origin_of(body)), who)


def on_home_starter(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who = deps_of(context), caller(body)
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat, today = cat_for(deps, person), today_of(deps, person)
    state = starter_state(cat, action.get("value") or "other", today)
    state.origin = origin_of(body)
    open_form(deps, body["trigger_id"], cat, state, who)


def register(app: App) -> None:
    app.action(ids.ACTION_DONE)(on_done)
    app.action(ids.ACTION_RESCHEDULE)(on_reschedule)
    app.action(ids.ACTION_EDIT)(on_edit)
    app.action(ids.ACTION_DROP)(on_drop)
    app.action(ids.QUICK_UNDO)(on_undo)
    app.action(ids.CONTACT_STATUS)(on_contact_status)
    app.action(ids.ACTION_ADD)(on_add)
    app.action(pattern(HOME_STARTER))(on_home_starter)
