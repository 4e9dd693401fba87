"""The action form: inline errors, coaching once with "Save anyway", one effect per submission, editing."""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import OperationalError

from bot.services import form_submissions
from tests.scenario import actions_of, event_kinds, form_values, last_response, opened_view, text_of, top_modal

CONCRETE = "Call Jan, Piet and Klaas and book a catch-up with each"


def open_blank_form(slack, fake_slack) -> dict:
    slack.command("/action", "")
    return opened_view(fake_slack)


def test_missing_title_and_date_are_shown_inline(slack, running, fake_slack, deps):
    view = open_blank_form(slack, fake_slack)
    answer = slack.view_submission("action_form", form_values("  ", None), private_metadata=view["private_metadata"])
    body = answer.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"title", "due"}
    running.settle()
    assert actions_of(deps) == []


def test_dates_in_the_past_or_too_far_are_refused_inline(slack, running, fake_slack):
    view = open_blank_form(slack, fake_slack)
    past = slack.view_submission(
        "action_form", form_values(CONCRETE, date(2026, 11, 25)), private_metadata=view["private_metadata"]
    ).json()
    assert "passed" in past["errors"]["due"]
    far = slack.view_submission(
        "action_form", form_values(CONCRETE, date(2028, 1, 1)), private_metadata=view["private_metadata"]
    ).json()
    assert "12 months" in far["errors"]["due"]


def test_a_concrete_action_is_saved_with_its_preparation_and_contacts(slack, running, fake_slack, deps):
    view = open_blank_form(slack, fake_slack)
    values = form_values(
        CONCRETE,
        date(2027, 1, 15),
        kind="top_client",
        contacts="Jan, Piet en Klaas",
        users=["U9"],
        opening="How are things?",
        voicemail="Call back Thursday",
        repeat=6,
        notes="Jan prefers mornings",
    )
    answer = slack.view_submission("action_form", values, private_metadata=view["private_metadata"], view_id="V77")
    assert answer.status == 200 and answer.body in ("", "{}") or answer.json().get("response_action") is None
    running.settle()
    [action] = actions_of(deps)
    assert (action.kind, action.due_date, action.repeat_weeks) == ("top_client", date(2027, 1, 15), 6)
    assert (action.opening_line, action.voicemail_plan, action.notes) == (
        "How are things?",
        "Call back Thursday",
        "Jan prefers mornings",
    )
    assert [c.name for c in action.contacts] == ["<@U9>", "Jan", "Piet", "Klaas"]
    assert "Saved:" in text_of(last_response(fake_slack))  # answered where /action was typed


def test_a_resubmitted_form_has_one_effect(slack, running, fake_slack, deps):
    view = open_blank_form(slack, fake_slack)
    values = form_values(CONCRETE, date(2027, 1, 15))
    for _ in range(3):
        slack.view_submission("action_form", values, private_metadata=view["private_metadata"], view_id="V5")
    running.settle()
    assert len(actions_of(deps)) == 1
    assert event_kinds(deps).count("created") == 1


def test_advice_is_given_once_and_can_be_overridden_explicitly(slack, running, fake_slack, deps):
    view = open_blank_form(slack, fake_slack)
    vague = form_values("Think about next year", date(2027, 1, 15))
    first = slack.view_submission("action_form", vague, private_metadata=view["private_metadata"]).json()
    assert first["response_action"] == "update"
    updated = first["view"]
    assert "Save anyway" in text_of(updated) and "Who exactly?" in text_of(updated)
    # Submitting again without ticking the box: the box itself asks to be ticked.
    second = slack.view_submission("action_form", vague, private_metadata=updated["private_metadata"]).json()
    assert second["response_action"] == "errors" and "override" in second["errors"]
    running.settle()
    assert actions_of(deps) == []
    ticked = form_values("Think about next year", date(2027, 1, 15), override=True)
    slack.view_submission("action_form", ticked, private_metadata=updated["private_metadata"])
    running.settle()
    assert [a.title for a in actions_of(deps)] == ["Think about next year"]


