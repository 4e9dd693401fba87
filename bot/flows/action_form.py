"""Submitting the action form: errors inline, coaching tips once (with "Save anyway"), then save.

Before the ack, `submit` checks the submission (what the modal shows: errors, coaching once) and, when it is
ready, keeps it as one row (bot/services/form_submissions.py): a database that fails there keeps the modal
open with what was typed. After the ack, `complete` turns the row into the action (checked again, then saved;
the row deleted in that transaction), replans the owner and sends the messages; the worker finishes a row
whose completion never came (`finish_left_behind`). A resubmitted form has one effect: new actions carry the
view id as source key.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.deps import Deps
from bot.flows import add, home, notify
from bot.flows.context import Caller, Turn, turn
from bot.flows.nudges import refresh_message
from bot.flows.proposals import finish_answer, send_proposal, tell_manager
from bot.messages import actions as action_messages
from bot.messages import coaching as coach_texts
from bot.messages.action_form import FormState, action_form, override_ticked, read_form
from bot.messages.catalogue import Catalogue, escape
from bot.services import actions, coaching, form_submissions, people, stale_plans, teams

log = logging.getLogger(__name__)
_SPLIT_NAMES = re.compile(r"\s*(?:[,;\n]|\band\b|\ben\b|&)\s*", re.IGNORECASE)


def split_names(text: str) -> list[str]:
    return [name.strip() for name in _SPLIT_NAMES.split(text or "") if name.strip()]


@dataclass
class Decision:
    response: dict[str, Any] | None  # what the modal does now: errors, an update, or None (save and close)
    data: actions.ActionInput | None = None
    owner_user_id: str | None = None


@dataclass
class Submitted:
    """What a submission did before the ack: the modal's answer (None: close it), and the kept submission to
    complete after the ack (None: nothing to do)."""

    response: dict[str, Any] | None
    accepted: int | None = None


def submit(deps: Deps, who: Caller, values: dict[str, Any], private_metadata: str, view_id: str) -> Submitted:
    """Before the ack: check the submission and, when it is ready to save, keep it (the ack waits for this)."""
    state = read_form(values, private_metadata)
    try:
        with turn(deps, who) as t:
            decision = decide_in(t, state, override_ticked(values))
            if decision.response is not None:
                return Submitted(decision.response)
            kept = form_submissions.accept(t.session, deps.clock, t.person, view_id, values, private_metadata)
            return Submitted(None, kept)
    except IntegrityError:
        with deps.transaction() as session:
            if not form_submissions.is_kept(session, who.team_id, view_id):
                raise
        return Submitted(None)  # the same form, submitted twice at once: the first one saves it


def complete(deps: Deps, who: Caller, submission_id: int) -> None:
    """After the ack (or from the worker): the kept submission becomes the action, then the messages."""
    with turn(deps, who) as t:
        kept = form_submissions.take(t.session, submission_id)
        if kept is None:  # saved already, or being saved
            return
        state = read_form(kept.values, kept.private_metadata)
        decision = decide_in(t, state, override_ticked(kept.values))
        saved = _save_in(t, state, decision, kept.view_id) if decision.response is None else None
        t.session.delete(kept)
        refusal = _refusal(t.cat, decision)
    if saved is None:  # what held a moment ago no longer does (the action was closed meanwhile, say)
        notify.tell(deps, who.team_id, who.user_id, state.origin, refusal)
        return
    after_save(deps, who, state, saved)


def _refusal(cat: Catalogue, decision: Decision) -> dict[str, Any]:
    errors = list(((decision.response or {}).get("errors") or {}).values())
    return action_messages.notice(" ".join(errors) or cat.t("error.not_saved"))


def finish_left_behind(deps: Deps) -> int:
    """The worker: complete submissions whose save after the ack never came (the process died, or the save
    failed); after MAX_ATTEMPTS tries the person gets what they typed back instead. How many were saved."""
    with deps.transaction() as session:
        waiting = form_submissions.left_behind(session, deps.clock)
    finished = 0
    for submission_id, team_id, user_id in waiting:
        who = Caller(team_id, user_id)
        with deps.transaction() as session:
            attempts = form_submissions.count_attempt(session, submission_id)
        try:
            if attempts > form_submissions.MAX_ATTEMPTS:
                _give_back(deps, who, submission_id)
            elif attempts:
                complete(deps, who, submission_id)
                finished += 1
        except Exception:  # one submission's bug must not stop the others; the next tick tries again
            log.exception("completing a kept form failed", extra={"workspace": team_id, "user": user_id})
    return finished


def _give_back(deps: Deps, who: Caller, submission_id: int) -> None:
    """Saving it keeps failing: the person gets what they typed by direct message, and the row goes."""
    with turn(deps, who) as t:
        kept = form_submissions.take(t.session, submission_id)
        if kept is None:
            return
        state = read_form(kept.values, kept.private_metadata)
        t.session.delete(kept)
        typed = [
            ("form.label_contacts", state.contacts),
            ("form.label_opening", state.opening_line),
            ("form.label_voicemail", state.voicemail_plan),
            ("form.label_notes", state.notes),
        ]
        message = action_messages.typed_back(t.cat, state.title, typed)
    log.error("gave a kept form back unsaved", extra={"workspace": who.team_id, "user": who.user_id})
    notify.dm(deps, who.team_id, who.user_id, message)


def decide(deps: Deps, who: Caller, state: FormState, override: bool) -> Decision:
    """What the modal does with this submission: show errors, show coaching once, or save (`data`)."""
    with turn(deps, who) as t:
        return decide_in(t, state, override)


def decide_in(t: Turn, state: FormState, override: bool) -> Decision:
    """`decide` inside a transaction the caller holds."""
    who, cat, today = t.who, t.cat, t.today
    errors = _errors(cat, state, today) | _owner_errors(t, state) | _open_errors(t, state)
    if errors:
        return Decision({"response_action": "errors", "errors": errors})
    contacts = split_names(state.contacts) or coaching.extract_contacts(state.title)
    draft = coaching.Draft(
        title=state.title,
        contacts=contacts + [f"<@{u}>" for u in state.contact_user_ids],
        due=state.due,
        kind=state.kind,
    )
    advice = coaching.coach(draft, today)
    if not advice.concrete and not override:
        return Decision(_coaching(cat, state, advice))
    return Decision(None, _input(state, contacts, today), _proposed_to(who, state) or who.user_id)


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


def _proposed_to(who: Caller, state: FormState) -> str | None:
    """The member a new action is proposed to; None when it is the caller's own."""
    if state.mode == "new" and state.owner_user_id and state.owner_user_id != who.user_id:
        return state.owner_user_id
    return None


