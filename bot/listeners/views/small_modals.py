"""The small modals around an action: the outcome of Done, a declined proposal's reason, a booking's date.

Each submit is saved before the ack (see `save_then_ack`), by a flow that owns its transaction; what follows
(the list, the Home tab, the manager's note) comes after it.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot.flows import actions as flow
from bot.flows import decline as decline_flow
from bot.listeners.edge import caller, deps_of, save_then_ack
from bot.messages.ids import BOOKED_CALLBACK, DECLINE_CALLBACK, OUTCOME_CALLBACK


def _meta(view: dict[str, Any]) -> dict[str, Any]:
    try:
        return json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}


def _value(view: dict[str, Any], block: str) -> dict[str, Any]:
    return (((view.get("state") or {}).get("values") or {}).get(block) or {}).get("value") or {}


def _origin(meta: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in meta.items() if k in ("response_url", "channel", "ts") and isinstance(v, str)}


def on_outcome(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]) -> None:
    deps, who, meta = deps_of(context), caller(body), _meta(view)
    action_id = int(meta.get("action_id") or 0)
    note_text = _value(view, "note").get("value")
    outcomes = [o.get("value") for o in _value(view, "outcomes").get("selected_options") or []]
    note = save_then_ack(ack, deps, who, "note", lambda: flow.complete(deps, who, action_id, note_text, outcomes))
    if note is not None:
        flow.show_done(deps, who, _origin(meta), note)


def on_decline(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]) -> None:
    deps, who, meta = deps_of(context), caller(body), _meta(view)
    action_id = int(meta.get("action_id") or 0)
    reason = _value(view, "reason").get("value")
    answer = save_then_ack(ack, deps, who, "reason", lambda: decline_flow.decline(deps, who, action_id, reason))
    if answer is not None:
        decline_flow.show_declined(deps, who, _origin(meta), answer)


def on_booked(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]) -> None:
    deps, who, meta = deps_of(context), caller(body), _meta(view)
    action_id, contact_id = int(meta.get("action_id") or 0), int(meta.get("contact_id") or 0)
    picked = _value(view, "when").get("selected_date")
    on = date.fromisoformat(picked) if picked else None
    note = save_then_ack(ack, deps, who, "when", lambda: flow.book(deps, who, action_id, contact_id, on))
    if note is not None:
        flow.refresh(deps, who, _origin(meta), note)


def register(app: App) -> None:
    app.view(OUTCOME_CALLBACK)(on_outcome)
    app.view(DECLINE_CALLBACK)(on_decline)
    app.view(BOOKED_CALLBACK)(on_booked)
