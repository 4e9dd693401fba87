"""The message budget (issue 13): what helps most first, nothing to fill a ratio, silence makes the bot
quieter, a preparation said once, a long list gets one question and many overdue actions one tidy-up."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.delivery import Delivery
from bot.services import actions, budget, mix, planning
from models import Action, Nudge, Person
from tests.conftest import AMSTERDAM
from tests.scenario import click_button, person, run_until, text_of
from tests.test_nudge_plan import add, planned

FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=AMSTERDAM)
MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=AMSTERDAM)


def sent_row(deps, user: str, kind: str, day: date, action_ids: list[int], *, answered: bool = False) -> None:
    """A message sent earlier, as the worker would have recorded it."""
    owner = person(deps, user)
    moment = datetime.combine(day, datetime.min.time(), AMSTERDAM) + timedelta(hours=16)
    with deps.transaction() as session:
        session.add(
            Nudge(
                workspace_id=owner.workspace_id,
                person_id=owner.id,
                kind=kind,
                tone="check" if kind in ("checkin", "followup", "cleanup") else "inspire",
                due_at=moment,
                local_date=day,
                action_ids=action_ids,
                status="sent",
                created_at=moment,
                sent_at=moment,
                answered_at=moment + timedelta(minutes=5) if answered else None,
                channel_id="DU1",
                message_ts=f"{moment.timestamp()}",
            )
        )


def replan(deps, user: str) -> None:
    with deps.transaction() as session:
        row = session.scalar(select(Person).where(Person.slack_user_id == user))
        planning.replan(session, deps.clock, row, rules=deps.rules)


def test_nothing_is_sent_to_fill_a_ratio(deps, clock):
    clock.set(FRIDAY)
    for day in range(1, 5):
        add(deps, f"Call client {day}", date(2026, 12, day))
    for n in range(3):
        add(deps, f"Visit client {n}", date(2026, 12, 14 + n))
    assert not {n.kind for n in planned(deps)} & {"tip", "progress"}


def test_fewer_messages_halves_the_week_and_preparation_gives_way_first(deps, clock):
    clock.set(FRIDAY)
    with deps.transaction() as session:
        session.merge(person(deps, "U2")).rhythm = "fewer"
    for user in ("U1", "U2"):
        add(deps, "Call Jan", date(2026, 12, 9), user=user)  # next Wednesday
    # 4 a week: the check-in, room for the celebration a Done brings, and the preparation on Monday.
    assert sorted(n.kind for n in planned(deps, user="U1")) == ["checkin", "prep"]
    # 2 a week: the check-in and its celebration; the preparation does not fit.
    assert [n.kind for n in planned(deps, user="U2")] == ["checkin"]


def test_silence_halves_the_budget_and_an_answer_restores_it(deps, clock):
    clock.set(MONDAY)
    first = add(deps, "Call Jan", date(2026, 12, 14))
    second = add(deps, "Call Piet", date(2026, 12, 15))
    for offset, action_id in enumerate((first, second)):
        sent_row(deps, "U1", "checkin", date(2026, 11, 24 + offset), [action_id])
    with deps.sessions() as session:
        me = session.scalar(select(Person).where(Person.slack_user_id == "U1"))
        assert budget.budget_of(session, me, deps.rules, clock.now()) == 2
    sent_row(deps, "U1", "checkin", date(2026, 11, 26), [first], answered=True)
    with deps.sessions() as session:
        me = session.scalar(select(Person).where(Person.slack_user_id == "U1"))
        assert budget.budget_of(session, me, deps.rules, clock.now()) == 4


def test_a_preparation_is_shown_once_even_when_the_date_moves(deps, clock):
    clock.set(FRIDAY)
    action = add(deps, "Call Jan", date(2026, 12, 9), opening_line="How is the move going?")
    [prep] = planned(deps, "prep")
    sent_row(deps, "U1", "prep", prep.local_date, [action])
    with deps.transaction() as session:
        session.delete(session.get(Nudge, prep.id))
    replan(deps, "U1")
    assert planned(deps, "prep") == []  # the check-in still comes
    assert [n.action_ids for n in planned(deps, "checkin")] == [[action]]


def test_more_than_seven_open_actions_get_one_question_to_pick_the_few_that_matter(deps, clock, fake_slack):
    clock.set(FRIDAY)
    for n in range(8):
        add(deps, f"Call client {n}", date(2026, 12, 14) + timedelta(days=7 * (n // 4) + n % 4))
    [focus] = planned(deps, "focus")
    assert focus.local_date == date(2026, 11, 30)
    delivery = Delivery(deps, threads=1)
    try:
        clock.set(datetime(2026, 11, 30, 9, 30, tzinfo=AMSTERDAM))
        delivery.tick()
    finally:
        delivery.close()
    posts = [c.params for c in fake_slack.calls_to("chat.postMessage")]
    assert any("matter most this month" in p["text"] or "open actions" in p["text"] for p in posts)
    add(deps, "Call client 9", date(2026, 12, 31))
    assert planned(deps, "focus") == []  # once, not again with every new action


def test_many_overdue_actions_get_one_tidy_up_not_a_check_in_each(deps, clock):
    clock.set(datetime(2026, 11, 16, 8, 0, tzinfo=AMSTERDAM))
    ids = [add(deps, f"Call client {n}", date(2026, 11, 20)) for n in range(3)]  # never asked: no check-in went
    clock.set(MONDAY)
    replan(deps, "U1")
    [cleanup] = planned(deps, "cleanup")
    assert sorted(cleanup.action_ids) == sorted(ids)
    assert planned(deps, "checkin") == []
    sent_row(deps, "U1", "cleanup", cleanup.local_date, ids)
    replan(deps, "U1")
    assert planned(deps, "cleanup") == [] and planned(deps, "checkin") == []  # one question per due date


def test_an_action_is_asked_about_once_per_due_date_and_followed_up_once_only_without_an_answer(
    deps, clock, fake_slack
):
    clock.set(datetime(2026, 11, 16, 8, 0, tzinfo=AMSTERDAM))
    ids = [add(deps, f"Call client {n}", date(2026, 11, 17)) for n in range(3)]
    delivery = Delivery(deps, threads=1)
    try:
        for day in range(17, 31):  # two weeks of silence
            clock.set(datetime(2026, 11, day, 9, 30, tzinfo=AMSTERDAM))
            if day == 23:
                add(deps, "Visit a new client", date(2026, 12, 18))  # a new action: the plan is rebuilt
            delivery.tick()
            clock.set(datetime(2026, 11, day, 16, 0, tzinfo=AMSTERDAM))
            delivery.tick()
    finally:
        delivery.close()
    with deps.sessions() as session:
        sent = list(session.scalars(select(Nudge).where(Nudge.status == "sent")))
    for action_id in ids:
        about = [n.kind for n in sent if action_id in (n.action_ids or [])]
        # The check-in, one follow-up because it went unanswered; no tidy-up asks the same question again.
        assert about.count("checkin") + about.count("cleanup") == 1, about
        assert about.count("followup") == 1, about


def test_preparation_gives_way_when_the_week_is_spent_by_the_time_it_is_due(deps, clock, fake_slack):
    clock.set(FRIDAY)
    add(deps, "Call Jan", date(2026, 12, 9), opening_line="How is the move going?")
    [prep] = planned(deps, "prep")
    for _ in range(4):  # four messages already that week (celebrations of Dones elsewhere, say)
        sent_row(deps, "U1", "celebration", prep.local_date, [])
    delivery = Delivery(deps, threads=1)
    try:
        clock.set(prep.due_at + timedelta(minutes=1))
        delivery.tick()
    finally:
        delivery.close()
    with deps.sessions() as session:
        row = session.get(Nudge, prep.id)
        assert (row.status, row.error) == ("cancelled", "budget")


def test_a_preparation_is_shown_at_most_twice_when_the_date_moves(deps, clock, fake_slack):
    """Its first week plan carries it (on the morning of its own message), its own message comes once before
    the new date, and the next week plan lists the action without it."""
    clock.set(FRIDAY)
    linda = add(deps, "Call Linda", date(2026, 12, 2), opening_line="How is the new office working out?")
    add(deps, "Call Piet", date(2026, 12, 3))
    delivery = Delivery(deps, threads=1)
    try:
        run_until(deps, clock, delivery, datetime(2026, 12, 1, 12, 0, tzinfo=AMSTERDAM))
        with deps.transaction() as session:
            action, owner = session.get(Action, linda), session.scalar(select(Person))
            actions.reschedule(
                session, deps.clock, action, owner, date(2026, 12, 9), date(2026, 12, 1), rules=deps.rules
            )
            planning.replan(session, deps.clock, owner, rules=deps.rules)
        add(deps, "Call Kees", date(2026, 12, 10))
        run_until(deps, clock, delivery, datetime(2026, 12, 9, 12, 0, tzinfo=AMSTERDAM))
    finally:
        delivery.close()
    posts = [text_of(c.params) for c in fake_slack.calls_to("chat.postMessage")]
    shown = [p for p in posts if "How is the new office working out?" in p]
    assert len(shown) == 2, shown
    week_plans = [p for p in posts if "Call Kees" in p and "Call Linda" in p]
    assert week_plans and all("new office" not in p for p in week_plans)


def checkin_posted(deps, clock, fake_slack, moment: datetime) -> tuple[str, Nudge]:
    delivery = Delivery(deps, threads=1)
    try:
        run_until(deps, clock, delivery, moment)
    finally:
        delivery.close()
    with deps.sessions() as session:
        row = session.scalars(select(Nudge).where(Nudge.kind == "checkin", Nudge.status == "sent")).one()
    [post] = [text_of(c.params) for c in fake_slack.calls_to("chat.postMessage") if "get to it" in text_of(c.params)]
    return post, row


def test_a_check_in_opens_with_what_went_well_in_the_past_week(deps, clock, fake_slack):
    clock.set(MONDAY)
    finished = add(deps, "Visit Linda", date(2026, 12, 8))
    add(deps, "Call Piet", date(2026, 12, 2))
    clock.set(datetime(2026, 12, 1, 11, 0, tzinfo=AMSTERDAM))
    with deps.transaction() as session:
        owner = session.scalar(select(Person))
        actions.complete(session, deps.clock, session.get(Action, finished), owner, rules=deps.rules)
    post, row = checkin_posted(deps, clock, fake_slack, datetime(2026, 12, 2, 16, 30, tzinfo=AMSTERDAM))
    # The first block, before the question: the title on its own line, what went well after it.
    assert post.index("*Visit Linda*\\nYou finished this in the past week.") < post.index("Call Piet")
    # A line sets it apart from the question: the opener names another action than the one asked about.
    assert post.index("Visit Linda") < post.index('"type": "divider"') < post.index("Call Piet")
    assert row.tone == "mixed"  # one inspiring part, one checking part


def test_a_check_in_opens_with_what_is_next_and_its_first_step(deps, clock, fake_slack):
    clock.set(MONDAY)
    add(deps, "Call Piet", date(2026, 12, 2))
    add(deps, "Call Kees", date(2026, 12, 10))  # no opening line yet
    post, row = checkin_posted(deps, clock, fake_slack, datetime(2026, 12, 2, 16, 30, tzinfo=AMSTERDAM))
    assert "*Call Kees*\\nNext on your list, due Thu 10 December.\\nA first step: write down the sentence" in post
    assert row.tone == "mixed"


def test_a_check_in_with_nothing_true_to_say_is_a_check_and_counts_as_one(deps, clock, fake_slack):
    clock.set(MONDAY)
    add(deps, "Call Piet", date(2026, 12, 2))
    post, row = checkin_posted(deps, clock, fake_slack, datetime(2026, 12, 2, 16, 30, tzinfo=AMSTERDAM))
    assert "past week" not in post and "Next on your list" not in post
    assert row.tone == "check"
    # The share counts parts: a mixed check-in is one inspiring and one checking part.
    assert mix.share_of(["check"]) == 0.0
    assert mix.share_of(["mixed", "inspire", "check"]) == 0.5
    assert mix.share_of(["mixed", "inspire", "none"]) == 2 / 3


def test_an_answered_check_in_still_opens_with_what_went_well(deps, clock, running, slack):
    clock.set(MONDAY)
    finished = add(deps, "Visit Linda", date(2026, 12, 8))
    piet = add(deps, "Call Piet", date(2026, 12, 2))
    clock.set(datetime(2026, 12, 1, 11, 0, tzinfo=AMSTERDAM))
    with deps.transaction() as session:
        owner = session.scalar(select(Person))
        actions.complete(session, deps.clock, session.get(Action, finished), owner, rules=deps.rules)
    _, row = checkin_posted(deps, clock, running.fake, datetime(2026, 12, 2, 16, 30, tzinfo=AMSTERDAM))
    assert click_button(slack, running.fake, "nudge_answer:partly", f"{row.id}:{piet}:partly").status == 200
    running.settle()
    # Redrawn in place with the answer, the message still leads with the good news it was sent with.
    message = running.fake.message(row.channel_id, row.message_ts)
    shown = text_of({"blocks": message.blocks})
    assert message.earlier and "Change my answer" in shown  # updated in place with the answer
    assert shown.index("You finished this in the past week.") < shown.index("Call Piet")