def test_fixing_the_advice_saves_without_override(slack, running, fake_slack, deps):
    view = open_blank_form(slack, fake_slack)
    first = slack.view_submission(
        "action_form",
        form_values("Think about next year", date(2027, 1, 15)),
        private_metadata=view["private_metadata"],
    ).json()
    fixed = form_values("Call Jan about next year", date(2027, 1, 15))
    slack.view_submission("action_form", fixed, private_metadata=first["view"]["private_metadata"])
    running.settle()
    assert [a.title for a in actions_of(deps)] == ["Call Jan about next year"]


def test_starter_fills_the_open_form(slack, running, fake_slack):
    open_blank_form(slack, fake_slack)
    shown = top_modal(fake_slack)
    slack.block_action("form_starter:aftercare", "aftercare", view=shown)
    update = fake_slack.wait_for("views.update")[0].params
    assert update["view_id"] == shown["id"]
    text = text_of(update["view"])
    assert "aftercare conversation" in text
    assert "how the result is working out" in text  # the kind's opening-line suggestion: the project has ended


def test_changing_the_kind_brings_its_suggestions_but_keeps_own_words(slack, running, fake_slack):
    open_blank_form(slack, fake_slack)
    state = {"values": form_values("Call Jan", date(2027, 1, 15), kind="networking", opening="My own words")}
    slack.block_action("form_kind", view={**top_modal(fake_slack), "state": state})
    new_view = fake_slack.wait_for("views.update")[0].params["view"]
    blocks = {b.get("block_id"): b for b in new_view["blocks"]}
    assert blocks["opening_networking"]["element"]["initial_value"] == "My own words"
    assert "where you met" in blocks["voicemail_networking"]["element"]["initial_value"]


def test_edit_from_the_quick_add_reply_opens_the_form_and_saves_changes(slack, running, fake_slack, deps):
    slack.command("/action", "call Jan tomorrow")
    running.settle()
    [action] = actions_of(deps)
    slack.block_action("action_edit", str(action.id))
    view = opened_view(fake_slack)
    assert view["blocks"][1]["element"]["initial_value"] == "Call Jan" or "Call Jan" in text_of(view)
    values = form_values("Call Jan and Piet", date(2026, 12, 4), contacts="Jan, Piet")
    slack.view_submission("action_form", values, private_metadata=view["private_metadata"])
    running.settle()
    [action] = actions_of(deps)
    assert (action.title, action.due_date) == ("Call Jan and Piet", date(2026, 12, 4))
    assert [c.name for c in action.contacts] == ["Jan", "Piet"]
    assert "edited" in event_kinds(deps)
    assert "*Call Jan and Piet*\\nUpdated." in text_of(last_response(fake_slack, 2))


def test_a_form_whose_save_fails_stays_open_with_everything_typed(slack, running, fake_slack, deps, monkeypatch):
    view = open_blank_form(slack, fake_slack)

    def database_down(*args, **kwargs):
        raise OperationalError("INSERT INTO form_submissions ...", {}, Exception("could not connect"))

    # Keeping the submission is what the ack waits for (bot/services/form_submissions.py).
    monkeypatch.setattr(form_submissions, "accept", database_down)
    values = form_values("Call Jan about next year", date(2027, 1, 15), opening="Hi Jan, my own words")
    answer = slack.view_submission("action_form", values, private_metadata=view["private_metadata"])
    body = answer.json()
    assert body["response_action"] == "errors"
    assert "Everything you typed is still here" in body["errors"]["title"]
    assert top_modal(fake_slack)["callback_id"] == "action_form"  # Slack keeps it open, with the text
    running.settle()
    assert actions_of(deps) == []
    monkeypatch.undo()  # the database is back: Save again keeps it
    slack.view_submission("action_form", values, private_metadata=view["private_metadata"])
    running.settle()
    assert [a.title for a in actions_of(deps)] == ["Call Jan about next year"]
