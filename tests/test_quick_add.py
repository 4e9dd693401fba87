"""`/action <text>`: concrete actions are saved at once; vague ones open the form with coaching."""

from __future__ import annotations

from datetime import date

from tests.scenario import actions_of, event_kinds, last_response, opened_view, person, text_of

TODAY = date(2026, 11, 26)


def test_concrete_english_action_is_saved_and_the_reply_shows_what_was_understood(slack, running, fake_slack, deps):
    assert slack.command("/action", "call Jan by end of June").status == 200
    reply = last_response(fake_slack)
    text = text_of(reply)
    assert "Saved: *Call Jan*" in text
    assert "Done by: Wed 30 June 2027" in text
    assert "Who: Jan" in text
    assert {"action_edit", "quick_undo"} <= {e["action_id"] for b in reply["blocks"] for e in b.get("elements", [])}
    running.settle()
    [action] = actions_of(deps)
    assert (action.title, action.due_date, action.status) == ("Call Jan", date(2027, 6, 30), "open")
    assert [c.name for c in action.contacts] == ["Jan"]
    assert "created" in event_kinds(deps)
    home = fake_slack.wait_for("views.publish")[-1].params["view"]
    assert "Call Jan" in text_of(home)


def test_concrete_dutch_action_is_saved_in_dutch(slack, running, fake_slack, deps):
    person(deps, language="nl")
    slack.command("/action", "bel Jan en Piet voor eind juni")
    text = text_of(last_response(fake_slack))
    assert "Opgeslagen: *Bel Jan en Piet*" in text
    assert "Uiterlijk op: wo 30 juni 2027" in text
    running.settle()
    [action] = actions_of(deps)
    assert [c.name for c in action.contacts] == ["Jan", "Piet"]


def test_vague_action_opens_the_form_prefilled_with_coaching_and_saves_nothing(slack, running, fake_slack, deps):
    slack.command("/action", "call some clients this summer")
    view = opened_view(fake_slack)
    text = text_of(view)
    assert view["callback_id"] == "action_form"
    assert "Call some clients this summer" in text  # pre-filled
    assert "Better:" in text and "Jan, Piet and Klaas" in text
    assert "Save anyway" not in text  # no date: that is required, not advice to override
    running.settle()
    assert actions_of(deps) == []
    assert fake_slack.calls_to("response_url") == []


def test_action_without_a_date_opens_the_form_asking_for_one(slack, running, fake_slack, deps):
    slack.command("/action", "call Jan")
    view = opened_view(fake_slack)
    assert "By when? Pick a date" in text_of(view)
    running.settle()
    assert actions_of(deps) == []


def test_advice_only_offers_save_anyway(slack, running, fake_slack):
    slack.command("/action", "think about the Acme renewal next Friday")  # no verb of contact
    view = opened_view(fake_slack)
    assert "Save anyway" in text_of(view)


def test_dutch_vague_action_is_coached_in_dutch(slack, running, fake_slack, deps):
    person(deps, language="nl")
    slack.command("/action", "een paar klanten bellen")
    text = text_of(opened_view(fake_slack))
    assert "Wie precies?" in text
    assert "Niet: Een paar klanten bellen. Beter: Bel Jan, Piet en Klaas" in text


def test_a_date_in_the_past_is_not_saved(slack, running, fake_slack, deps):
    slack.command("/action", "call Jan on 30/06/2020")
    view = opened_view(fake_slack)
    assert "passed" in text_of(view)
    running.settle()
    assert actions_of(deps) == []


def test_five_thousand_characters_get_a_clear_answer_and_change_nothing(slack, running, deps):
    answer = slack.command("/action", "call Jan " + "x" * 5000)
    assert answer.status == 200
    assert "more than one action" in answer.json()["text"]
    running.settle()
    assert actions_of(deps) == []


def test_user_text_is_escaped_on_the_way_out(slack, running, fake_slack, deps):
    slack.command("/action", "call Jan about <!channel> and <https://evil.example|click> tomorrow")
    text = text_of(last_response(fake_slack))
    assert "<!channel>" not in text and "<https://evil.example|click>" not in text
    assert "&lt;!channel&gt;" in text and "&lt;https://evil.example|click&gt;" in text
    running.settle()
    [action] = actions_of(deps)
    assert "<!channel>" in action.title  # stored as typed, escaped only when shown


def test_sql_looking_text_and_emoji_are_just_text(slack, running, fake_slack, deps):
    slack.command("/action", "call Jan'); DROP TABLE actions;-- 📞 tomorrow")
    running.settle()
    [action] = actions_of(deps)
    assert action.title == "Call Jan'); DROP TABLE actions;-- 📞"
    assert action.due_date == date(2026, 11, 27)


def test_undo_takes_the_quick_add_back(slack, running, fake_slack, deps):
    slack.command("/action", "call Jan tomorrow")
    running.settle()
    [action] = actions_of(deps)
    slack.block_action("quick_undo", str(action.id))
    running.settle()
    assert "*Call Jan*\\nUndone:" in text_of(last_response(fake_slack, 2))
    [action] = actions_of(deps)
    assert action.status == "dropped"


def test_empty_action_opens_the_blank_form_with_starters(slack, running, fake_slack):
    slack.command("/action", "")
    view = opened_view(fake_slack)
    starters = [e["value"] for b in view["blocks"] if b.get("block_id") == "starters" for e in b["elements"]]
    assert starters == ["aftercare", "top_client", "buying_signal"]
