"""A manager's review of a member: the member's list to walk through together, as an ephemeral answer to
`/conscience review @member` or a modal (from the Home or the managers' digest message), and from there the
action form: to agree a new action together on the spot (on the member's list at once, the member told), or
to propose one for them to accept later.

Only the member's own managers may look (services/review.py checks and logs every look).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.deps import Deps
from bot.flows import action_form as action_form_flow
from bot.flows import home, notify
from bot.flows.context import Caller, cat_for, today_of, turn
from bot.flows.teams import Asked, answer, caller_cat
from bot.messages import actions as action_messages
from bot.messages import review as review_messages
from bot.messages import teams as team_messages
from bot.messages.action_form import FormState, action_form
from bot.messages.conversations import agreed_notice
from bot.services import actions, people, review, teams
from bot.services.teams import TeamError
from bot.slack import SlackError
from models import Action, Person

log = logging.getLogger(__name__)
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


def review_modal(deps: Deps, who: Caller, member_user_id: str, *, via: str = "home") -> Payload | None:
    """The review as a modal; None (nothing opens) for anyone but the member's manager."""
    with turn(deps, who) as t:
        member = people.find_person(t.session, who.team_id, member_user_id)
        if member is None:
            return None
        try:
            found = review.review(t.session, deps.clock, t.person, member, t.today, via=via)
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


def agree_form(
    deps: Deps, who: Caller, member_user_id: str, trigger_id: str, *, in_modal: bool, origin: dict[str, str]
) -> None:
    """The action form for an action the manager and the member agree on together, now: saving it puts the
    action on the member's list at once (`save_agreed`; the rights are checked then)."""
    state = FormState(owner_user_id=member_user_id, agreed_with=member_user_id, origin=origin)
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


# -- an action agreed together in the review --------------------------------------------------------


@dataclass
class Agreed:
    """What saving an agreed action did; reply None: the same form submitted twice (the first did it all)."""

    reply: Payload | None
    action_id: int = 0
    error: str | None = None


def decide_agreed(deps: Deps, who: Caller, state: FormState, override: bool) -> action_form_flow.Decision:
    """The action form's checks and coaching (bot/flows/action_form.py); the member is fixed in this form
    (it has no owner field), so "only their managers" is said on the title."""
    decision = action_form_flow.decide(deps, who, state, override)
    errors = (decision.response or {}).get("errors") or {}
    if "owner" in errors:
        errors["title"] = errors.pop("owner")
    return decision


def save_agreed(deps: Deps, who: Caller, decision: action_form_flow.Decision, view_id: str) -> Agreed:
    """Save an action the manager (the caller) and the member agreed together: on the member's list at once,
    by the date agreed, and planned like their own. The form was checked already (the caller manages them)."""
    data, member_user_id = decision.data, decision.owner_user_id or who.user_id
    assert data is not None, "only a decision to save is saved"
    with turn(deps, who) as t:
        member, _ = people.ensure_person(t.session, deps.clock, who.team_id, member_user_id)
        key = f"view:{view_id}"  # the same form submitted twice has one effect
        try:
            action, created = actions.create(
                t.session,
                deps.clock,
                owner=member,
                actor=t.person,
                data=data,
                today=t.today,
                source_key=key,
                agreed=True,
                rules=deps.rules,
            )
        except actions.ActionError as exc:  # e.g. their list is full: said where the manager is, or by DM
            return Agreed(action_messages.notice(t.cat.t(f"error.{exc.code}")), error=exc.code)
        return Agreed({}, action.id) if created else Agreed(None)


def after_agreed(
    deps: Deps, who: Caller, agreed: Agreed, origin: dict[str, str], review_view_id: str | None = None
) -> None:
    """The member hears what was agreed (in their language); the manager hears it went onto their list; the
    review the form was pushed over shows it (review_view_id), and both Home tabs (the member's list, the
    manager's line for the member)."""
    if agreed.reply is None:
        return
    if agreed.error is not None:
        notify.tell(deps, who.team_id, who.user_id, origin, agreed.reply)
        return
    with turn(deps, who) as t:
        action = t.session.get_one(Action, agreed.action_id)
        member = t.session.get_one(Person, action.owner_id)
        member_user_id = member.slack_user_id
        member_cat, member_today = cat_for(deps, member), today_of(deps, member)
        to_member = agreed_notice(
            member_cat, "manager.agreed_member", action, member_today, manager=f"<@{who.user_id}>"
        )
        to_manager = agreed_notice(t.cat, "manager.agreed_manager", action, t.today, member=f"<@{member_user_id}>")
    someone_else = member_user_id != who.user_id  # a manager who is a member of their own team, too
    if someone_else:
        notify.dm(deps, who.team_id, member_user_id, to_member)
    notify.tell(deps, who.team_id, who.user_id, origin, to_manager)
    if review_view_id:
        _refresh_review(deps, who, member_user_id, review_view_id)
    home.publish(deps, who.team_id, member_user_id)
    if someone_else:
        home.publish(deps, who.team_id, who.user_id)


def _refresh_review(deps: Deps, who: Caller, member_user_id: str, view_id: str) -> None:
    """The review modal under the closed form, again: now with the action just agreed (a look, logged)."""
    view = review_modal(deps, who, member_user_id, via="agreed")
    if view is None:
        return
    try:
        deps.gateway.update_view(view_id, view)
    except SlackError as exc:  # closed meanwhile, say: the DM and the Home say it too
        log.warning("views.update failed: %s", exc.error, extra={"workspace": who.team_id, "user": who.user_id})
