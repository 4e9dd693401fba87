"""The agreed list of actions: create, propose, accept, edit, reschedule, tick contacts, finish, drop.

Every change records an event with who did it. Every lookup is scoped by workspace and owner,
so a person only ever reaches their own actions (a manager reaches a member's through `teams`).

One effect per click: every change of status is a conditional update (`... WHERE status = 'open'`) that acts
only when it changed exactly one row, so of two clicks at the same moment exactly one acts, and the other sees
what the first did. A repeating action has at most one next occurrence (a unique constraint on repeat_of_id).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, null, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from bot.services import events, planning, responses, stale_plans
from bot.services.calendar import WorkWeek, work_week_of
from bot.services.clock import Clock
from bot.services.kinds import CELEBRATION, CHECKIN
from bot.services.rules import PlanRules
from models import Action, ActionContact, Nudge, Person
from models.action import CONTACT_STATUSES, KINDS, OUTCOMES
from models.db import rowcount

TITLE_LIMIT = 300
TEXT_LIMIT = 2000
NAME_LIMIT = 120
MAX_CONTACTS = 20
HORIZON_DAYS = 366


class ActionError(Exception):
    """A request the domain refuses; `code` names a catalogue text `actions.error.<code>`."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class ActionInput:
    """What a person filled in, from a quick add or the form; already validated for shape."""

    title: str
    due: date
    kind: str = "other"
    contacts: list[str] = field(default_factory=list)
    contact_user_ids: list[str] = field(default_factory=list)
    opening_line: str | None = None
    voicemail_plan: str | None = None
    notes: str | None = None
    repeat_weeks: int | None = None


def _record(session: Session, clock: Clock, action: Action, kind: str, actor_id: int, **data: Any) -> None:
    """The events log's line about this action: what happened and who did it."""
    events.record(
        session, clock, workspace_id=action.workspace_id, kind=kind, actor_id=actor_id, action_id=action.id, **data
    )


def _acted(session: Session, clock: Clock, action: Action, actor: Person, *, rules: PlanRules) -> None:
    """Someone finished, dropped or moved the action. From its owner, wherever they did it, that is not
    silence; from anyone, the owner's plan follows."""
    if actor.id == action.owner_id:
        session.flush()
        responses.heard_from(session, clock, actor, {action.id})
    _replan_owner(session, clock, action, rules=rules)


def _replan_owner(session: Session, clock: Clock, action: Action, *, rules: PlanRules, defer: bool = False) -> None:
    """Every change to an action changes what its owner should hear, and when. defer: only mark the plan
    stale, for the caller to replan after the ack (bot.services.stale_plans)."""
    session.flush()
    owner = session.get(Person, action.owner_id)
    if owner is None:
        return
    if defer:
        stale_plans.mark(session, clock, owner)
    else:
        planning.replan(session, clock, owner, rules=rules)


def _clean(text: str | None, limit: int) -> str | None:
    if text is None:
        return None
    text = text.strip()
    return text[:limit] if text else None


def validate(data: ActionInput, today: date) -> None:
    title = (data.title or "").strip()
    if not title:
        raise ActionError("title_empty")
    if len(title) > TITLE_LIMIT:
        raise ActionError("title_long")
    if data.due < today:
        raise ActionError("due_past")
    if data.due > today + timedelta(days=HORIZON_DAYS):
        raise ActionError("due_far")
    if data.kind not in KINDS:
        raise ActionError("kind_unknown")
    if data.repeat_weeks is not None and not 1 <= data.repeat_weeks <= 52:
        raise ActionError("repeat_range")


def _contact_rows(action: Action, data: ActionInput, clock: Clock) -> list[ActionContact]:
    names: list[tuple[str, str | None]] = []
    for user_id in data.contact_user_ids:
        names.append((f"<@{user_id}>", user_id))
    for name in data.contacts:
        name = name.strip()[:NAME_LIMIT]
        if name and name.lower() not in {n.lower() for n, _ in names}:
            names.append((name, None))
    return [
        ActionContact(
            workspace_id=action.workspace_id,
            position=i,
            name=name,
            slack_user_id=user_id,
            status="todo",
            updated_at=clock.now(),
        )
        for i, (name, user_id) in enumerate(names[:MAX_CONTACTS])
    ]


def content_of(action: Action) -> ActionInput:
    """What was filled in for an action, as the edit form and a repeat start from it again."""
    return ActionInput(
        title=action.title,
        due=action.due_date,
        kind=action.kind,
        contacts=[c.name for c in action.contacts if not c.slack_user_id],
        contact_user_ids=[c.slack_user_id for c in action.contacts if c.slack_user_id],
        opening_line=action.opening_line,
        voicemail_plan=action.voicemail_plan,
        notes=action.notes,
        repeat_weeks=action.repeat_weeks,
    )


