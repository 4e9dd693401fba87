"""Every nudge button, clicked through a signed request: what the person notices afterwards.

The message is updated in place (chat.update on the message's own ts) saying what was chosen, the
action's state or date follows the answer, the plan that follows is right, and where it matters a
second click has no further effect. Time moves with the clock fixture; one Delivery tick at a time.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.delivery import Delivery
from bot.messages.catalogue import catalogue
from bot.services import actions as actions_service
from models import Action, Event, Nudge, Person
from tests.conftest import AMSTERDAM
from tests.scenario import (
    answer_buttons,
    buttons,
    click_button,
    create_action,
    form_values,
    opened_view,
    person,
    text_of,
)

MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=AMSTERDAM)
TUE, WED, THU, FRI = date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 4)
MON2, TUE2 = date(2026, 12, 7), date(2026, 12, 8)


@pytest.fixture
def delivery(deps):
    d = Delivery(deps, threads=1)
    yield d
    d.close()


def at(day: date, hour: int = 16, minute: int = 0) -> datetime:
    """Just after a slot: 16:00 is the check-in time, 09:30 the morning slot."""
    return datetime.combine(day, time(hour, minute, 30), tzinfo=AMSTERDAM)


def add(deps, title: str, due: date, *, kind: str = "aftercare", opening: str | None = None) -> int:
    return create_action(deps, title, due, today=MONDAY.date(), kind=kind, opening_line=opening)


def deliver(deps, clock, delivery, moment: datetime, kind: str) -> Nudge:
    """Move the clock, tick once, and return the newest sent nudge of that kind."""
    clock.set(moment)
    delivery.tick()
    found = sent(deps, kind)
    assert found, f"no {kind} was sent at {moment}"
    return found[-1]


def sent(deps, kind: str) -> list[Nudge]:
    with deps.sessions() as session:
        return list(session.scalars(select(Nudge).where(Nudge.kind == kind, Nudge.status == "sent")
                                    .order_by(Nudge.id)))


def planned_about(deps, action_id: int) -> dict[str, list[date]]:
    """kind -> days of the planned messages that speak of an action."""
    with deps.sessions() as session:
        rows = session.scalars(select(Nudge).where(Nudge.status == "planned").order_by(Nudge.local_date))
        found: dict[str, list[date]] = {}
        for row in rows:
            if action_id in (row.action_ids or []):
                found.setdefault(row.kind, []).append(row.local_date)
        return found


def action(deps, action_id: int) -> Action:
    with deps.sessions() as session:
        return session.get(Action, action_id)


def me(deps) -> Person:
    with deps.sessions() as session:
        return session.scalar(select(Person).where(Person.slack_user_id == "U1"))


def count_events(deps, kind: str) -> int:
    with deps.sessions() as session:
        return session.scalar(select(func.count()).select_from(Event).where(Event.kind == kind))


def click(slack, running, action_id: str, value: str | None = None, **kwargs: Any) -> None:
    assert click_button(slack, running.fake, action_id, value, **kwargs).status == 200
    running.settle()


def update_of(fake_slack, nudge: Nudge) -> dict[str, Any]:
    """The newest chat.update of this very message (in place: its channel and ts)."""
    found = [c.params for c in fake_slack.calls_to("chat.update")
             if (c.params.get("channel"), c.params.get("ts")) == (nudge.channel_id, nudge.message_ts)]
    assert found, "the message was not updated in place"
    return found[-1]


def posts(fake_slack) -> list[dict[str, Any]]:
    return [c.params for c in fake_slack.calls_to("chat.postMessage")]


def checkin_for(deps, clock, delivery, title: str = "Call Jan", due: date = WED) -> tuple[Nudge, int]:
    clock.set(MONDAY)
    action_id = add(deps, title, due)
    nudge = deliver(deps, clock, delivery, at(due), "checkin")
    assert nudge.action_ids == [action_id]
    return nudge, action_id


def followup_for(deps, clock, delivery) -> tuple[Nudge, int]:
    """A check-in on Wednesday left unanswered: the follow-up comes two working days later."""
    checkin, action_id = checkin_for(deps, clock, delivery)
    followup = deliver(deps, clock, delivery, at(FRI), "followup")
    assert followup.action_ids == [action_id]
    assert planned_about(deps, action_id).get("attention") == [TUE2]
    return followup, action_id


def prep_for(deps, clock, delivery) -> tuple[Nudge, int]:
    clock.set(MONDAY)
    action_id = add(deps, "Call Jan", FRI, opening="Hi Jan, how is the new system working out?")
    prep = deliver(deps, clock, delivery, at(WED, 9, 31), "prep")
    assert prep.action_ids == [action_id]
    return prep, action_id


# -- the check-in ---------------------------------------------------------------------------------


def test_partly_moves_the_action_by_the_prep_days_so_the_check_in_returns(
        deps, clock, delivery, fake_slack, slack, running):
    nudge, action_id = checkin_for(deps, clock, delivery)
    for _ in range(2):
        click(slack, running, "nudge_answer:partly", f"{nudge.id}:{action_id}:partly")
    update = text_of(update_of(fake_slack, nudge))
    assert "so you can finish the rest" in update and "Change my answer" in update
    found = action(deps, action_id)
    assert (found.status, found.due_date) == ("open", FRI)  # PREP_WORKING_DAYS (2) working days on
    assert count_events(deps, "rescheduled") == 1  # the second click changed nothing
    plan = planned_about(deps, action_id)
    assert plan.get("checkin") == [FRI] and "followup" not in plan
    again = deliver(deps, clock, delivery, at(FRI), "checkin")
    assert again.id != nudge.id and again.action_ids == [action_id]


def test_i_could_use_help_keeps_the_action_and_tells_nobody(deps, clock, delivery, fake_slack, slack, running):
    nudge, action_id = checkin_for(deps, clock, delivery)
    for _ in range(2):
        click(slack, running, "nudge_answer:help", f"{nudge.id}:{action_id}:help")
    update = text_of(update_of(fake_slack, nudge))
    assert "Thanks for saying so" in update and "I don't send your manager a message about it" in update
    assert not answer_buttons(update_of(fake_slack, nudge))
    found = action(deps, action_id)
    assert (found.status, found.due_date, found.needs_attention) == ("open", WED, False)
    assert count_events(deps, "answered") == 1
    plan = planned_about(deps, action_id)  # answered: no follow-up, no attention mark waits for it
    assert "followup" not in plan and "attention" not in plan
    assert len(posts(fake_slack)) == 1  # only the check-in itself: no DM to anyone else


def test_drop_from_the_check_in_drops_the_action_once(deps, clock, delivery, fake_slack, slack, running):
    nudge, action_id = checkin_for(deps, clock, delivery)
    for _ in range(2):
        click(slack, running, "nudge_answer:drop", f"{nudge.id}:{action_id}:drop")
    assert "*Call Jan*\\nDropped." in text_of(update_of(fake_slack, nudge))
    assert action(deps, action_id).status == "dropped"
    assert count_events(deps, "dropped") == 1
    assert planned_about(deps, action_id) == {}
    clock.set(at(FRI))
    delivery.tick()
    assert len(posts(fake_slack)) == 1  # no follow-up about a dropped action


# -- the follow-up --------------------------------------------------------------------------------


def test_follow_up_still_on_keeps_the_action_and_calls_off_the_attention_mark(
        deps, clock, delivery, fake_slack, slack, running):
    followup, action_id = followup_for(deps, clock, delivery)
    for _ in range(2):
        click(slack, running, "nudge_answer:still_on", f"{followup.id}:{action_id}:still_on")
    assert "*Call Jan*\\nGood, it stays on your list." in text_of(update_of(fake_slack, followup))
    assert count_events(deps, "answered") == 1
    assert "attention" not in planned_about(deps, action_id)
    clock.set(at(TUE2))
    delivery.tick()
    found = action(deps, action_id)
    assert (found.status, found.needs_attention) == ("open", False)


def test_follow_up_make_it_smaller_opens_the_form_for_that_action(
        deps, clock, delivery, fake_slack, slack, running):
    followup, action_id = followup_for(deps, clock, delivery)
    click(slack, running, "nudge_edit", f"{followup.id}:{action_id}:smaller")
    view = opened_view(fake_slack)
    assert json.loads(view["private_metadata"])["action_id"] == action_id
    assert "Call Jan" in text_of(view)
    assert "*Call Jan*\\nGood choice. The form is open" in text_of(update_of(fake_slack, followup))
    assert "attention" not in planned_about(deps, action_id)
    assert action(deps, action_id).status == "open"


def test_follow_up_drop_it(deps, clock, delivery, fake_slack, slack, running):
    followup, action_id = followup_for(deps, clock, delivery)
    for _ in range(2):
        click(slack, running, "nudge_answer:drop", f"{followup.id}:{action_id}:drop")
    assert "*Call Jan*\\nOff your list." in text_of(update_of(fake_slack, followup))
    assert action(deps, action_id).status == "dropped"
    assert count_events(deps, "dropped") == 1
    assert planned_about(deps, action_id) == {}


def test_follow_up_new_date_moves_the_action_and_its_check_in(deps, clock, delivery, fake_slack, slack, running):
    followup, action_id = followup_for(deps, clock, delivery)
    for _ in range(2):
        click(slack, running, "nudge_date", block_id=f"nd:{followup.id}:{action_id}:reschedule",
              selected_date="2026-12-09")
    update = text_of(update_of(fake_slack, followup))
    assert "*Call Jan*\\nNew date:" in update and "9 December" in update
    assert action(deps, action_id).due_date == date(2026, 12, 9)
    assert count_events(deps, "rescheduled") == 1
    plan = planned_about(deps, action_id)
    assert plan.get("checkin") == [date(2026, 12, 9)] and "attention" not in plan


# -- the preparation ------------------------------------------------------------------------------


def test_prep_ready_once_and_the_check_in_stays_planned(deps, clock, delivery, fake_slack, slack, running):
    prep, action_id = prep_for(deps, clock, delivery)
    for _ in range(2):
        click(slack, running, "nudge_answer:ready", f"{prep.id}:{action_id}:ready")
    update = update_of(fake_slack, prep)
    assert "*Call Jan*\\nYou're ready." in text_of(update)
    assert not answer_buttons(update) and "nudge_date" not in buttons(update)
    assert count_events(deps, "answered") == 1
    assert planned_about(deps, action_id).get("checkin") == [FRI]


def test_prep_new_date_moves_the_action_and_its_check_in(deps, clock, delivery, fake_slack, slack, running):
    prep, action_id = prep_for(deps, clock, delivery)
    click(slack, running, "nudge_date", block_id=f"nd:{prep.id}:{action_id}:reschedule", selected_date="2026-12-11")
    update = text_of(update_of(fake_slack, prep))
    assert "*Call Jan*\\nMoved to" in update and "11 December" in update
    assert action(deps, action_id).due_date == date(2026, 12, 11)
    assert planned_about(deps, action_id).get("checkin") == [date(2026, 12, 11)]


def test_prep_edit_my_preparation_opens_the_form_pre_filled(deps, clock, delivery, fake_slack, slack, running):
    prep, action_id = prep_for(deps, clock, delivery)
    click(slack, running, "nudge_edit", f"{prep.id}:{action_id}")
    view = opened_view(fake_slack)
    meta = json.loads(view["private_metadata"])
    assert (meta["mode"], meta["action_id"]) == ("edit", action_id)
    assert "Call Jan" in text_of(view) and "how is the new system working out?" in text_of(view)
    assert '"initial_date": "2026-12-04"' in text_of(view)
    assert action(deps, action_id).due_date == FRI  # opening the form changes nothing yet


def test_saving_edit_my_preparation_leaves_the_prep_message_in_place(
        deps, clock, delivery, fake_slack, slack, running):
    prep, action_id = prep_for(deps, clock, delivery)
    click(slack, running, "nudge_edit", f"{prep.id}:{action_id}")
    values = form_values("Call Jan", FRI, kind="aftercare", contacts="Jan", opening="Hi Jan, a quick question")
    slack.view_submission("action_form", values, private_metadata=opened_view(fake_slack)["private_metadata"])
    running.settle()
    assert action(deps, action_id).opening_line == "Hi Jan, a quick question"
    replaced = [c.params for c in fake_slack.calls_to("response_url") if c.params.get("replace_original")]
    assert replaced == []  # the prep (with its opening line and buttons) must not turn into the /actions list
    assert "Hi Jan, a quick question" in text_of(update_of(fake_slack, prep))  # it shows the new preparation


# -- the celebration ------------------------------------------------------------------------------


def all_actions(deps) -> list[int]:
    with deps.sessions() as session:
        return list(session.scalars(select(Action.id)))


def celebration_after_done(deps, clock, delivery, fake_slack, slack, running) -> tuple[Nudge, int]:
    nudge, action_id = checkin_for(deps, clock, delivery, "Aftercare call with Acme")
    click(slack, running, "nudge_answer:done", f"{nudge.id}:{action_id}:done")
    [celebration] = sent(deps, "celebration")
    [post] = [p for p in posts(fake_slack) if "Plan the next step" in text_of(p)]
    assert buttons(post)["nudge_next_step"] == [f"{celebration.id}:{action_id}"]
    return celebration, action_id


def test_plan_the_next_step_opens_the_form_six_weeks_on(deps, clock, delivery, fake_slack, slack, running):
    celebration, action_id = celebration_after_done(deps, clock, delivery, fake_slack, slack, running)
    click(slack, running, "nudge_next_step", f"{celebration.id}:{action_id}")
    view = opened_view(fake_slack)
    meta = json.loads(view["private_metadata"])
    assert (meta["mode"], meta["action_id"]) == ("new", None)  # a new action, the done one stays done
    assert "Aftercare call with Acme" in text_of(view)
    assert '"initial_date": "2027-01-13"' in text_of(view)  # Wednesday 2 December + 6 weeks
    assert "nudge_next_step" not in buttons(update_of(fake_slack, celebration))
    click(slack, running, "nudge_next_step", f"{celebration.id}:{action_id}")
    assert count_events(deps, "answered") == 2  # the Done, and the next step once
    assert len(all_actions(deps)) == 1 and action(deps, action_id).status == "done"


def test_plan_the_next_step_keeps_the_streak_in_the_updated_celebration(
        deps, clock, delivery, fake_slack, slack, running):
    clock.set(MONDAY)
    earlier = add(deps, "Call Piet", TUE)
    with deps.transaction() as session:
        row = session.get(Action, earlier)
        row.status, row.done_at = "done", at(TUE, 11)
    celebration, action_id = celebration_after_done(deps, clock, delivery, fake_slack, slack, running)
    assert "2 in a row" in text_of(posts(fake_slack)[-1])
    click(slack, running, "nudge_next_step", f"{celebration.id}:{action_id}")
    assert "2 in a row" in text_of(update_of(fake_slack, celebration))


def bundled_checkin(deps, clock, delivery) -> tuple[Nudge, int, int]:
    """Actions due Wednesday and Thursday: their check-ins come together, on Thursday."""
    clock.set(MONDAY)
    wednesday, thursday = add(deps, "Call Piet", WED), add(deps, "Call Jan", THU)
    nudge = deliver(deps, clock, delivery, at(THU), "checkin")
    assert sorted(nudge.action_ids) == sorted([wednesday, thursday])
    return nudge, wednesday, thursday


def test_a_done_to_a_check_in_that_came_the_next_working_day_counts_as_on_time(
        deps, clock, delivery, fake_slack, slack, running):
    """The bot asked about Wednesday's action on Thursday; the person answered at once: their streak holds."""
    nudge, wednesday, thursday = bundled_checkin(deps, clock, delivery)
    click(slack, running, "nudge_answer:done", f"{nudge.id}:{wednesday}:done")
    click(slack, running, "nudge_answer:done", f"{nudge.id}:{thursday}:done")
    [celebration] = sent(deps, "celebration")
    assert "2 in a row, done on time" in text_of(update_of(fake_slack, celebration))
    assert action(deps, wednesday).done_in_time and action(deps, thursday).done_in_time


