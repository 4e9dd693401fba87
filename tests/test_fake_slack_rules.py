"""The fake Slack's rules, one test each: a payload or call that breaks a rule is refused with Slack's error and
a message naming the rule and the path, and (where cheap) the fixed payload goes through.

Mostly direct calls on `bot/fake_slack/blockkit.py` and `bot/fake_slack/workspace.py` with a clock the test
moves; the last tests go through the HTTP fake with slack_sdk, as the app does.
"""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.fake_slack import blockkit
from bot.fake_slack.workspace import Workspace
from tests.fake_slack import FakeSlack

# -- helpers -----------------------------------------------------------------------------------------------


class Moment:
    """Seconds that stand still until the test moves them."""

    def __init__(self, seconds: float = 1_800_000_000.0) -> None:
        self.seconds = seconds

    def __call__(self) -> float:
        return self.seconds

    def move(self, seconds: float) -> None:
        self.seconds += seconds


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def section(text: str = "Hello", **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": mrkdwn(text), **extra}


def button(action_id: str, text: str = "Go", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": plain(text), **extra}


def actions(*elements: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements), **extra}


def option(value: str, text: str | None = None) -> dict[str, Any]:
    return {"text": plain(text if text is not None else value), "value": value}


def modal(*blocks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"type": "modal", "title": plain("Conscience"), "blocks": list(blocks), **extra}


def text_input_block() -> dict[str, Any]:
    return {"type": "input", "label": plain("What"), "element": {"type": "plain_text_input", "action_id": "what"}}


def message(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"text": "fallback", "blocks": list(blocks)}


def assert_refused(found: blockkit.Offences, path: str, words: str, error: str = "invalid_blocks") -> None:
    """Refused with `error`, and one line of the description names `path` and says `words`."""
    assert found.error == error
    lines = blockkit.describe(found)
    assert any(line.startswith(f"{path}: ") and words in line for line in lines), lines


def assert_accepted(found: blockkit.Offences) -> None:
    assert found.error is None, blockkit.describe(found)


@pytest.fixture
def moment() -> Moment:
    return Moment()


@pytest.fixture
def ws(moment: Moment) -> Workspace:
    workspace = Workspace(clock=moment)
    workspace.add_user("U1")
    workspace.add_channel("C1", bot_member=True)
    return workspace


def ok(ws: Workspace, method: str, **params: Any) -> dict[str, Any]:
    status, body, _ = ws.answer(method, params)
    assert status == 200 and body["ok"], body
    return body


def refused(ws: Workspace, method: str, error: str, **params: Any) -> dict[str, Any]:
    _, body, _ = ws.answer(method, params)
    assert body == {**body, "ok": False, "error": error}, body
    assert ws.refusals[-1].method == method and ws.refusals[-1].error == error
    return body


def open_modal(ws: Workspace, trigger: str = "t1", user: str = "U1") -> dict[str, Any]:
    ws.issue_trigger(trigger, user)
    return ok(ws, "views.open", trigger_id=trigger, view=modal(section()))["view"]


# -- Block Kit: ids ----------------------------------------------------------------------------------------


def test_a_duplicate_action_id_within_one_actions_block_is_refused() -> None:
    found = blockkit.check_message(message(actions(button("nudge_answer"), button("nudge_answer"))))

    assert found.error == "invalid_blocks"
    assert blockkit.describe(found) == ["blocks[0].elements[1]: duplicate action_id 'nudge_answer'"]
    assert_accepted(blockkit.check_message(message(actions(button("nudge_answer"), button("nudge_later")))))


def test_the_same_action_id_in_two_different_blocks_is_fine() -> None:
    assert_accepted(blockkit.check_message(message(actions(button("nudge_answer")), actions(button("nudge_answer")))))


def test_a_duplicate_block_id_in_one_message_is_refused() -> None:
    found = blockkit.check_message(message(section(block_id="b"), section(block_id="b")))

    assert_refused(found, "blocks[1].block_id", "duplicate block_id 'b'")
    assert_accepted(blockkit.check_message(message(section(block_id="a"), section(block_id="b"))))


def test_a_duplicate_block_id_in_one_view_is_refused() -> None:
    found = blockkit.check_view(modal(section(block_id="b"), section(block_id="b")))

    assert_refused(found, "view.blocks[1].block_id", "duplicate block_id 'b'")
    assert_accepted(blockkit.check_view(modal(section(block_id="a"), section(block_id="b"))))


# -- Block Kit: how many -----------------------------------------------------------------------------------


def test_a_message_holds_at_most_50_blocks() -> None:
    divider = {"type": "divider"}

    assert_refused(blockkit.check_message(message(*[divider] * 51)), "blocks", "51 blocks, more than the 50")
    assert_accepted(blockkit.check_message(message(*[divider] * 50)))


@pytest.mark.parametrize("kind", ["modal", "home"])
def test_a_modal_or_home_tab_holds_at_most_100_blocks(kind: str) -> None:
    def view(count: int) -> dict[str, Any]:
        return {**modal(*[{"type": "divider"}] * count), "type": kind}

    assert_refused(blockkit.check_view(view(101)), "view.blocks", "101 blocks, more than the 100")
    assert_accepted(blockkit.check_view(view(100)))


def test_an_actions_block_holds_at_most_25_elements() -> None:
    def block(count: int) -> dict[str, Any]:
        return actions(*[button(f"b{i}") for i in range(count)])

    assert_refused(blockkit.check_message(message(block(26))), "blocks[0].elements", "26 elements, more than 25")
    assert_accepted(blockkit.check_message(message(block(25))))


def test_a_context_block_holds_at_most_10_elements() -> None:
    def block(count: int) -> dict[str, Any]:
        return {"type": "context", "elements": [mrkdwn("x")] * count}

    assert_refused(blockkit.check_message(message(block(11))), "blocks[0].elements", "11 elements, more than 10")
    assert_accepted(blockkit.check_message(message(block(10))))


# -- Block Kit: how long -----------------------------------------------------------------------------------


def test_button_text_is_at_most_75_characters() -> None:
    found = blockkit.check_message(message(actions(button("go", "x" * 76))))

    assert_refused(found, "blocks[0].elements[0].text.text", "76 characters, more than 75")
    assert_accepted(blockkit.check_message(message(actions(button("go", "x" * 75)))))


def test_option_text_is_at_most_75_and_its_value_at_most_150_characters() -> None:
    def select(*options: dict[str, Any]) -> dict[str, Any]:
        return message(actions({"type": "static_select", "action_id": "pick", "options": list(options)}))

    found = blockkit.check_message(select(option("a", "x" * 76), option("v" * 151, "b")))

    assert_refused(found, "blocks[0].elements[0].options[0].text.text", "76 characters, more than 75")
    assert_refused(found, "blocks[0].elements[0].options[1].value", "151 characters, more than 150")
    assert_accepted(blockkit.check_message(select(option("a", "x" * 75), option("v" * 150, "b"))))


def test_header_text_is_at_most_150_characters() -> None:
    def header(text: str) -> dict[str, Any]:
        return message({"type": "header", "text": plain(text)})

    assert_refused(blockkit.check_message(header("x" * 151)), "blocks[0].text.text", "151 characters, more than 150")
    assert_accepted(blockkit.check_message(header("x" * 150)))


def test_section_text_is_at_most_3000_characters() -> None:
    found = blockkit.check_message(message(section("x" * 3001)))

    assert_refused(found, "blocks[0].text.text", "3001 characters, more than 3000")
    assert_accepted(blockkit.check_message(message(section("x" * 3000))))


@pytest.mark.parametrize("name", ["title", "submit", "close"])
def test_a_modal_title_submit_and_close_are_at_most_24_characters(name: str) -> None:
    def view(text: str) -> dict[str, Any]:
        return modal(section(), **{name: plain(text)})

    assert_refused(blockkit.check_view(view("x" * 25)), f"view.{name}.text", "25 characters, more than 24")
    assert_accepted(blockkit.check_view(view("x" * 24)))


def test_private_metadata_is_at_most_3000_characters() -> None:
    found = blockkit.check_view(modal(section(), private_metadata="x" * 3001))

    assert_refused(found, "view.private_metadata", "3001 characters, more than 3000")
    assert_accepted(blockkit.check_view(modal(section(), private_metadata="x" * 3000)))


def test_empty_text_is_refused() -> None:
    found = blockkit.check_message(message(section("")))

    assert_refused(found, "blocks[0].text.text", "must be more than 0 characters")


def test_blocks_carrying_more_than_the_text_budget_are_refused_as_too_long() -> None:
    found = blockkit.check_message(message(*[section("x" * 2900) for _ in range(5)]))

    assert 5 * 2900 > blockkit.MESSAGE_TEXT_BUDGET
    assert found.error == "msg_blocks_too_long"
    assert blockkit.describe(found) == [
        f"blocks: more than {blockkit.MESSAGE_TEXT_BUDGET} characters of text in one message"
    ]
    assert_accepted(blockkit.check_message(message(*[section("x" * 2900) for _ in range(4)])))


# -- Block Kit: what kind ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "path"),
    [("header", "blocks[0].text.type"), ("button", "blocks[0].elements[0].text.type"), ("modal", "view.title.type")],
)
def test_mrkdwn_is_refused_where_only_plain_text_is_allowed(where: str, path: str) -> None:
    def check(text: dict[str, Any]) -> blockkit.Offences:
        if where == "header":
            return blockkit.check_message(message({"type": "header", "text": text}))
        if where == "button":
            return blockkit.check_message(message(actions({**button("go"), "text": text})))
        return blockkit.check_view({**modal(section()), "title": text})

    assert_refused(check(mrkdwn("Hi")), path, "must be plain_text here, not mrkdwn")
    assert_accepted(check(plain("Hi")))


