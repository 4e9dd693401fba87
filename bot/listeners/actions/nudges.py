"""One-click answers on the nudges: parse the click, ack, answer through bot/flows/nudges.py.

Values are `<nudge id>:<action id>[:<answer>]`; a date picker's block id is `nd:<nudge>:<action>:<answer>`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot.flows import nudges
from bot.flows.nudges import Click
from bot.listeners.edge import caller, deps_of, origin_of
from bot.messages import ids
from bot.messages.ids import NUDGE_ANSWER, pattern


def _ints(parts: list[str]) -> list[int]:
    try:
        return [int(p) for p in parts]
    except ValueError:
        return []


def _click(parts: list[str]) -> Click | None:
    """The nudge and action ids a value starts with; None when they are not two numbers."""
    found = _ints(parts[:2])
    return Click(found[0], found[1]) if len(found) == 2 else None


def on_answer(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    parts = (action.get("value") or "").split(":")
    click = _click(parts)
    if len(parts) != 3 or click is None:
        return
    nudges.answer(deps_of(context), caller(body), click, parts[2])


def on_date(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    parts = (action.get("block_id") or "").split(":")
    click = _click(parts[1:3])
    picked = action.get("selected_date")
    if len(parts) != 4 or click is None or not picked:
        return
    nudges.answer(deps_of(context), caller(body), click, parts[3], date.fromisoformat(picked))


def on_change(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    click = _click((action.get("value") or "").split(":"))
    if click is not None:
        nudges.take_back(deps_of(context), caller(body), click)


def on_contact(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    parts = ((action.get("selected_option") or {}).get("value") or "").split(":")
    found = _ints(parts[:3])
    if len(parts) != 4 or len(found) != 3:
        return
    nudges.tick_contact(deps_of(context), caller(body), Click(found[0], found[1]), found[2], parts[3])


def on_edit(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    """Edit my preparation (prep) or Make it smaller (follow-up): the form, pre-filled."""
    ack()
    parts = (action.get("value") or "").split(":")
    click = _click(parts)
    if click is None:
        return
    choice = parts[2] if len(parts) == 3 else None
    nudges.edit(deps_of(context), caller(body), click, choice, str(body.get("trigger_id") or ""), origin_of(body))


def on_next_step(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    """After a celebrated aftercare or top-client action: the form for the natural next one."""
    ack()
    click = _click((action.get("value") or "").split(":"))
    if click is not None:
        nudges.next_step(deps_of(context), caller(body), click, str(body.get("trigger_id") or ""), origin_of(body))


def register(app: App) -> None:
    app.action(pattern(NUDGE_ANSWER))(on_answer)
    app.action(ids.NUDGE_DATE)(on_date)
    app.action(ids.NUDGE_CHANGE)(on_change)
    app.action(ids.NUDGE_CONTACT)(on_contact)
    app.action(ids.NUDGE_EDIT)(on_edit)
    app.action(ids.NUDGE_NEXT_STEP)(on_next_step)
