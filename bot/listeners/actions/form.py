"""Clicks inside the open action form: a new kind brings its suggestions; a starter fills the form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.listeners.edge import caller, cat_for, deps_of, person_for, today_of
from bot.messages.action_form import action_form, read_form, starter_state, suggestion
from bot.messages.ids import FORM_KIND, FORM_STARTER, pattern
from bot.services import personal_settings
from bot.slack import SlackError


def _update(context: dict[str, Any], body: dict[str, Any], view: dict[str, Any]) -> None:
    deps = deps_of(context)
    current = body.get("view") or {}
    try:
        deps.gateway.update_view(current.get("id", ""), view)
    except SlackError:
        pass  # the form stays as it was; the person can still fill it in


def on_kind(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who = deps_of(context), caller(body)
    current = body.get("view") or {}
    state = read_form((current.get("state") or {}).get("values") or {}, current.get("private_metadata") or "")
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat, formality = cat_for(deps, person), personal_settings.formality_of(session, person)
    previous = (current.get("private_metadata") and read_form({}, current["private_metadata"]).kind) or "other"
    # Replace a suggestion the person left untouched; keep what they wrote themselves.
    if not state.opening_line or state.opening_line == suggestion(cat, "opening", previous, formality):
        state.opening_line = suggestion(cat, "opening", state.kind, formality)
    if not state.voicemail_plan or state.voicemail_plan == suggestion(cat, "voicemail", previous):
        state.voicemail_plan = suggestion(cat, "voicemail", state.kind)
    _update(context, body, action_form(cat, state))


def on_starter(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who = deps_of(context), caller(body)
    current = body.get("view") or {}
    before = read_form({}, current.get("private_metadata") or "")
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat, today = cat_for(deps, person), today_of(deps, person)
        formality = personal_settings.formality_of(session, person)
    state = starter_state(cat, action.get("value") or "", today, formality)
    state.origin = before.origin
    _update(context, body, action_form(cat, state))


def register(app: App) -> None:
    app.action(FORM_KIND)(on_kind)
    app.action(pattern(FORM_STARTER))(on_starter)