def _owner_errors(t: Turn, state: FormState) -> dict[str, str]:
    """Only a manager of the member may propose an action to them."""
    member_user_id = _proposed_to(t.who, state)
    if member_user_id is None:
        return {}
    owner, _ = people.ensure_person(t.session, t.deps.clock, t.who.team_id, member_user_id)
    if teams.is_manager_of(t.session, t.person, owner):
        return {}
    return {"owner": t.cat.t("error.not_manager", member=f"<@{member_user_id}>")}


def _open_errors(t: Turn, state: FormState) -> dict[str, str]:
    """An edit needs the action still open; an adjusted proposal needs it still unanswered."""
    if state.mode not in ("edit", "adjust"):
        return {}
    try:
        found = actions.get_own(t.session, t.person, state.action_id or 0)
    except actions.ActionError as exc:
        return {"title": t.cat.t(f"error.{exc.code}")}
    if found.is_final or (state.mode == "adjust" and found.status != "proposed"):
        return {"title": t.cat.t("error.not_open")}
    return {}


def _coaching(cat: Catalogue, state: FormState, advice: coaching.Coaching) -> dict[str, Any]:
    if not state.show_override:
        # Advice, once: the same form with the tips and a "Save anyway" box.
        state.tips = [escape(t) for t in coach_texts.tips(advice, cat.language, state.title)]
        state.show_override = True
        return {"response_action": "update", "view": action_form(cat, state)}
    return {"response_action": "errors", "errors": {"override": cat.t("coach.override_hint")}}


