"""Submitting the action form: before the ack the flow checks it (errors, coaching once) and keeps it (one
row, see `save_then_ack`); after the ack it becomes the action and the messages go (`bot.flows.action_form`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.flows import action_form as flow
from bot.listeners.edge import caller, deps_of, save_then_ack
from bot.messages.ids import FORM_CALLBACK


def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]) -> None:
    deps, who = deps_of(context), caller(body)
    values = (view.get("state") or {}).get("values") or {}
    metadata, view_id = view.get("private_metadata") or "", view.get("id", "")
    submitted = save_then_ack(
        ack, deps, who, "title", lambda: flow.submit(deps, who, values, metadata, view_id), lambda s: s.response
    )
    if submitted is not None and submitted.accepted is not None:
        flow.complete(deps, who, submitted.accepted)


def register(app: App) -> None:
    app.view(FORM_CALLBACK)(on_submit)
