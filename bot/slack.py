"""The Slack gateway: the one module that talks to the Slack Web API.

Three WebClients share the token and base URL:
- `interactive` serves work done right after an ack (opening a modal within the 3-second
  trigger window, updating a clicked message). It never sleeps on a retry.
- `background` serves the worker and anything that may wait: it retries connection errors,
  429s (honouring Retry-After) and 5xx with backoff.
- `dispatch` serves the worker's deliveries: a 429 comes straight back, so only that workspace waits.
Errors leave this module as `SlackError`, classified so callers decide without parsing strings.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient

log = logging.getLogger(__name__)

# Errors after which sending to that person or workspace is pointless until something changes.
PERMANENT_ERRORS = frozenset(
    {
        "user_not_found",
        "users_not_found",
        "account_inactive",
        "user_disabled",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "team_access_not_granted",
        "cannot_dm_bot",
        "channel_not_found",
        "is_archived",
        "not_in_channel",
        "missing_scope",
    }
)
# Errors about the app's token or installation: every message to the workspace would fail the same way.
WORKSPACE_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "token_revoked", "token_expired", "team_access_not_granted", "missing_scope"}
)


# Errors about the payload itself: a bug of ours, which Slack explains with the path of the offence.
PAYLOAD_ERRORS = frozenset({"invalid_blocks", "invalid_arguments", "msg_blocks_too_long", "invalid_blocks_format"})


class SlackError(Exception):
    def __init__(
        self,
        method: str,
        error: str,
        status: int | None = None,
        retry_after: float | None = None,
        detail: list[str] | None = None,
    ):
        super().__init__(f"{method}: {error}" + (f" ({'; '.join(detail)})" if detail else ""))
        self.method = method
        self.error = error
        self.status = status
        self.retry_after = retry_after
        self.detail = detail or []  # what Slack said is wrong, with the path (e.g. blocks[2].elements[1])

    @property
    def rate_limited(self) -> bool:
        return self.status == 429 or self.error == "ratelimited"

    @property
    def permanent(self) -> bool:
        return self.error in PERMANENT_ERRORS

    @property
    def workspace_wide(self) -> bool:
        return self.error in WORKSPACE_ERRORS


def _detail(data: Any) -> list[str]:
    """Slack names the offence in `errors` or `response_metadata.messages` ("[ERROR] ... [json-pointer:...]")."""
    if not isinstance(data, dict):
        return []
    found = data.get("errors") or (data.get("response_metadata") or {}).get("messages") or []
    return [str(item).removeprefix("[ERROR] ") for item in found if isinstance(item, str)]


@dataclass(frozen=True)
class SlackUser:
    user_id: str
    name: str | None
    timezone: str | None
    locale: str | None
    is_admin: bool
    is_owner: bool
    is_bot: bool


class SlackGateway:
    def __init__(self, token: str, base_url: str, *, interactive_timeout: int = 3, background_timeout: int = 10):
        self.interactive = WebClient(token=token, base_url=base_url, timeout=interactive_timeout, retry_handlers=[])
        self.background = WebClient(
            token=token,
            base_url=base_url,
            timeout=background_timeout,
            retry_handlers=[
                ConnectionErrorRetryHandler(max_retry_count=2),
                RateLimitErrorRetryHandler(max_retry_count=2),
                ServerErrorRetryHandler(max_retry_count=2),
            ],
        )
        # The worker's client: a 429 comes back at once, so the worker pauses only that workspace
        # instead of a thread sleeping on it; 5xx and connection errors get a short retry.
        self.dispatch = WebClient(
            token=token,
            base_url=base_url,
            timeout=background_timeout,
            retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1), ServerErrorRetryHandler(max_retry_count=1)],
        )

    def _client(self, name: str) -> WebClient:
        return {"interactive": self.interactive, "background": self.background, "dispatch": self.dispatch}[name]

    def _call(self, client: WebClient, method: str, **params: Any) -> dict[str, Any]:
        try:
            # slack_sdk encodes params per method (JSON bodies for blocks and views, 0/1 for booleans).
            response = getattr(client, method.replace(".", "_"))(**params)
        except SlackApiError as exc:
            resp = exc.response
            retry_after = resp.headers.get("Retry-After") or resp.headers.get("retry-after")
            error = SlackError(
                method,
                str(resp.get("error") or f"http_{resp.status_code}"),
                status=resp.status_code,
                retry_after=float(retry_after) if retry_after else None,
                detail=_detail(resp.data),
            )
            if error.error in PAYLOAD_ERRORS:
                log.error("Slack refused the payload of %s: %s %s", method, error.error, "; ".join(error.detail))
            raise error from None
        except OSError as exc:  # connection refused, timeouts
            raise SlackError(method, f"connection_error: {type(exc).__name__}") from None
        return dict(response.data) if isinstance(response.data, dict) else {}

    # -- people -------------------------------------------------------------------------

    def user_info(self, user_id: str, *, interactive: bool = False) -> SlackUser:
        client = self.interactive if interactive else self.background
        data = self._call(client, "users.info", user=user_id, include_locale=True)
        user = data.get("user") or {}
        profile = user.get("profile") or {}
        return SlackUser(
            user_id=user_id,
            name=profile.get("display_name") or profile.get("real_name") or user.get("name"),
            timezone=user.get("tz"),
            locale=user.get("locale"),
            is_admin=bool(user.get("is_admin")),
            is_owner=bool(user.get("is_owner")),
            is_bot=bool(user.get("is_bot")),
        )

    # -- messages -----------------------------------------------------------------------

    def open_dm(self, user_id: str, *, client: str = "background") -> str:
        data = self._call(self._client(client), "conversations.open", users=user_id)
        return str(data["channel"]["id"])

    def post_dm(
        self,
        user_id: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        *,
        channel: str | None = None,
        client: str = "background",
    ) -> tuple[str, str]:
        """Post a direct message; returns (channel, ts). Without a known DM channel the user id is the
        channel: Slack opens the app's DM itself, which saves a conversations.open call per first contact."""
        params: dict[str, Any] = {"channel": channel or user_id, "text": text}
        if blocks is not None:
            params["blocks"] = blocks
        data = self._call(self._client(client), "chat.postMessage", **params)
        return str(data.get("channel") or channel or user_id), str(data.get("ts", ""))

    def post_message(
        self,
        channel: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        *,
        client: str = "background",
        thread_ts: str | None = None,
    ) -> str:
        params: dict[str, Any] = {"channel": channel, "text": text}
        if blocks is not None:
            params["blocks"] = blocks
        if thread_ts is not None:
            params["thread_ts"] = thread_ts
        data = self._call(self._client(client), "chat.postMessage", **params)
        return str(data.get("ts", ""))

    def update_message(
        self,
        channel: str,
        ts: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        *,
        client: str = "interactive",
    ) -> None:
        params: dict[str, Any] = {"channel": channel, "ts": ts, "text": text}
        if blocks is not None:
            params["blocks"] = blocks
        self._call(self._client(client), "chat.update", **params)

    def post_ephemeral(self, channel: str, user: str, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        params: dict[str, Any] = {"channel": channel, "user": user, "text": text}
        if blocks is not None:
            params["blocks"] = blocks
        self._call(self.background, "chat.postEphemeral", **params)

    def respond(self, response_url: str, payload: dict[str, Any]) -> None:
        """Post to a response_url (ephemeral answers to a command or a click, valid for 30 minutes)."""
        if not response_url.startswith(("https://", "http://")):
            return
        try:
            answer = WebhookClient(response_url, timeout=5).send_dict(payload)
        except OSError as exc:
            raise SlackError("response_url", f"connection_error: {type(exc).__name__}") from None
        if answer.status_code >= 400:
            try:
                body = json.loads(answer.body or "{}")
            except ValueError:
                body = {}
            error = str(body.get("error") or f"http_{answer.status_code}") if isinstance(body, dict) else ""
            raise SlackError("response_url", error, status=answer.status_code, detail=_detail(body))

    # -- channels -----------------------------------------------------------------------

    def join_channel(self, channel: str, *, client: str = "background") -> None:
        """Join a public channel (scope channels:join). A private one answers method_not_supported_for_channel_type
        or channel_not_found: only a member can invite the bot there."""
        self._call(self._client(client), "conversations.join", channel=channel)

    # -- surfaces -----------------------------------------------------------------------

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self._call(self.background, "views.publish", user_id=user_id, view=view)

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> str:
        data = self._call(self.interactive, "views.open", trigger_id=trigger_id, view=view)
        return str((data.get("view") or {}).get("id", ""))

    def update_view(self, view_id: str, view: dict[str, Any]) -> None:
        self._call(self.interactive, "views.update", view_id=view_id, view=view)

    def push_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        self._call(self.interactive, "views.push", trigger_id=trigger_id, view=view)