@pytest.mark.parametrize("kind", ["static_select", "radio_buttons"])
def test_an_initial_option_must_be_one_of_the_options(kind: str) -> None:
    def element(initial: dict[str, Any]) -> dict[str, Any]:
        return {"type": kind, "action_id": "pick", "options": [option("a"), option("b")], "initial_option": initial}

    found = blockkit.check_message(message(actions(element(option("c")))))

    assert_refused(found, "blocks[0].elements[0].initial_option", "must be one of the options")
    assert_accepted(blockkit.check_message(message(actions(element(option("b"))))))


@pytest.mark.parametrize("bad", ["2026-13-01", "1/2/2026", "2026-W01-1"])
def test_an_initial_date_must_be_a_real_date_as_yyyy_mm_dd(bad: str) -> None:
    def picker(initial: str) -> dict[str, Any]:
        return message(actions({"type": "datepicker", "action_id": "when", "initial_date": initial}))

    found = blockkit.check_message(picker(bad))

    assert_refused(found, "blocks[0].elements[0].initial_date", f"must be a date as YYYY-MM-DD, not {bad!r}")
    assert_accepted(blockkit.check_message(picker("2026-01-02")))


@pytest.mark.parametrize("bad", ["25:00", "9:5"])
def test_an_initial_time_must_be_a_time_as_hh_mm(bad: str) -> None:
    def picker(initial: str) -> dict[str, Any]:
        return message(actions({"type": "timepicker", "action_id": "at", "initial_time": initial}))

    found = blockkit.check_message(picker(bad))

    assert_refused(found, "blocks[0].elements[0].initial_time", f"must be a time as HH:mm, not {bad!r}")
    assert_accepted(blockkit.check_message(picker("09:05")))


