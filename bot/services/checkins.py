"""Answers to nudges: the one-click replies of a check-in, prep, follow-up, progress or rhythm question.

An answer is stored on the nudge (per action), so the message can show it, a second click has no
further effect, and it can be changed afterwards. A late answer counts like any other: it also
calls off the follow-up or attention mark that was waiting for it.

One effect per click: an answer is stored with a conditional update over the answer version it was decided
on, before its effect is applied (in a savepoint, so a refused effect stores nothing). Of two clicks at the
same moment one stores its answer; the other then decides again on what the first stored: the same answer
has no further effect, an answer about another action of the bundle is added to it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bot.services import actions, events, planning, responses
from bot.services.calendar import work_week_of
from bot.services.clock import Clock
from bot.services.kinds import ATTENTION, FOLLOWUP, KINDS, RHYTHM, WAITS_FOR_ANSWER
from bot.services.rules import PlanRules
from models import Action, Nudge, Person
from models.base import UTCDateTime
from models.db import rowcount

# What each kind of nudge can be answered with. Date answers carry the picked date.
ANSWERS = {k.name: k.answers for k in KINDS.values() if k.answers}
DATE_ANSWERS = ("not_yet", "reschedule")
PAUSE_FOR = timedelta(days=14)


class AnswerError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def own_nudge(session: Session, person: Person, nudge_id: int) -> Nudge:
    nudge = session.scalar(
        select(Nudge).where(
            Nudge.id == nudge_id, Nudge.person_id == person.id, Nudge.workspace_id == person.workspace_id
        )
    )
    if nudge is None:
        raise AnswerError("not_found")
    return nudge


def _store(session: Session, nudge: Nudge, given: dict[str, Any], now: datetime | None) -> bool:
    """Store the answers over the version they were decided on; False (and `nudge` re-read) when another click
    stored first. `now` marks the nudge answered (when it was not yet); None leaves answered_at alone."""
    values: dict[str, Any] = {"answer": given, "answer_version": nudge.answer_version + 1}
    if now is not None:
        values["answered_at"] = func.coalesce(Nudge.answered_at, bindparam("now", now, type_=UTCDateTime()))
    result = session.execute(
        update(Nudge)
        .where(Nudge.id == nudge.id, Nudge.answer_version == nudge.answer_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        session.refresh(nudge)
        return False
    set_committed_value(nudge, "answer", given)
    set_committed_value(nudge, "answer_version", values["answer_version"])
    session.expire(nudge, ["answered_at"])
    return True


def _action_of(session: Session, person: Person, nudge: Nudge, action_id: int) -> Action:
    if action_id not in (nudge.action_ids or []):
        raise AnswerError("not_found")
    try:
        return actions.get_own(session, person, action_id)
    except actions.ActionError as exc:
        raise AnswerError(exc.code) from None


def answer(
    session: Session,
    clock: Clock,
    person: Person,
    nudge: Nudge,
    action_id: int,
    choice: str,
    *,
    today: date,
    on: date | None = None,
    rules: PlanRules,
) -> bool:
    """Apply one answer. Returns False when it changed nothing (the same answer clicked again)."""
    if choice not in ANSWERS.get(nudge.kind, ()):
        raise AnswerError("unknown_answer")
    key = str(action_id)
    with session.begin_nested():  # a refused effect (AnswerError) leaves the stored answer as it was
        while True:
            given = dict(nudge.answer or {})
            if given.get(key) == choice and choice not in DATE_ANSWERS:
                return False
            if _store(session, nudge, {**given, key: choice}, clock.now()):
                break
            # Another click stored an answer first (we waited for it): decide again on what it stored.
        if nudge.kind == RHYTHM:
            _rhythm(session, clock, person, choice, today, rules=rules)
        else:
            action = _action_of(session, person, nudge, action_id)
            _apply(session, clock, person, nudge, action, choice, today=today, on=on, rules=rules)
    events.by(
        session,
        clock,
        person,
        "answered",
        action_id=action_id or None,
        nudge=nudge.kind,
        answer=choice,
        late=nudge.sent_at is not None and clock.now() - nudge.sent_at > timedelta(days=1),
    )
    return True


def _apply(
    session: Session,
    clock: Clock,
    person: Person,
    nudge: Nudge,
    action: Action,
    choice: str,
    *,
    today: date,
    on: date | None,
    rules: PlanRules,
) -> None:
    if KINDS[nudge.kind].asks_about_due:
        # The person answered: nothing waits for this answer any more.
        planning.cancel_reactions(session, person, {action.id}, WAITS_FOR_ANSWER)
        action.needs_attention = False
    if action.status != "open" and choice not in ("ready", "on_track", "started", "next_step"):
        if (choice == "done" and action.status == "done") or (choice == "drop" and action.status == "dropped"):
            return
        raise AnswerError("not_open")
    if choice == "done":
        actions.complete(session, clock, action, person, rules=rules)
    elif choice == "drop":
        actions.drop(session, clock, action, person, reason=f"{nudge.kind} answer", rules=rules)
    elif choice in DATE_ANSWERS:
        if on is None:
            raise AnswerError("date_missing")
        try:
            actions.reschedule(session, clock, action, person, on, today, rules=rules)
        except actions.ActionError as exc:
            raise AnswerError(exc.code) from None
    elif choice == "partly":
        # A start is a start: the action stays open and the check-in comes back in a few working days.
        week = work_week_of(person, rules.default_timezone)
        actions.reschedule(
            session, clock, action, person, week.add_working_days(today, rules.prep_days), today, rules=rules
        )
    elif choice in ("help", "still_on", "smaller", "ready", "on_track", "started", "not_started"):
        planning.replan(session, clock, person, rules=rules)


def to_fewer(session: Session, clock: Clock, person: Person, *, rules: PlanRules) -> None:
    """Fewer messages: no more follow-ups. One already planned becomes the silent "needs attention"
    mark it would have led to, so the manager's view stays the same while the person hears less."""
    person.rhythm = "fewer"
    waiting = session.scalars(
        select(Nudge).where(Nudge.person_id == person.id, Nudge.status == "planned", Nudge.kind == FOLLOWUP)
    )
    for row in list(waiting):
        row.status, row.error = "cancelled", "fewer"
        planning.plan_reaction(
            session, clock, person, ATTENTION, row.local_date, list(row.action_ids or []), rules=rules
        )


