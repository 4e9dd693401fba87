"""A replan after the ack: a change saved now, with the person's plan marked stale in the same transaction.

The action form's save (after its ack, from the kept submission: bot/services/form_submissions.py) marks
the plan stale instead of replanning in its transaction, and the replan follows at once in its own. Should
the process die in between, the worker replans every plan marked longer than GRACE ago: nothing saved goes
unplanned.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.services import planning
from bot.services.clock import Clock
from bot.services.rules import PlanRules
from models import Person

GRACE = timedelta(seconds=30)  # the after-ack replan normally clears a mark within milliseconds
BATCH = 50


def mark(session: Session, clock: Clock, person: Person) -> None:
    """The person's plan no longer matches their actions; `replan` will make it so."""
    person.plan_stale_at = clock.now()


def replan(session: Session, clock: Clock, person_id: int, *, rules: PlanRules, skip_locked: bool = False) -> bool:
    """Replan the person when their plan is marked stale, and clear the mark only if it is still the one read:
    a change marked meanwhile keeps its mark (and its own replan). skip_locked: someone else holds the person
    (replanning them now), so leave it to them. True when replanned."""
    person = session.scalar(
        select(Person)
        .where(Person.id == person_id, Person.plan_stale_at.is_not(None))
        .with_for_update(skip_locked=skip_locked)
    )
    if person is None:
        return False
    marked = person.plan_stale_at
    planning.replan(session, clock, person, rules=rules)
    session.execute(
        update(Person)
        .where(Person.id == person_id, Person.plan_stale_at == marked)
        .values(plan_stale_at=None)
        .execution_options(synchronize_session=False)
    )
    return True


def left_behind(session: Session, clock: Clock, *, limit: int = BATCH) -> list[int]:
    """People whose plan was marked stale longer than GRACE ago: the replan after the ack never came."""
    cutoff = clock.now() - GRACE
    return list(
        session.scalars(
            select(Person.id).where(Person.plan_stale_at < cutoff).order_by(Person.plan_stale_at).limit(limit)
        )
    )
