"""Sends correctly signed Slack requests to the app over HTTP, through the real Bolt pipeline."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from bot.fake_slack import blockkit

if TYPE_CHECKING:
    from tests.fake_slack import FakeSlack

_ids = itertools.count(1)

# Slack's markup in a command's text: user and channel mentions, special mentions (`<!here>`,
# `<!subteam^S1>`) and links, each with an optional `|label`.
MARKUP = re.compile(
    r"<(?:@[UW][A-Z0-9]+|#[CG][A-Z0-9]+|![a-z]+(?:\^[A-Z0-9]+)?|(?:https?|mailto|tel):[^\s<>|]+)(?:\|[^<>]*)?>"
)


def _entities(typed: str) -> str:
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def as_slack_sends(text: str) -> str:
    """A command's text as Slack sends it (escaping on, as in the manifests): `&`, `<`, `>` a person typed
    become `&amp;`, `&lt;`, `&gt;`; Slack's markup, written by the test in wire form (`<@U2|piet>`, `<@U2>`,
    `<#C1|general>`, `<!channel>`, `<https://x|label>`), stays as it is.

    `as_slack_sends("call Jan & Piet <@U2|piet>") == "call Jan &amp; Piet <@U2|piet>"`. A `&` inside markup
    (a link's query) is the test's to write as `&amp;`, as Slack would."""
    parts, at = [], 0
    for markup in MARKUP.finditer(text):
        parts += [_entities(text[at : markup.start()]), markup.group()]
        at = markup.end()
    return "".join(parts) + _entities(text[at:])


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
    """Each request carries a fresh trigger_id and response_url, registered with the fake Slack (when there
    is one) as Slack registers them; what the app answers in an ack is held to Slack's rules, as Slack does."""

    def __init__(self, url: str, signing_secret: str, fake: FakeSlack | None = None):
        self.url = url
        self.secret = signing_secret
        self.fake = fake

    def _known_to_slack(self, text: str) -> None:
        """A channel a person picks in Slack's composer exists in the workspace (whether the bot is in it or not)."""
        assert self.fake is not None
        for channel in re.findall(r"<#(C[A-Z0-9]+)", text):
            if channel not in self.fake.workspace.channels:
                self.fake.add_channel(channel)

    def _handles(self, user: str, trigger_id: str | None = None) -> tuple[str, str]:
        trigger_id = trigger_id or f"trigger-{next(_ids)}"
        if self.fake is None:
            return trigger_id, "http://127.0.0.1:9/respond"
        if user not in self.fake.users:  # whoever sends Slack a request is a member of the workspace
            self.fake.add_user(user)
        self.fake.issue_trigger(trigger_id, user)
        return trigger_id, self.fake.response_url()

    # -- raw ----------------------------------------------------------------------------

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        signed: bool = True,
        secret: str | None = None,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": ts, **(headers or {})}
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
        self,
        command: str,
        text: str = "",
        *,
        user: str = "U1",
        team: str = "T1",
        channel: str = "C1",
        as_sent: bool = False,
        **kwargs: Any,
    ) -> Response:
        """`/command text`: text is what the person typed (markup in wire form, see `as_slack_sends`);
        as_sent=True sends it exactly as given, already in Slack's encoding (`&lt;@U2&gt;`: typed, no mention)."""
        answer = self.form(
            self.command_fields(command, text, user=user, team=team, channel=channel, as_sent=as_sent), **kwargs
        )
        check_command_ack(answer)
        return answer

    def command_fields(
        self, command: str, text: str, *, user: str, team: str, channel: str = "C1", as_sent: bool = False
    ) -> dict[str, str]:
        """The form Slack posts for a slash command, with a fresh trigger_id and response_url."""
        trigger_id, response_url = self._handles(user)
        if self.fake is not None:
            self._known_to_slack(text)
        return {
            "token": "legacy",
            "team_id": team,
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text if as_sent else as_slack_sends(text),
            "api_app_id": "A1",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }

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
        selected_option: str | None = None,
        element: str = "overflow",
        block_id: str = "b",
        trigger_id: str | None = None,
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
        if selected_option is not None:  # an overflow menu or a select: the chosen option's value
            action.update(type=element, selected_option={"value": selected_option})
        trigger_id, response_url = self._handles(user, trigger_id)
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": team, "domain": "acme"},
            "user": {"id": user, "team_id": team, "username": user.lower()},
            "api_app_id": "A1",
            "trigger_id": trigger_id,
            "actions": [action],
            "response_url": response_url,
            "container": container or {"type": "message"},
        }
        if view is not None:  # a click in a modal or the Home tab: Slack sends the view and no response_url
            payload["view"] = view
            payload["container"] = {"type": "view", "view_id": view.get("id", "V1")}
            del payload["response_url"]
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
        trigger_id, _ = self._handles(user)
        shown = self.fake.workspace.open_modals(user) if self.fake is not None else []
        payload = {
            "type": "view_submission",
            "team": {"id": team, "domain": "acme"},
            "user": {"id": user, "team_id": team},
            "api_app_id": "A1",
            "trigger_id": trigger_id,
            "view": {
                "id": view_id,
                "type": "modal",
                "callback_id": callback_id,
                "private_metadata": private_metadata,
                "state": {"values": values},
                # As Slack sends it: a pushed modal names the one under it (null at the bottom of the stack).
                "previous_view_id": shown[-2]["id"] if len(shown) > 1 else None,
            },
        }
        answer = self.interactive(payload)
        inputs = _input_blocks(shown[-1]) if shown else set(values)
        ack = _check_ack_view(answer, inputs)
        if self.fake is not None and answer.status == 200:
            self.fake.workspace.ack_view(user, ack)
        return answer

    def event(
        self,
        event: dict[str, Any],
        *,
        team: str = "T1",
        event_id: str | None = None,
        retry: int = 0,
        retry_reason: str = "http_timeout",
    ) -> Response:
        """An Events API delivery. Slack delivers an event again (same event_id) when it saw no 2xx in
        three seconds: retry=1, 2, 3 sends the X-Slack-Retry-Num and X-Slack-Retry-Reason headers it adds."""
        body = {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids)}",
            "event_time": int(time.time()),
            "event": event,
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": retry_reason} if retry else None
        return self.post(json.dumps(body).encode(), "application/json", headers=headers)


