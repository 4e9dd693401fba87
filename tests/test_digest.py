"""The weekly digest: posted by the worker's tick on the team's day and time, exactly once per period,
late after downtime, edited in place when answers come in, within Slack's limits; and /conscience digest."""

from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.delivery import Delivery
from bot.deps import build_deps
from bot.services import actions as action_service
from bot.services import events, people, teams
from models import Action, ActionContact, Digest, Membership, Nudge, Team, Workspace
from models.db import make_engine
from tests.conftest import AMSTERDAM
from tests.scenario import event_kinds, last_response, text_of

MANAGER, ANNA, BRAM = "UMAN", "UANNA", "UBRAM"
CHANNEL = "CADV"
MONDAY = datetime(2026, 11, 30, 9, 0, 30, tzinfo=AMSTERDAM)  # the first digest slot after TEST_NOW


@pytest.fixture(autouse=True)
def team_channels(fake_slack):
    """The public channels the tests' teams post in, with the bot in them."""
    for channel in (CHANNEL, "CTAX"):
        fake_slack.add_channel(channel, bot_member=True)


def make_team(
    deps, *, privacy="summary", language=None, members=(ANNA, BRAM), name="Advisory", channel=CHANNEL, named=True
):
    now = deps.clock.now()
    with deps.transaction() as session:
        manager, _ = people.ensure_person(session, deps.clock, "T1", MANAGER)
        team = Team(
            workspace_id=manager.workspace_id,
            name=name,
            channel_id=channel,
            privacy=privacy,
            language=language,
            created_at=now,
        )
        session.add(team)
        session.flush()
        session.add(
            Membership(
                workspace_id=team.workspace_id, team_id=team.id, person_id=manager.id, role="manager", created_at=now
            )
        )
        for user_id in members:
            member, _ = people.ensure_person(session, deps.clock, "T1", user_id)
            member.display_name = user_id[1:].title() if named else None
            session.add(
                Membership(
                    workspace_id=team.workspace_id, team_id=team.id, person_id=member.id, role="member", created_at=now
                )
            )
        return team.id


def add_action(
    deps,
    user_id,
    title,
    *,
    due,
    status="open",
    done_at=None,
    outcomes=None,
    attention=False,
    booked=False,
    opening="Hi Jan, SECRET OPENING",
    notes="SECRET NOTE",
):
    now = deps.clock.now()
    with deps.transaction() as session:
        owner = people.find_person(session, "T1", user_id)
        action = Action(
            workspace_id=owner.workspace_id,
            owner_id=owner.id,
            created_by_id=owner.id,
            title=title,
            due_date=due,
            status=status,
            done_at=done_at,
            outcomes=outcomes,
            needs_attention=attention,
            opening_line=opening,
            voicemail_plan="SECRET VOICEMAIL",
            notes=notes,
            created_at=now,
            updated_at=now,
        )
        action.contacts = [
            ActionContact(
                workspace_id=owner.workspace_id,
                name="Jan Client",
                position=0,
                status="booked" if booked else "todo",
                updated_at=done_at or now,
            )
        ]
        session.add(action)
        session.flush()
        return action.id


def week_of_work(deps):
    """Anna: two done last week (one with a meeting), one open overdue needing attention. Bram: one open."""
    add_action(
        deps,
        ANNA,
        "Call Jan Client about the audit",
        due=date(2026, 11, 25),
        status="done",
        done_at=datetime(2026, 11, 25, 11, tzinfo=AMSTERDAM),
        outcomes="meeting",
    )
    add_action(
        deps,
        ANNA,
        "Aftercare Acme",
        due=date(2026, 11, 27),
        status="done",
        done_at=datetime(2026, 11, 26, 15, tzinfo=AMSTERDAM),
        outcomes="buying_signal",
    )
    add_action(deps, ANNA, "Lunch with Piet", due=date(2026, 11, 27), attention=True)
    add_action(deps, BRAM, "Visit Klaas", due=date(2026, 12, 10))


def tick(deps):
    delivery = Delivery(deps, threads=1)
    try:
        return delivery.tick()
    finally:
        delivery.close()


def channel_posts(fake_slack, channel=CHANNEL):
    return [c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == channel]


