"""One-click answers on the nudges. Each click acks, applies the answer, and updates the message in place.

Values are `<nudge id>:<action id>[:<answer>]`; a date picker's block id is `nd:<nudge>:<action>:<answer>`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from slack_bolt import Ack, App
from sqlalchemy import select

from bot.deps import Deps
from bot.flows import home, notify
from bot.flows.celebrate import celebrate
from bot.listeners.edge import Caller, caller, cat_for, deps_of, origin_of, person_for, today_of
from bot.listeners.forms import open_form, state_from_action
from bot.messages import ids
from bot.messages.catalogue import Catalogue
from bot.messages.ids import NUDGE_ANSWER, pattern
from bot.messages.nudges import NudgeView, render
from bot.services import actions, checkins, dispatch, people
from bot.services.calendar import work_week_of
from models import Action, Nudge

NEXT_STEP_WEEKS = 6


def _ints(parts: list[str]) -> list[int]:
    try:
        return [int(p) for p in parts]
    except ValueError:
        return []


def _view(deps: Deps, nudge: Nudge, cat: Catalogue, today: date) -> dict[str, Any]:
    with deps.sessions() as session:
        found = {  # the nudge is the caller's (own_nudge); its actions are looked up in its workspace only
            a.id: a
            for a in session.scalars(
                select(Action).where(Action.id.in_(nudge.action_ids or []), Action.workspace_id == nudge.workspace_id)
            )
        }
        listed = [found[i] for i in nudge.action_ids or [] if i in found]
        person = session.get(people.Person, nudge.person_id)
        until = person.paused_until if person else None
        streak = 0
        if person is not None and nudge.kind == "celebration":  # the updated message keeps its streak line
            streak = dispatch.streak_of(session, person, work_week_of(person, deps.settings.default_timezone))
    view = NudgeView(
        nudge_id=nudge.id,
        kind=nudge.kind,
        variant=nudge.variant,
        today=today,
        actions=listed,
        answers=dict(nudge.answer or {}),
        until=until,
        streak=streak,
    )
    return render(cat, view)


def refresh_message(deps: Deps, who: Caller, nudge_id: int) -> bool:
    """Re-render one of the caller's nudges in place, e.g. after the preparation was edited in the form
    it opened. False when it is not theirs or was never posted."""
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat, today = cat_for(deps, person), today_of(deps, person)
        try:
            nudge = checkins.own_nudge(session, person, nudge_id)
        except checkins.AnswerError:
            return False
    if not (nudge.channel_id and nudge.message_ts):
        return False
    notify.update(deps, who.team_id, nudge.channel_id, nudge.message_ts, _view(deps, nudge, cat, today))
    return True


def _after(deps: Deps, who: Caller, nudge_id: int, note_error: str | None = None) -> None:
    """Show the answers in the message itself, celebrate a Done, republish the Home tab. The nudge is looked
    up through the owner check: another person's id (a forged click) re-renders nothing."""
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat, today = cat_for(deps, person), today_of(deps, person)
        try:
            nudge: Nudge | None = checkins.own_nudge(session, person, nudge_id)
        except checkins.AnswerError:
            nudge = None
    if nudge is not None and nudge.channel_id and nudge.message_ts:
        notify.update(deps, who.team_id, nudge.channel_id, nudge.message_ts, _view(deps, nudge, cat, today))
    celebrate(deps, who.team_id, who.user_id)
    if note_error:
        notify.dm(deps, who.team_id, who.user_id, {"text": cat.t(f"error.{note_error}")})
    home.publish(deps, who.team_id, who.user_id)


def _answer(deps: Deps, who: Caller, nudge_id: int, action_id: int, choice: str, on: date | None = None) -> None:
    error = None
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        try:
            nudge = checkins.own_nudge(session, person, nudge_id)
            checkins.answer(
                session,
                deps.clock,
                person,
                nudge,
                action_id,
                choice,
                today=today_of(deps, person),
                on=on,
                rules=deps.rules,
            )
        except checkins.AnswerError as exc:
            error = exc.code
    _after(deps, who, nudge_id, error if error in ("due_past", "due_far", "not_open") else None)