# -- what Slack does with an ack's body -----------------------------------------------------------------------


def _refuse(where: str, found: blockkit.Offences) -> None:
    if found.error:
        raise AssertionError(f"Slack would refuse the {where}: {found.error}: " + "; ".join(blockkit.describe(found)))


def check_command_ack(answer: Response) -> None:
    """A command's ack may carry a message; Slack shows it only if it follows the Block Kit rules."""
    if answer.status == 200 and answer.body.startswith("{"):
        _refuse("message in the command's ack", blockkit.check_message(answer.json()))


def _input_blocks(view: dict[str, Any]) -> set[str]:
    return {b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input" and "block_id" in b}


def _check_ack_view(answer: Response, inputs: set[str]) -> dict[str, Any]:
    """A view_submission ack: nothing (the modal closes), or a response_action Slack can carry out."""
    if answer.status != 200 or not answer.body.startswith("{"):
        return {}
    ack = answer.json()
    action = ack.get("response_action")
    if action in ("update", "push"):
        _refuse(f"view in response_action '{action}'", blockkit.check_view(ack.get("view")))
    elif action == "errors":
        errors = ack.get("errors")
        if not isinstance(errors, dict) or not errors:
            raise AssertionError("Slack would refuse response_action 'errors' without an errors object")
        for block_id, message in errors.items():
            if block_id not in inputs:
                raise AssertionError(f"errors.{block_id}: not an input block of the submitted view")
            if not isinstance(message, str) or not message:
                raise AssertionError(f"errors.{block_id}: must be a non-empty string")
    elif action not in (None, "clear"):
        raise AssertionError(f"Slack would refuse response_action {action!r}")
    return ack
