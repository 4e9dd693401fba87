"""The member's answer to a manager's proposal: parse the click, ack, answer through bot/flows/proposals.py."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.flows import proposals
from bot.listeners.edge import caller, deps_of, origin_of
from bot.messages import ids


def _action_id(action: dict[str, Any]) -> int | None:
    try:
        return int(action.get("value") or "")
    except ValueError:
        return None


def on_accept(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    proposals.accept(deps_of(context), caller(body), _action_id(action), origin_of(body))


def on_adjust(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    trigger_id = str(body.get("trigger_id") or "")
    proposals.adjust(deps_of(context), caller(body), _action_id(action), trigger_id, origin_of(body))


def on_decline(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    trigger_id = str(body.get("trigger_id") or "")
    proposals.decline(deps_of(context), caller(body), _action_id(action), trigger_id, origin_of(body))


def register(app: App) -> None:
    app.action(ids.PROPOSAL_ACCEPT)(on_accept)
    app.action(ids.PROPOSAL_ADJUST)(on_adjust)
    app.action(ids.PROPOSAL_DECLINE)(on_decline)