def _input(state: FormState, contacts: list[str], today: date) -> actions.ActionInput:
    return actions.ActionInput(
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


@dataclass
class Created:
    reply: dict[str, Any] | None  # None: the same form submitted twice, the first one did it all
    action_id: int = 0
    proposal: bool = False
    error: str | None = None
    replan_id: int | None = None  # the person whose plan the save marked stale


@dataclass
class Changed:
    listing: dict[str, Any]
    answered: dict[str, Any] | None = None
    manager_note: Any = None
    replan_id: int | None = None  # the person whose plan the save marked stale


def _save_in(t: Turn, state: FormState, decision: Decision, view_id: str) -> Created | Changed:
    """Save a decided submission: a new action (or proposal), or the changed one."""
    assert decision.data is not None, "only a decision to save is saved"
    if state.mode == "new":
        return _create(t, decision.data, decision.owner_user_id or t.who.user_id, view_id)
    return _change(t, decision.data, state)


def after_save(deps: Deps, who: Caller, state: FormState, saved: Created | Changed) -> None:
    """Once the modal is closed: the owner's plan, the replies, the proposal's message, the refreshed list or
    nudge, Home."""
    if saved.replan_id is not None:
        try:
            with deps.transaction() as session:
                stale_plans.replan(session, deps.clock, saved.replan_id, rules=deps.rules)
        except Exception:  # saved all the same: the mark stays, and the worker replans them
            log.exception("replanning after the form failed", extra={"workspace": who.team_id, "user": who.user_id})
    if isinstance(saved, Created):
        _after_create(deps, who, saved, state.origin)
    else:
        _after_change(deps, who, saved, state)


def _create(t: Turn, data: actions.ActionInput, owner_user_id: str, view_id: str) -> Created:
    owner = t.person
    if owner_user_id != t.who.user_id:
        owner, _ = people.ensure_person(t.session, t.deps.clock, t.who.team_id, owner_user_id)
    try:
        action, created = add.create(t, owner, data, source_key=f"view:{view_id}", defer_replan=True)
    except actions.ActionError as exc:  # e.g. the list is full: said where they are, or by DM
        return Created(action_messages.notice(t.cat.t(f"error.{exc.code}")), error=exc.code)
    if not created:
        return Created(None)
    reply = action_messages.quick_saved(t.cat, action, t.today)
    return Created(reply, action.id, owner.id != t.person.id, replan_id=owner.id)


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


def _change(t: Turn, data: actions.ActionInput, state: FormState) -> Changed:
    cat = t.cat
    try:
        action = actions.get_own(t.session, t.person, state.action_id or 0)
        actions.edit(t.session, t.deps.clock, action, t.person, data, t.today, rules=t.deps.rules, defer_replan=True)
        accepted = state.mode == "adjust" and actions.respond_to_proposal(
            t.session, t.deps.clock, action, t.person, accept=True, rules=t.deps.rules, defer_replan=True
        )
    except actions.ActionError as exc:
        return Changed(action_messages.notice(cat.t(f"error.{exc.code}")))
    changed = Changed(listing={}, replan_id=t.person.id)
    if accepted:
        changed.answered = action_messages.proposal_answered(cat, action, "proposal.adjusted")
        changed.manager_note = tell_manager(t.deps, t.session, action, t.who, "proposal.manager_adjusted")
    note = cat.t("result.edited", title=escape(action.title))
    changed.listing = action_messages.open_list(cat, actions.open_actions(t.session, t.person), t.today, note=note)
    return changed


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
