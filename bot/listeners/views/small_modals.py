"""The small modals around an action: the outcome of Done, a declined proposal's reason, a booking's date."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.orm import Session

from bot.delivery import celebrate
from bot.listeners.actions.plan import refresh
from bot.listeners.actions.proposals import finish_answer, tell_manager
from bot.listeners.edge import caller, cat_for, deps_of, person_for, save_then_ack, today_of
from bot.messages import actions as action_messages
from bot.messages.catalogue import escape
from bot.messages.dates import format_day
from bot.messages.ids import BOOKED_CALLBACK, DECLINE_CALLBACK, OUTCOME_CALLBACK
from bot.services import actions


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
    note_text = _value(view, "note").get("value")
    outcomes = [o.get("value") for o in _value(view, "outcomes").get("selected_options") or []]

    def write(session: Session) -> str:
        person, _ = person_for(session, deps, who)
        cat, today = cat_for(deps, person), today_of(deps, person)
        try:
            action = actions.get_own(session, person, int(meta.get("action_id") or 0))
            follow = actions.complete(
                session, deps.clock, action, person, note=note_text, outcomes=outcomes, rules=deps.rules
            )
            note = cat.t("result.done", title=escape(action.title))
            if follow is not None:
                note += " " + cat.t("result.next", due=format_day(cat, follow.due_date, today))
            return note
        except actions.ActionError as exc:
            return cat.t(f"error.{exc.code}")

    note = save_then_ack(ack, deps, who, "note", write)
    if note is None:
        return
    refresh(deps, who, _origin(meta), note)
    celebrate(deps, who.team_id, who.user_id)


def on_decline(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]) -> None:
    deps, who, meta = deps_of(context), caller(body), _meta(view)
    reason = _value(view, "reason").get("value")

    def write(session: Session) -> tuple[dict[str, Any], Any]:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        try:
            action = actions.get_own(session, person, int(meta.get("action_id") or 0))
            if actions.respond_to_proposal(
                session, deps.clock, action, person, accept=False, reason=reason, rules=deps.rules
            ):
                answered = action_messages.proposal_answered(cat, action, "proposal.declined")
                return answered, tell_manager(deps, session, action, who, "proposal.manager_declined")
            return action_messages.notice(cat.t("proposal.answered")), None
        except actions.ActionError as exc:
            return action_messages.notice(cat.t(f"error.{exc.code}")), None

    saved = save_then_ack(ack, deps, who, "reason", write)
    if saved is not None:
        finish_answer(deps, who, _origin(meta), *saved)


def on_booked(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]) -> None:
    deps, who, meta = deps_of(context), caller(body), _meta(view)
    picked = _value(view, "when").get("selected_date")

    def write(session: Session) -> str:
        person, _ = person_for(session, deps, who)
        cat, today = cat_for(deps, person), today_of(deps, person)
        try:
            action = actions.get_own(session, person, int(meta.get("action_id") or 0))
            contact_id = int(meta.get("contact_id") or 0)
            on = date.fromisoformat(picked) if picked else None
            actions.set_contact_status(
                session, deps.clock, action, person, contact_id, "booked", on=on, rules=deps.rules
            )
            contact = next(c for c in action.contacts if c.id == contact_id)
            status = action_messages.contact_status_text(cat, "booked", on=on, retry=None, today=today)
            return cat.t("result.contact", name=escape(contact.name), status=status)
        except actions.ActionError as exc:
            return cat.t(f"error.{exc.code}")

    note = save_then_ack(ack, deps, who, "when", write)
    if note is not None:
        refresh(deps, who, _origin(meta), note)


def register(app: App) -> None:
    app.view(OUTCOME_CALLBACK)(on_outcome)
    app.view(DECLINE_CALLBACK)(on_decline)
    app.view(BOOKED_CALLBACK)(on_booked)
