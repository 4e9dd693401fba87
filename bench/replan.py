"""How long replanning one person takes, by number of open actions (the write transaction holds it).

    python bench/replan.py                      # SQLite in a temporary folder; 50, 500 and 5,000 actions
    python bench/replan.py --database-url postgresql+psycopg://user@host/conscience_bench --counts 50,5000

Prints, per count: a full replan (what a setting change does), and what one change to one action costs:
an action done, a new date, a new action (each through the actions service, as a click does).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from bench.common import describe_database, ensure_database, reset_schema  # noqa: E402
from bot.services import actions, people, planning  # noqa: E402
from bot.services.clock import FixedClock  # noqa: E402
from bot.services.rules import PlanRules  # noqa: E402
from models import Action, ActionContact  # noqa: E402
from models.db import make_engine, make_session_factory  # noqa: E402
from models.db import transaction as plain_transaction  # noqa: E402

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
# Lists larger than MAX_OPEN_ACTIONS allows: what a person had before the cap, or a raised setting.
RULES = PlanRules(max_open_actions=1_000_000)


@contextmanager
def transaction(factory):  # type: ignore[no-untyped-def]
    with plain_transaction(factory) as session:
        yield session


def seed(factory, clock: FixedClock, count: int, user: str) -> int:
    with transaction(factory) as session:
        person, _ = people.ensure_person(session, clock, "TBENCH", user)
        person.timezone, person.timezone_checked_at = "Europe/Amsterdam", NOW
        rows = []
        for i in range(count):
            action = Action(
                workspace_id=person.workspace_id,
                owner_id=person.id,
                created_by_id=person.id,
                title=f"Call client {i}",
                due_date=NOW.date() + timedelta(days=1 + i % 300),
                created_at=NOW,
                updated_at=NOW,
            )
            action.contacts = [
                ActionContact(workspace_id=person.workspace_id, name=f"C{i}", position=0, updated_at=NOW)
            ]
            rows.append(action)
        session.add_all(rows)
        session.flush()
        planning.replan(session, clock, person, rules=RULES)
        return person.id


def timed(factory, work) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    with transaction(factory) as session:
        work(session)
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--counts", default="50,500,5000")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{folder}/bench.db"
    ensure_database(url)
    reset_schema(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    clock = FixedClock(NOW)
    print(f"replanning one person, {describe_database(url)} (ms, median of 3)")
    print(f"{'open actions':>12}  {'full replan':>11}  {'done':>7}  {'new date':>8}  {'new action':>10}")
    for n, count in enumerate(int(c) for c in args.counts.split(",")):
        person_id = seed(factory, clock, count, f"U{n}")

        def person(session, person_id: int = person_id):  # type: ignore[no-untyped-def]
            return session.get(people.Person, person_id)

        def action(session, offset: int, person_id: int = person_id):  # type: ignore[no-untyped-def]
            return session.scalars(
                select(Action).where(Action.owner_id == person_id, Action.status == "open").order_by(Action.id)
            ).all()[offset]

        figures = {"full": [], "done": [], "date": [], "new": []}
        for i in range(3):
            figures["full"].append(timed(factory, lambda s: planning.replan(s, clock, person(s), rules=RULES)))
            figures["done"].append(
                timed(factory, lambda s, i=i: actions.complete(s, clock, action(s, i), person(s), rules=RULES))
            )
            figures["date"].append(
                timed(
                    factory,
                    lambda s, i=i: actions.reschedule(
                        s,
                        clock,
                        action(s, 10 + i),
                        person(s),
                        date(2027, 2, 1) + timedelta(days=i),
                        NOW.date(),
                        rules=RULES,
                    ),
                )
            )
            data = actions.ActionInput(title=f"Call Jan {i}", due=date(2026, 12, 10), contacts=["Jan"])
            figures["new"].append(
                timed(
                    factory,
                    lambda s, data=data: actions.create(
                        s, clock, owner=person(s), actor=person(s), data=data, today=NOW.date(), rules=RULES
                    ),
                )
            )
        med = {k: sorted(v)[1] for k, v in figures.items()}
        print(f"{count:>12}  {med['full']:>11.1f}  {med['done']:>7.1f}  {med['date']:>8.1f}  {med['new']:>10.1f}")
    engine.dispose()


if __name__ == "__main__":
    main()
