"""A manager's review of a member: the member's list to walk through together, as an ephemeral answer to
`/conscience review @member` or a modal (from the Home or the managers' digest message), and from there the
action form to propose a new action.

Only the member's own managers may look (services/review.py checks and logs every look).
"""

from __future__ import annotations

from typing import Any

from bot.deps import Deps
from bot.flows import notify
from bot.flows.context import Caller, turn
from bot.flows.teams import Asked, answer, caller_cat
from bot.messages import review as review_messages
from bot.messages import teams as team_messages
from bot.messages.action_form import FormState, action_form
from bot.services import people, review, teams
from bot.services.teams import TeamError
from bot.slack import SlackError

Payload = dict[str, Any]


def review_command(deps: Deps, asked: Asked) -> None:
    """`/conscience review @member`: the review as an ephemeral answer, or why not."""
    parsed = teams.parse_arguments(asked.text)
    if len(parsed.user_ids) != 1:
        cat = caller_cat(deps, asked.who)
        answer(deps, asked, team_messages.message(cat.t("review.usage")))
        return
    answer(deps, asked, review_payload(deps, asked.who, parsed.user_ids[0], via="command")[0])


def review_payload(deps: Deps, who: Caller, member_user_id: str, *, via: str) -> tuple[Payload, bool]:
    """(the review as a message, True) for the member's manager; (a refusal, False) for anyone else."""
    with turn(deps, who) as t:
        member = people.find_person(t.session, who.team_id, member_user_id)
        try:
            if member is None:
                raise TeamError("not_manager")
            found = review.review(t.session, deps.clock, t.person, member, t.today, via=via)
        except TeamError:
            return review_messages.refusal(t.cat.t("review.refused", member=f"<@{member_user_id}>")), False
        return review_messages.review_message(t.cat, found), True


def review_modal(deps: Deps, who: Caller, member_user_id: str) -> Payload | None:
    """The review as a modal; None (nothing opens) for anyone but the member's manager."""
    with turn(deps, who) as t:
        member = people.find_person(t.session, who.team_id, member_user_id)
        if member is None:
            return None
        try:
            found = review.review(t.session, deps.clock, t.person, member, t.today, via="home")
        except TeamError:
            return None
        return review_messages.review_modal(t.cat, found)


def open_review(deps: Deps, who: Caller, member_user_id: str, trigger_id: str, origin: dict[str, str]) -> None:
    """A Review button (the Home, the managers' digest message): the review in a modal."""
    view = review_modal(deps, who, member_user_id)
    if view is None:
        return
    try:
        deps.gateway.open_view(trigger_id, view)
    except SlackError:
        tell_busy(deps, who, origin)


def propose_form(
    deps: Deps, who: Caller, member_user_id: str, trigger_id: str, *, in_modal: bool, origin: dict[str, str]
) -> None:
    """The action form with the member filled in; saving it sends the proposal (the rights are checked then)."""
    state = FormState(owner_user_id=member_user_id, origin=origin)
    _form(deps, who, state, trigger_id, in_modal=in_modal)


def _form(deps: Deps, who: Caller, state: FormState, trigger_id: str, *, in_modal: bool) -> None:
    view = action_form(caller_cat(deps, who), state)
    try:
        if in_modal:
            deps.gateway.push_view(trigger_id, view)  # over the review modal
        else:
            deps.gateway.open_view(trigger_id, view)
    except SlackError:
        tell_busy(deps, who, state.origin)


def tell_busy(deps: Deps, who: Caller, origin: dict[str, str]) -> None:
    """A modal that did not open is said where the person clicked, or by DM from Home or a modal."""
    text = caller_cat(deps, who).t("error.slack_busy")
    notify.tell(deps, who.team_id, who.user_id, origin, team_messages.message(text))
