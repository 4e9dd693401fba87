"""The weekly digest: posted by the worker's tick on the team's day and time, exactly once per period,
late after downtime, edited in place when answers come in, within Slack's limits; and /conscience digest.

A digest never shames: the channel gets the team's wins (only those that are not zero) and totals, never a
person's name, line or counts, at any privacy level; each of the team's managers gets the lines per person
once per digest by direct message, with a Review button per member."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.delivery import Delivery
from bot.fake_slack.blockkit import text_size
from bot.services import actions as action_service
from bot.services import events, people, teams
from models import Action, Digest, Membership, Nudge, Team, Workspace
from tests.conftest import AMSTERDAM
from tests.scenario import buttons, event_kinds, insert_action, last_response, separate_workers, side_by_side, text_of

MANAGER, ANNA, BRAM, CAROL = "UMAN", "UANNA", "UBRAM", "UCAROL"
CHANNEL = "CADV"
MONDAY = datetime(2026, 11, 30, 9, 0, 30, tzinfo=AMSTERDAM)  # the first digest slot after TEST_NOW


@pytest.fixture(autouse=True)
def team_channels(fake_slack):
    """The public channels the tests' teams post in, with the bot in them."""
    for channel in (CHANNEL, "CTAX"):
        fake_slack.add_channel(channel, bot_member=True)


