"""Submitting the action form: the flow decides what the modal shows (errors, coaching once, or save) and
saves, in one transaction before the ack (see `save_then_ack`); the messages come after it
(`bot.flows.action_form`)."""

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
    override, view_id = override_ticked(values), view.get("id", "")
    submitted = save_then_ack(
        ack, deps, who, "title", lambda: flow.submit(deps, who, state, override, view_id), lambda s: s.response
    )
    if submitted is not None and submitted.saved is not None:
        flow.after_save(deps, who, state, submitted.saved)


def register(app: App) -> None:
    app.view(FORM_CALLBACK)(on_submit)
