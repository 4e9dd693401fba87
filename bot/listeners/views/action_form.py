"""Submitting the action form: errors inline, coaching tips once (with "Save anyway"), then save.

Validation, coaching and the save happen before the ack (they decide what the modal shows, and a save
that fails keeps the modal open with what was typed); messages come after it. A resubmitted form has one
effect: new actions carry the view id as source key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy.orm import Session

from bot import home, notify
from bot.deps import Deps
from bot.listeners.actions.nudges import refresh_message
from bot.listeners.actions.proposals import finish_answer, send_proposal, tell_manager
from bot.listeners.edge import Caller, caller, cat_for, deps_of, person_for, save_then_ack, today_of
from bot.messages import actions as action_messages
from bot.messages.action_form import FormState, action_form, override_ticked, read_form
from bot.messages.catalogue import Catalogue, escape
from bot.messages.ids import FORM_CALLBACK
from bot.services import actions, coaching, people, teams

_SPLIT_NAMES = re.compile(r"\s*(?:[,;\n]|\band\b|\ben\b|&)\s*", re.IGNORECASE)


def split_names(text: str) -> list[str]:
    return [name.strip() for name in _SPLIT_NAMES.split(text or "") if name.strip()]


@dataclass
class Decision:
    response: dict[str, Any] | None  # what the modal does now: errors, an update, or None (close)
    data: actions.ActionInput | None = None
    owner_user_id: str | None = None


def _errors(cat: Catalogue, state: FormState, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not state.title.strip():
        errors["title"] = cat.t("error.title_empty")
    if state.due is None:
        errors["due"] = cat.t("error.due_missing")
    elif state.due < today:
        errors["due"] = cat.t("error.due_past")
    elif state.due > today + timedelta(days=actions.HORIZON_DAYS):
        errors["due"] = cat.t("error.due_far")
    return errors


def decide(deps: Deps, who: Caller, view: dict[str, Any]) -> Decision:
    values = (view.get("state") or {}).get("values") or {}
    state = read_form(values, view.get("private_metadata") or "")
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat, today = cat_for(deps, person), today_of(deps, person)
        errors = _errors(cat, state, today)
        owner_user_id = who.user_id
        if state.mode == "new" and state.owner_user_id and state.owner_user_id != who.user_id:
            owner, _ = people.ensure_person(session, deps.clock, who.team_id, state.owner_user_id)
            if not teams.is_manager_of(session, person, owner):
                errors["owner"] = cat.t("error.not_manager", member=f"<@{state.owner_user_id}>")
            owner_user_id = state.owner_user_id
        if state.mode in ("edit", "adjust"):
            try:
                found = actions.get_own(session, person, state.action_id or 0)
                if found.is_final or (state.mode == "adjust" and found.status != "proposed"):
                    errors["title"] = cat.t("error.not_open")
            except actions.ActionError as exc:
                errors["title"] = cat.t(f"error.{exc.code}")
    if errors:
        return Decision({"response_action": "errors", "errors": errors})
    contacts = split_names(state.contacts) or coaching.extract_contacts(state.title)
    draft = coaching.Draft(
        title=state.title,
        contacts=contacts + [f"<@{u}>" for u in state.contact_user_ids],
        due=state.due,
        kind=state.kind,
    )
    advice = coaching.coach(draft, today, cat.language)
    if not advice.concrete and not override_ticked(values):
        if not state.show_override:
            # Advice, once: the same form with the tips and a "Save anyway" box.
            state.tips = [escape(t) for t in coaching.tips(advice, cat.language, state.title)]
            state.show_override = True
            return Decision({"response_action": "update", "view": action_form(cat, state)})
        return Decision({"response_action": "errors", "errors": {"override": cat.t("coach.override_hint")}})
    data = actions.ActionInput(
        title=state.title.strip(),
        due=state.due or today,
        kind=state.kind,
        contacts=contacts,
        contact_user_ids=state.contact_user_ids,
        opening_line=state.opening_line,
        voicemail_plan=state.voicemail_plan,
        notes=state.notes,
        repeat_weeks=state.repeat_weeks,
    )
    return Decision(None, data, owner_user_id)


def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: dict[str, Any]) -> None:
    """Checks and coaching decide what the modal shows; the save comes before the ack (see save_then_ack),
    the messages after it."""
    deps, who = deps_of(context), caller(body)
    decision = decide(deps, who, view)
    if decision.response is not None:
        ack(**decision.response)
        return
    state = read_form({}, view.get("private_metadata") or "")
    data = decision.data
    assert data is not None
    if state.mode == "new":
        owner_user_id = decision.owner_user_id or who.user_id
        view_id = view.get("id", "")
        created = save_then_ack(ack, deps, who, "title", lambda s: _create(s, deps, who, data, owner_user_id, view_id))
        if created is not None:
            _after_create(deps, who, created, state.origin)
    else:
        changed = save_then_ack(ack, deps, who, "title", lambda s: _change(s, deps, who, data, state))
        if changed is not None:
            _after_change(deps, who, changed, state)


@dataclass
class Created:
    reply: dict[str, Any] | None  # None: the same form submitted twice, the first one did it all
    action_id: int = 0
    proposal: bool = False
    error: str | None = None


def _create(
    session: Session, deps: Deps, who: Caller, data: actions.ActionInput, owner_user_id: str, view_id: str
) -> Created:
    person, _ = person_for(session, deps, who)
    cat, today = cat_for(deps, person), today_of(deps, person)
    owner = person
    if owner_user_id != who.user_id:
        owner, _ = people.ensure_person(session, deps.clock, who.team_id, owner_user_id)
    try:
        action, created = actions.create(
            session,
            deps.clock,
            owner=owner,
            actor=person,
            data=data,
            today=today,
            source_key=f"view:{view_id}",
            rules=deps.rules,
        )
    except actions.ActionError as exc:  # e.g. the list is full: said where they are, or by DM
        return Created(action_messages.notice(cat.t(f"error.{exc.code}")), error=exc.code)
    if not created:
        return Created(None)
    return Created(action_messages.quick_saved(cat, action, today), action.id, owner.id != person.id)


def _after_create(deps: Deps, who: Caller, created: Created, origin: dict[str, str]) -> None:
    if created.reply is None:
        return
    if created.error is not None:
        notify.tell(deps, who.team_id, who.user_id, origin, created.reply)
        return
    if created.proposal:  # the member's DM first, then the manager hears what really happened
        send_proposal(deps, who, created.action_id, origin)
    elif origin.get("response_url"):
        notify.respond(deps, who.team_id, origin["response_url"], created.reply)
    home.publish(deps, who.team_id, who.user_id)


@dataclass
class Changed:
    listing: dict[str, Any]
    answered: dict[str, Any] | None = None
    manager_note: Any = None


def _change(session: Session, deps: Deps, who: Caller, data: actions.ActionInput, state: FormState) -> Changed:
    person, _ = person_for(session, deps, who)
    cat, today = cat_for(deps, person), today_of(deps, person)
    try:
        action = actions.get_own(session, person, state.action_id or 0)
        actions.edit(session, deps.clock, action, person, data, today, rules=deps.rules)
        changed = Changed(listing={})
        if state.mode == "adjust" and actions.respond_to_proposal(
            session, deps.clock, action, person, accept=True, rules=deps.rules
        ):
            changed.answered = action_messages.proposal_answered(cat, action, "proposal.adjusted")
            changed.manager_note = tell_manager(deps, session, action, who, "proposal.manager_adjusted")
        note = cat.t("result.edited", title=escape(action.title))
        changed.listing = action_messages.open_list(cat, actions.open_actions(session, person), today, note=note)
        return changed
    except actions.ActionError as exc:
        return Changed(action_messages.notice(cat.t(f"error.{exc.code}")))


def _after_change(deps: Deps, who: Caller, changed: Changed, state: FormState) -> None:
    if state.mode == "adjust":
        if changed.answered is None:  # not saved (the list is full, say): the proposal stays, and they hear why
            origin = {"response_url": state.origin.get("response_url", "")}
            notify.tell(deps, who.team_id, who.user_id, origin, changed.listing)
        finish_answer(deps, who, state.origin, changed.answered, changed.manager_note)
        return
    nudge_id = state.origin.get("nudge")
    # Opened from a nudge: the nudge stays, showing the new preparation, instead of becoming the list.
    if not (nudge_id and nudge_id.isdigit() and refresh_message(deps, who, int(nudge_id))):
        notify.respond(deps, who.team_id, state.origin.get("response_url"), changed.listing)
    home.publish(deps, who.team_id, who.user_id)


def register(app: App) -> None:
    app.view(FORM_CALLBACK)(on_submit)