def test_a_modal_with_input_blocks_needs_a_submit_button() -> None:
    found = blockkit.check_view(modal(text_input_block()))

    assert_refused(found, "view.submit", "is required when the modal has input blocks")
    assert_accepted(blockkit.check_view(modal(text_input_block(), submit=plain("Save"))))


# -- the message store -------------------------------------------------------------------------------------


def test_updating_a_message_that_does_not_exist_is_refused(ws: Workspace) -> None:
    refused(ws, "chat.update", "message_not_found", channel="C1", ts="1.000001", text="later")


def test_updating_with_a_user_id_as_channel_is_refused(ws: Workspace) -> None:
    posted = ok(ws, "chat.postMessage", channel="U1", text="hi")

    refused(ws, "chat.update", "channel_not_found", channel="U1", ts=posted["ts"], text="later")
    ok(ws, "chat.update", channel=posted["channel"], ts=posted["ts"], text="later")


def test_an_update_without_blocks_keeps_the_old_blocks(ws: Workspace) -> None:
    blocks = [section("Did you call Anna?")]
    posted = ok(ws, "chat.postMessage", channel="C1", text="nudge", blocks=blocks)

    ok(ws, "chat.update", channel="C1", ts=posted["ts"], text="nudge, answered")

    stored = ws.message("C1", posted["ts"])
    assert stored is not None
    assert stored.text == "nudge, answered"
    assert stored.blocks == blocks


def test_an_ephemeral_message_cannot_be_updated(ws: Workspace) -> None:
    posted = ok(ws, "chat.postEphemeral", channel="C1", user="U1", text="only you")

    refused(ws, "chat.update", "message_not_found", channel="C1", ts=posted["message_ts"], text="later")


