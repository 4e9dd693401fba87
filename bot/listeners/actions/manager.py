"""The manager's buttons: pick a team's digest, post it, open a member's review, propose from the review."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.deps import Deps
from bot.flows import notify
from bot.listeners.commands.team import review_modal, run_digest
from bot.listeners.edge import Caller, caller, cat_for, deps_of, origin_of, person_for
from bot.messages import ids
from bot.messages import teams as team_messages
from bot.messages.action_form import FormState, action_form
from bot.slack import SlackError


def _value(body: dict[str, Any]) -> str:
    action = (body.get("actions") or [{}])[0]
    return str((action.get("selected_option") or {}).get("value") or action.get("value") or "")


def on_digest_pick(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who = deps_of(context), caller(body)
    mode, _, team_id = _value(body).partition(":")
    if not team_id.isdigit():
        return
    payload = run_digest(deps, who, int(team_id), "post" if mode == "post" else "preview")
    notify.respond(deps, who.team_id, body.get("response_url"), {**payload, "replace_original": True})


def on_digest_post(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who = deps_of(context), caller(body)
    team_id = _value(body)
    if not team_id.isdigit():
        return
    payload = run_digest(deps, who, int(team_id), "post")
    notify.respond(deps, who.team_id, body.get("response_url"), {**payload, "replace_original": True})


def on_review_open(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    """From the App Home: the review in a modal (the Home has no place for an ephemeral answer)."""
    ack()
    deps, who = deps_of(context), caller(body)
    view = review_modal(deps, who, _value(body))
    if view is None:
        return
    try:
        deps.gateway.open_view(body["trigger_id"], view)
    except SlackError:
        _tell_busy(deps, who, body)


def on_review_propose(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    """The action form with the member filled in; saving it sends the proposal (the rights are checked then)."""
    ack()
    deps, who = deps_of(context), caller(body)
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
    state = FormState(owner_user_id=_value(body), origin=origin_of(body))
    view = action_form(cat, state)
    try:
        if (body.get("container") or {}).get("type") == "view":
            deps.gateway.push_view(body["trigger_id"], view)  # over the review modal
        else:
            deps.gateway.open_view(body["trigger_id"], view)
    except SlackError:
        _tell_busy(deps, who, body)


def _tell_busy(deps: Deps, who: Caller, body: dict[str, Any]) -> None:
    """A modal that did not open is said where the person clicked, or by DM from Home or a modal."""
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        text = cat_for(deps, person).t("error.slack_busy")
    notify.tell(deps, who.team_id, who.user_id, origin_of(body), team_messages.message(text))


def register(app: App) -> None:
    app.action(ids.DIGEST_PICK)(on_digest_pick)
    app.action(ids.DIGEST_POST)(on_digest_post)
    app.action(ids.REVIEW_OPEN)(on_review_open)
    app.action(ids.REVIEW_PROPOSE)(on_review_propose)