def dms_to(fake_slack, user_id):
    """Direct messages to a person: posted to their DM channel, or to their user id (Slack opens the DM)."""
    return [
        c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] in (user_id, f"D{user_id}")
    ]


def test_nothing_before_the_teams_day_and_time(deps, fake_slack, clock):
    make_team(deps)
    week_of_work(deps)
    clock.set(MONDAY - timedelta(minutes=1))
    tick(deps)
    assert channel_posts(fake_slack) == []


def test_the_worker_posts_headline_in_channel_and_member_lines_in_thread(deps, fake_slack, clock):
    make_team(deps)
    week_of_work(deps)
    clock.set(MONDAY)
    report = tick(deps)
    assert report.digests.posted == 1
    main, thread = channel_posts(fake_slack)
    assert "thread_ts" not in main and thread["thread_ts"]
    headline = text_of(main)
    assert "Advisory: week of 23 November to 29 November" in headline
    assert headline.index("Wins") < headline.index("Still to do")  # wins first: 70/30
    assert "*2* actions done (+2 on last week)" in headline
    assert "*1* meeting booked" in headline and "*1* buying signal followed up" in headline  # singular
    assert "2 open · 1 overdue · needing attention: 1" in headline
    lines = text_of(thread)
    assert "*Anna*: :white_check_mark: 2 done" in lines and "*Bram*: no wins yet this week · 1 open" in lines
    # summary privacy: no titles, no client names; never an opening line, voicemail plan or note.
    for secret in ("Jan Client", "Acme", "Lunch with Piet", "SECRET"):
        assert secret not in headline + lines
    with deps.sessions() as session:
        row = session.scalar(select(Digest))
        assert (row.status, row.channel_id, row.period_start, row.late) == (
            "posted",
            CHANNEL,
            date(2026, 11, 23),
            False,
        )
        assert row.message_ts == thread["thread_ts"] and len(row.thread_ts) == 1
    tick(deps)  # the next tick: the same period, nothing new
    assert len(channel_posts(fake_slack)) == 2


def test_detailed_privacy_in_dutch_shows_titles_but_never_preparation(deps, fake_slack, clock):
    make_team(deps, privacy="detailed", language="nl")
    week_of_work(deps)
    clock.set(MONDAY)
    tick(deps)
    main, thread = channel_posts(fake_slack)
    assert "Advisory: week van 23 november t/m 29 november" in text_of(main)
    assert "*2* acties gedaan (+2 t.o.v. vorige week)" in text_of(main)
    lines = text_of(thread)
    assert "_Call Jan Client about the audit_" in lines and "vraagt aandacht: _Lunch with Piet_" in lines
    assert "SECRET" not in text_of(main) + lines


def test_user_text_in_titles_and_names_is_escaped(deps, fake_slack, clock):
    make_team(deps, privacy="detailed", name="<!channel> team")
    add_action(
        deps,
        ANNA,
        "Ping <!channel> <https://evil.example|here>",
        due=date(2026, 11, 25),
        status="done",
        done_at=datetime(2026, 11, 25, 11, tzinfo=AMSTERDAM),
    )
    clock.set(MONDAY)
    tick(deps)
    everything = text_of(channel_posts(fake_slack))
    assert "<!channel>" not in everything.replace('"text": "<!channel> team', "")  # but in the plain-text header
    assert all("<!channel>" not in post["text"] for post in channel_posts(fake_slack))  # the notification text
    assert "&lt;!channel&gt;" in everything and "<https://evil" not in everything


