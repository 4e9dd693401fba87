"""The manager's conscience: with the weekly digest, each manager's one direct message opens with who could
use a conversation (needs attention, nothing agreed for 3 weeks, a streak worth a word), each with a Review
button; in the review they agree a new action together, which is on the member's list at once and the member
is told. Both languages, through the real Bolt pipeline and the strict fake Slack."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from bot.services import people
from models import Action, Event
from tests.scenario import actions_of, buttons, click_button, form_values, insert_action, person, text_of, top_modal
from tests.test_digest import (
    ANNA,
    BRAM,
    CAROL,
    CHANNEL,
    MANAGER,
    MONDAY,
    dms_to,
    make_team,
    tick,
    week_of_work,
)

DIRK = "UDIRK"

TALK = {
    "en": (
        "*Worth a conversation this week*",
        "*Anna*: :warning: 1 action needs attention · :fire: 2 done on time in a row, worth a compliment",
        "*Carol*: nothing new agreed in 3 weeks",
        "*Dirk*: nothing new agreed in 3 weeks",
    ),
    "nl": (
        "*Deze week een gesprek waard*",
        "*Anna*: :warning: 1 actie vraagt aandacht · :fire: 2 keer op rij op tijd, een compliment waard",
        "*Carol*: al 3 weken niets nieuws afgesproken",
        "*Dirk*: al 3 weken niets nieuws afgesproken",
    ),
}


@pytest.fixture(autouse=True)
def team_channel(fake_slack):
    fake_slack.add_channel(CHANNEL, bot_member=True)


def set_language(deps, user_id, language):
    with deps.transaction() as session:
        people.find_person(session, "T1", user_id).language = language


@pytest.mark.parametrize("language", ["en", "nl"])
def test_each_manager_hears_once_a_week_who_could_use_a_conversation(deps, fake_slack, clock, language):
    make_team(deps, members=(ANNA, BRAM, CAROL, DIRK), managers=(MANAGER, "UMAN2"))
    for manager in (MANAGER, "UMAN2"):
        set_language(deps, manager, language)
    week_of_work(deps)  # Anna: attention and a streak of two; Bram: an action agreed just now; Carol: nothing
    # Dirk agreed his last action a month ago; a proposal he never accepted is no agreement.
    old = insert_action(deps, DIRK, "Visit Joost", due=date(2026, 12, 20))
    pending = insert_action(deps, DIRK, "Call Linda", due=date(2026, 12, 21), status="proposed")
    with deps.transaction() as session:
        session.execute(update(Action).where(Action.id == old).values(created_at=clock.now() - timedelta(weeks=4)))
        assert session.get(Action, pending).status == "proposed"
    clock.set(MONDAY)
    tick(deps)
    header, anna, carol, dirk = TALK[language]
    for manager in (MANAGER, "UMAN2"):
        [dm] = dms_to(fake_slack, manager)  # one message: the conscience rides along with the lines
        shown = text_of(dm)
        assert header in shown and anna in shown and carol in shown and dirk in shown
        assert shown.index(header) < shown.index("*Anna*: :white_check_mark: 2")  # before the lines per member
        assert "*Bram*: :warning" not in shown and "*Bram*: nothing" not in shown and "*Bram*: al " not in shown
        talk = dm["blocks"][1 : 1 + 4]
        assert [b["accessory"]["value"] for b in talk[1:]] == [ANNA, CAROL, DIRK]  # a Review button each
        assert {b["accessory"]["action_id"] for b in talk[1:]} == {"review_open"}
    # The channel names nobody, as before.
    channel = text_of([c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == CHANNEL])
    assert "Anna" not in channel and "Carol" not in channel and header not in channel
    # Once a week: another tick sends nothing more; next week's digest brings next week's message.
    tick(deps)
    assert len(dms_to(fake_slack, MANAGER)) == 1
    clock.set(MONDAY + timedelta(days=7))
    tick(deps)
    assert len(dms_to(fake_slack, MANAGER)) == 2


def test_nobody_is_named_when_nobody_stands_out(deps, fake_slack, clock):
    make_team(deps, members=(BRAM,))
    insert_action(deps, BRAM, "Visit Klaas", due=date(2026, 12, 10))  # agreed just now, nothing needs attention
    clock.set(MONDAY)
    tick(deps)
    [dm] = dms_to(fake_slack, MANAGER)
    assert "Worth a conversation" not in text_of(dm)
    assert buttons(dm)["review_open"] == [BRAM]  # the line per member, as before


@pytest.mark.parametrize(("manager_language", "member_language"), [("en", "nl"), ("nl", "en")])
def test_from_the_digest_message_the_manager_and_member_agree_an_action_together(
    slack, running, fake_slack, deps, clock, manager_language, member_language
):
    make_team(deps, members=(ANNA, CAROL))
    set_language(deps, MANAGER, manager_language)
    set_language(deps, CAROL, member_language)
    clock.set(MONDAY)
    tick(deps)
    # Carol has nothing agreed: the manager opens her review from the digest message.
    click_button(slack, fake_slack, "review_open", CAROL, user=MANAGER)
    running.settle()
    [review] = fake_slack.workspace.open_modals(MANAGER)
    assert buttons(review)["review_agree"] == [CAROL] and buttons(review)["review_propose"] == [CAROL]
    slack.block_action("review_agree", CAROL, user=MANAGER, view=top_modal(fake_slack, MANAGER), trigger_id="t-agree")
    running.settle()
    [pushed] = fake_slack.calls_to("views.push")  # over the review, which stays underneath
    form = pushed.params["view"]
    assert form["callback_id"] == "review_agree_form"
    assert f"<@{CAROL}>" in text_of(form) and '"block_id": "owner"' not in json.dumps(form)  # she is the owner
    intro = {"en": "You and <@UCAROL> agree this action now", "nl": "Je spreekt deze actie nu samen met <@UCAROL>"}
    assert intro[manager_language] in text_of(form)
    values = form_values("Call Klaas about the tender", date(2026, 12, 11))
    answer = slack.view_submission("review_agree_form", values, private_metadata=form["private_metadata"], user=MANAGER)
    assert answer.status == 200 and answer.body in ("", "{}")  # the form closes
    running.settle()
    # On her list at once, agreed: not a proposal waiting for her.
    [agreed] = [a for a in actions_of(deps, CAROL) if a.title == "Call Klaas about the tender"]
    assert (agreed.status, agreed.created_by_id, agreed.agreed_due) == (
        "open",
        person(deps, MANAGER).id,
        agreed.due_date,
    )
    with deps.sessions() as session:
        [event] = session.scalars(select(Event).where(Event.action_id == agreed.id)).all()
        assert (event.kind, event.data.get("together")) == ("created", True)
    told = {
        "en": ("You and <@UMAN> agreed on a new action together:", "*Call Klaas about the tender*", "Done by "),
        "nl": (
            "Je hebt samen met <@UMAN> een nieuwe actie afgesproken:",
            "*Call Klaas about the tender*",
            "Uiterlijk op ",
        ),
    }
    [to_member] = dms_to(fake_slack, CAROL)  # told, in her language; no Accept or Decline
    assert all(part in text_of(to_member) for part in told[member_language])
    assert "proposal_accept" not in json.dumps(to_member)
    heard = {"en": "Agreed with <@UCAROL>:", "nl": "Afgesproken met <@UCAROL>:"}
    to_manager = [p for p in dms_to(fake_slack, MANAGER) if "Call Klaas" in text_of(p)]
    assert len(to_manager) == 1 and heard[manager_language] in text_of(to_manager[0])
    assert "Call Klaas about the tender" in text_of(fake_slack.workspace.homes[CAROL].view)  # her Home shows it
    [review] = fake_slack.workspace.open_modals(MANAGER)  # back in the review: it shows what was just agreed
    assert "Call Klaas about the tender" in text_of(review)


def test_agreeing_is_coached_like_the_form_and_only_for_the_members_managers(slack, running, fake_slack, deps):
    make_team(deps, members=(CAROL,))
    slack.block_action("review_agree", CAROL, user=MANAGER)  # from the review answered to /conscience review
    running.settle()
    form = fake_slack.calls_to("views.open")[-1].params["view"]
    vague = form_values("touch base", date(2026, 12, 11))
    first = slack.view_submission("review_agree_form", vague, private_metadata=form["private_metadata"], user=MANAGER)
    coached = first.json()
    assert coached["response_action"] == "update" and coached["view"]["callback_id"] == "review_agree_form"
    assert actions_of(deps, CAROL) == []
    # Someone who does not manage Carol cannot agree an action for her, whatever the form says.
    concrete = form_values("Call Klaas about the tender", date(2026, 12, 11))
    refused = slack.view_submission("review_agree_form", concrete, private_metadata=form["private_metadata"], user=BRAM)
    assert refused.json()["response_action"] == "errors" and "title" in refused.json()["errors"]
    assert actions_of(deps, CAROL) == []