def finish(deps, action_id: int, *, contact: bool = False) -> Action:
    """Done from Home (the service every Done goes through), or by ticking the action's last contact done."""
    with deps.transaction() as session:
        found, owner = session.get(Action, action_id), me(deps)
        owner = session.get(Person, owner.id)
        if contact:
            [only] = found.contacts
            assert actions_service.set_contact_status(session, deps.clock, found, owner, only.id, "done",
                                                      rules=deps.rules)
        else:
            actions_service.complete(session, deps.clock, found, owner, rules=deps.rules)
    return action(deps, action_id)


@pytest.mark.parametrize("contact", [False, True], ids=["from Home", "its contact ticked"])
def test_any_way_of_finishing_on_the_day_the_bundled_check_in_came_counts_as_on_time(
        deps, clock, delivery, contact):
    _, wednesday, _ = bundled_checkin(deps, clock, delivery)
    assert finish(deps, wednesday, contact=contact).done_in_time


def test_done_the_day_after_its_date_before_the_check_in_came_is_late(deps, clock, delivery):
    clock.set(MONDAY)
    wednesday = add(deps, "Call Piet", WED)
    add(deps, "Call Jan", THU)
    clock.set(at(THU, 10))
    delivery.tick()
    assert finish(deps, wednesday).done_in_time is False  # the bot had not asked yet: done a day late


