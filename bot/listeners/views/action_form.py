"""Submitting the action form: the flow decides what the modal shows (errors, coaching once, or save); a
save comes before the ack (see `save_then_ack`), the messages after it (`bot.flows.action_form`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.flows import action_form as flow
from bot.listeners.edge import caller, deps_of, save_then_ack
from bot.messages.action_form import override_ticked, read_form
from bot.messages.ids import FORM_CALLBACK


def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]) -> None:
    deps, who = deps_of(context), caller(body)
    values = (view.get("state") or {}).get("values") or {}
    state = read_form(values, view.get("private_metadata") or "")
    decision = flow.decide(deps, who, state, override_ticked(values))
    if decision.response is not None:
        ack(**decision.response)
        return
    view_id = view.get("id", "")
    saved = save_then_ack(ack, deps, who, "title", lambda: flow.save(deps, who, state, decision, view_id))
    if saved is not None:
        flow.after_save(deps, who, state, saved)


def register(app: App) -> None:
    app.view(FORM_CALLBACK)(on_submit)