def _rhythm(session: Session, clock: Clock, person: Person, choice: str, today: date, *, rules: PlanRules) -> None:
    if choice == "fewer":
        to_fewer(session, clock, person, rules=rules)
    elif choice == "pause":
        person.paused_until = today + PAUSE_FOR
        person.welcome_back_pending = True
    person.updated_at = clock.now()
    planning.replan(session, clock, person, rules=rules)


def change(session: Session, clock: Clock, person: Person, nudge: Nudge, action_id: int, *, rules: PlanRules) -> bool:
    """Take an answer back: Done or Drop reopen the action; the question shows its buttons again."""
    while True:
        given = dict(nudge.answer or {})
        previous = given.pop(str(action_id), None)
        if previous is None:
            return False  # nothing to take back, or taken back a moment earlier by the same click
        if _store(session, nudge, given, None):
            break
    if previous in ("done", "drop") and action_id:
        action = _action_of(session, person, nudge, action_id)
        if action.status in ("done", "dropped"):
            actions.reopen(session, clock, action, person, rules=rules)
    events.by(
        session,
        clock,
        person,
        "answer_changed",
        action_id=action_id or None,
        nudge=nudge.kind,
        previous=previous,
    )
    return True


def set_contact(
    session: Session,
    clock: Clock,
    person: Person,
    nudge: Nudge,
    action_id: int,
    contact_id: int,
    status: str,
    *,
    rules: PlanRules,
) -> bool:
    action = _action_of(session, person, nudge, action_id)
    try:
        finished = actions.set_contact_status(session, clock, action, person, contact_id, status, rules=rules)
    except actions.ActionError as exc:
        raise AnswerError(exc.code) from None
    while finished:
        given = dict(nudge.answer or {})
        if given.get(str(action_id)) == "done" or _store(session, nudge, {**given, str(action_id): "done"}, None):
            break
    if nudge.answered_at is None:  # a ticked contact is an answer, not silence
        nudge.answered_at = clock.now()
    responses.heard_from(session, clock, person, {action_id})
    return finished