def test_a_done_given_a_day_after_the_check_in_is_late(deps, clock, delivery, fake_slack, slack, running):
    nudge, wednesday, _ = bundled_checkin(deps, clock, delivery)
    clock.set(at(FRI, 10))
    click(slack, running, "nudge_answer:done", f"{nudge.id}:{wednesday}:done")
    [post] = [p for p in posts(fake_slack) if "Plan the next step" in text_of(p)]
    assert "in a row" not in text_of(post)
    assert action(deps, wednesday).done_in_time is False


# -- the rhythm question --------------------------------------------------------------------------


def rhythm_question(deps, clock, delivery) -> Nudge:
    """Three checking messages in a row without an answer (check-in Tue, check-in and follow-up Thu):
    the next morning the person is asked whether the rhythm suits them."""
    clock.set(MONDAY)
    add(deps, "Call Jan", TUE)
    second = add(deps, "Call Piet", THU)
    deliver(deps, clock, delivery, at(TUE), "checkin")
    deliver(deps, clock, delivery, at(THU), "checkin")
    assert len(sent(deps, "followup")) == 1
    question = deliver(deps, clock, delivery, at(FRI, 9, 31), "rhythm")
    assert planned_about(deps, second).get("followup") == [MON2]  # for Thursday's check-in
    return question