# -- response_url ------------------------------------------------------------------------------------------


def test_a_response_url_takes_five_posts_and_refuses_the_sixth(ws: Workspace) -> None:
    ws.issue_response_url("r1")

    for _ in range(5):
        assert ws.answer_response_url("r1", {"text": "ok"}) == (200, {"ok": True})
    status, body = ws.answer_response_url("r1", {"text": "one more"})

    assert (status, body["error"]) == (404, "used_url")
    assert ws.refusals[-1].error == "used_url"


def test_a_response_url_expires_after_30_minutes(ws: Workspace, moment: Moment) -> None:
    ws.issue_response_url("r1")
    moment.move(29 * 60)
    assert ws.answer_response_url("r1", {"text": "still fine"})[0] == 200

    moment.move(2 * 60)
    status, body = ws.answer_response_url("r1", {"text": "too late"})

    assert (status, body["error"]) == (404, "expired_url")


def test_a_response_url_post_with_invalid_blocks_is_refused(ws: Workspace) -> None:
    ws.issue_response_url("r1")

    status, body = ws.answer_response_url("r1", message(actions(button("nudge_answer"), button("nudge_answer"))))

    assert (status, body["error"]) == (400, "invalid_blocks")
    assert body["errors"] == ["blocks[0].elements[1]: duplicate action_id 'nudge_answer'"]
    assert ws.answer_response_url("r1", message(actions(button("nudge_answer"))))[0] == 200


# -- trigger_id --------------------------------------------------------------------------------------------


def test_a_trigger_id_opens_one_view_only(ws: Workspace) -> None:
    open_modal(ws, "t1")

    refused(ws, "views.open", "exchanged_trigger_id", trigger_id="t1", view=modal(section()))


def test_a_trigger_id_expires_three_seconds_after_it_was_issued(ws: Workspace, moment: Moment) -> None:
    ws.issue_trigger("late", "U1")
    ws.issue_trigger("quick", "U1")
    moment.move(2)
    ok(ws, "views.open", trigger_id="quick", view=modal(section()))

    moment.move(2)
    refused(ws, "views.open", "expired_trigger_id", trigger_id="late", view=modal(section()))


def test_an_unknown_trigger_id_is_refused(ws: Workspace) -> None:
    refused(ws, "views.open", "invalid_trigger_id", trigger_id="never-issued", view=modal(section()))


# -- modals ------------------------------------------------------------------------------------------------


def test_views_push_without_an_open_modal_is_refused(ws: Workspace) -> None:
    ws.issue_trigger("t1", "U1")

    body = refused(ws, "views.push", "not_found", trigger_id="t1", view=modal(section()))

    assert body["errors"] == ["views.push needs an open modal to push onto"]


def test_modals_stack_three_deep_and_a_fourth_push_is_refused(ws: Workspace) -> None:
    open_modal(ws, "t1")
    for trigger in ("t2", "t3"):
        ws.issue_trigger(trigger, "U1")
        ok(ws, "views.push", trigger_id=trigger, view=modal(section()))
    assert len(ws.open_modals("U1")) == 3

    ws.issue_trigger("t4", "U1")
    refused(ws, "views.push", "push_limit_reached", trigger_id="t4", view=modal(section()))
    assert len(ws.open_modals("U1")) == 3


def test_views_update_of_an_unknown_view_id_is_refused(ws: Workspace) -> None:
    refused(ws, "views.update", "not_found", view_id="V99999", view=modal(section()))


def test_views_update_with_a_stale_hash_is_refused_and_with_the_current_hash_accepted(ws: Workspace) -> None:
    opened = open_modal(ws)
    first = ok(ws, "views.update", view_id=opened["id"], hash=opened["hash"], view=modal(section("Step 2")))["view"]

    refused(ws, "views.update", "hash_conflict", view_id=opened["id"], hash=opened["hash"], view=modal(section("3")))
    ok(ws, "views.update", view_id=opened["id"], hash=first["hash"], view=modal(section("Step 3")))


# -- channels ----------------------------------------------------------------------------------------------


def test_posting_to_an_unknown_channel_is_refused(ws: Workspace) -> None:
    refused(ws, "chat.postMessage", "channel_not_found", channel="CNOPE", text="hi")


def test_posting_to_a_channel_the_bot_is_not_in_is_refused(ws: Workspace) -> None:
    ws.add_channel("C2")

    refused(ws, "chat.postMessage", "not_in_channel", channel="C2", text="hi")


