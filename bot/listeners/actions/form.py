"""Clicks inside the open action form: a new kind brings its suggestions; a starter fills the form."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.flows import forms
from bot.listeners.edge import caller, deps_of
from bot.messages.action_form import read_form
from bot.messages.ids import FORM_KIND, FORM_STARTER, pattern


def on_kind(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    current = body.get("view") or {}
    metadata = current.get("private_metadata") or ""
    state = read_form((current.get("state") or {}).get("values") or {}, metadata)
    previous = (metadata and read_form({}, metadata).kind) or "other"
    forms.change_kind(deps_of(context), caller(body), current.get("id", ""), state, previous)


def on_starter(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    current = body.get("view") or {}
    origin = read_form({}, current.get("private_metadata") or "").origin
    forms.fill_starter(deps_of(context), caller(body), current.get("id", ""), action.get("value") or "", origin)


def register(app: App) -> None:
    app.action(FORM_KIND)(on_kind)
    app.action(pattern(FORM_STARTER))(on_starter)
