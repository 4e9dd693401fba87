"""Sends correctly signed Slack requests to the app over HTTP, through the real Bolt pipeline."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

_ids = itertools.count(1)


@dataclass
class Response:
    status: int
    body: str

    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}


def sign(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackClient:
    def __init__(self, url: str, signing_secret: str, response_url: str = "http://127.0.0.1:9/respond"):
        self.url = url
        self.secret = signing_secret
        self.response_url = response_url

    # -- raw ----------------------------------------------------------------------------

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        signed: bool = True,
        secret: str | None = None,
        timestamp: int | None = None,
    ) -> Response:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts}
        if signed:
            headers["X-Slack-Signature"] = sign(secret or self.secret, ts, body)
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=15) as answer:
                return Response(answer.status, answer.read().decode())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode())

    def form(self, fields: dict[str, str], **kwargs: Any) -> Response:
        return self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded", **kwargs)

    # -- kinds of request ---------------------------------------------------------------

    def command(
        self, command: str, text: str = "", *, user: str = "U1", team: str = "T1", channel: str = "C1", **kwargs: Any
    ) -> Response:
        return self.form(
            {
                "token": "legacy",
                "team_id": team,
                "team_domain": "acme",
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "api_app_id": "A1",
                "response_url": self.response_url,
                "trigger_id": f"trigger-{next(_ids)}",
            },
            **kwargs,
        )

    def interactive(self, payload: dict[str, Any], **kwargs: Any) -> Response:
        return self.form({"payload": json.dumps(payload)}, **kwargs)

    def block_action(
        self,
        action_id: str,
        value: str | None = None,
        *,
        user: str = "U1",
        team: str = "T1",
        container: dict[str, Any] | None = None,
        view: dict[str, Any] | None = None,
        message: dict[str, Any] | None = None,
        channel: str | None = None,
        selected_date: str | None = None,
        block_id: str = "b",
    ) -> Response:
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "type": "button",
            "action_ts": f"{time.time():.6f}",
        }
        if value is not None:
            action["value"] = value
        if selected_date is not None:
            action.update(type="datepicker", selected_date=selected_date)
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": team, "domain": "acme"},
            "user": {"id": user, "team_id": team, "username": user.lower()},
            "api_app_id": "A1",
            "trigger_id": f"trigger-{next(_ids)}",
            "actions": [action],
            "response_url": self.response_url,
            "container": container or {"type": "message"},
        }
        if view is not None:
            payload["view"] = view
            payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
        if message is not None:
            payload["message"] = message
        if channel is not None:
            payload["channel"] = {"id": channel}
        return self.interactive(payload)

    def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, Any]],
        *,
        user: str = "U1",
        team: str = "T1",
        private_metadata: str = "",
        view_id: str = "V1",
    ) -> Response:
        payload = {
            "type": "view_submission",
            "team": {"id": team, "domain": "acme"},
            "user": {"id": user, "team_id": team},
            "api_app_id": "A1",
            "trigger_id": f"trigger-{next(_ids)}",
            "view": {
                "id": view_id,
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": values},
            },
        }
        return self.interactive(payload)

    def event(self, event: dict[str, Any], *, team: str = "T1") -> Response:
        body = {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": f"Ev{next(_ids)}",
            "event_time": int(time.time()),
            "event": event,
        }
        return self.post(json.dumps(body).encode(), "application/json")
