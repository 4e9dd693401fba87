"""An in-process Slack Web API for the simulator: a WebClient that records calls and lets the fake Slack answer.

The answers come from the one implementation of Slack's behaviour, `bot.fake_slack.workspace.Workspace`
(the same rules as the tests' HTTP fake and the benchmarks), so a payload Slack would refuse is refused
here too, and every refusal stays in `workspace.refusals`. The client replaces the three clients inside a
real `SlackGateway`, so the gateway's own code (parameter encoding, error mapping) runs unchanged; only the
HTTP round trip is skipped. A refusal comes back as the `SlackApiError` slack_sdk raises for it.
"""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web.slack_response import SlackResponse

from bot.fake_slack.workspace import Refusal, Workspace, decode_json_fields
from bot.services.clock import Clock
from bot.slack import SlackGateway

BOT_USER = "UCONSCIENCE"


@dataclass(frozen=True)
class Call:
    """One Web API call, stamped with the simulated moment it was made."""

    method: str
    params: dict[str, Any]
    at: datetime
    ts: str | None = None  # the ts Slack gave a posted message


@dataclass(frozen=True)
class User:
    user_id: str
    name: str
    timezone: str
    locale: str


class FakeWebClient(WebClient):
    def __init__(self, clock: Clock, team_id: str) -> None:
        super().__init__(token="xoxb-simulated", base_url="http://simulated.invalid/api/")
        self.clock = clock
        self.team_id = team_id
        self.workspace = Workspace(team_id=team_id, bot_user=BOT_USER, clock=lambda: clock.now().timestamp())
        self.calls: list[Call] = []

    @property
    def refusals(self) -> list[Refusal]:
        """What the fake Slack refused so far, oldest first."""
        return self.workspace.refusals

    def add_user(self, user: User) -> None:
        self.workspace.add_user(user.user_id, tz=user.timezone, locale=user.locale, name=user.name)

    def add_channel(self, channel_id: str) -> None:
        """A public channel the app is a member of (a team's digest channel)."""
        self.workspace.add_channel(channel_id, bot_member=True)

    def api_call(  # type: ignore[override]
        self,
        api_method: str,
        *,
        http_verb: str = "POST",
        files: dict | None = None,
        data: dict | None = None,
        params: dict | None = None,
        json: dict | None = None,
        headers: dict | None = None,
        auth: dict | None = None,
    ) -> SlackResponse:
        args = _arguments(params, data, json)
        status, body, answer_headers = self.workspace.answer(api_method, args)
        ts = body.get("ts") if body.get("ok") and api_method == "chat.postMessage" else None
        self.calls.append(Call(api_method, args, self.clock.now(), ts))
        response = SlackResponse(
            client=self,
            http_verb=http_verb,
            api_url=self.base_url + api_method,
            req_args={"params": args},
            data=body,
            headers=dict(answer_headers),
            status_code=status,
        )
        return response.validate()  # raises SlackApiError on anything but an ok answer, as slack_sdk does

    def take(self) -> list[Call]:
        """The calls made since the last take, oldest first."""
        taken, self.calls = self.calls, []
        return taken


def _arguments(params: dict | None, data: dict | None, body: dict | None) -> dict[str, Any]:
    """The call's arguments as Slack reads them: a JSON body goes through JSON (so what JSON cannot carry
    fails here as it would on the wire), JSON fields of a form body are decoded."""
    form = decode_json_fields({**(params or {}), **(data or {})})
    sent = jsonlib.loads(jsonlib.dumps(body)) if body else {}
    return {**form, **sent}


def fake_gateway(client: FakeWebClient) -> SlackGateway:
    """A real gateway whose interactive, background and dispatch clients are all the fake."""
    gateway = SlackGateway(client.token or "", client.base_url)
    gateway.interactive = gateway.background = gateway.dispatch = client
    return gateway
