"""The manager's buttons: pick a team's digest, post it, open a member's review, and from the review agree
an action together or propose one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App

from bot.flows import digest_on_demand, review
from bot.listeners.edge import caller, deps_of, origin_of
from bot.messages import ids


def _value(body: dict[str, Any]) -> str:
    action = (body.get("actions") or [{}])[0]
    return str((action.get("selected_option") or {}).get("value") or action.get("value") or "")


def on_digest_pick(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    mode, _, team_id = _value(body).partition(":")
    if team_id.isdigit():
        mode = "post" if mode == "post" else "preview"
        digest_on_demand.picked(deps_of(context), caller(body), int(team_id), mode, body.get("response_url"))


def on_digest_post(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    team_id = _value(body)
    if team_id.isdigit():
        digest_on_demand.picked(deps_of(context), caller(body), int(team_id), "post", body.get("response_url"))


def on_review_open(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    """From the App Home or the managers' digest message: the review in a modal."""
    ack()
    review.open_review(deps_of(context), caller(body), _value(body), body["trigger_id"], origin_of(body))


def on_review_form(form: Callable[..., None]) -> Callable[..., None]:
    """Propose, or agree together: the action form for the member, over the review when it is a modal."""

    def handler(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
        ack()
        in_modal = (body.get("container") or {}).get("type") == "view"
        form(
            deps_of(context), caller(body), _value(body), body["trigger_id"], in_modal=in_modal, origin=origin_of(body)
        )

    return handler


def register(app: App) -> None:
    app.action(ids.DIGEST_PICK)(on_digest_pick)
    app.action(ids.DIGEST_POST)(on_digest_post)
    app.action(ids.REVIEW_OPEN)(on_review_open)
    app.action(ids.REVIEW_PROPOSE)(on_review_form(review.propose_form))
    app.action(ids.REVIEW_AGREE)(on_review_form(review.agree_form))
