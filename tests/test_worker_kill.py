"""A worker killed hard (SIGKILL) at seeded points of its ticks loses nothing and doubles a message only in
the window README's "How delivery works" names: a post Slack accepted whose ts the killed worker never
recorded. Real worker processes (`python -m bot.worker`) on the suite's database, the fake Slack answering
each post after a short delay so that posts are in flight when the kill comes."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from models import Action, Nudge, Person, Workspace
from tests.fake_slack import FakeSlack
from tests.test_run_modes import ROOT, environment

KILLS = 3
IN_FLIGHT = 16  # Delivery's bound on posts on their way at once
KILL_AFTER = 8  # at most this many more posts between two kills
# Enough messages that each kill point is reached whatever came before: a worker's life sends at most
# KILL_AFTER + IN_FLIGHT messages that were not sent before.
PEOPLE = KILLS * (KILL_AFTER + IN_FLIGHT) + 28


def _due_celebrations(engine: Engine) -> None:
    """One celebration due for each of PEOPLE people: a celebration may go out at any hour of the day."""
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        workspace = Workspace(slack_team_id="T1", created_at=now)
        session.add(workspace)
        session.flush()
        for i in range(PEOPLE):
            person = Person(workspace_id=workspace.id, slack_user_id=f"UK{i:03d}", created_at=now, updated_at=now,
                            timezone="Europe/Amsterdam", timezone_checked_at=now)
            session.add(person)
            session.flush()
            action = Action(workspace_id=workspace.id, owner_id=person.id, created_by_id=person.id,
                            title=f"Call client {i}", due_date=date.today(), status="done", done_at=now,
                            created_at=now, updated_at=now)
            session.add(action)
            session.flush()
            session.add(Nudge(workspace_id=workspace.id, person_id=person.id, action_id=action.id,
                              action_ids=[action.id], kind="celebration", tone="inspire",
                              due_at=now - timedelta(minutes=1), local_date=date.today(), created_at=now))


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=log.open("a"))


def _leases_run_out(engine: Engine) -> None:
    """What five minutes do to the rows a dead worker held: its leases run out (the clock, not a sleep)."""
    with Session(engine) as session, session.begin():
        expired = datetime.now(UTC) - timedelta(seconds=1)
        session.execute(update(Nudge).where(Nudge.status == "claimed").values(claimed_until=expired))


@pytest.mark.parametrize("seed", [1, 2])
def test_a_worker_killed_hard_loses_nothing_and_doubles_only_in_flight_posts(
    seed: int, db: Engine, database_url_for_tests: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    _due_celebrations(db)
    fake_slack.slow("chat.postMessage", 0.05)
    env = environment(fake_slack, database_url_for_tests)
    log = tmp_path / "workers.log"
    rng = random.Random(seed)
    seen = 0
    for _ in range(KILLS):
        worker = _worker(env, log)
        seen += rng.randint(1, KILL_AFTER)  # a seeded point in the run: after so many posts reached Slack
        fake_slack.wait_for("chat.postMessage", count=seen, timeout=60)
        worker.send_signal(signal.SIGKILL)  # wherever it is: claiming, posting, recording
        worker.wait(timeout=30)
        seen = len(fake_slack.calls_to("chat.postMessage"))
        _leases_run_out(db)
    last = _worker(env, log)
    try:
        _wait_until_all_recorded(db)
    finally:
        last.send_signal(signal.SIGTERM)
        assert last.wait(timeout=60) == 0
    with Session(db) as session:
        statuses = Counter(session.scalars(select(Nudge.status)))
    assert statuses == {"sent": PEOPLE}, log.read_text()[-2000:]  # nothing lost
    per_person = Counter(call.params["channel"] for call in fake_slack.calls_to("chat.postMessage"))
    assert set(per_person) == {f"UK{i:03d}" for i in range(PEOPLE)}  # each person heard it
    doubled = sum(count - 1 for count in per_person.values())
    assert doubled <= KILLS * IN_FLIGHT  # only a post in flight at a kill can come twice
    assert max(per_person.values()) <= KILLS + 1


def _wait_until_all_recorded(engine: Engine, limit: float = 120) -> None:
    """Poll until every row is recorded as sent (synchronisation with another process, not a timing test)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with Session(engine) as session:
            if not session.scalar(select(func.count()).select_from(Nudge).where(Nudge.status != "sent")):
                return
        time.sleep(0.1)
    raise AssertionError("the last worker did not send everything")