def fill(action: Action, data: ActionInput) -> None:
    """What was filled in, onto the action row, cleaned as it is stored."""
    action.title = data.title.strip()
    action.due_date = data.due
    action.kind = data.kind
    action.opening_line = _clean(data.opening_line, TEXT_LIMIT)
    action.voicemail_plan = _clean(data.voicemail_plan, TEXT_LIMIT)
    action.notes = _clean(data.notes, TEXT_LIMIT)
    action.repeat_weeks = data.repeat_weeks


def _insert(
    session: Session, clock: Clock, action: Action, data: ActionInput, made_first: Callable[[], Action | None]
) -> Action:
    """Fill a new action in and insert it; when a unique key says another transaction made it a moment
    earlier, the one `made_first` finds."""
    fill(action, data)
    action.contacts = _contact_rows(action, data, clock)
    try:
        with session.begin_nested():
            session.add(action)
            session.flush()
    except IntegrityError:
        existing = made_first()
        if existing is None:
            raise
        return existing
    return action


def find_by_source(session: Session, workspace_id: int, source_key: str) -> Action | None:
    return session.scalar(select(Action).where(Action.workspace_id == workspace_id, Action.source_key == source_key))


def create(
    session: Session,
    clock: Clock,
    *,
    owner: Person,
    actor: Person,
    data: ActionInput,
    today: date,
    source_key: str | None = None,
    rules: PlanRules,
    agreed: bool = False,
    defer_replan: bool = False,
) -> tuple[Action, bool]:
    """Create an action (a proposal when the actor is not the owner). Returns (action, created).

    agreed: a manager and the owner agreed it together (in the review): on the owner's list at once, by the
    date agreed, not a proposal to accept. With a source_key, a second call for the same modal or command
    returns the first action. defer_replan: the owner's plan is marked stale, for a replan after the ack.
    """
    validate(data, today)
    existing_id, open_count = _made_and_open(session, owner, source_key)
    if existing_id is not None:
        return session.get_one(Action, existing_id), False
    now = clock.now()
    for_someone = actor.id != owner.id
    proposal = for_someone and not agreed
    if open_count >= rules.max_open_actions:  # quick add, the form and a manager's proposal alike (see at_cap)
        raise ActionError("too_many_member" if for_someone else "too_many")
    action = Action(
        workspace_id=owner.workspace_id,
        owner_id=owner.id,
        created_by_id=actor.id,
        status="proposed" if proposal else "open",
        source_key=source_key,
        created_at=now,
        updated_at=now,
    )
    # The same submission, a moment earlier, in another thread, made it first: that one.
    saved = _insert(session, clock, action, data, lambda: find_by_source(session, owner.workspace_id, source_key or ""))
    if saved is not action:
        return saved, False
    _record(
        session,
        clock,
        action,
        "proposed" if proposal else "created",
        actor.id,
        due=data.due.isoformat(),
        kind_of_action=data.kind,
        contacts=len(action.contacts),
        **({"together": True} if for_someone and agreed else {}),
    )
    if not proposal:
        _replan_owner(session, clock, action, rules=rules, defer=defer_replan)
    return action, True


def _made_and_open(session: Session, owner: Person, source_key: str | None) -> tuple[int | None, int]:
    """In one query: the action this source key already made, if any (None without a key), and how many
    actions the owner has open."""
    made: Any = null()  # no key: nothing to look for
    if source_key is not None:
        made = (
            select(Action.id)
            .where(Action.workspace_id == owner.workspace_id, Action.source_key == source_key)
            .correlate(None)  # a query of its own, not about the rows counted
            .scalar_subquery()
        )
    row = session.execute(
        select(made, func.count())
        .select_from(Action)
        .where(Action.workspace_id == owner.workspace_id, Action.owner_id == owner.id, Action.status == "open")
    ).one()
    return row[0], int(row[1] or 0)


def at_cap(session: Session, person: Person, *, rules: PlanRules) -> bool:
    """The person has as many open actions as one person keeps (MAX_OPEN_ACTIONS): no new one until one is
    done or dropped. Keeps a list a plan, and every replan of the person small."""
    return _made_and_open(session, person, None)[1] >= rules.max_open_actions