def test_exactly_one_digest_with_two_workers(deps, settings, fake_slack, clock, database_url_for_tests):
    for i in range(5):
        fake_slack.add_channel(f"C{i}", bot_member=True)
        make_team(deps, name=f"Team {i}", channel=f"C{i}", members=(f"UM{i}",))
    clock.set(MONDAY)
    workers = [
        Delivery(build_deps(settings, clock=clock, engine=make_engine(database_url_for_tests)), threads=2)
        for _ in range(2)
    ]
    start = threading.Barrier(2)

    def run(worker):
        start.wait()
        for _ in range(3):
            worker.tick()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for worker in workers:
        worker.close()
        worker.deps.engine.dispose()
    heads = [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage") if "thread_ts" not in c.params]
    assert sorted(heads) == [f"C{i}" for i in range(5)]
    with deps.sessions() as session:
        assert session.scalars(select(Digest.status)).all() == ["posted"] * 5


def test_a_missed_digest_is_posted_late_once_and_says_which_week(deps, fake_slack, clock):
    make_team(deps)
    week_of_work(deps)
    clock.set(datetime(2026, 12, 2, 15, 0, tzinfo=AMSTERDAM))  # the worker was down from Sunday to Wednesday
    tick(deps)
    tick(deps)
    [main, _] = channel_posts(fake_slack)
    assert "Posted late" in text_of(main) and "covers the week of 23 November to 29 November" in text_of(main)
    # Down for two more weeks: only the latest missed week comes, once.
    clock.set(datetime(2026, 12, 16, 11, 0, tzinfo=AMSTERDAM))
    tick(deps)
    tick(deps)
    heads = [p for p in channel_posts(fake_slack) if "thread_ts" not in p]
    assert len(heads) == 2 and "week of 7 December to 13 December" in text_of(heads[-1])


def test_a_restarted_worker_takes_over_a_dead_workers_claim(deps, fake_slack, clock):
    make_team(deps)
    clock.set(MONDAY)
    from bot.services import digest as digest_service

    with deps.transaction() as session:  # a worker claims, then dies before posting
        [job] = digest_service.due(session, clock)
        assert digest_service.claim(session, clock, job, "dead-worker") is not None
    tick(deps)
    assert channel_posts(fake_slack) == []
    clock.advance(digest_service.LEASE + timedelta(seconds=1))
    tick(deps)
    assert len([p for p in channel_posts(fake_slack) if "thread_ts" not in p]) == 1


def test_answers_after_posting_edit_the_digest_in_place(deps, fake_slack, clock):
    make_team(deps)
    week_of_work(deps)
    clock.set(MONDAY)
    tick(deps)
    clock.advance(timedelta(hours=2))
    with deps.transaction() as session:  # Bram answers a late check-in: the action he had is done
        bram = people.find_person(session, "T1", BRAM)
        action = session.scalar(select(Action).where(Action.owner_id == bram.id))
        action.due_date = date(2026, 11, 27)
        action_service.complete(session, clock, action, bram, outcomes=["meeting"])
    tick(deps)
    updates = [c.params for c in fake_slack.calls_to("chat.update") if c.params["channel"] == CHANNEL]
    with deps.sessions() as session:
        row = session.scalar(select(Digest))
    assert [u["ts"] for u in updates] == [row.message_ts, *row.thread_ts]  # edited in place, nothing new posted
    assert "*3* actions done" in text_of(updates[0])
    assert "*Bram*: :white_check_mark: 1 done" in text_of(updates[-1])
    count = len(fake_slack.calls_to("chat.update"))
    tick(deps)  # nothing new: no edit
    assert len(fake_slack.calls_to("chat.update")) == count
    # And next week's digest does not count Bram's late answer a second time.
    clock.set(MONDAY + timedelta(days=7))
    tick(deps)
    heads = [p for p in channel_posts(fake_slack) if "thread_ts" not in p]
    assert "*0* actions done (−3 on last week)" in text_of(heads[-1])


def test_a_channel_that_refuses_is_reported_to_the_managers_once_and_retried(deps, fake_slack, clock):
    make_team(deps)
    clock.set(MONDAY)
    fake_slack.fail("chat.postMessage", error="channel_not_found", match=lambda p: p.get("channel") == CHANNEL)
    tick(deps)
    tick(deps)
    dms = dms_to(fake_slack, MANAGER)
    assert len(dms) == 1 and "/invite @Conscience" in text_of(dms[0])
    with deps.sessions() as session:
        assert session.scalar(select(Digest.status)) == "blocked"
        assert session.scalar(select(Team.channel_problem)) == "channel_not_found"
    clock.advance(timedelta(hours=1, minutes=1))  # the manager invited the bot; the hourly retry posts
    tick(deps)
    assert len([p for p in channel_posts(fake_slack) if "thread_ts" not in p]) == 2  # refused, then posted
    with deps.sessions() as session:
        assert session.scalar(select(Digest.status)) == "posted"
    with deps.sessions() as session:
        assert session.scalar(select(Team.channel_problem)) is None


def test_a_large_team_fits_slacks_limits(deps, fake_slack, clock):
    members = tuple(f"UM{i:03d}" for i in range(200))
    make_team(deps, privacy="detailed", members=members)
    long_title = "Call the whole partner group of a very large client about the renewal " * 3
    for user_id in members:
        for day in (24, 25, 26):
            add_action(
                deps,
                user_id,
                long_title,
                due=date(2026, 11, day),
                status="done",
                done_at=datetime(2026, 11, day, 11, tzinfo=AMSTERDAM),
            )
        add_action(deps, user_id, long_title, due=date(2026, 11, 20), attention=True)
    clock.set(MONDAY)
    tick(deps)
    posts = channel_posts(fake_slack)
    assert len(posts) >= 3  # the headline and a thread split over several messages
    for post in posts:
        assert len(post["blocks"]) <= 50
        for block in post["blocks"]:
            assert len((block.get("text") or {}).get("text", "")) <= 3000
    assert "*600* actions done" in text_of(posts[0])


# -- /conscience digest -----------------------------------------------------------------------


def test_a_manager_previews_the_digest_ephemerally_and_posts_it(slack, running, fake_slack, deps, clock):
    make_team(deps)
    week_of_work(deps)
    clock.set(MONDAY)  # the digest is due and the worker has not ticked yet
    slack.command("/conscience", "digest", user=MANAGER)
    running.settle()
    preview = last_response(fake_slack)
    assert preview["response_type"] == "ephemeral"
    assert "*2* actions done" in text_of(preview) and "*Anna*" in text_of(preview)
    assert "digest_viewed" in event_kinds(deps)
    assert channel_posts(fake_slack) == []
    slack.command("/conscience", "digest post", user=MANAGER)
    running.settle()
    assert "is in <#CADV>" in text_of(last_response(fake_slack, 2))
    assert len([p for p in channel_posts(fake_slack) if "thread_ts" not in p]) == 1
    slack.command("/conscience", "digest post", user=MANAGER)
    running.settle()
    assert "already" in text_of(last_response(fake_slack, 3))
    tick(deps)  # the worker does not post the same period again
    assert len([p for p in channel_posts(fake_slack) if "thread_ts" not in p]) == 1


def test_a_manager_of_several_teams_picks_one(slack, running, fake_slack, deps):
    make_team(deps)
    make_team(deps, name="Tax", channel="CTAX", members=("UTOM",))
    slack.command("/conscience", "digest", user=MANAGER)
    running.settle()
    picker = last_response(fake_slack)
    options = [o["value"] for b in picker["blocks"] for e in b.get("elements", []) for o in e.get("options", [])]
    assert len(options) == 2 and all(o.startswith("preview:") for o in options)
    slack.block_action(
        "digest_pick", selected_option=options[1], element="static_select", block_id="digest_pick", user=MANAGER
    )
    running.settle()
    assert "Tax: week of" in text_of(last_response(fake_slack, 2))
    slack.command("/conscience", "digest Advisory", user=MANAGER)
    running.settle()
    assert "Advisory: week of" in text_of(last_response(fake_slack, 3))


def test_a_member_gets_no_digest(slack, running, fake_slack, deps):
    team_id = make_team(deps)
    slack.command("/conscience", "digest", user=ANNA)
    running.settle()
    assert "You don't manage a team" in text_of(last_response(fake_slack))
    slack.command("/conscience", "digest post Advisory", user=ANNA)
    running.settle()
    assert "You don't manage a team called *Advisory*" in text_of(last_response(fake_slack, 2))
    for button in ("digest_post", "digest_pick"):  # a forged click on a manager's buttons
        slack.block_action(button, str(team_id) if button == "digest_post" else f"post:{team_id}", user=ANNA)
        running.settle()
    assert "You don't manage a team called *Advisory*" in text_of(last_response(fake_slack, 4))
    assert channel_posts(fake_slack) == []
    assert json.dumps(event_kinds(deps)).count("digest_viewed") == 0


# -- names, privacy x language, what makes a digest stale --------------------------------------


def test_members_are_named_in_the_channel_never_mentioned(deps, fake_slack, clock):
    """A mention in the channel or its thread would notify the member: the digest uses names only."""
    make_team(deps, members=(ANNA, BRAM), named=False)
    fake_slack.add_user(ANNA, name="Anna de Vries")  # Slack knows Anna's name; Bram is unknown to it
    for user_id in (ANNA, BRAM):  # both on a streak, so both appear in the headline too
        for day in (20, 25):
            add_action(
                deps,
                user_id,
                "Call",
                due=date(2026, 11, day),
                status="done",
                done_at=datetime(2026, 11, day, 11, tzinfo=AMSTERDAM),
            )
    clock.set(MONDAY)
    tick(deps)
    main, thread = channel_posts(fake_slack)
    everything = text_of(main) + text_of(thread)
    assert "<@" not in everything
    assert "Anna de Vries (2)" in text_of(main) and "*Anna de Vries*: :white_check_mark: 1 done" in text_of(thread)
    assert f"(no name yet: {BRAM}) (2)" in text_of(main) and f"*(no name yet: {BRAM})*" in text_of(thread)
    with deps.sessions() as session:  # learned once, for the next digests and the Home
        assert people.find_person(session, "T1", ANNA).display_name == "Anna de Vries"


@pytest.mark.parametrize(
    ("privacy", "language", "headline", "titles"),
    [
        ("summary", "en", "*2* actions done (+2 on last week)", False),
        ("summary", "nl", "*2* acties gedaan (+2 t.o.v. vorige week)", False),
        ("detailed", "en", "*2* actions done (+2 on last week)", True),
        ("detailed", "nl", "*2* acties gedaan (+2 t.o.v. vorige week)", True),
    ],
)
def test_both_privacy_levels_in_both_languages(deps, fake_slack, clock, privacy, language, headline, titles):
    make_team(deps, privacy=privacy, language=language)
    week_of_work(deps)
    clock.set(MONDAY)
    tick(deps)
    main, thread = channel_posts(fake_slack)
    assert headline in text_of(main)
    lines = text_of(thread)
    for title in ("Call Jan Client about the audit", "Lunch with Piet"):
        assert (title in lines) is titles
    assert "Jan Client" not in text_of(main)  # the channel message itself never has titles
    assert "SECRET" not in text_of(main) + lines  # opening lines, voicemail plans and notes: never


def test_news_rebuilds_only_the_digests_of_the_teams_concerned(deps, fake_slack, clock):
    make_team(deps)
    make_team(deps, name="Tax", channel="CTAX", members=("UTOM",))
    week_of_work(deps)
    toms = add_action(deps, "UTOM", "Visit Acme", due=date(2026, 12, 10))
    clock.set(MONDAY)
    tick(deps)

    def compared() -> dict[str, datetime | None]:
        with deps.sessions() as session:
            return dict(session.execute(select(Digest.channel_id, Digest.refreshed_at)).all())

    posted = compared()
    clock.advance(timedelta(hours=1))
    with deps.transaction() as session:  # Anna, in Advisory, finishes an action
        anna = people.find_person(session, "T1", ANNA)
        action = session.scalar(select(Action).where(Action.owner_id == anna.id, Action.status == "open"))
        action_service.complete(session, clock, action, anna)
    tick(deps)
    after_anna = compared()
    assert after_anna[CHANNEL] > posted[CHANNEL] and after_anna["CTAX"] == posted["CTAX"]
    assert not [c for c in fake_slack.calls_to("chat.update") if c.params["channel"] == "CTAX"]
    clock.advance(timedelta(hours=1))
    with deps.transaction() as session:  # the worker marks Tom's action "needs attention": an event without actor
        tom = people.find_person(session, "T1", "UTOM")
        session.get(Action, toms).needs_attention = True
        events.record(session, clock, workspace_id=tom.workspace_id, kind="needs_attention", action_id=toms)
    tick(deps)
    after_tom = compared()
    assert after_tom["CTAX"] > posted["CTAX"] and after_tom[CHANNEL] == after_anna[CHANNEL]
    assert "needing attention: 1" in text_of(
        [c.params for c in fake_slack.calls_to("chat.update") if c.params["channel"] == "CTAX"][0]
    )
    clock.advance(timedelta(hours=1))
    with deps.transaction() as session:  # a change to the team itself: a new member
        team = session.scalar(select(Team).where(Team.name == "Tax"))
        teams.add(session, clock, team, people.find_person(session, "T1", MANAGER), ["UNEW"])
    tick(deps)
    assert compared()["CTAX"] > after_tom["CTAX"]
    threads = [c.params for c in fake_slack.calls_to("chat.update") if c.params["channel"] == "CTAX"]
    assert "Unew" not in text_of(threads) and "UNEW" in text_of(threads[-1])  # named, never mentioned


def test_an_incomplete_thread_is_completed_without_waiting_for_news(deps, fake_slack, clock):
    make_team(deps)
    week_of_work(deps)
    clock.set(MONDAY)
    fake_slack.fail(
        "chat.postMessage", error="fatal_error", match=lambda p: p.get("channel") == CHANNEL and p.get("thread_ts")
    )
    tick(deps)  # the headline goes out, its thread is refused; the same tick's refresh writes the thread
    thread = [p for p in channel_posts(fake_slack) if p.get("thread_ts")]
    assert len(thread) == 2 and "*Anna*" in text_of(thread[-1])  # the refused one, then the one that went out
    assert len([p for p in channel_posts(fake_slack) if not p.get("thread_ts")]) == 1
    with deps.sessions() as session:
        row = session.scalar(select(Digest))
        assert len(row.thread_ts) == 1 and row.fingerprint and row.refreshed_at is not None
    clock.advance(timedelta(seconds=30))
    tick(deps)
    assert len([p for p in channel_posts(fake_slack) if p.get("thread_ts")]) == 2


def test_a_channel_problem_known_since_setup_is_still_reported_when_the_digest_fails(deps, fake_slack, clock):
    team_id = make_team(deps)
    with deps.transaction() as session:  # team create could not join: the admin who typed it was told
        session.get(Team, team_id).channel_problem = "is_archived"
    clock.set(MONDAY)
    fake_slack.fail("chat.postMessage", error="is_archived", match=lambda p: p.get("channel") == CHANNEL)
    tick(deps)
    dms = dms_to(fake_slack, MANAGER)
    assert len(dms) == 1 and "archived" in text_of(dms[0])


def test_a_thread_that_shrinks_keeps_no_old_lines_in_its_leftover_messages(deps, fake_slack, clock):
    members = tuple(f"UM{i:03d}" for i in range(80))
    team_id = make_team(deps, privacy="detailed", members=members)
    long_title = "Call the whole partner group of a very large client about the renewal " * 3
    for user_id in members:
        add_action(deps, user_id, long_title, due=date(2026, 11, 25), status="done",
                   done_at=datetime(2026, 11, 25, 11, tzinfo=AMSTERDAM))
        add_action(deps, user_id, long_title, due=date(2026, 11, 20), attention=True)
    clock.set(MONDAY)
    tick(deps)
    with deps.sessions() as session:
        posted = session.scalar(select(Digest))
        thread = list(posted.thread_ts)
    assert len(thread) >= 2  # split by text size: far fewer than 50 blocks, far more than 12,000 characters
    for ts in thread:
        assert len(text_of({"blocks": fake_slack.message(CHANNEL, ts).blocks})) <= 12_000
    clock.advance(timedelta(hours=1))
    with deps.transaction() as session:  # counts only from now on: the thread gets much shorter
        session.get(Team, team_id).privacy = "summary"
        bram = people.find_person(session, "T1", members[0])
        action = session.scalar(select(Action).where(Action.owner_id == bram.id, Action.status == "open"))
        action.due_date = date(2026, 11, 27)  # a late answer about last week: news for the posted digest
        action_service.complete(session, clock, action, bram, outcomes=["meeting"])
    tick(deps)
    with deps.sessions() as session:
        edited = list(session.scalar(select(Digest)).thread_ts)
    leftovers = [fake_slack.message(CHANNEL, ts) for ts in thread if ts not in edited[:1]]
    assert leftovers and all(long_title.strip()[:40] not in text_of({"blocks": m.blocks}) for m in leftovers)
    for message in leftovers:
        assert len(message.blocks) == 1 and "(merged into the lines above)" in text_of({"blocks": message.blocks})



# -- Slack's errors on the digest path: the same classes, backoff and cap as a nudge ------------------


def test_a_digest_slack_keeps_refusing_backs_off_and_is_given_up_once(deps, fake_slack, clock):
    from bot.services import digest as digest_service
    from bot.services import retry

    make_team(deps, named=False)  # two members whose names Slack never told: users.info on each try
    clock.set(MONDAY)
    fake_slack.fail("chat.postMessage", error="fatal_error", times=100, match=lambda p: p.get("channel") == CHANNEL)
    for _ in range(30):  # a simulated hour, a tick every two minutes
        tick(deps)
        clock.advance(timedelta(minutes=2))
    assert len(channel_posts(fake_slack)) == retry.MAX_ATTEMPTS  # tried at 0, 2, 6 and 14 minutes, then given up
    assert len(fake_slack.calls_to("users.info")) == 2 * retry.MAX_ATTEMPTS
    with deps.sessions() as session:
        row = session.scalar(select(Digest))
        assert (row.status, row.attempts, row.error) == ("failed", retry.MAX_ATTEMPTS, "fatal_error")
    dms = dms_to(fake_slack, MANAGER)
    assert len(dms) == 1 and "kept answering `fatal_error`" in text_of(dms[0])
    with deps.transaction() as session:  # the manager can still ask for it: a fresh budget
        team = session.scalar(select(Team))
        assert digest_service.claim_now(session, clock, team, "manual") == row.id


def test_a_revoked_token_stops_the_workspace_and_the_managers_hear_it_once(deps, fake_slack, clock):
    make_team(deps)
    make_team(deps, name="Tax", channel="CTAX", members=("UTOM",))
    with deps.transaction() as session:  # a nudge planned for a member: stopped with the workspace
        anna = people.find_person(session, "T1", ANNA)
        action_service.create(
            session,
            clock,
            owner=anna,
            actor=anna,
            data=action_service.ActionInput(title="Call Jan", due=date(2026, 12, 11), contacts=["Jan"]),
            today=date(2026, 11, 26),
        )
    clock.set(MONDAY)
    fake_slack.fail("chat.postMessage", error="token_revoked", times=2, match=lambda p: p.get("channel") != MANAGER)
    for _ in range(30):
        tick(deps)
        clock.advance(timedelta(minutes=2))
    clock.set(MONDAY + timedelta(days=7))  # and next week: still nothing
    tick(deps)
    posts = [c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] in (CHANNEL, "CTAX")]
    assert len(posts) == 1  # the refused one; the other team's digest is not tried
    with deps.sessions() as session:
        assert session.scalar(select(Workspace.disabled_reason)) == "token_revoked"
        assert set(session.scalars(select(Digest.status))) == {"failed"}
        assert "planned" not in set(session.scalars(select(Nudge.status)))
    dms = dms_to(fake_slack, MANAGER)
    assert len(dms) == 1 and "token_revoked" in text_of(dms[0]) and "reinstalls" in text_of(dms[0])


