"""Delivery: exactly once with two workers, nothing lost when a worker dies, Slack's errors, downtime."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.delivery import Delivery
from bot.services import dispatch
from models import Action, Nudge, Person, Workspace
from tests.conftest import AMSTERDAM
from tests.scenario import separate_workers, side_by_side, text_of

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=AMSTERDAM)  # Thursday, inside working hours


def due_messages(deps, count: int, *, team: str = "T1", kind: str = "prep", prefix: str = "U") -> list[int]:
    """`count` people, each with one open action and one message due a minute ago."""
    with deps.transaction() as session:
        workspace = session.scalar(select(Workspace).where(Workspace.slack_team_id == team))
        if workspace is None:
            workspace = Workspace(slack_team_id=team, created_at=NOW)
            session.add(workspace)
            session.flush()
        people = [
            Person(
                workspace_id=workspace.id,
                slack_user_id=f"{prefix}{i}",
                created_at=NOW,
                updated_at=NOW,
                timezone="Europe/Amsterdam",
                timezone_checked_at=NOW,
            )
            for i in range(count)
        ]
        session.add_all(people)
        session.flush()
        actions = [
            Action(
                workspace_id=workspace.id,
                owner_id=p.id,
                created_by_id=p.id,
                title=f"Call client {i}",
                due_date=date(2026, 12, 4),
                created_at=NOW,
                updated_at=NOW,
            )
            for i, p in enumerate(people)
        ]
        session.add_all(actions)
        session.flush()
        rows = [
            Nudge(
                workspace_id=workspace.id,
                person_id=p.id,
                action_id=a.id,
                action_ids=[a.id],
                kind=kind,
                tone="inspire" if kind != "checkin" else "check",
                due_at=NOW - timedelta(minutes=1),
                local_date=NOW.date(),
                created_at=NOW,
            )
            for p, a in zip(people, actions, strict=True)
        ]
        session.add_all(rows)
        session.flush()
        return [r.id for r in rows]


def statuses(deps) -> dict[str, int]:
    with deps.sessions() as session:
        found: dict[str, int] = {}
        for status in session.scalars(select(Nudge.status)):
            found[status] = found.get(status, 0) + 1
        return found


def test_two_workers_ticking_together_post_each_message_exactly_once(
    deps, settings, fake_slack, clock, database_url_for_tests
):
    clock.set(NOW)
    due_messages(deps, 1000)
    workers = separate_workers(settings, clock, database_url_for_tests, 2, threads=8)
    reports = []

    def run(worker: Delivery) -> None:
        while True:
            report = worker.tick()
            reports.append(report)
            if report.claimed == 0:
                return

    side_by_side(workers, run, timeout=300)
    posts = fake_slack.calls_to("chat.postMessage")
    assert len(posts) == 1000
    assert len({p.params["channel"] for p in posts}) == 1000
    assert statuses(deps) == {"sent": 1000}
    assert sum(r.sent for r in reports) == 1000


def test_a_worker_that_dies_after_claiming_loses_nothing(deps, fake_slack, clock):
    clock.set(NOW)
    ids = due_messages(deps, 3)
    with deps.transaction() as session:  # a worker claims, then dies before posting
        assert sorted(dispatch.claim(session, clock, token="dead-worker", limit=10)) == sorted(ids)
    delivery = Delivery(deps)
    assert delivery.tick().sent == 0  # the claim still holds
    clock.advance(dispatch.LEASE + timedelta(seconds=1))
    assert delivery.tick().sent == 3
    assert delivery.tick().sent == 0
    delivery.close()
    assert len(fake_slack.calls_to("chat.postMessage")) == 3


def test_a_stopping_worker_claims_nothing_more_and_records_what_it_had_in_flight(deps, fake_slack, clock):
    clock.set(NOW)
    due_messages(deps, 150)  # three batches
    fake_slack.slow("chat.postMessage", 0.05)
    delivery = Delivery(deps, threads=4)
    reports = []
    ticking = threading.Thread(target=lambda: reports.append(delivery.tick()))
    ticking.start()
    fake_slack.wait_for("chat.postMessage")
    delivery.stop()  # what SIGTERM does in the worker process
    ticking.join(timeout=60)
    delivery.close()

    posted = len(fake_slack.calls_to("chat.postMessage"))
    assert 0 < posted < 150 and reports[0].sent == posted
    # Nothing was left claimed: every post is recorded, everything else waits for the next worker.
    assert statuses(deps) == {"sent": posted, "planned": 150 - posted}


def test_a_429_pauses_only_that_workspace_for_retry_after(deps, fake_slack, clock):
    clock.set(NOW)
    due_messages(deps, 2, team="T1", prefix="UA")
    due_messages(deps, 2, team="T2", prefix="UB")
    fake_slack.fail("chat.postMessage", status=429, retry_after=30, match=lambda p: p.get("channel") == "UA0")
    delivery = Delivery(deps, threads=1)

    assert delivery.tick().sent == 2
    sent = [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")]
    assert sent == ["UA0", "UB0", "UB1"]  # T1's 429, then only the other workspace (first contact: by user id)
    clock.advance(timedelta(seconds=10))
    assert delivery.tick().sent == 0  # still inside Retry-After
    clock.advance(timedelta(seconds=25))
    assert delivery.tick().sent == 2
    delivery.close()
    assert [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")][3:] == ["UA0", "UA1"]
    assert statuses(deps) == {"sent": 4}


def test_server_errors_retry_with_backoff_then_fail_with_the_reason(deps, fake_slack, clock):
    clock.set(NOW)
    [nudge_id] = due_messages(deps, 1)
    fake_slack.fail("chat.postMessage", status=500, times=50)
    delivery = Delivery(deps, threads=1)
    for _ in range(dispatch.MAX_ATTEMPTS + 1):
        delivery.tick()
        clock.advance(timedelta(minutes=20))
    delivery.close()
    with deps.sessions() as session:
        row = session.get(Nudge, nudge_id)
        assert (row.status, row.attempts) == ("failed", dispatch.MAX_ATTEMPTS)
        assert row.error == "fatal_error"


def test_a_person_slack_cannot_reach_gets_nothing_more_and_others_carry_on(deps, fake_slack, clock, caplog):
    clock.set(NOW)
    due_messages(deps, 2)
    fake_slack.fail("chat.postMessage", error="account_inactive", match=lambda p: p.get("channel") == "U0")
    delivery = Delivery(deps, threads=1)
    delivery.tick()
    delivery.close()
    with deps.sessions() as session:
        gone = session.scalar(select(Person).where(Person.slack_user_id == "U0"))
        assert gone.unreachable == "account_inactive"
        assert session.scalar(select(Person).where(Person.slack_user_id == "U1")).unreachable is None
    assert "U1" in [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")]
    assert sum("account_inactive" in r.getMessage() for r in caplog.records) == 1


def test_a_revoked_token_stops_the_workspace(deps, fake_slack, clock, caplog):
    clock.set(NOW)
    due_messages(deps, 3)
    fake_slack.fail("chat.postMessage", error="token_revoked", times=3)  # Slack refuses every post now
    delivery = Delivery(deps, threads=1)
    delivery.tick()
    delivery.tick()
    delivery.close()
    with deps.sessions() as session:
        assert session.scalar(select(Workspace.disabled_reason)) == "token_revoked"
    # The messages decided in the same tick are not posted once the token is known to be dead.
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert statuses(deps) == {"failed": 3}
    assert sum("stopped messages" in r.getMessage() for r in caplog.records) == 1  # logged once


def test_a_person_who_talks_to_the_bot_again_gets_messages_again(deps, fake_slack, clock, slack, running):
    from bot.services import actions
    from tests.scenario import person

    clock.set(NOW)
    owner = person(deps, "U1")
    with deps.transaction() as session:
        row = session.get(Person, owner.id)
        data = actions.ActionInput(title="Call Jan", due=date(2026, 12, 4), contacts=["Jan"])
        actions.create(session, deps.clock, owner=row, actor=row, data=data, today=NOW.date(), rules=deps.rules)
        row.unreachable = "account_inactive"  # Slack said so once
        dispatch._cancel_planned(session, Nudge.person_id == row.id, "account_inactive")
    slack.command("/actions", "", user="U1")
    running.settle()
    with deps.sessions() as session:
        assert session.get(Person, owner.id).unreachable is None
    assert "planned" in statuses(deps)


def test_a_message_moved_to_a_later_slot_keeps_its_retries(deps, fake_slack, clock):
    clock.set(NOW)
    [nudge_id] = due_messages(deps, 1)
    fake_slack.fail("chat.postMessage", status=500, times=50)
    delivery = Delivery(deps, threads=1)
    for _ in range(3):  # outside working hours: moved each time, never tried
        clock.set(clock.now().replace(hour=20) + timedelta(days=1))
        with deps.transaction() as session:
            session.get(Nudge, nudge_id).due_at = clock.now() - timedelta(minutes=1)
        delivery.tick()
    clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=AMSTERDAM))
    with deps.transaction() as session:
        session.get(Nudge, nudge_id).due_at = clock.now() - timedelta(minutes=1)
    delivery.tick()  # a 5xx: there are retries left
    delivery.close()
    with deps.sessions() as session:
        row = session.get(Nudge, nudge_id)
        assert (row.status, row.attempts) == ("planned", 1)


def test_the_time_zone_is_refreshed_from_slack_when_a_week_old(deps, fake_slack, clock):
    clock.set(NOW)
    due_messages(deps, 1)
    with deps.transaction() as session:
        session.scalar(select(Person)).timezone_checked_at = NOW - timedelta(days=8)
    fake_slack.add_user("U0", tz="Europe/London")
    delivery = Delivery(deps, threads=1)
    delivery.tick()
    delivery.close()
    assert [c.params["user"] for c in fake_slack.calls_to("users.info")] == ["U0"]
    with deps.sessions() as session:
        assert session.scalar(select(Person.timezone)) == "Europe/London"


def test_dry_run_prints_what_would_be_sent_and_sends_nothing(deps, fake_slack, clock):
    from bot.worker import dry_run

    clock.set(NOW)
    due_messages(deps, 2)
    lines = dry_run(deps)
    assert len(lines) == 2 and "U0" in lines[0] and "prep (inspire)" in lines[0] and "Call client 0" in lines[0]
    assert fake_slack.calls_to("chat.postMessage") == []
    assert statuses(deps) == {"planned": 2}


def test_a_message_whose_action_closed_is_cancelled_not_sent(deps, fake_slack, clock):
    clock.set(NOW)
    due_messages(deps, 1)
    with deps.transaction() as session:
        session.scalar(select(Action)).status = "done"
    delivery = Delivery(deps, threads=1)
    delivery.tick()
    delivery.close()
    assert fake_slack.calls_to("chat.postMessage") == []
    assert statuses(deps) == {"cancelled": 1}


def test_rendered_prep_reads_well(deps, fake_slack, clock):
    clock.set(NOW)
    due_messages(deps, 1)
    delivery = Delivery(deps, threads=1)
    delivery.tick()
    delivery.close()
    post = fake_slack.calls_to("chat.postMessage")[0].params
    assert "Call client 0" in text_of(post["blocks"])
    assert "Fri 4 December" in text_of(post["blocks"]) or "4 December" in text_of(post["blocks"])


def test_a_new_persons_first_message_comes_at_their_own_hour(deps, fake_slack, clock):
    """Someone a manager planned for has no profile yet: Slack is asked before their first message."""
    from bot.services import actions
    from tests.scenario import person

    new_york = ZoneInfo("America/New_York")
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=AMSTERDAM))  # Monday
    owner = person(deps, "UNY")  # no time zone known: planned on Amsterdam's clock
    fake_slack.add_user("UNY", tz="America/New_York")
    with deps.transaction() as session:
        row = session.get(Person, owner.id)
        data = actions.ActionInput(title="Call Jan", due=date(2026, 12, 4), contacts=["Jan"], kind="aftercare")
        actions.create(session, deps.clock, owner=row, actor=row, data=data, today=date(2026, 11, 30), rules=deps.rules)
    delivery = Delivery(deps, threads=1)
    posted_at = []
    moment = datetime(2026, 12, 2, 8, 0, tzinfo=AMSTERDAM)
    while not posted_at and moment < datetime(2026, 12, 3, 8, 0, tzinfo=AMSTERDAM):
        clock.set(moment)
        if delivery.tick().sent:
            posted_at.append(moment.astimezone(new_york))
        moment += timedelta(minutes=30)
    delivery.close()
    assert posted_at, "no message on the prep day"
    assert 9 <= posted_at[0].hour < 18  # New York's working day, not 03:30 New York time (09:30 in Amsterdam)
    with deps.sessions() as session:
        assert session.get(Person, owner.id).timezone == "America/New_York"


def test_after_a_pause_the_summary_is_the_only_word_that_day_about_those_actions(deps, fake_slack, clock):
    from bot.services import personal_settings
    from tests.scenario import nudges, run_until
    from tests.test_nudge_schedule import add

    clock.set(datetime(2026, 11, 26, 10, 0, tzinfo=AMSTERDAM))
    add(deps, "Call Jan", date(2026, 12, 1))
    add(deps, "Call Piet", date(2026, 12, 3))
    with deps.transaction() as session:
        owner = session.scalar(select(Person))
        personal_settings.pause(session, deps.clock, owner, date(2026, 12, 8), date(2026, 11, 26), rules=deps.rules)
    delivery = Delivery(deps, threads=1)
    run_until(deps, clock, delivery, datetime(2026, 12, 10, 17, 30, tzinfo=AMSTERDAM))
    delivery.close()
    sent = [(n.local_date, n.kind) for n in nudges(deps, status="sent")]
    assert [kind for day, kind in sent if day == date(2026, 12, 9)] == ["summary"]
    assert (date(2026, 12, 10), "checkin") in sent  # the check-in comes the next working day


def test_dry_run_shows_what_a_tick_would_decide_and_changes_nothing(deps, fake_slack, clock):
    from bot.worker import dry_run

    clock.set(NOW)
    due_messages(deps, 1, prefix="UQ", kind="quiet")  # an internal row: recorded, never sent
    due_messages(deps, 1, prefix="US", kind="prep")
    with deps.transaction() as session:  # after downtime: this prep is hours late and has lost its point
        session.scalar(select(Nudge).where(Nudge.kind == "prep")).due_at = NOW - timedelta(hours=5)
    lines = dry_run(deps)
    assert any("UQ0" in line and "nothing is sent" in line for line in lines)
    assert any("US0" in line and "not sent (stale)" in line for line in lines)
    assert fake_slack.calls_to("chat.postMessage") == []
    assert statuses(deps) == {"planned": 2}


def test_silence_while_paused_is_not_marked_as_needing_attention(deps, fake_slack, clock):
    from bot.services import personal_settings

    clock.set(NOW)
    due_messages(deps, 1, kind="attention")
    with deps.transaction() as session:
        personal_settings.pause(
            session, deps.clock, session.scalar(select(Person)), date(2026, 12, 8), NOW.date(), rules=deps.rules
        )
    delivery = Delivery(deps, threads=1)
    delivery.tick()
    delivery.close()
    with deps.sessions() as session:
        assert session.scalar(select(Action.needs_attention)) is False
