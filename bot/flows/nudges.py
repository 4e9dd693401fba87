"""Answering a nudge: Done, Not yet with a new date, Booked, Still on, a rhythm or pause answer, a ticked
contact, taking an answer back, or opening the form from it (edit the preparation, plan the next step).

Every answer is saved in one transaction; then the message shows the answers in place, a Done is celebrated
right away, and the Home tab is republished. The listeners and the simulator both answer through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.deps import Deps
from bot.flows import home, notify
from bot.flows.celebrate import celebrate
from bot.flows.context import Caller, Turn, turn
from bot.flows.forms import open_form, state_from_action
from bot.messages.action_form import FormState
from bot.messages.catalogue import Catalogue
from bot.messages.nudges import NudgeView, render
from bot.services import actions, checkins, dispatch, kinds, openers
from bot.services.calendar import work_week_of
from models import Action, Nudge

NEXT_STEP_WEEKS = 6
# Answers refused for a reason the person can act on are told by direct message; the others just re-render.
TOLD_ERRORS = ("due_past", "due_far", "not_open")


@dataclass(frozen=True)
class Click:
    """A button of one nudge about one of its actions (0 for a question about no action)."""

    nudge_id: int
    action_id: int


@dataclass(frozen=True)
class _Shown:
    """A nudge as it reads now, and the message it was posted as."""

    channel: str
    ts: str
    payload: dict[str, Any]


def answer(deps: Deps, who: Caller, click: Click, choice: str, on: date | None = None) -> bool:
    """Apply one answer (`on`: the date picked, for a new date). False when it changed nothing: the same
    answer clicked again, or one refused (a date in the past says why by direct message)."""
    error, changed = None, False
    with turn(deps, who) as t:
        try:
            nudge = checkins.own_nudge(t.session, t.person, click.nudge_id)
            changed = checkins.answer(
                t.session, deps.clock, t.person, nudge, click.action_id, choice, today=t.today, on=on, rules=deps.rules
            )
        except checkins.AnswerError as exc:
            error = exc.code
    _after(deps, who, click.nudge_id, error if error in TOLD_ERRORS else None)
    return changed


def take_back(deps: Deps, who: Caller, click: Click) -> None:
    """Change my answer: Done or Drop reopen the action, and the question shows its buttons again."""
    with turn(deps, who) as t:
        try:
            nudge = checkins.own_nudge(t.session, t.person, click.nudge_id)
            checkins.change(t.session, deps.clock, t.person, nudge, click.action_id, rules=deps.rules)
        except checkins.AnswerError:
            pass
    _after(deps, who, click.nudge_id)


def tick_contact(deps: Deps, who: Caller, click: Click, contact_id: int, status: str) -> None:
    """A contact of the action marked reached, booked or not reached; the last one finishes the action."""
    with turn(deps, who) as t:
        try:
            nudge = checkins.own_nudge(t.session, t.person, click.nudge_id)
            checkins.set_contact(
                t.session, deps.clock, t.person, nudge, click.action_id, contact_id, status, rules=deps.rules
            )
        except checkins.AnswerError:
            pass
    _after(deps, who, click.nudge_id)


def edit(deps: Deps, who: Caller, click: Click, choice: str | None, trigger_id: str, origin: dict[str, str]) -> None:
    """Edit my preparation (prep) or Make it smaller (follow-up, answered as `choice`): the form, pre-filled."""
    state = None
    with turn(deps, who) as t:
        cat = t.cat
        try:
            nudge = checkins.own_nudge(t.session, t.person, click.nudge_id)
            found = actions.get_own(t.session, t.person, click.action_id)
            if found.status == "open":
                # The nudge is named, so saving the form updates it rather than replacing it with a list.
                state = state_from_action(found, "edit", {**origin, "nudge": str(nudge.id)})
                if choice is not None:
                    checkins.answer(
                        t.session, deps.clock, t.person, nudge, click.action_id, choice, today=t.today, rules=deps.rules
                    )
        except (checkins.AnswerError, actions.ActionError):
            state = None
    if state is not None:
        open_form(deps, trigger_id, cat, state, who)
    _after(deps, who, click.nudge_id)


def next_step(deps: Deps, who: Caller, click: Click, trigger_id: str, origin: dict[str, str]) -> None:
    """After a celebrated aftercare or top-client action: the form for the natural next one."""
    with turn(deps, who) as t:
        try:
            nudge = checkins.own_nudge(t.session, t.person, click.nudge_id)
            done = actions.get_own(t.session, t.person, click.action_id)
        except (checkins.AnswerError, actions.ActionError):
            return
        state = _next_step_state(t, done, origin)
        checkins.answer(
            t.session, deps.clock, t.person, nudge, click.action_id, "next_step", today=t.today, rules=deps.rules
        )
        cat = t.cat
    open_form(deps, trigger_id, cat, state, who)
    _after(deps, who, click.nudge_id)


def _next_step_state(t: Turn, done: Action, origin: dict[str, str]) -> FormState:
    """A new top-client action like the one done, some weeks on (on a working day)."""
    state = state_from_action(done, "new", origin)
    state.action_id = None
    week = work_week_of(t.person, t.deps.settings.default_timezone)
    state.due = week.next_working_day(t.today + timedelta(weeks=NEXT_STEP_WEEKS), include=True)
    state.kind = "top_client"
    return state


def refresh_message(deps: Deps, who: Caller, nudge_id: int) -> bool:
    """Re-render one of the caller's nudges in place, e.g. after the preparation was edited in the form
    it opened. False when it is not theirs or was never posted."""
    _, shown = _current(deps, who, nudge_id)
    if shown is None:
        return False
    notify.update(deps, who.team_id, shown.channel, shown.ts, shown.payload)
    return True


def _after(deps: Deps, who: Caller, nudge_id: int, note_error: str | None = None) -> None:
    """Show the answers in the message itself, celebrate a Done, republish the Home tab. The nudge is looked
    up through the owner check: another person's id (a forged click) re-renders nothing."""
    cat, shown = _current(deps, who, nudge_id)
    if shown is not None:
        notify.update(deps, who.team_id, shown.channel, shown.ts, shown.payload)
    celebrate(deps, who.team_id, who.user_id)
    if note_error:
        notify.dm(deps, who.team_id, who.user_id, {"text": cat.t(f"error.{note_error}")})
    home.publish(deps, who.team_id, who.user_id)