def test_a_digest_edit_slack_keeps_refusing_backs_off_then_waits_for_news(deps, fake_slack, clock):
    from bot.services import retry

    make_team(deps)
    week_of_work(deps)
    clock.set(MONDAY)
    tick(deps)
    fake_slack.fail("chat.update", error="fatal_error", times=retry.MAX_ATTEMPTS)
    clock.advance(timedelta(hours=1))

    def bram_finishes(title):
        with deps.transaction() as session:
            bram = people.find_person(session, "T1", BRAM)
            action = session.scalar(select(Action).where(Action.owner_id == bram.id, Action.status == "open"))
            action.due_date = date(2026, 11, 27)  # a late answer about last week: news for the posted digest
            action_service.complete(session, clock, action, bram)
        add_action(deps, BRAM, title, due=date(2026, 12, 10))

    bram_finishes("Visit Piet")
    for _ in range(120):  # an hour of ticks, every 30 seconds
        tick(deps)
        clock.advance(timedelta(seconds=30))
    assert len(fake_slack.calls_to("chat.update")) == retry.MAX_ATTEMPTS  # 0, 2, 6, 14 minutes; not 120
    with deps.sessions() as session:
        row = session.scalar(select(Digest))
        assert (row.attempts, row.error) == (0, "fatal_error") and row.refreshed_at is not None
    bram_finishes("Visit Klaas")  # the next news: the edit is tried again, and goes through
    tick(deps)
    updates = [c.params for c in fake_slack.calls_to("chat.update") if c.params["channel"] == CHANNEL]
    assert len(updates) > retry.MAX_ATTEMPTS and "*4* actions done" in text_of(updates[retry.MAX_ATTEMPTS])
