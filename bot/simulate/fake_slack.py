"""An in-process Slack Web API for the simulator: a WebClient that records calls and answers like Slack.

It replaces the three clients inside a real `SlackGateway`, so the gateway's own code (parameter
encoding, error mapping) runs unchanged; only the HTTP round trip is skipped.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web.slack_response import SlackResponse

from bot.services.clock import Clock
from bot.slack import SlackGateway


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
        self.users: dict[str, User] = {}
        self.calls: list[Call] = []
        self._seq = itertools.count(1)

    def add_user(self, user: User) -> None:
        self.users[user.user_id] = user

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
        args = {**(params or {}), **(data or {}), **(json or {})}
        body = self._answer(api_method, args)
        self.calls.append(Call(api_method, args, self.clock.now(), body.get("ts") if body.get("ok") else None))
        response = SlackResponse(
            client=self,
            http_verb=http_verb,
            api_url=self.base_url + api_method,
            req_args={"params": args},
            data=body,
            headers={},
            status_code=200,
        )
        return response.validate()

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            profile = {"display_name": user.name, "real_name": user.name}
            return {
                "ok": True,
                "user": {
                    "id": user.user_id,
                    "name": user.name,
                    "tz": user.timezone,
                    "locale": user.locale,
                    "profile": profile,
                    "is_bot": False,
                },
            }
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users", "")).split(",")[0]}}
        if method == "chat.postMessage":
            # A Slack ts is epoch seconds plus a sequence; from the simulated clock, so runs repeat exactly.
            ts = f"{int(self.clock.now().timestamp())}.{next(self._seq):06d}"
            channel = str(args.get("channel", ""))
            if channel[:1] in ("U", "W"):  # posted to a user id: Slack answers with the app's DM channel
                channel = "D" + channel
            return {"ok": True, "channel": channel, "ts": ts}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "auth.test":
            return {"ok": True, "team_id": self.team_id, "user_id": "UCONSCIENCE"}
        return {"ok": True}

    def take(self) -> list[Call]:
        """The calls made since the last take, oldest first."""
        taken, self.calls = self.calls, []
        return taken


def fake_gateway(client: FakeWebClient) -> SlackGateway:
    """A real gateway whose interactive, background and dispatch clients are all the fake."""
    gateway = SlackGateway(client.token or "", client.base_url)
    gateway.interactive = gateway.background = gateway.dispatch = client
    return gateway
