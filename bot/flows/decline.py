"""Declining a proposal with a reason (the decline modal): saved before the modal closes, then the member's
message shows the answer and the manager hears it."""

from __future__ import annotations

from typing import Any

from bot.deps import Deps
from bot.flows.context import Caller, turn
from bot.flows.proposals import finish_answer, tell_manager
from bot.messages import actions as action_messages
from bot.services import actions

# What the member sees in place of the proposal, and the manager's note (None: no manager to tell).
Answer = tuple[dict[str, Any], dict[str, Any] | None]


def decline(deps: Deps, who: Caller, action_id: int, reason: str | None) -> Answer:
    with turn(deps, who) as t:
        try:
            action = actions.get_own(t.session, t.person, action_id)
            if not actions.respond_to_proposal(
                t.session, deps.clock, action, t.person, accept=False, reason=reason, rules=t.deps.rules
            ):
                return action_messages.notice(t.cat.t("proposal.answered")), None
        except actions.ActionError as exc:
            return action_messages.notice(t.cat.t(f"error.{exc.code}")), None
        answered = action_messages.proposal_answered(t.cat, action, "proposal.declined")
        return answered, tell_manager(deps, t.session, action, who, "proposal.manager_declined")


def show_declined(deps: Deps, who: Caller, origin: dict[str, str], answer: Answer) -> None:
    finish_answer(deps, who, origin, *answer)
