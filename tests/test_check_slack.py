"""`python -m bot check-slack`: one payload of every kind to one person, a line per payload, exit 0 only if all
were accepted; `--dry-run` answers them with the fake Slack's rules instead of Slack."""

from __future__ import annotations

from typing import Any

import pytest

from bot import check_slack
from bot.__main__ import main
from bot.messages.catalogue import LANGUAGES
from bot.messages.nudges import RENDERERS
from tests.fake_slack import FakeSlack

# What the issue names: preparation, check-in, follow-up, week plan, celebration, rhythm question,
# welcome back (the summary), proposal, a digest sample, and the Home.
NAMED_KINDS = {"prep", "checkin", "followup", "weekplan", "celebration", "rhythm", "summary", "proposal", "digest"}


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _duplicate_ids(*_args: Any) -> dict[str, Any]:
    """A proposal as a careless renderer might build it: two buttons with one action_id."""
    button = {"type": "button", "text": {"type": "plain_text", "text": "Accept"}, "action_id": "proposal_accept"}
    return {"text": "A proposal", "blocks": [{"type": "actions", "elements": [button, {**button, "value": "2"}]}]}


@pytest.fixture
def slack_env(fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> FakeSlack:
    """The bot's token and the fake as Slack's API, as an admin's .env would give them."""
    monkeypatch.setattr(check_slack, "load_dotenv", lambda **_: None)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    fake_slack.add_user("U1")
    return fake_slack


def test_the_dry_run_renders_every_kind_in_both_languages_and_the_rules_accept_them_all(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert set(RENDERERS) <= set(check_slack.KINDS)  # every nudge kind the bot can send
    assert NAMED_KINDS | {"home"} <= set(check_slack.KINDS)
    code = main(["check-slack", "--dry-run"])
    out = _lines(capsys.readouterr().out)
    refused = [line for line in out if not line.startswith("ok ")]
    assert code == 0, "\n".join(refused)
    assert out[:-1] == [f"ok      {kind} ({language})" for language in LANGUAGES for kind in check_slack.KINDS]
    assert out[-1].startswith(f"{len(out) - 1} of {len(out) - 1} payloads accepted")


def test_a_dry_run_names_a_refused_payload_with_slack_s_error_and_the_offending_path(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check_slack.action_messages, "proposal_message", _duplicate_ids)
    code = main(["check-slack", "--dry-run", "--language", "nl"])
    out = _lines(capsys.readouterr().out)
    assert code == 1
    assert "REFUSED proposal (nl): invalid_blocks: blocks[0].elements[1]: duplicate action_id 'proposal_accept'" in out
    assert sum(line.startswith("ok ") for line in out) == len(check_slack.KINDS) - 1
    assert "1 refused" in out[-1]


def test_a_real_run_sends_every_kind_to_the_person_publishes_their_home_and_exits_0(
    slack_env: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check-slack", "--to", "U1"])
    out = _lines(capsys.readouterr().out)
    assert code == 0, "\n".join(out)
    # The person's language comes from Slack (the fake's user speaks en-US).
    assert out[:-1] == [f"ok      {kind} (en)" for kind in check_slack.KINDS]
    posts = slack_env.calls_to("chat.postMessage")
    assert len(posts) == len(check_slack.KINDS) - 1
    assert {call.params["channel"] for call in posts} <= {"U1", "DU1"}  # a DM only, never a channel
    # The digest's lines per person are a direct message to a manager, never a thread under the channel's part.
    assert not [call for call in posts if call.params.get("thread_ts")]
    assert [call.params["user_id"] for call in slack_env.calls_to("views.publish")] == ["U1"]
    assert len(slack_env.workspace.messages_in("DU1")) == len(posts)


def test_a_payload_slack_refuses_is_printed_with_its_error_and_the_run_exits_1(
    slack_env: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    slack_env.fail("chat.postMessage", error="invalid_blocks")  # the first message: the preparation
    code = main(["check-slack", "--to", "U1", "--language", "nl"])
    out = _lines(capsys.readouterr().out)
    assert code == 1
    assert out[0] == "REFUSED prep (nl): invalid_blocks"
    assert out[1:-1] == [f"ok      {kind} (nl)" for kind in check_slack.KINDS[1:]]
    assert out[-1].startswith(f"{len(check_slack.KINDS) - 1} of {len(check_slack.KINDS)} payloads accepted")


def test_a_payload_the_workspace_refuses_on_its_own_reaches_the_admin_as_slack_s_error(
    slack_env: FakeSlack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slack_env.expect_refusal("invalid_blocks")
    monkeypatch.setattr(check_slack.action_messages, "proposal_message", _duplicate_ids)
    code = main(["check-slack", "--to", "U1", "--language", "en"])
    out = _lines(capsys.readouterr().out)
    assert code == 1
    line = next(line for line in out if "proposal" in line)
    # The path follows once SlackError carries Slack's response_metadata.messages (`detail`).
    assert line.startswith("REFUSED proposal (en): invalid_blocks")


def test_the_messages_come_in_the_person_s_language_as_slack_tells_it(
    slack_env: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    slack_env.add_user("U2", locale="nl-NL")
    assert main(["check-slack", "--to", "U2"]) == 0
    assert all(line.endswith("(nl)") for line in _lines(capsys.readouterr().out)[:-1])


def test_a_token_slack_refuses_stops_the_run_at_the_first_call_instead_of_repeating_the_error(
    slack_env: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    slack_env.fail("users.info", error="invalid_auth")
    code = main(["check-slack", "--to", "U1"])
    out = _lines(capsys.readouterr().out)
    assert code == 1
    assert out[0] == "REFUSED profile (users.info U1): invalid_auth"
    assert out[1].startswith("stopped: every further call would fail with invalid_auth")
    assert out[-1] == f"0 of {len(check_slack.KINDS)} payloads accepted: 1 refused, stopped early."
    assert not slack_env.calls_to("chat.postMessage")


def test_without_to_a_real_run_stops_with_a_usage_message_and_exit_2(
    slack_env: FakeSlack, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check-slack"])
    captured = capsys.readouterr()
    assert code == 2
    assert "--to is required" in captured.err
    assert not slack_env.calls


def test_without_a_bot_token_a_real_run_stops_with_a_usage_message_and_exit_2(
    slack_env: FakeSlack, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    code = main(["check-slack", "--to", "U1"])
    assert code == 2
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err
    assert not slack_env.calls


def test_to_takes_a_user_id_not_a_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-slack", "--dry-run", "--to", "@anne"]) == 2
    assert "Slack user id" in capsys.readouterr().err