def get_own(session: Session, person: Person, action_id: int) -> Action:
    """One of the person's own actions, or ActionError('not_found')."""
    action = session.scalar(
        select(Action).where(
            Action.id == action_id, Action.workspace_id == person.workspace_id, Action.owner_id == person.id
        )
    )
    if action is None:
        raise ActionError("not_found")
    return action


def open_actions(session: Session, person: Person) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .where(Action.workspace_id == person.workspace_id, Action.owner_id == person.id, Action.status == "open")
            .order_by(Action.due_date, Action.id)
        )
    )


def pending_proposals(session: Session, person: Person) -> list[tuple[Action, str]]:
    """Proposals to this person still waiting for their answer, oldest first, with the proposer's Slack id."""
    rows = session.execute(
        select(Action, Person.slack_user_id)
        .join(Person, Person.id == Action.created_by_id)
        .where(Action.workspace_id == person.workspace_id, Action.owner_id == person.id, Action.status == "proposed")
        .order_by(Action.created_at, Action.id)
    )
    return [(action, manager) for action, manager in rows]


def done_since(session: Session, person: Person, since: datetime) -> list[Action]:
    return list(
        session.scalars(
            select(Action)
            .where(
                Action.workspace_id == person.workspace_id,
                Action.owner_id == person.id,
                Action.status == "done",
                Action.done_at >= since,
            )
            .order_by(Action.done_at.desc(), Action.id.desc())
        )
    )


def _require_open(action: Action) -> None:
    if action.status != "open":
        raise ActionError("not_open")


