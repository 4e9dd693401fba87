"""A manager's proposal: sent to the member first, then the manager hears what really happened; the member
answers Accept, Adjust (the form, pre-filled) or Decline (with a reason), from the DM, the Home tab or /actions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.flows import home, notify
from bot.flows.actions import refresh
from bot.flows.context import Caller, cat_for, today_of, turn
from bot.flows.forms import open_form, state_from_action
from bot.messages import actions as action_messages
from bot.messages.action_form import decline_modal
from bot.messages.catalogue import Catalogue, escape
from bot.services import actions
from bot.slack import PERMANENT_ERRORS, SlackError
from models import Action, Person

log = logging.getLogger(__name__)
T = TypeVar("T")


def send_proposal(deps: Deps, who: Caller, action_id: int, origin: dict[str, str]) -> str:
    """The member's direct message first; then the manager hears what really happened. Returns the outcome:

    - "sent": the member has it, with its buttons (and on their Home tab and in /actions until they answer);
    - "kept": Slack did not take the message just now (busy, a time-out): the proposal stays pending, and the
      member finds it on their Home tab and in /actions; the manager hears they have not been notified;
    - "dropped": Slack cannot reach the member at all (deactivated, not in the workspace): the proposal is not
      kept, as nobody could ever answer it, and the manager is told to check and propose again.
    """
    with turn(deps, who) as t:
        action = t.session.get(Action, action_id)
        member = t.session.get(Person, action.owner_id) if action is not None else None
        if action is None or member is None or action.workspace_id != t.person.workspace_id:
            return "dropped"
        cat, member_user_id, title = t.cat, member.slack_user_id, action.title
        payload = action_messages.proposal_message(cat_for(deps, member), action, who.user_id, today_of(deps, member))
    outcome, error = _deliver(deps, who, member_user_id, payload)
    if outcome == "dropped":
        with deps.transaction() as session:
            found = session.get(Action, action_id)
            if found is not None:
                actions.withdraw_proposal(session, deps.clock, found, reason=f"not delivered: {error}")
    key = {"sent": "proposal.sent", "kept": "proposal.not_sent_kept", "dropped": "proposal.not_sent_dropped"}
    text = cat.t(key[outcome], member=f"<@{member_user_id}>", title=escape(title), error=escape(error))
    notify.tell(deps, who.team_id, who.user_id, origin, action_messages.notice(text))
    if outcome != "dropped":
        home.publish(deps, who.team_id, member_user_id)  # the proposal waits on their Home tab
    return outcome


def _deliver(deps: Deps, who: Caller, member_user_id: str, payload: dict[str, Any]) -> tuple[str, str]:
    """The proposal's DM to the member: ("sent", ""), or ("kept" or "dropped", Slack's error)."""
    try:
        deps.gateway.post_dm(member_user_id, payload["text"], payload["blocks"])
    except SlackError as exc:
        outcome = "dropped" if exc.error in PERMANENT_ERRORS else "kept"
        log.warning("proposal not delivered (%s): %s", outcome, exc.error, extra={"workspace": who.team_id})
        return outcome, exc.error
    return "sent", ""


def tell_manager(deps: Deps, session: Session, action: Action, member: Caller, key: str) -> dict[str, Any] | None:
    """The manager's note about the answer, in the manager's language; None when there is no manager."""
    manager = session.get(Person, action.created_by_id)
    if manager is None or manager.id == action.owner_id or manager.workspace_id != action.workspace_id:
        return None
    cat = cat_for(deps, manager)
    text = cat.t(key, member=f"<@{member.user_id}>", title=escape(action.title))
    if key == "proposal.manager_declined" and action.decline_reason:
        text += "\n" + cat.t("proposal.manager_reason", reason=escape(action.decline_reason))
    return {"user": manager.slack_user_id, **action_messages.notice(text)}


def finish_answer(
    deps: Deps,
    who: Caller,
    origin: dict[str, str],
    answered: dict[str, Any] | None,
    manager_note: dict[str, Any] | None,
) -> None:
    """Show the answer in place of the proposal's buttons (the DM), or in the /actions list it was answered
    from; tell the manager; republish the Home tab."""
    if answered is not None and origin.get("channel") and origin.get("ts"):
        notify.update(deps, who.team_id, origin["channel"], origin["ts"], answered)
    elif answered is not None and origin.get("response_url"):
        if manager_note is not None:
            notify.dm(deps, who.team_id, manager_note.pop("user"), manager_note)
        refresh(deps, who, origin, answered["text"])  # the list shows the answer and what is left
        return
    if manager_note is not None:
        notify.dm(deps, who.team_id, manager_note.pop("user"), manager_note)
    home.publish(deps, who.team_id, who.user_id)


def accept(deps: Deps, who: Caller, action_id: int | None, origin: dict[str, str]) -> None:
    """Accept: the proposed action joins the member's list, and the manager hears it."""
    answered = manager_note = refused = None
    with turn(deps, who) as t:
        found = _proposal(t.session, t.person, action_id)
        try:
            if found is None:
                answered = action_messages.notice(t.cat.t("error.not_found"))
            elif actions.respond_to_proposal(t.session, deps.clock, found, t.person, accept=True, rules=deps.rules):
                answered = action_messages.proposal_answered(t.cat, found, "proposal.accepted")
                manager_note = tell_manager(deps, t.session, found, who, "proposal.manager_accepted")
            else:  # a second click: the first answer stands
                answered = action_messages.notice(t.cat.t("proposal.answered"))
        except actions.ActionError as exc:  # the list is full: the proposal and its buttons stay
            refused = action_messages.notice(t.cat.t(f"error.{exc.code}"))
    if refused is not None:
        notify.tell(deps, who.team_id, who.user_id, origin, refused)
        return
    finish_answer(deps, who, origin, answered, manager_note)


def adjust(deps: Deps, who: Caller, action_id: int | None, trigger_id: str, origin: dict[str, str]) -> None:
    """Adjust: the form, pre-filled with the proposal; saving it accepts the changed action."""
    cat, state = _if_pending(deps, who, action_id, origin, lambda _, found: state_from_action(found, "adjust", origin))
    if state is not None:
        open_form(deps, trigger_id, cat, state, who)


def decline(deps: Deps, who: Caller, action_id: int | None, trigger_id: str, origin: dict[str, str]) -> None:
    """Decline: a small modal asks for the reason; its submit declines and tells the manager."""
    _, view = _if_pending(
        deps, who, action_id, origin, lambda cat, found: decline_modal(cat, found.id, found.title, origin)
    )
    if view is None:
        return
    try:
        deps.gateway.open_view(trigger_id, view)
    except SlackError:
        pass  # the buttons stay; the person can click again


def _if_pending(
    deps: Deps,
    who: Caller,
    action_id: int | None,
    origin: dict[str, str],
    build: Callable[[Catalogue, Action], T],
) -> tuple[Catalogue, T | None]:
    """What `build` makes of the proposal while it still waits for an answer; when it was answered already
    (or is not theirs), None, and the place it was clicked says so."""
    with turn(deps, who) as t:
        found = _proposal(t.session, t.person, action_id)
        built = build(t.cat, found) if found is not None and found.status == "proposed" else None
    if built is None:
        finish_answer(deps, who, origin, action_messages.notice(t.cat.t("proposal.answered")), None)
    return t.cat, built


def _proposal(session: Session, person: Person, action_id: int | None) -> Action | None:
    if action_id is None:
        return None
    try:
        return actions.get_own(session, person, action_id)
    except actions.ActionError:
        return None
