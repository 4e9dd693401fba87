"""Random text, as people and pasted documents bring it, through every command and the forms.

Property-based (hypothesis, derandomised so a run repeats exactly): Slack's entities, mrkdwn control
characters, mentions, links, emoji, right-to-left marks and 4,000-character pastes, sent through the real
Bolt pipeline. Whatever comes in, the app answers 200, never sends text a person typed as live mrkdwn
(no `@channel` ping, no disguised link), and sends nothing the strict fake Slack refuses (the fixture's
teardown fails the test on any refusal).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.scenario import actions_of, form_values, opened_view, person

# What a person may type or paste, beside ordinary text. Live markup from a person (<!channel>, a link
# with a label) must never reach a message as markup.
CANARIES = ("<!channel>", "<!here>", "<!everyone>", "<https://evil.example|Jan>", "<mailto:x@evil.example|Piet>")
PIECES = (
    *CANARIES,
    "&",
    "&amp;",
    "&lt;",
    "&gt;",
    "<",
    ">",
    "*bold*",
    "_it_",
    "~x~",
    "`code`",
    "```",
    "> quote",
    "🎉",
    "👩🏽‍💼",
    "\u200f",
    "\u202e",
    "\u200b",
    "\n",
    "\t",
    "Jan",
    "tomorrow",
    "morgen",
    "vrijdag",
    "@Piet",
    "'; DROP TABLE actions; --",
    "%s",
    "{title}",
)
typed = st.one_of(
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=12)), max_size=10).map("".join),
    st.sampled_from(PIECES).map(lambda piece: (piece + " ") * (4000 // (len(piece) + 1))),
)
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

COMMANDS = (
    ("/action", "{}"),
    ("/action", "call {} tomorrow"),
    ("/actions", "{}"),
    ("/conscience", "{}"),
    ("/conscience", "help {}"),
    ("/conscience", "pause until {}"),
    ("/conscience", "days {}"),
    ("/conscience", "hours {}"),
    ("/conscience", "language {}"),
    ("/conscience", "team create {}"),
    ("/conscience", "team add {}"),
    ("/conscience", "review {}"),
    ("/conscience", "digest {}"),
)


def _mrkdwn_texts(node: Any) -> list[str]:
    """Every text Slack reads as mrkdwn: mrkdwn objects and a message's top-level text."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str):
            found.append(node["text"])
        for key, value in node.items():
            if key == "text" and isinstance(value, str) and "type" not in node:
                found.append(value)  # chat.postMessage's top-level text is mrkdwn
            else:
                found += _mrkdwn_texts(value)
    elif isinstance(node, list):
        for value in node:
            found += _mrkdwn_texts(value)
    return found


def _assert_nothing_live(fake) -> None:  # type: ignore[no-untyped-def]
    for call in fake.calls:
        for text in _mrkdwn_texts(call.params):
            for canary in CANARIES:
                assert canary[:-1] not in text, f"{call.method} sent {canary} as live mrkdwn: {text[:200]!r}"


def _fresh(fake) -> None:  # type: ignore[no-untyped-def]
    with fake._lock:
        fake.calls.clear()


@FUZZ
@given(text=typed, which=st.sampled_from(COMMANDS))
def test_any_text_to_any_command_is_answered_and_never_sent_live(slack, running, fake_slack, deps, text, which):
    person(deps)
    command, template = which
    answer = slack.command(command, template.format(text))
    running.settle()
    assert answer.status == 200, answer.body
    _assert_nothing_live(fake_slack)
    _fresh(fake_slack)


@FUZZ
@given(title=typed, contacts=typed, opening=typed, voicemail=typed, notes=typed)
def test_any_text_in_the_action_form_is_saved_or_refused_inline_and_never_sent_live(
    slack, running, fake_slack, deps, title, contacts, opening, voicemail, notes
):
    slack.command("/action", "")
    form = opened_view(fake_slack)
    values = form_values(
        title,
        date(2026, 12, 4),
        kind="aftercare",
        contacts=contacts,
        opening=opening or None,
        voicemail=voicemail or None,
        notes=notes or None,
        override=True,
    )
    answer = slack.view_submission("action_form", values, private_metadata=form["private_metadata"])
    running.settle()
    assert answer.status == 200, answer.body
    if answer.body:
        assert json.loads(answer.body).get("response_action") in ("errors", "update"), answer.body
    _assert_nothing_live(fake_slack)
    _fresh(fake_slack)


@FUZZ
@given(note=typed)
def test_any_outcome_note_is_kept_as_text(slack, running, fake_slack, deps, note):
    slack.command("/action", "call Jan tomorrow")
    running.settle()
    slack.block_action("action_done", str(actions_of(deps)[-1].id))
    outcome = opened_view(fake_slack)
    values = {"note": {"value": {"value": note}}, "outcomes": {"value": {"selected_options": []}}}
    answer = slack.view_submission("action_outcome", values, private_metadata=outcome["private_metadata"])
    running.settle()
    assert answer.status == 200, answer.body
    _assert_nothing_live(fake_slack)
    _fresh(fake_slack)