def make_team(
    deps,
    *,
    privacy="summary",
    language=None,
    members=(ANNA, BRAM),
    name="Advisory",
    channel=CHANNEL,
    named=True,
    managers=(MANAGER,),
):
    now = deps.clock.now()
    with deps.transaction() as session:
        manager, _ = people.ensure_person(session, deps.clock, "T1", managers[0])
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
        for user_id in managers:
            manager, _ = people.ensure_person(session, deps.clock, "T1", user_id)
            session.add(
                Membership(
                    workspace_id=team.workspace_id,
                    team_id=team.id,
                    person_id=manager.id,
                    role="manager",
                    created_at=now,
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


def week_of_work(deps):
    """Anna: two done last week (one with a meeting), one open overdue needing attention. Bram: one open."""
    insert_action(
        deps,
        ANNA,
        "Call Jan Client about the audit",
        due=date(2026, 11, 25),
        status="done",
        done_at=datetime(2026, 11, 25, 11, tzinfo=AMSTERDAM),
        outcomes="meeting",
    )
    insert_action(
        deps,
        ANNA,
        "Aftercare Acme",
        due=date(2026, 11, 27),
        status="done",
        done_at=datetime(2026, 11, 26, 15, tzinfo=AMSTERDAM),
        outcomes="buying_signal",
    )
    insert_action(deps, ANNA, "Lunch with Piet", due=date(2026, 11, 27), attention=True)
    insert_action(deps, BRAM, "Visit Klaas", due=date(2026, 12, 10))


def tick(deps):
    delivery = Delivery(deps, threads=1)
    try:
        return delivery.tick()
    finally:
        delivery.close()


def channel_posts(fake_slack, channel=CHANNEL):
    return [c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == channel]


def heads(fake_slack):
    """Everything posted in a channel (never a DM)."""
    return [c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"].startswith("C")]


def no_person_in(text, *names):
    """No name, no per-person count, no mention: nothing in the channel is about a single person."""
    for name in (*names, "<@", "*: ", " in a row", "no wins", "(no name yet", "nog geen naam", " op rij"):
        assert name not in text, name


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


def test_the_channel_gets_the_teams_wins_and_totals_and_each_manager_the_lines_once(deps, fake_slack, clock):
    make_team(deps, members=(ANNA, BRAM, CAROL), managers=(MANAGER, "UMAN2"))
    week_of_work(deps)
    clock.set(MONDAY)
    report = tick(deps)
    assert report.digests.posted == 1
    [main] = channel_posts(fake_slack)  # one message, no thread
    assert "thread_ts" not in main
    headline = text_of(main)
    assert "Advisory: week of 23 November to 29 November" in headline
    assert headline.index("Wins") < headline.index("Still to do")  # wins first: 70/30
    assert "*2* actions done" in headline and "last week" not in headline  # the team's first week: no comparison
    assert "*1* meeting booked" in headline and "*1* buying signal followed up" in headline  # singular
    assert "*1* person on a streak" in headline  # Anna, two on time: a number, not a name
    assert "2 open · 1 overdue · 1 needs attention" in headline  # the team's totals, three members; a count, no label
    assert "the team's managers only" in headline
    no_person_in(headline, "Anna", "Bram", "Carol", ANNA, BRAM, CAROL)
    for secret in ("Jan Client", "Acme", "Lunch with Piet", "SECRET"):
        assert secret not in headline
    # Each manager: one direct message with a line per member and a Review button per member.
    for manager in (MANAGER, "UMAN2"):
        [dm] = dms_to(fake_slack, manager)
        lines = text_of(dm)
        assert "Advisory: per person, week of 23 November to 29 November" in lines
        assert "*Anna*: :white_check_mark: 2 done" in lines and "*Bram*: no wins this week · 1 open" in lines
        assert "1 overdue" in lines and ":warning: 1 needs attention" in lines
        # Who could use a conversation first (Anna: attention and a streak; Carol: nothing agreed), then the lines.
        assert buttons(dm)["review_open"] == [ANNA, CAROL, ANNA, BRAM, CAROL]
        assert "<@" not in lines
        for secret in ("Jan Client", "Acme", "Lunch with Piet", "SECRET"):  # summary: no titles
            assert secret not in lines
    with deps.sessions() as session:
        row = session.scalar(select(Digest))
        assert (row.status, row.channel_id, row.period_start, row.late) == (
            "posted",
            CHANNEL,
            date(2026, 11, 23),
            False,
        )
        assert row.message_ts is not None
        assert row.thread_ts == [] and set(row.manager_dms) == {MANAGER, "UMAN2"}
        assert row.managers_told_at is not None
    tick(deps)  # the next tick: the same period, nothing new
    clock.advance(timedelta(hours=2))
    tick(deps)
    assert len(channel_posts(fake_slack)) == 1
    assert len(dms_to(fake_slack, MANAGER)) == 1 and len(dms_to(fake_slack, "UMAN2")) == 1


def test_zero_wins_are_not_mentioned_and_a_small_team_gets_no_totals(deps, fake_slack, clock):
    make_team(deps, members=(BRAM,))
    insert_action(deps, BRAM, "Visit Klaas", due=date(2026, 11, 20), attention=True)  # overdue, needs attention
    clock.set(MONDAY)
    tick(deps)
    [main] = channel_posts(fake_slack)
    headline = text_of(main)
    for said in ("Wins", "done", "booked", "signal", "streak", "Still to do", "overdue", "attention"):
        assert said not in headline, said
    no_person_in(headline, "Bram", BRAM)
    [dm] = dms_to(fake_slack, MANAGER)  # the manager still sees Bram's line
    assert "*Bram*: no wins this week · 1 open · 1 overdue · :warning: 1 needs attention" in text_of(dm)


def test_last_week_is_compared_only_when_the_team_had_one(deps, fake_slack, clock):
    make_team(deps)
    week_of_work(deps)
    clock.set(MONDAY)
    tick(deps)
    assert "last week" not in text_of(channel_posts(fake_slack)[-1])  # the team's first digest
    insert_action(
        deps,
        BRAM,
        "Call Piet",
        due=date(2026, 12, 2),
        status="done",
        done_at=datetime(2026, 12, 2, 11, tzinfo=AMSTERDAM),
    )
    clock.set(MONDAY + timedelta(days=7))
    tick(deps)
    second = text_of(channel_posts(fake_slack)[-1])
    assert "*1* action done (−1 on last week)" in second  # Bram's 1 against Anna's 2 the week before
    assert "meeting" not in second and "signal" not in second  # zero this week: not mentioned


def test_detailed_privacy_in_dutch_shows_titles_but_never_preparation(deps, fake_slack, clock):
    make_team(deps, privacy="detailed", language="nl")
    with deps.transaction() as session:
        people.find_person(session, "T1", MANAGER).language = "nl"
    week_of_work(deps)
    clock.set(MONDAY)
    tick(deps)
    [main] = channel_posts(fake_slack)
    assert "Advisory: week van 23 november t/m 29 november" in text_of(main)
    assert "*2* acties gedaan" in text_of(main) and "vorige week" not in text_of(main)
    for title in ("Call Jan Client", "Lunch with Piet", "Anna", "Bram"):  # titles and names: never in the channel
        assert title not in text_of(main)
    lines = text_of(dms_to(fake_slack, MANAGER))
    assert "Advisory: per persoon, week van 23 november" in lines
    assert "_Call Jan Client about the audit_" in lines and "vraagt aandacht: _Lunch with Piet_" in lines
    assert "SECRET" not in text_of(main) + lines


def test_user_text_in_titles_and_names_is_escaped(deps, fake_slack, clock):
    make_team(deps, privacy="detailed", name="<!channel> team")
    insert_action(
        deps,
        ANNA,
        "Ping <!channel> <https://evil.example|here>",
        due=date(2026, 11, 25),
        status="done",
        done_at=datetime(2026, 11, 25, 11, tzinfo=AMSTERDAM),
    )
    clock.set(MONDAY)
    tick(deps)
    posts = [*channel_posts(fake_slack), *dms_to(fake_slack, MANAGER)]
    everything = text_of(posts)
    assert "<!channel>" not in everything.replace('"text": "<!channel> team', "")  # but in the plain-text headers
    assert all("<!channel>" not in post["text"] for post in posts)  # the notification texts
    assert "&lt;!channel&gt;" in everything and "<https://evil" not in everything
    assert "Ping &lt;!channel&gt;" in text_of(dms_to(fake_slack, MANAGER))  # the title: for the manager only


def test_exactly_one_digest_with_two_workers(deps, settings, fake_slack, clock, database_url_for_tests):
    for i in range(5):
        fake_slack.add_channel(f"C{i}", bot_member=True)
        make_team(deps, name=f"Team {i}", channel=f"C{i}", members=(f"UM{i}",))
    clock.set(MONDAY)
    workers = separate_workers(settings, clock, database_url_for_tests, 2, threads=2)

    def run(worker):
        for _ in range(3):
            worker.tick()

    side_by_side(workers, run, timeout=120)
    assert sorted(p["channel"] for p in heads(fake_slack)) == [f"C{i}" for i in range(5)]
    assert len(dms_to(fake_slack, MANAGER)) == 5  # one per team's digest, however many workers
    with deps.sessions() as session:
        assert session.scalars(select(Digest.status)).all() == ["posted"] * 5


def test_a_missed_digest_is_posted_late_once_and_says_which_week(deps, fake_slack, clock):
    make_team(deps)
    week_of_work(deps)
    clock.set(datetime(2026, 12, 2, 15, 0, tzinfo=AMSTERDAM))  # the worker was down from Sunday to Wednesday
    tick(deps)
    tick(deps)
    [main] = channel_posts(fake_slack)
    assert "Posted late" in text_of(main) and "covers the week of 23 November to 29 November" in text_of(main)
    # Down for two more weeks: only the latest missed week comes, once.
    clock.set(datetime(2026, 12, 16, 11, 0, tzinfo=AMSTERDAM))
    tick(deps)
    tick(deps)
    posted = channel_posts(fake_slack)
    assert len(posted) == 2 and "week of 7 December to 13 December" in text_of(posted[-1])
    assert len(dms_to(fake_slack, MANAGER)) == 2  # the lines: once per digest


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
    assert len(channel_posts(fake_slack)) == 1 and len(dms_to(fake_slack, MANAGER)) == 1


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
        action_service.complete(session, clock, action, bram, outcomes=["meeting"], rules=deps.rules)
    tick(deps)
    updates = [c.params for c in fake_slack.calls_to("chat.update") if c.params["channel"] == CHANNEL]
    with deps.sessions() as session:
        row = session.scalar(select(Digest))
    assert [u["ts"] for u in updates] == [row.message_ts]  # edited in place, nothing new posted
    assert "*3* actions done" in text_of(updates[0]) and "Bram" not in text_of(updates[0])
    assert len(channel_posts(fake_slack)) == 1 and len(dms_to(fake_slack, MANAGER)) == 1
    count = len(fake_slack.calls_to("chat.update"))
    tick(deps)  # nothing new: no edit
    assert len(fake_slack.calls_to("chat.update")) == count
    # And next week's digest does not count Bram's late answer a second time: nothing done, nothing said.
    clock.set(MONDAY + timedelta(days=7))
    tick(deps)
    assert "done" not in text_of(channel_posts(fake_slack)[-1])


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
    assert len(channel_posts(fake_slack)) == 2  # refused, then posted
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
            insert_action(
                deps,
                user_id,
                long_title,
                due=date(2026, 11, day),
                status="done",
                done_at=datetime(2026, 11, day, 11, tzinfo=AMSTERDAM),
            )
        insert_action(deps, user_id, long_title, due=date(2026, 11, 20), attention=True)
    clock.set(MONDAY)
    tick(deps)
    [main] = channel_posts(fake_slack)
    assert "*600* actions done" in text_of(main) and "*200* people on a streak" in text_of(main)
    no_person_in(text_of(main), "UM000", "Call the whole")
    [dm] = dms_to(fake_slack, MANAGER)  # what fits, then "N more"; the Home shows everyone
    assert len(dm["blocks"]) <= 50 and sum(text_size(block) for block in dm["blocks"]) <= 12_000
    for block in dm["blocks"]:
        assert len((block.get("text") or {}).get("text", "")) <= 3000
    talk, shown = buttons(dm)["review_open"][:8], buttons(dm)["review_open"][8:]  # 8 worth a conversation named
    assert talk == list(members[:8]) and "…and 192 more: your Home tab has everyone's line." in text_of(dm)
    assert shown == list(members[: len(shown)]) and len(shown) < 200
    assert f"…and {200 - len(shown)} more: your Home tab shows everyone." in text_of(dm)


# -- /conscience digest -----------------------------------------------------------------------


def test_a_manager_previews_the_digest_ephemerally_and_posts_it(slack, running, fake_slack, deps, clock):
    make_team(deps)
    week_of_work(deps)
    clock.set(MONDAY)  # the digest is due and the worker has not ticked yet
    slack.command("/conscience", "digest", user=MANAGER)
    running.settle()
    preview = last_response(fake_slack)
    assert preview["response_type"] == "ephemeral"
    assert "*2* actions done" in text_of(preview) and "*Anna*" in text_of(preview)  # the lines: only to the manager
    assert buttons(preview)["review_open"] == [ANNA, BRAM]
    assert "digest_viewed" in event_kinds(deps)
    assert channel_posts(fake_slack) == []
    slack.command("/conscience", "digest post", user=MANAGER)
    running.settle()
    assert "is in <#CADV>" in text_of(last_response(fake_slack, 2))
    assert len(channel_posts(fake_slack)) == 1 and "Anna" not in text_of(channel_posts(fake_slack))
    assert len(dms_to(fake_slack, MANAGER)) == 1
    slack.command("/conscience", "digest post", user=MANAGER)
    running.settle()
    assert "already" in text_of(last_response(fake_slack, 3))
    tick(deps)  # the worker does not post the same period again, nor send the lines again
    assert len(channel_posts(fake_slack)) == 1 and len(dms_to(fake_slack, MANAGER)) == 1


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


def test_members_are_never_in_the_channel_and_named_never_mentioned_to_the_managers(deps, fake_slack, clock):
    """The channel names nobody; the managers' lines use names (a mention would make Slack fetch and show
    the person, and a mention in a channel would notify them)."""
    make_team(deps, members=(ANNA, BRAM), named=False)
    fake_slack.add_user(ANNA, name="Anna de Vries")  # Slack knows Anna's name; Bram is unknown to it
    for user_id in (ANNA, BRAM):  # both on a streak
        for day in (20, 25):
            insert_action(
                deps,
                user_id,
                "Call",
                due=date(2026, 11, day),
                status="done",
                done_at=datetime(2026, 11, day, 11, tzinfo=AMSTERDAM),
            )
    clock.set(MONDAY)
    tick(deps)
    [main] = channel_posts(fake_slack)
    assert "*2* people on a streak" in text_of(main)
    no_person_in(text_of(main), "Anna", BRAM)
    [dm] = dms_to(fake_slack, MANAGER)
    lines = text_of(dm)
    assert "<@" not in lines
    assert "*Anna de Vries*: :white_check_mark: 1 done · :fire: 2 in a row" in lines
    assert f"*(no name yet: {BRAM})*" in lines
    with deps.sessions() as session:  # learned once, for the next digests and the Home
        assert people.find_person(session, "T1", ANNA).display_name == "Anna de Vries"


@pytest.mark.parametrize(
    ("privacy", "language", "headline", "titles"),
    [
        ("summary", "en", "*2* actions done", False),
        ("summary", "nl", "*2* acties gedaan", False),
        ("detailed", "en", "*2* actions done", True),
        ("detailed", "nl", "*2* acties gedaan", True),
    ],
)
def test_both_privacy_levels_in_both_languages(deps, fake_slack, clock, privacy, language, headline, titles):
    make_team(deps, privacy=privacy, language=language, members=(ANNA, BRAM, CAROL))
    with deps.transaction() as session:  # the managers' lines come in the manager's own language
        people.find_person(session, "T1", MANAGER).language = language
    week_of_work(deps)
    clock.set(MONDAY)
    tick(deps)
    [main] = channel_posts(fake_slack)  # no thread at any level
    channel = text_of(main)
    assert headline in channel and "2 open · 1 " in channel  # the team's wins and totals
    no_person_in(channel, "Anna", "Bram", "Carol", ANNA, BRAM, CAROL)
    for title in ("Jan Client", "Acme", "Lunch with Piet", "Klaas"):  # titles never go to the channel
        assert title not in channel
    [dm] = dms_to(fake_slack, MANAGER)
    lines = text_of(dm)
    assert "*Anna*: :white_check_mark: 2 " in lines and "*Bram*: " in lines and "*Carol*: " in lines
    assert buttons(dm)["review_open"] == [ANNA, CAROL, ANNA, BRAM, CAROL]  # worth a conversation, then the lines
    for title in ("Call Jan Client about the audit", "Lunch with Piet"):
        assert (title in lines) is titles
    assert "SECRET" not in channel + lines  # opening lines, voicemail plans and notes: never


def test_news_rebuilds_only_the_digests_of_the_teams_concerned(deps, fake_slack, clock):
    make_team(deps)
    make_team(deps, name="Tax", channel="CTAX", members=("UTOM",))
    week_of_work(deps)
    toms = insert_action(deps, "UTOM", "Visit Acme", due=date(2026, 12, 10))
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
        action_service.complete(session, clock, action, anna, rules=deps.rules)
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
    clock.advance(timedelta(hours=1))
    with deps.transaction() as session:  # a change to the team itself: new members
        team = session.scalar(select(Team).where(Team.name == "Tax"))
        teams.add(session, clock, team, people.find_person(session, "T1", MANAGER), ["UNEW", "UNEW2"])
    tick(deps)
    assert compared()["CTAX"] > after_tom["CTAX"]
    # Three members now: the team's totals show, Tom's attention among them; nobody by name.
    [edit] = [c.params for c in fake_slack.calls_to("chat.update") if c.params["channel"] == "CTAX"]
    assert "1 open · 0 overdue · 1 needs attention" in text_of(edit)
    no_person_in(text_of(edit), "UNEW", "Unew", "UTOM", "Tom")


def test_a_worker_stopped_between_the_channel_and_the_managers_sends_only_the_rest(deps, fake_slack, clock):
    make_team(deps, managers=(MANAGER, "UMAN2"))
    week_of_work(deps)
    clock.set(MONDAY)
    tick(deps)
    with deps.transaction() as session:  # as if the worker died after the first manager's message
        row = session.scalar(select(Digest))
        row.manager_dms = {MANAGER: row.manager_dms[MANAGER]}
        row.managers_told_at = None
    before = len(dms_to(fake_slack, MANAGER)), len(dms_to(fake_slack, "UMAN2"))
    tick(deps)
    tick(deps)
    assert (len(dms_to(fake_slack, MANAGER)), len(dms_to(fake_slack, "UMAN2"))) == (before[0], before[1] + 1)
    assert len(channel_posts(fake_slack)) == 1
    with deps.sessions() as session:
        row = session.scalar(select(Digest))
        assert set(row.manager_dms) == {MANAGER, "UMAN2"} and row.managers_told_at is not None


def test_a_rate_limited_managers_message_waits_and_a_refused_one_is_not_repeated(deps, fake_slack, clock):
    make_team(deps, managers=(MANAGER, "UMAN2"))
    clock.set(MONDAY)
    fake_slack.fail("chat.postMessage", status=429, error="ratelimited", retry_after=60,
                    match=lambda p: p.get("channel") in (MANAGER, f"D{MANAGER}"))
    fake_slack.fail("chat.postMessage", error="fatal_error", match=lambda p: p.get("channel") in ("UMAN2", "DUMAN2"))
    tick(deps)
    tick(deps)  # Retry-After has not passed: nothing is tried
    assert len(dms_to(fake_slack, MANAGER)) == 1
    clock.advance(timedelta(seconds=61))
    tick(deps)
    tick(deps)
    assert len(dms_to(fake_slack, MANAGER)) == 2  # refused once, then delivered
    assert len(dms_to(fake_slack, "UMAN2")) == 1  # refused, logged, not asked again: the Home has the lines
    with deps.sessions() as session:
        row = session.scalar(select(Digest))
        assert row.manager_dms["UMAN2"] == [] and row.manager_dms[MANAGER] and row.managers_told_at is not None


def test_a_channel_problem_known_since_setup_is_still_reported_when_the_digest_fails(deps, fake_slack, clock):
    team_id = make_team(deps)
    with deps.transaction() as session:  # team create could not join: the admin who typed it was told
        session.get(Team, team_id).channel_problem = "is_archived"
    clock.set(MONDAY)
    fake_slack.fail("chat.postMessage", error="is_archived", match=lambda p: p.get("channel") == CHANNEL)
    tick(deps)
    dms = dms_to(fake_slack, MANAGER)
    assert len(dms) == 1 and "archived" in text_of(dms[0])


def test_a_digest_posted_with_its_lines_in_the_thread_loses_them_at_its_next_look(deps, fake_slack, clock):
    """Digests posted before the lines went private had them in the channel's thread; migration 0008 marks
    the live ones for another look, and the edit empties those thread messages."""
    make_team(deps)
    week_of_work(deps)
    clock.set(MONDAY)
    tick(deps)
    with deps.transaction() as session:
        row = session.scalar(select(Digest))
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Anna*: 2 done · 1 open · 1 overdue"}}]
        old = deps.gateway.post_message(CHANNEL, "Per person", blocks, thread_ts=row.message_ts)
        row.thread_ts, row.fingerprint, row.refreshed_at = [old], "the old format", None
    clock.advance(timedelta(minutes=5))
    tick(deps)
    assert "Anna" not in text_of({"blocks": fake_slack.message(CHANNEL, old).blocks})
    assert "the team's managers only" in text_of({"blocks": fake_slack.message(CHANNEL, old).blocks})
    with deps.sessions() as session:
        assert session.scalar(select(Digest)).thread_ts == []
    count = len(fake_slack.calls_to("chat.update"))
    clock.advance(timedelta(hours=1))
    insert_action(deps, ANNA, "Another", due=date(2026, 12, 10))
    tick(deps)
    assert len(fake_slack.calls_to("chat.update")) - count <= 1  # the old thread message is left alone now


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
            rules=deps.rules,
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
            action_service.complete(session, clock, action, bram, rules=deps.rules)
        insert_action(deps, BRAM, title, due=date(2026, 12, 10))

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


# -- streaks: actions done by the date first agreed ------------------------------------------------


def test_a_streak_counts_only_actions_done_by_the_date_first_agreed(deps, fake_slack, clock):
    make_team(deps)

    def done(user_id, title, due, day, *, agreed=None):
        insert_action(
            deps,
            user_id,
            title,
            due=due,
            agreed=agreed,
            status="done",
            done_at=datetime(2026, 11, day, 11, tzinfo=AMSTERDAM),
        )

    for user_id in (ANNA, BRAM):  # both: two on time
        done(user_id, "Call", date(2026, 11, 20), 20)
        done(user_id, "Visit", date(2026, 11, 24), 24)
    # Anna's newest: agreed for the 25th, moved to the 27th, done on the 26th: after the date first agreed.
    done(ANNA, "Lunch", date(2026, 11, 27), 26, agreed=date(2026, 11, 25))
    clock.set(MONDAY)
    tick(deps)
    [main] = channel_posts(fake_slack)
    assert "*1* person on a streak" in text_of(main)
    lines = text_of(dms_to(fake_slack, MANAGER))
    assert "*Bram*: :white_check_mark: 1 done · :fire: 2 in a row" in lines
    assert "*Anna*: :white_check_mark: 2 done · 0 open" in lines  # no streak: the newest was late


def test_a_streak_counts_a_done_given_to_a_check_in_that_came_the_day_after(deps, fake_slack, clock):
    """Done the day after its date, answering the check-in that came then (bundled): on time, as decided then."""
    make_team(deps)
    for day in (20, 24):
        insert_action(deps, ANNA, "Call", due=date(2026, 11, day - 1), status="done", in_time=True,
                      done_at=datetime(2026, 11, day, 16, 30, tzinfo=AMSTERDAM))
    clock.set(MONDAY)
    tick(deps)
    assert "*Anna*: :white_check_mark: 1 done · :fire: 2 in a row" in text_of(dms_to(fake_slack, MANAGER))


def test_the_date_first_agreed_stays_when_the_date_moves_and_the_celebration_counts_by_it(deps, clock):
    from bot.services import dispatch
    from bot.services.calendar import work_week_of

    make_team(deps)
    today = date(2026, 11, 26)
    with deps.transaction() as session:
        anna = people.find_person(session, "T1", ANNA)
        manager = people.find_person(session, "T1", MANAGER)
        action, _ = action_service.create(
            session,
            clock,
            owner=anna,
            actor=anna,
            data=action_service.ActionInput(title="Call Jan", due=date(2026, 11, 27), contacts=["Jan"]),
            today=today,
            rules=deps.rules,
        )
        action_service.reschedule(session, clock, action, anna, date(2026, 12, 4), today, rules=deps.rules)
        assert (action.due_date, action.agreed_due) == (date(2026, 12, 4), date(2026, 11, 27))
        # A manager's proposal: agreed when the member accepts it, at the date it then has.
        proposal, _ = action_service.create(
            session,
            clock,
            owner=anna,
            actor=manager,
            data=action_service.ActionInput(title="Visit Piet", due=date(2026, 12, 1), contacts=["Piet"]),
            today=today,
            rules=deps.rules,
        )
        action_service.edit(
            session,
            clock,
            proposal,
            manager,
            action_service.ActionInput(title="Visit Piet", due=date(2026, 12, 2), contacts=["Piet"]),
            today,
            rules=deps.rules,
        )
        action_service.respond_to_proposal(session, clock, proposal, anna, accept=True, rules=deps.rules)
        assert proposal.agreed_due == date(2026, 12, 2)
        action_service.reschedule(session, clock, proposal, anna, date(2026, 12, 9), today, rules=deps.rules)
        assert proposal.agreed_due == date(2026, 12, 2)
    clock.set(datetime(2026, 12, 1, 11, tzinfo=AMSTERDAM))  # before the new date, after the one first agreed
    with deps.transaction() as session:
        anna = people.find_person(session, "T1", ANNA)
        action = session.get(Action, action.id)
        action_service.complete(session, clock, action, anna, rules=deps.rules)
        assert dispatch.streak_of(session, anna, work_week_of(anna, "Europe/Amsterdam")) == 0
    clock.advance(timedelta(minutes=1))
    with deps.transaction() as session:
        anna = people.find_person(session, "T1", ANNA)
        proposal = session.get(Action, proposal.id)
        action_service.complete(session, clock, proposal, anna, rules=deps.rules)  # by the date first agreed: on time
        assert dispatch.streak_of(session, anna, work_week_of(anna, "Europe/Amsterdam")) == 1


def test_migration_0008_takes_the_date_before_the_first_move_and_sends_old_digests_no_lines(
    engine, database_url_for_tests, deps, fake_slack, clock
):
    from alembic import command as alembic
    from sqlalchemy import text

    from models.migrate import alembic_config

    make_team(deps)
    moved = insert_action(deps, ANNA, "Moved twice", due=date(2026, 12, 10))
    kept = insert_action(deps, BRAM, "Never moved", due=date(2026, 12, 3))
    with deps.transaction() as session:
        anna = people.find_person(session, "T1", ANNA)
        for previous, due in (("2026-11-27", "2026-12-04"), ("2026-12-04", "2026-12-10")):
            events.record(
                session,
                clock,
                workspace_id=anna.workspace_id,
                kind="rescheduled",
                actor_id=anna.id,
                action_id=moved,
                previous=previous,
                due=due,
            )
    clock.set(MONDAY)
    tick(deps)  # a digest posted before 0008 (its managers' lines are taken as told)
    config = alembic_config(database_url_for_tests)
    alembic.downgrade(config, "0007")
    try:
        with engine.begin() as connection:
            assert connection.execute(text("SELECT count(*) FROM digests WHERE status = 'posted'")).scalar_one() == 1
    finally:
        alembic.upgrade(config, "head")
    with deps.sessions() as session:
        assert session.get(Action, moved).agreed_due == date(2026, 11, 27)
        assert session.get(Action, kept).agreed_due == date(2026, 12, 3)
        row = session.scalar(select(Digest))
        assert row.managers_told_at is not None and row.manager_dms == {} and row.refreshed_at is None
    count = len(dms_to(fake_slack, MANAGER))
    tick(deps)
    assert len(dms_to(fake_slack, MANAGER)) == count  # no lines sent for a digest from before