def _transition(session: Session, action: Action, from_statuses: tuple[str, ...], **values: Any) -> bool:
    """Change the action's row only while its status in the database is one of `from_statuses`. True when this
    call changed it; False when another click got there first, and `action` then shows what that click did.

    On PostgreSQL the UPDATE waits for a concurrent one on the same row and then re-reads its condition; on
    SQLite writers take turns. Either way exactly one of two simultaneous clicks changes one row.
    """
    result = session.execute(
        update(Action)
        .where(
            Action.id == action.id,
            Action.workspace_id == action.workspace_id,
            Action.status.in_(from_statuses),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        session.refresh(action)
        return False
    for key, value in values.items():
        set_committed_value(action, key, value)
    return True


def edit(
    session: Session,
    clock: Clock,
    action: Action,
    actor: Person,
    data: ActionInput,
    today: date,
    *,
    rules: PlanRules,
    defer_replan: bool = False,
) -> None:
    if action.is_final:
        raise ActionError("not_open")
    validate(data, today)
    # Still open or proposed in the database, now (a Done or Drop at the same moment wins, or waits for this).
    if not _transition(session, action, ("proposed", "open"), updated_at=clock.now()):
        raise ActionError("not_open")
    before = {"due": action.due_date.isoformat(), "kind": action.kind}
    fill(action, data)
    if action.status == "proposed":  # not agreed yet; an open action keeps the date first agreed (streaks)
        action.agreed_due = data.due
    # Keep the progress of contacts that stay; add new ones; drop the ones removed.
    wanted = _contact_rows(action, data, clock)
    by_name = {c.name.lower(): c for c in action.contacts}
    merged = []
    for position, row in enumerate(wanted):
        keep = by_name.get(row.name.lower())
        if keep is not None:
            keep.position = position
            merged.append(keep)
        else:
            row.position = position
            merged.append(row)
    action.contacts = merged
    action.updated_at = clock.now()
    _record(session, clock, action, "edited", actor.id, before=before, due=data.due.isoformat())
    if action.status == "open":
        _replan_owner(session, clock, action, rules=rules, defer=defer_replan)


def reschedule(
    session: Session, clock: Clock, action: Action, actor: Person, due: date, today: date, *, rules: PlanRules
) -> bool:
    """Move the due date. Returns False when nothing changed (a second click)."""
    _require_open(action)
    if due < today:
        raise ActionError("due_past")
    if due > today + timedelta(days=HORIZON_DAYS):
        raise ActionError("due_far")
    if due == action.due_date:
        return False
    previous = action.due_date
    moved = session.execute(
        update(Action)
        .where(Action.id == action.id, Action.status == "open", Action.due_date == previous)
        .values(due_date=due, updated_at=clock.now(), needs_attention=False)
        .execution_options(synchronize_session=False)
    )
    session.refresh(action)
    if rowcount(moved) != 1:
        # Another click moved or closed it first: decide again on what it left (the same date: no effect).
        return reschedule(session, clock, action, actor, due, today, rules=rules)
    _record(session, clock, action, "rescheduled", actor.id, previous=previous.isoformat(), due=due.isoformat())
    _acted(session, clock, action, actor, rules=rules)
    return True


@dataclass(frozen=True)
class Completion:
    finished: bool  # this call finished it (False: it was done already, a second click)
    follow: Action | None = None  # the next occurrence of a repeating action


def complete(
    session: Session,
    clock: Clock,
    action: Action,
    actor: Person,
    *,
    note: str | None = None,
    outcomes: list[str] | None = None,
    rules: PlanRules,
) -> Completion:
    """Mark done (once); a repeating action gets its next occurrence."""
    if action.status == "done":
        return Completion(finished=False)
    _require_open(action)
    chosen = [o for o in (outcomes or []) if o in OUTCOMES]
    now = clock.now()
    owner = session.get(Person, action.owner_id)
    if not _transition(
        session,
        action,
        ("open",),
        status="done",
        done_at=now,
        done_in_time=in_time(session, action, now, owner, rules),
        updated_at=now,
        outcome_note=_clean(note, TEXT_LIMIT),
        outcomes=",".join(chosen) or None,
        needs_attention=False,
    ):
        if action.status == "done":
            return Completion(finished=False)  # the same Done, a moment earlier: it did everything
        raise ActionError("not_open")
    _record(session, clock, action, "done", actor.id, outcomes=chosen, late=now.date() > action.due_date)
    follow = _next_occurrence(session, clock, action, actor) if action.repeat_weeks else None
    if owner is not None:
        # The celebration comes right away, whatever the hour: it answers the person's own click.
        planning.plan_reaction(session, clock, owner, CELEBRATION, now.date(), [action.id], due_at=now, rules=rules)
    _acted(session, clock, action, actor, rules=rules)
    return Completion(finished=True, follow=follow)


def in_time(session: Session, action: Action, done: datetime, owner: Person | None, rules: PlanRules) -> bool:
    """Done by the end of the date first agreed (the owner's day). Or done, whichever way (the check-in's
    buttons, a contact ticked, Home), on the day the check-in about that date came, when it came after the date
    because the bot bundles (check-ins of two working days in a row come on the second; a date on a weekend is
    asked about on the next working day): the bot asked late, the person did not act late. Other delays (a
    holiday, a full day) are not forgiven."""
    first = action.agreed_due or action.due_date
    if owner is None:  # no owner to ask: the dates decide
        return done.date() <= first
    week = work_week_of(owner, rules.default_timezone)
    done_day = week.local_date(done)
    if done_day <= first:
        return True
    if action.due_date != first or done_day > planning.last_checkin_day(week, first):
        return False
    asked_today = session.scalars(
        select(Nudge.action_ids).where(
            Nudge.person_id == owner.id, Nudge.kind == CHECKIN, Nudge.status == "sent", Nudge.local_date == done_day
        )
    )
    return any(action.id in (ids or []) for ids in asked_today)


def finished_in_time(action: Action, week: WorkWeek) -> bool:
    """Whether a done action counts as on time: as decided when it was done, else (done before that was kept)
    by the date first agreed."""
    if action.done_in_time is not None:
        return action.done_in_time
    return action.done_at is not None and week.local_date(action.done_at) <= (action.agreed_due or action.due_date)


def next_occurrence_of(session: Session, action: Action) -> Action | None:
    return session.scalar(
        select(Action).where(Action.workspace_id == action.workspace_id, Action.repeat_of_id == action.id)
    )


def _next_occurrence(session: Session, clock: Clock, action: Action, actor: Person) -> Action:
    """The one next occurrence: made once, and found again on a Done after *Change my answer*."""
    existing = next_occurrence_of(session, action)
    if existing is not None:
        return existing
    # The rhythm counts from when it was done, so a late contact does not shorten the next gap.
    due = max(action.due_date, clock.now().date()) + timedelta(weeks=action.repeat_weeks or 0)
    now = clock.now()
    follow = Action(
        workspace_id=action.workspace_id,
        owner_id=action.owner_id,
        created_by_id=action.owner_id,
        status="open",
        repeat_of_id=action.id,
        created_at=now,
        updated_at=now,
    )
    # What was filled in, due one rhythm later, with the same contacts all to do again. Another transaction
    # that made it a moment earlier (uq_actions_repeat_of_id) wins.
    content = replace(content_of(action), due=due)
    saved = _insert(session, clock, follow, content, lambda: next_occurrence_of(session, action))
    if saved is not follow:
        return saved
    _record(session, clock, follow, "created", actor.id, repeat_of=action.id, due=due.isoformat())
    return follow


def drop(
    session: Session, clock: Clock, action: Action, actor: Person, *, reason: str = "dropped", rules: PlanRules
) -> bool:
    """Drop an open action. Returns False when it was already dropped (a second click)."""
    if action.status == "dropped":
        return False
    _require_open(action)
    if not _transition(session, action, ("open",), status="dropped", updated_at=clock.now()):
        if action.status == "dropped":
            return False
        raise ActionError("not_open")
    _record(session, clock, action, "dropped", actor.id, reason=reason)
    _acted(session, clock, action, actor, rules=rules)
    return True


def reopen(session: Session, clock: Clock, action: Action, actor: Person, *, rules: PlanRules) -> bool:
    """Undo a Done or a Drop given by mistake: the action is open again. A next occurrence stays, and a
    Done given again later finds it rather than making another. False when it was open already."""
    if action.status not in ("done", "dropped"):
        return False
    if not _transition(
        session, action, ("done", "dropped"), status="open", done_at=None, done_in_time=None, updated_at=clock.now()
    ):
        return False
    _record(session, clock, action, "reopened", actor.id)
    _replan_owner(session, clock, action, rules=rules)
    return True


def set_contact_status(
    session: Session,
    clock: Clock,
    action: Action,
    actor: Person,
    contact_id: int,
    status: str,
    *,
    on: date | None = None,
    rules: PlanRules,
) -> bool:
    """Tick one contact's progress. Returns True when this finished the whole action."""
    _require_open(action)
    if status not in CONTACT_STATUSES:
        raise ActionError("contact_status")
    contact = next((c for c in action.contacts if c.id == contact_id), None)
    if contact is None:
        raise ActionError("not_found")
    if contact.status == status and (on is None or on in (contact.retry_on, contact.appointment_on)):
        return False
    values: dict[str, Any] = {"status": status, "updated_at": clock.now()}
    if status in ("voicemail", "no_answer"):
        values["retry_on"] = on or _next_working_day(clock.now().date())
    if status == "booked":
        values["appointment_on"] = on
    ticked = session.execute(
        update(ActionContact)
        .where(
            ActionContact.id == contact.id,
            ActionContact.status == contact.status,
            ActionContact.retry_on.is_not_distinct_from(contact.retry_on),
            ActionContact.appointment_on.is_not_distinct_from(contact.appointment_on),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.refresh(contact)
    if rowcount(ticked) != 1:
        # Another click ticked this contact first: decide again on what it left (the same tick: no effect).
        session.refresh(action)
        return set_contact_status(session, clock, action, actor, contact_id, status, on=on, rules=rules)
    _record(session, clock, action, "contact_updated", actor.id, contact=contact.position, status=status)
    if all(c.status == "done" for c in action.contacts):
        return complete(session, clock, action, actor, rules=rules).finished
    return False


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def respond_to_proposal(
    session: Session,
    clock: Clock,
    action: Action,
    member: Person,
    *,
    accept: bool,
    reason: str | None = None,
    rules: PlanRules,
    defer_replan: bool = False,
) -> bool:
    """The member accepts or declines a manager's proposal. Returns False when already answered."""
    if action.owner_id != member.id or action.workspace_id != member.workspace_id:
        raise ActionError("not_found")
    if action.status != "proposed":
        return False
    if accept and at_cap(session, member, rules=rules):
        raise ActionError("too_many")
    if not _transition(
        session,
        action,
        ("proposed",),
        status="open" if accept else "declined",
        decline_reason=None if accept else _clean(reason, TEXT_LIMIT),
        updated_at=clock.now(),
        **({"agreed_due": action.due_date} if accept else {}),  # the member agrees to the date proposed
    ):
        return False  # answered a moment earlier, maybe from another click
    _record(session, clock, action, "accepted" if accept else "declined", member.id)
    if accept:
        _replan_owner(session, clock, action, rules=rules, defer=defer_replan)
    return True


def withdraw_proposal(session: Session, clock: Clock, action: Action, *, reason: str) -> bool:
    """A proposal that could not reach the member is not kept: it leaves their Home and `/actions`."""
    if not _transition(session, action, ("proposed",), status="dropped", updated_at=clock.now()):
        return False
    _record(session, clock, action, "dropped", action.created_by_id, reason=reason)
    return True


def counts(action: Action) -> dict[str, int]:
    """Contacts reached and appointments booked, for the list, the digest and the review."""
    reached = sum(1 for c in action.contacts if c.status in ("reached", "booked", "done"))
    booked = sum(1 for c in action.contacts if c.status == "booked" or c.appointment_on is not None)
    return {"contacts": len(action.contacts), "reached": reached, "booked": booked}
