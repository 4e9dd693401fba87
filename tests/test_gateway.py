"""The Slack gateway: retries for background work, none on the interactive path, errors classified."""

from __future__ import annotations

import pytest

from bot.slack import SlackError, SlackGateway
from tests.fake_slack import FakeSlack


@pytest.fixture
def gateway(fake_slack: FakeSlack) -> SlackGateway:
    return SlackGateway("xoxb-test", fake_slack.url, interactive_timeout=1, background_timeout=2)


def test_background_work_waits_out_a_429_and_then_posts(gateway: SlackGateway, fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", status=429, retry_after=1)
    assert gateway.post_message("DU1", "hello")
    calls = fake_slack.calls_to("chat.postMessage")
    assert len(calls) == 2
    assert calls[1].at - calls[0].at >= 0.9  # it honoured Retry-After instead of hammering


def test_background_work_retries_server_errors(gateway: SlackGateway, fake_slack: FakeSlack) -> None:
    fake_slack.fail("conversations.open", status=500, times=2)
    assert gateway.open_dm("U1") == "DU1"
    assert len(fake_slack.calls_to("conversations.open")) == 3


def test_server_errors_beyond_the_limit_surface_as_slack_error(gateway: SlackGateway, fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", status=503, times=5)
    with pytest.raises(SlackError) as error:
        gateway.post_message("D1", "hello")
    assert error.value.status == 503 and not error.value.permanent


def test_interactive_calls_never_sleep_on_a_retry(gateway: SlackGateway, fake_slack: FakeSlack) -> None:
    fake_slack.fail("views.open", status=429, retry_after=30)
    with pytest.raises(SlackError) as error:
        gateway.open_view("trigger", {"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": []})
    assert error.value.rate_limited and error.value.retry_after == 30
    assert len(fake_slack.calls_to("views.open")) == 1


def test_permanent_errors_are_classified(gateway: SlackGateway, fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", error="account_inactive")
    with pytest.raises(SlackError) as error:
        gateway.post_message("D1", "hello")
    assert error.value.permanent and not error.value.workspace_wide
    fake_slack.fail("chat.postMessage", error="token_revoked")
    with pytest.raises(SlackError) as error:
        gateway.post_message("D1", "hello")
    assert error.value.workspace_wide


def test_a_slow_slack_times_out_as_an_error(gateway: SlackGateway, fake_slack: FakeSlack) -> None:
    fake_slack.slow("chat.update", 1.5)
    with pytest.raises(SlackError) as error:
        gateway.update_message("D1", "1.0", "updated")
    assert error.value.error.startswith("connection_error")


def test_users_info_reads_time_zone_and_locale(gateway: SlackGateway, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U5", tz="Europe/London", locale="en-GB", name="Sam", is_admin=True)
    user = gateway.user_info("U5")
    assert (user.timezone, user.locale, user.name, user.is_admin) == ("Europe/London", "en-GB", "Sam", True)
    assert fake_slack.calls_to("users.info")[0].headers["Authorization"] == "Bearer xoxb-test"
