"""Submitting the action form opened with "Agree an action together" in a review: the same checks and
coaching as the action form, then the action is saved for the member as agreed (before the ack, like the
form: a save that fails keeps the modal open), and the member and the manager hear it after."""

from __future__ import annotations

import functools
from typing import Any

from slack_bolt import Ack, App

from bot.flows import review
from bot.listeners.edge import caller, deps_of, save_then_ack
from bot.messages.action_form import override_ticked, read_form
from bot.messages.ids import REVIEW_AGREE_CALLBACK


def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]) -> None:
    deps, who = deps_of(context), caller(body)
    values = (view.get("state") or {}).get("values") or {}
    state = read_form(values, view.get("private_metadata") or "")
    decision = review.decide_agreed(deps, who, state, override_ticked(values))
    if decision.response is None:  # checked and concrete: save it for the member, then close the form
        save = functools.partial(review.save_agreed, deps, who, decision, view.get("id", ""))
        agreed = save_then_ack(ack, deps, who, "title", save)
        if agreed is not None:  # the review it was pushed over shows it too
            review.after_agreed(deps, who, agreed, state.origin, view.get("previous_view_id"))
    else:
        ack(**decision.response)


def register(app: App) -> None:
    app.view(REVIEW_AGREE_CALLBACK)(on_submit)