def test_posting_to_an_archived_channel_is_refused(ws: Workspace) -> None:
    ws.add_channel("C2", archived=True, bot_member=True)

    refused(ws, "chat.postMessage", "is_archived", channel="C2", text="hi")


def test_the_bot_cannot_join_a_private_channel(ws: Workspace) -> None:
    ws.add_channel("G1", private=True)

    refused(ws, "conversations.join", "method_not_supported_for_channel_type", channel="G1")


def test_after_joining_a_public_channel_the_bot_can_post_there(ws: Workspace) -> None:
    ws.add_channel("C2")

    ok(ws, "conversations.join", channel="C2")

    ok(ws, "chat.postMessage", channel="C2", text="hi")


# -- rate limit --------------------------------------------------------------------------------------------


def test_past_the_burst_a_channel_gets_429_with_retry_after_until_time_passes(ws: Workspace, moment: Moment) -> None:
    ws.limit_rate(1, 3)
    for _ in range(3):
        ok(ws, "chat.postMessage", channel="C1", text="hi")

    status, body, headers = ws.answer("chat.postMessage", {"channel": "C1", "text": "hi"})
    assert (status, body["error"], headers) == (429, "ratelimited", {"Retry-After": "1"})

    moment.move(1)
    ok(ws, "chat.postMessage", channel="C1", text="hi")
    assert ws.answer("chat.postMessage", {"channel": "C1", "text": "hi"})[0] == 429


def test_the_rate_limit_of_one_channel_does_not_touch_another(ws: Workspace) -> None:
    ws.add_channel("C2", bot_member=True)
    ws.limit_rate(1, 3)
    for _ in range(3):
        ok(ws, "chat.postMessage", channel="C1", text="hi")
    assert ws.answer("chat.postMessage", {"channel": "C1", "text": "hi"})[0] == 429

    ok(ws, "chat.postMessage", channel="C2", text="hi")


# -- through HTTP, as the app sees it ----------------------------------------------------------------------


def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-x", base_url=fake_slack.url, retry_handlers=[])


def test_over_http_invalid_blocks_raise_slack_api_error_naming_the_path(fake_slack: FakeSlack) -> None:
    fake_slack.add_channel("C1", bot_member=True)
    fake_slack.expect_refusal("invalid_blocks")
    payload = message(actions(button("nudge_answer"), button("nudge_answer")))

    with pytest.raises(SlackApiError) as raised:
        client(fake_slack).chat_postMessage(channel="C1", **payload)

    response = raised.value.response
    assert response["error"] == "invalid_blocks"
    assert response["errors"] == ["blocks[0].elements[1]: duplicate action_id 'nudge_answer'"]
    assert response["response_metadata"]["messages"] == [
        "[ERROR] blocks[0].elements[1]: duplicate action_id 'nudge_answer'"
    ]


def test_a_refusal_nobody_expected_fails_the_test(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError):
        client(fake_slack).chat_postMessage(channel="CNOPE", text="hi")

    assert [(r.method, r.error) for r in fake_slack.unexpected_refusals()] == [
        ("chat.postMessage", "channel_not_found")
    ]
    fake_slack.expect_refusal("channel_not_found")
    assert fake_slack.unexpected_refusals() == []


def test_an_element_stands_only_where_slack_allows_it() -> None:
    text_input = {"type": "plain_text_input", "action_id": "note"}
    assert_refused(blockkit.check_message(message(actions(text_input))), "blocks[0].elements[0].type", "cannot stand")
    in_input = {"type": "input", "label": plain("Note"), "element": button("go")}
    assert_refused(blockkit.check_view(modal(in_input, submit=plain("Save"))), "view.blocks[0].element.type", "cannot")
    assert_accepted(blockkit.check_view(modal(text_input_block(), submit=plain("Save"))))


def test_a_message_needs_text_or_blocks_and_its_text_has_a_limit(ws: Workspace) -> None:
    refused(ws, "chat.postMessage", "no_text", channel="C1", text="", blocks=[])
    refused(ws, "chat.postMessage", "msg_too_long", channel="C1", text="x" * 40_001)
    posted = ok(ws, "chat.postMessage", channel="C1", text="hello", blocks=[section()])
    ok(ws, "chat.update", channel="C1", ts=posted["ts"], text="hello", blocks=[])  # an update may clear them
    assert ws.message("C1", posted["ts"]).blocks is None
