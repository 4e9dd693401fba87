"""A member answers a manager's proposal: Accept, Adjust (the form, pre-filled) or Decline (with a reason)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.orm import Session

from bot import home, notify
from bot.deps import Deps
from bot.listeners.edge import Caller, caller, cat_for, deps_of, origin_of, person_for
from bot.listeners.forms import open_form, state_from_action
from bot.messages import actions as action_messages
from bot.messages.action_form import decline_modal
from bot.messages.catalogue import escape
from bot.services import actions
from bot.slack import SlackError
from models import Action, Person


def _proposal(session: Session, person: Person, value: str | None) -> Action | None:
    try:
        return actions.get_own(session, person, int(value or ""))
    except (ValueError, actions.ActionError):
        return None


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
    """Show the answer in place of the proposal's buttons, tell the manager, republish the Home tab."""
    if answered is not None and origin.get("channel") and origin.get("ts"):
        notify.update(deps, who.team_id, origin["channel"], origin["ts"], answered)
    if manager_note is not None:
        notify.dm(deps, who.team_id, manager_note.pop("user"), manager_note)
    home.publish(deps, who.team_id, who.user_id)


def on_accept(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who, origin = deps_of(context), caller(body), origin_of(body)
    answered = manager_note = refused = None
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        found = _proposal(session, person, action.get("value"))
        try:
            if found is None:
                answered = action_messages.notice(cat.t("error.not_found"))
            elif actions.respond_to_proposal(session, deps.clock, found, person, accept=True):
                answered = action_messages.proposal_answered(cat, found, "proposal.accepted")
                manager_note = tell_manager(deps, session, found, who, "proposal.manager_accepted")
            else:  # a second click: the first answer stands
                answered = action_messages.notice(cat.t("proposal.answered"))
        except actions.ActionError as exc:  # the list is full: the proposal and its buttons stay
            refused = action_messages.notice(cat.t(f"error.{exc.code}"))
    if refused is not None:
        notify.tell(deps, who.team_id, who.user_id, origin, refused)
        return
    finish_answer(deps, who, origin, answered, manager_note)


def on_adjust(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who, origin = deps_of(context), caller(body), origin_of(body)
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        found = _proposal(session, person, action.get("value"))
        state = state_from_action(found, "adjust", origin) if found and found.status == "proposed" else None
    if state is None:
        finish_answer(deps, who, origin, action_messages.notice(cat.t("proposal.answered")), None)
        return
    open_form(deps, body["trigger_id"], cat, state, who)


def on_decline(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who, origin = deps_of(context), caller(body), origin_of(body)
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        found = _proposal(session, person, action.get("value"))
        view = decline_modal(cat, found.id, found.title, origin) if found and found.status == "proposed" else None
    if view is None:
        finish_answer(deps, who, origin, action_messages.notice(cat.t("proposal.answered")), None)
        return
    try:
        deps.gateway.open_view(body["trigger_id"], view)
    except SlackError:
        pass  # the buttons stay; the person can click again


def register(app: App) -> None:
    app.action("proposal_accept")(on_accept)
    app.action("proposal_adjust")(on_adjust)
    app.action("proposal_decline")(on_decline)