def test_rhythm_fewer_means_no_more_follow_ups(deps, clock, delivery, fake_slack, slack, running):
    question = rhythm_question(deps, clock, delivery)
    for _ in range(2):
        click(slack, running, "nudge_answer:fewer", f"{question.id}:0:fewer")
    assert "less often" in text_of(update_of(fake_slack, question))
    assert not answer_buttons(update_of(fake_slack, question))
    assert me(deps).rhythm == "fewer"
    assert count_events(deps, "answered") == 1
    before = len(sent(deps, "followup"))
    clock.set(at(MON2))
    delivery.tick()  # Thursday's check-in was due a follow-up today: "fewer" means no more follow-ups
    assert len(sent(deps, "followup")) == before


def test_rhythm_pause_is_quiet_for_two_weeks_then_one_summary(deps, clock, delivery, fake_slack, slack, running):
    question = rhythm_question(deps, clock, delivery)
    click(slack, running, "nudge_answer:pause", f"{question.id}:0:pause")
    until = date(2026, 12, 18)
    assert me(deps).paused_until == until
    update = text_of(update_of(fake_slack, question))
    assert "quiet until" in update and "18 December" in update
    before = len(posts(fake_slack))
    clock.set(at(MON2))
    delivery.tick()  # Thursday's follow-up was due today: nothing is sent during the pause
    assert len(posts(fake_slack)) == before
    summary = deliver(deps, clock, delivery, at(date(2026, 12, 21), 9, 31), "summary")
    assert len(summary.action_ids) == 2 and len(posts(fake_slack)) == before + 1


