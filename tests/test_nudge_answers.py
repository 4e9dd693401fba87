"""Answering nudges in one click, through signed requests: the message changes in place, once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.delivery import Delivery
from bot.messages.catalogue import catalogue
from bot.messages.nudges import NudgeView, render
from bot.services import actions, checkins
from models import Action, Event, Nudge, Person
from tests.conftest import AMSTERDAM
from tests.scenario import answer_buttons, buttons, click_button, create_action, person, text_of

MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=AMSTERDAM)


@pytest.fixture
def delivery(deps):
    d = Delivery(deps, threads=2)
    yield d
    d.close()


def add(deps, title: str, due: date, contacts=("Jan",)) -> int:
    return create_action(deps, title, due, today=MONDAY.date(), contacts=contacts, kind="aftercare")


def deliver_at(deps, clock, delivery, moment: datetime) -> Nudge:
    clock.set(moment)
    delivery.tick()
    with deps.sessions() as session:
        return session.scalars(select(Nudge).where(Nudge.status == "sent").order_by(Nudge.sent_at.desc(),
                                                                                    Nudge.id.desc())).first()


def checkin(deps, clock, delivery) -> Nudge:
    clock.set(MONDAY)
    a = add(deps, "Call Jan", date(2026, 12, 2))
    b = add(deps, "Call Jan, Piet and Klaas", date(2026, 12, 2), contacts=("Jan", "Piet", "Klaas"))
    nudge = deliver_at(deps, clock, delivery, datetime(2026, 12, 2, 16, 0, 30, tzinfo=AMSTERDAM))
    assert nudge.kind == "checkin" and sorted(nudge.action_ids) == sorted([a, b])
    return nudge


def click(slack, running, action_id: str, value: str | None = None, **kwargs):
    assert click_button(slack, running.fake, action_id, value, **kwargs).status == 200
    running.settle()


def updates(fake_slack) -> list[dict]:
    return [c.params for c in fake_slack.calls_to("chat.update")]


def test_all_actions_due_that_day_come_in_one_check_in(deps, clock, delivery, fake_slack):
    nudge = checkin(deps, clock, delivery)
    [post] = [c.params for c in fake_slack.calls_to("chat.postMessage") if "Did you" in text_of(c.params)]
    found = buttons(post)
    assert len(answer_buttons(post)) == 2 * 4  # Done, Partly, help, Drop for each of the two actions
    assert len(found["nudge_date"]) == 2  # Not yet: pick a new date
    assert len(found["nudge_contact"]) == 3  # tick Jan, Piet and Klaas one by one
    assert post["channel"] in ("U1", "DU1") and (nudge.channel_id, bool(nudge.message_ts)) == ("DU1", True)


def test_done_updates_the_message_celebrates_and_a_second_click_does_nothing(
        deps, clock, delivery, fake_slack, slack, running):
    nudge = checkin(deps, clock, delivery)
    first = nudge.action_ids[0]
    for _ in range(2):
        click(slack, running, "nudge_answer:done", f"{nudge.id}:{first}:done")
    update = updates(fake_slack)[-1]
    assert (update["channel"], update["ts"]) == (nudge.channel_id, nudge.message_ts)
    assert "Change my answer" in text_of(update)
    with deps.sessions() as session:
        assert session.get(Action, first).status == "done"
        assert len(list(session.scalars(select(Event).where(Event.kind == "done")))) == 1
        followups = session.scalars(select(Nudge).where(Nudge.kind == "followup", Nudge.status == "planned"))
        assert all(first not in f.action_ids for f in followups)
    celebrations = [c for c in fake_slack.calls_to("chat.postMessage") if "🎉" in text_of(c.params)
                    or "done" in c.params["text"].lower()]
    assert len([c for c in fake_slack.calls_to("chat.postMessage")]) == 2  # the check-in and one celebration
    assert celebrations


def test_not_yet_picks_a_new_date_and_the_message_says_so(deps, clock, delivery, fake_slack, slack, running):
    nudge = checkin(deps, clock, delivery)
    first = nudge.action_ids[0]
    click(slack, running, "nudge_date", block_id=f"nd:{nudge.id}:{first}:not_yet", selected_date="2026-12-09")
    with deps.sessions() as session:
        assert session.get(Action, first).due_date == date(2026, 12, 9)
    assert "9 December" in text_of(updates(fake_slack)[-1])


def test_an_answer_can_be_changed_afterwards(deps, clock, delivery, fake_slack, slack, running):
    nudge = checkin(deps, clock, delivery)
    first = nudge.action_ids[0]
    click(slack, running, "nudge_answer:done", f"{nudge.id}:{first}:done")
    click(slack, running, "nudge_change", f"{nudge.id}:{first}")
    with deps.sessions() as session:
        assert session.get(Action, first).status == "open"
    assert f"{nudge.id}:{first}:done" in buttons(updates(fake_slack)[-1])["nudge_answer:done"]


def test_contacts_are_ticked_in_the_check_in(deps, clock, delivery, fake_slack, slack, running):
    nudge = checkin(deps, clock, delivery)
    with deps.sessions() as session:
        multi = next(session.get(Action, a) for a in nudge.action_ids if len(session.get(Action, a).contacts) == 3)
        contact = multi.contacts[1]
    slack.interactive({
        "type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1", "team_id": "T1"}, "trigger_id": "t",
        "container": {"type": "message", "channel_id": "DU1", "message_ts": "1.0"},
        "actions": [{"action_id": "nudge_contact", "block_id": "x", "type": "overflow",
                     "selected_option": {"value": f"{nudge.id}:{multi.id}:{contact.id}:voicemail"}}],
    })
    running.settle()
    with deps.sessions() as session:
        assert session.get(Action, multi.id).contacts[1].status == "voicemail"
    assert "Piet: voicemail" in text_of(updates(fake_slack)[-1])


def test_a_late_answer_still_counts(deps, clock, delivery, fake_slack, slack, running):
    nudge = checkin(deps, clock, delivery)
    first = nudge.action_ids[0]
    # No answer; the follow-up goes out two working days later; then the answer comes.
    followup = deliver_at(deps, clock, delivery, datetime(2026, 12, 4, 16, 0, 30, tzinfo=AMSTERDAM))
    assert followup.kind == "followup"
    click(slack, running, "nudge_answer:done", f"{nudge.id}:{first}:done")
    with deps.sessions() as session:
        assert session.get(Action, first).status == "done"
        attention = session.scalars(select(Nudge).where(Nudge.kind == "attention", Nudge.status == "planned"))
        assert all(first not in a.action_ids for a in attention)


def test_prep_ready_shows_in_place(deps, clock, delivery, fake_slack, slack, running):
    clock.set(MONDAY)
    action_id = add(deps, "Call Jan", date(2026, 12, 4))
    prep = deliver_at(deps, clock, delivery, datetime(2026, 12, 2, 9, 31, tzinfo=AMSTERDAM))
    assert prep.kind == "prep"
    click(slack, running, "nudge_answer:ready", f"{prep.id}:{action_id}:ready")
    assert "ready" in text_of(updates(fake_slack)[-1]).lower()
    assert not answer_buttons(updates(fake_slack)[-1])


def test_the_rhythm_question_offers_fewer_messages_or_a_pause(deps, clock, slack, running, fake_slack):
    owner = person(deps)
    clock.set(MONDAY)
    with deps.transaction() as session:
        rhythm = Nudge(workspace_id=owner.workspace_id, person_id=owner.id, kind="rhythm", tone="inspire",
                       due_at=MONDAY, local_date=MONDAY.date(), action_ids=[], status="sent", created_at=MONDAY,
                       sent_at=MONDAY, channel_id="DU1")
        session.add(rhythm)
        session.flush()
        rhythm_id = rhythm.id
        shown = render(catalogue("en"), NudgeView(nudge_id=rhythm_id, kind="rhythm", variant=0, today=MONDAY.date()))
        _, posted, _ = fake_slack.workspace.answer("chat.postMessage", {"channel": "DU1", **shown})
        rhythm.message_ts = posted["ts"]
    click(slack, running, "nudge_answer:pause", f"{rhythm_id}:0:pause")
    with deps.sessions() as session:
        person_row = session.scalar(select(Person))
        assert person_row.paused_until == MONDAY.date() + timedelta(days=14)
    assert "14 December" in text_of(updates(fake_slack)[-1])


def test_nobody_answers_someone_elses_nudge(deps, clock, delivery, fake_slack, slack, running):
    nudge = checkin(deps, clock, delivery)
    first = nudge.action_ids[0]
    click(slack, running, "nudge_answer:done", f"{nudge.id}:{first}:done", user="U2")
    with deps.sessions() as session:
        assert session.get(Action, first).status == "open"


def test_the_celebration_counts_the_streak_by_the_persons_own_day(deps, clock, fake_slack):
    """Done at 21:00 in New York on the due day is on time, though it is the next day in UTC."""
    from zoneinfo import ZoneInfo

    from bot.flows.celebrate import celebrate

    new_york = ZoneInfo("America/New_York")
    clock.set(MONDAY)
    owner = person(deps)
    fake_slack.add_user("U1", tz="America/New_York")
    earlier = [add(deps, f"Call client {n}", date(2026, 12, 4)) for n in range(2)]
    latest = add(deps, "Call Jan", date(2026, 12, 2))
    with deps.transaction() as session:
        row = session.merge(owner)
        row.timezone, row.timezone_checked_at = "America/New_York", MONDAY
        for n, action_id in enumerate(earlier):
            action = session.get(Action, action_id)
            action.due_date = date(2026, 11, 23 + n)
            action.status, action.done_at = "done", datetime(2026, 11, 23 + n, 21, 0, tzinfo=new_york)
    clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=new_york))
    with deps.transaction() as session:
        actor = session.get(Person, owner.id)
        actions.complete(session, deps.clock, session.get(Action, latest), actor, rules=deps.rules)
    celebrate(deps, "T1", "U1")
    [post] = [c.params for c in fake_slack.calls_to("chat.postMessage")]
    assert "3 in a row, done on time" in text_of(post)


def _followups(deps) -> list[Nudge]:
    with deps.sessions() as session:
        return list(session.scalars(select(Nudge).where(Nudge.kind == "followup", Nudge.status == "planned")))


def test_ticking_a_contact_is_an_answer_and_calls_off_the_follow_up(deps, clock, delivery):
    nudge = checkin(deps, clock, delivery)
    assert _followups(deps)  # silence would bring a follow-up in two working days
    with deps.transaction() as session:
        owner = session.scalar(select(Person))
        row = session.get(Nudge, nudge.id)
        action = session.scalar(select(Action).where(Action.title == "Call Jan, Piet and Klaas"))
        checkins.set_contact(
            session, deps.clock, owner, row, action.id, action.contacts[0].id, "voicemail", rules=deps.rules
        )
    with deps.sessions() as session:
        assert session.get(Nudge, nudge.id).answered_at is not None
    assert all(action.id not in f.action_ids for f in _followups(deps))


def test_done_from_the_home_tab_answers_the_check_in(deps, clock, delivery):
    nudge = checkin(deps, clock, delivery)
    with deps.transaction() as session:
        owner = session.scalar(select(Person))
        for action in session.scalars(select(Action).where(Action.owner_id == owner.id)):
            actions.complete(session, deps.clock, action, owner, rules=deps.rules)  # what the Home tab's Done does
    with deps.sessions() as session:
        assert session.get(Nudge, nudge.id).answered_at is not None  # not counted as silence
    assert _followups(deps) == []


def test_choosing_fewer_turns_a_waiting_follow_up_into_a_quiet_mark(deps, clock, delivery):
    checkin(deps, clock, delivery)
    [followup] = _followups(deps)
    with deps.transaction() as session:
        checkins.to_fewer(session, deps.clock, session.scalar(select(Person)), rules=deps.rules)
    with deps.sessions() as session:
        assert session.get(Nudge, followup.id).status == "cancelled"
        marks = session.scalars(select(Nudge).where(Nudge.kind == "attention", Nudge.status == "planned")).all()
        expected = [(followup.local_date, sorted(followup.action_ids))]
        assert [(m.local_date, sorted(m.action_ids)) for m in marks] == expected


def test_two_dones_on_one_day_share_one_celebration_updated_in_place(
        deps, clock, delivery, fake_slack, slack, running):
    nudge = checkin(deps, clock, delivery)
    first, second = nudge.action_ids
    click(slack, running, "nudge_answer:done", f"{nudge.id}:{first}:done")
    [celebration] = [c.params for c in fake_slack.calls_to("chat.postMessage") if "Did you" not in text_of(c.params)]
    with deps.sessions() as session:
        sent = session.scalar(select(Nudge).where(Nudge.kind == "celebration", Nudge.status == "sent"))
    click(slack, running, "nudge_answer:done", f"{nudge.id}:{second}:done")
    posts = [c.params for c in fake_slack.calls_to("chat.postMessage") if "Did you" not in text_of(c.params)]
    assert posts == [celebration]  # no second celebration DM
    shared = [c.params for c in fake_slack.calls_to("chat.update")
              if (c.params["channel"], c.params["ts"]) == (sent.channel_id, sent.message_ts)]
    assert shared, "the first celebration was not updated"
    text = text_of(shared[-1])
    assert "Call Jan, Piet and Klaas" in text and "Also done today: *Call Jan*" in text


def test_a_check_in_about_ten_actions_with_three_contacts_shows_what_fits_and_how_many_more(
        deps, clock, delivery, fake_slack):
    clock.set(MONDAY)
    for i in range(10):
        add(deps, f"Call client {i}", date(2026, 12, 2), contacts=(f"Jan {i}", f"Piet {i}", f"Klaas {i}"))
    nudge = deliver_at(deps, clock, delivery, datetime(2026, 12, 2, 16, 0, 30, tzinfo=AMSTERDAM))
    assert nudge.kind == "checkin" and len(nudge.action_ids) == 10
    shown = fake_slack.message(nudge.channel_id, nudge.message_ts)  # it arrived: Slack took it
    assert shown is not None and len(shown.blocks) <= 50
    text = text_of({"blocks": shown.blocks})
    asked = [i for i in range(10) if f"Call client {i}*" in text]
    assert 0 < len(asked) < 10
    assert f"and {10 - len(asked)} more. Your Home tab shows them all." in text


def test_a_button_in_a_check_in_sent_before_the_ids_changed_still_answers(deps, clock, delivery, fake_slack, slack,
                                                                            running):
    nudge = checkin(deps, clock, delivery)
    first = nudge.action_ids[0]
    # Messages already in people's DMs carry the old shared id; their value says the answer.
    container = {"type": "message", "channel_id": nudge.channel_id, "message_ts": nudge.message_ts}
    assert slack.block_action("nudge_answer", f"{nudge.id}:{first}:done", container=container).status == 200
    running.settle()
    with deps.sessions() as session:
        assert session.get(Action, first).status == "done"
    assert "Change my answer" in text_of(updates(fake_slack)[-1])