def _current(deps: Deps, who: Caller, nudge_id: int) -> tuple[Catalogue, _Shown | None]:
    """The caller's catalogue, and their nudge rendered as it reads now (None: not theirs, or never posted)."""
    with turn(deps, who) as t:
        try:
            nudge = checkins.own_nudge(t.session, t.person, nudge_id)
        except checkins.AnswerError:
            return t.cat, None
        if not (nudge.channel_id and nudge.message_ts):
            return t.cat, None
        return t.cat, _Shown(nudge.channel_id, nudge.message_ts, render(t.cat, _view(t, nudge)))


def _view(t: Turn, nudge: Nudge) -> NudgeView:
    found = {  # the nudge is the caller's (own_nudge); its actions are looked up in its workspace only
        a.id: a
        for a in t.session.scalars(
            select(Action).where(Action.id.in_(nudge.action_ids or []), Action.workspace_id == nudge.workspace_id)
        )
    }
    streak = 0
    if nudge.kind == kinds.CELEBRATION:  # the updated message keeps its streak line
        streak = dispatch.streak_of(t.session, t.person, work_week_of(t.person, t.deps.settings.default_timezone))
    return NudgeView(
        nudge_id=nudge.id,
        kind=nudge.kind,
        variant=nudge.variant,
        today=t.today,
        actions=[found[i] for i in nudge.action_ids or [] if i in found],
        answers=dict(nudge.answer or {}),
        until=t.person.paused_until,
        streak=streak,
        opener=openers.opener_of(t.session, nudge, t.person),  # redrawn after an answer, it still leads with it
    )