def test_rhythm_carry_on_changes_nothing(deps, clock, delivery, fake_slack, slack, running):
    question = rhythm_question(deps, clock, delivery)
    click(slack, running, "nudge_answer:carry_on", f"{question.id}:0:carry_on")
    assert "carry on as we were" in text_of(update_of(fake_slack, question))
    assert (me(deps).rhythm, me(deps).paused_until) == ("normal", None)
    deliver(deps, clock, delivery, at(MON2), "followup")  # follow-ups come as before
    assert len(sent(deps, "followup")) == 2
    clock.set(at(TUE2))
    delivery.tick()  # two working days after the question: an answered question is not taken as "fewer"
    assert me(deps).rhythm == "normal"


# -- language and wording -------------------------------------------------------------------------


def test_a_dutch_check_in_and_its_answer_are_in_dutch(deps, clock, delivery, fake_slack, slack, running):
    person(deps, language="nl")
    nudge, action_id = checkin_for(deps, clock, delivery, "Bel Jan")
    [post] = posts(fake_slack)
    assert "*Bel Jan*\\nBen je eraan toegekomen?" in text_of(post) and "Deels" in text_of(post)
    assert "Did you" not in text_of(post)
    click(slack, running, "nudge_answer:partly", f"{nudge.id}:{action_id}:partly")
    update = text_of(update_of(fake_slack, nudge))
    assert "Een goed begin" in update and "Antwoord wijzigen" in update
    assert action(deps, action_id).due_date == FRI


def intro_of(blocks: list[dict]) -> str:
    """A check-in's intro: after the line it may open with (what went well or what is next, a title first)."""
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    return texts[1] if texts[0].startswith("*") else texts[0]


def test_the_same_kind_twice_uses_different_wording(deps, clock, delivery, fake_slack, slack, running):
    clock.set(MONDAY)
    add(deps, "Call Jan", TUE)
    piet = add(deps, "Call Piet", THU)
    first = deliver(deps, clock, delivery, at(TUE), "checkin")
    second = deliver(deps, clock, delivery, at(THU), "checkin")
    intros = [intro_of(update["blocks"]) for update in posts(fake_slack) if update["text"].startswith("Check-in")]
    assert len(intros) == 2 and intros[0] != intros[1]
    cat = catalogue("en")
    assert intros == [cat.t("nudge.checkin.intro", first.variant, count=1),
                      cat.t("nudge.checkin.intro", second.variant, count=1)]
    click(slack, running, "nudge_answer:partly", f"{second.id}:{piet}:partly")  # the answer keeps the wording
    assert intro_of(update_of(fake_slack, second)["blocks"]) == intros[1]