def on_answer(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    parts = (action.get("value") or "").split(":")
    ids = _ints(parts[:2])
    if len(parts) != 3 or len(ids) != 2:
        return
    _answer(deps_of(context), caller(body), ids[0], ids[1], parts[2])


def on_date(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    parts = (action.get("block_id") or "").split(":")
    ids = _ints(parts[1:3])
    picked = action.get("selected_date")
    if len(parts) != 4 or len(ids) != 2 or not picked:
        return
    _answer(deps_of(context), caller(body), ids[0], ids[1], parts[3], date.fromisoformat(picked))


def on_change(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who = deps_of(context), caller(body)
    ids = _ints((action.get("value") or "").split(":")[:2])
    if len(ids) != 2:
        return
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        try:
            checkins.change(
                session, deps.clock, person, checkins.own_nudge(session, person, ids[0]), ids[1], rules=deps.rules
            )
        except checkins.AnswerError:
            pass
    _after(deps, who, ids[0])


def on_contact(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    ack()
    deps, who = deps_of(context), caller(body)
    parts = ((action.get("selected_option") or {}).get("value") or "").split(":")
    ids = _ints(parts[:3])
    if len(parts) != 4 or len(ids) != 3:
        return
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        try:
            nudge = checkins.own_nudge(session, person, ids[0])
            checkins.set_contact(session, deps.clock, person, nudge, ids[1], ids[2], parts[3], rules=deps.rules)
        except checkins.AnswerError:
            pass
    _after(deps, who, ids[0])


def on_edit(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    """Edit my preparation (prep) or Make it smaller (follow-up): the form, pre-filled."""
    ack()
    deps, who = deps_of(context), caller(body)
    parts = (action.get("value") or "").split(":")
    ids = _ints(parts[:2])
    if len(ids) != 2:
        return
    state = None
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        try:
            nudge = checkins.own_nudge(session, person, ids[0])
            found = actions.get_own(session, person, ids[1])
            if found.status == "open":
                # The nudge is named, so saving the form updates it rather than replacing it with a list.
                state = state_from_action(found, "edit", {**origin_of(body), "nudge": str(nudge.id)})
                if len(parts) == 3:
                    checkins.answer(
                        session,
                        deps.clock,
                        person,
                        nudge,
                        ids[1],
                        parts[2],
                        today=today_of(deps, person),
                        rules=deps.rules,
                    )
        except (checkins.AnswerError, actions.ActionError):
            state = None
    if state is not None:
        open_form(deps, body["trigger_id"], cat, state, who)
    _after(deps, who, ids[0])


def on_next_step(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: dict[str, Any]) -> None:
    """After a celebrated aftercare or top-client action: the form for the natural next one."""
    ack()
    deps, who = deps_of(context), caller(body)
    ids = _ints((action.get("value") or "").split(":")[:2])
    if len(ids) != 2:
        return
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat, today = cat_for(deps, person), today_of(deps, person)
        try:
            nudge = checkins.own_nudge(session, person, ids[0])
            done = actions.get_own(session, person, ids[1])
        except (checkins.AnswerError, actions.ActionError):
            return
        state = state_from_action(done, "new", origin_of(body))
        state.action_id = None
        week = work_week_of(person, deps.settings.default_timezone)
        state.due = week.next_working_day(today + timedelta(weeks=NEXT_STEP_WEEKS), include=True)
        state.kind = "top_client"
        checkins.answer(session, deps.clock, person, nudge, ids[1], "next_step", today=today, rules=deps.rules)
    open_form(deps, body["trigger_id"], cat, state, who)
    _after(deps, who, ids[0])


def register(app: App) -> None:
    app.action(pattern(NUDGE_ANSWER))(on_answer)
    app.action(ids.NUDGE_DATE)(on_date)
    app.action(ids.NUDGE_CHANGE)(on_change)
    app.action(ids.NUDGE_CONTACT)(on_contact)
    app.action(ids.NUDGE_EDIT)(on_edit)
    app.action(ids.NUDGE_NEXT_STEP)(on_next_step)
