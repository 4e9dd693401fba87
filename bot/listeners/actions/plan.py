"""Buttons on an action, wherever it is shown (the /actions list, the Home tab, a quick-add reply).

Each click acks at once and hands its parsed values to a flow in `bot.flows.actions`, which changes the
action and refreshes the surface it came from and the Home tab.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot.flows import actions as flow
from bot.flows import forms
from bot.listeners.edge import caller, deps_of, origin_of
from bot.messages import ids
from bot.messages.ids import HOME_STARTER, pattern


def _action_id(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


def _clicked(action: dict[str, Any]) -> int:
    return _action_id(action.get("value")) or 0


def on_done(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    """Done asks for a short outcome first (a modal); the outcome's submit finishes the action."""
    ack()
    flow.ask_outcome(deps_of(context), caller(body), body["trigger_id"], _clicked(action), origin_of(body))


def on_reschedule(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    action_id = _action_id((action.get("block_id") or "").partition(":")[2]) or 0
    picked = action.get("selected_date")
    on = date.fromisoformat(picked) if picked else None
    flow.reschedule(deps_of(context), caller(body), action_id, on, origin_of(body))


def on_edit(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    flow.open_edit(deps_of(context), caller(body), body["trigger_id"], _clicked(action), origin_of(body))


def on_drop(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    flow.drop(deps_of(context), caller(body), _clicked(action), origin_of(body))


def on_undo(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    """Undo of a quick add: the action leaves the list, and the reply says so in place."""
    ack()
    flow.undo(deps_of(context), caller(body), _clicked(action), origin_of(body))


def on_contact_status(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    raw = ((action.get("selected_option") or {}).get("value") or "").split(":")
    if len(raw) != 3:
        return
    action_id, contact_id, status = _action_id(raw[0]) or 0, _action_id(raw[1]) or 0, raw[2]
    deps, who, trigger_id = deps_of(context), caller(body), body["trigger_id"]
    flow.set_contact_status(deps, who, trigger_id, action_id, contact_id, status, origin_of(body))


def on_add(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    forms.open_blank(deps_of(context), caller(body), body["trigger_id"], origin_of(body))


def on_home_starter(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    kind = action.get("value") or "other"
    forms.open_starter(deps_of(context), caller(body), body["trigger_id"], kind, origin_of(body))


def register(app: App) -> None:
    app.action(ids.ACTION_DONE)(on_done)
    app.action(ids.ACTION_RESCHEDULE)(on_reschedule)
    app.action(ids.ACTION_EDIT)(on_edit)
    app.action(ids.ACTION_DROP)(on_drop)
    app.action(ids.QUICK_UNDO)(on_undo)
    app.action(ids.CONTACT_STATUS)(on_contact_status)
    app.action(ids.ACTION_ADD)(on_add)
    app.action(pattern(HOME_STARTER))(on_home_starter)
