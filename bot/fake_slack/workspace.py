"""A Slack workspace as the Web API shows it to an app: the state and the answers of the fake Slack.

One implementation for the tests' HTTP fake (`tests/fake_slack.py`), the simulator's in-process client
(`bot/simulate/fake_slack.py`), the benchmarks and `python -m bot check-slack --dry-run`. It refuses
what Slack refuses (Block Kit rules in `blockkit.py`) and answers from state it keeps: messages that can be
updated, modals that can be pushed and updated, channels the bot is or is not in, single-use triggers,
response_urls with Slack's limits, and an optional per-channel rate limit. Time comes from `clock`
(seconds), so a test moves it instead of sleeping.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.fake_slack import blockkit

TRIGGER_SECONDS = 3.0  # a trigger_id expires 3 seconds after the request that carried it
RESPONSE_URL_USES = 5  # a response_url takes at most 5 posts...
RESPONSE_URL_SECONDS = 30 * 60  # ...within 30 minutes
MAX_MODAL_STACK = 3
MESSAGE_METHODS = ("chat.postMessage", "chat.update", "chat.postEphemeral")
VIEW_METHODS = ("views.open", "views.update", "views.push", "views.publish")


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None = None
    earlier: list[list[dict[str, Any]]] = field(default_factory=list)  # the blocks it showed before, oldest first


@dataclass
class View:
    id: str
    user: str
    view: dict[str, Any]
    hash: str


@dataclass
class Channel:
    id: str
    private: bool = False
    archived: bool = False
    bot_member: bool = False


@dataclass
class Trigger:
    user: str
    issued_at: float
    used: bool = False


@dataclass
class Refusal:
    """An answer Slack would give to a payload or call the app got wrong."""

    method: str
    error: str
    detail: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.method}: {self.error}" + (f" ({'; '.join(self.detail)})" if self.detail else "")


@dataclass
class RateLimit:
    per_second: float
    burst: int


class Workspace:
    def __init__(self, *, team_id: str = "T1", bot_user: str = "UBOT", clock: Callable[[], float] = time.time) -> None:
        self.team_id = team_id
        self.bot_user = bot_user
        self.clock = clock
        self._lock = threading.RLock()
        self._ts = itertools.count(1)
        self._view_ids = itertools.count(1)
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.users: dict[str, dict[str, Any]] = {}
            self.channels: dict[str, Channel] = {}
            self.messages: dict[tuple[str, str], Message] = {}
            self.ephemeral: list[dict[str, Any]] = []
            self.views: dict[str, View] = {}
            self.homes: dict[str, View] = {}
            self.stacks: dict[str, list[str]] = {}
            self.triggers: dict[str, Trigger] = {}
            self.response_urls: dict[str, tuple[float, list[float]]] = {}
            self.refusals: list[Refusal] = []
            self.rate_limit: RateLimit | None = None
            self._buckets: dict[str, tuple[float, float]] = {}

    # -- set-up ------------------------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        tz: str = "Europe/Amsterdam",
        locale: str = "en-US",
        name: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
    ) -> None:
        with self._lock:
            self.users[user_id] = {
                "id": user_id,
                "team_id": self.team_id,
                "name": (name or user_id).lower(),
                "tz": tz,
                "locale": locale,
                "is_admin": is_admin,
                "is_owner": is_owner,
                "is_bot": False,
                "profile": {"display_name": name or user_id, "real_name": name or user_id},
            }

    def add_channel(
        self, channel_id: str, *, private: bool = False, archived: bool = False, bot_member: bool = False
    ) -> Channel:
        with self._lock:
            channel = Channel(channel_id, private=private, archived=archived, bot_member=bot_member)
            self.channels[channel_id] = channel
            return channel

    def limit_rate(self, per_second: float = 1.0, burst: int = 3) -> None:
        """Answer chat.postMessage with 429 and Retry-After past `burst` messages per channel, refilled at
        `per_second` (Slack's documented pace: about one message a second per channel)."""
        self.rate_limit = RateLimit(per_second, burst)

    def issue_trigger(self, trigger_id: str, user: str) -> None:
        """A request Slack sends to the app carries a fresh trigger_id, valid for one views.* call."""
        with self._lock:
            self.triggers[trigger_id] = Trigger(user, self.clock())

    def issue_response_url(self, name: str) -> None:
        with self._lock:
            self.response_urls[name] = (self.clock(), [])

    def view_closed(self, user: str, *, clear: bool = False) -> None:
        """The person submitted or closed the top modal (or the app answered response_action: clear)."""
        with self._lock:
            stack = self.stacks.get(user, [])
            if clear:
                stack.clear()
            elif stack:
                stack.pop()

    def ack_view(self, user: str, response: dict[str, Any]) -> None:
        """What a view_submission ack does to the person's modals."""
        action = response.get("response_action")
        if action in (None, "clear"):
            self.view_closed(user, clear=action == "clear")
        elif action == "push":
            with self._lock:
                stack = self.stacks.setdefault(user, [])
                if len(stack) >= MAX_MODAL_STACK:
                    self.refusals.append(Refusal("view_submission", "push_limit_reached"))
                    return
                stack.append(self._new_view(user, response["view"]).id)
        elif action == "update":
            with self._lock:
                stack = self.stacks.get(user) or []
                if stack:
                    self.views[stack[-1]].view = response["view"]

    # -- reading -----------------------------------------------------------------------------------------

    def message(self, channel: str, ts: str) -> Message | None:
        with self._lock:
            return self.messages.get((channel, ts))

    def messages_in(self, channel: str) -> list[Message]:
        with self._lock:
            return [m for (c, _), m in self.messages.items() if c == channel]

    def open_modals(self, user: str) -> list[dict[str, Any]]:
        """The person's modal stack as Slack shows it (with each view's id and hash), bottom first."""
        with self._lock:
            return [self._shown(self.views[v]) for v in self.stacks.get(user, [])]

    # -- answering ---------------------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            handler = _HANDLERS.get(method)
            if handler is None:
                return 200, {"ok": True}, {}
            try:
                return handler(self, params)
            except _Refused as refused:
                self.refusals.append(Refusal(method, refused.error, refused.detail))
                body: dict[str, Any] = {"ok": False, "error": refused.error}
                if refused.detail:
                    body["errors"] = list(refused.detail)
                    body["response_metadata"] = {"messages": [f"[ERROR] {d}" for d in refused.detail]}
                return refused.status, body, refused.headers

    def answer_response_url(self, name: str, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            now = self.clock()
            known = self.response_urls.get(name)
            if known is None:
                return self._refuse_response_url("response_url_not_found", 404)
            issued, uses = known
            if now - issued > RESPONSE_URL_SECONDS:
                return self._refuse_response_url("expired_url", 404)
            if len(uses) >= RESPONSE_URL_USES:
                return self._refuse_response_url("used_url", 404)
            found = blockkit.check_message(payload)
            if found.error:
                self.refusals.append(Refusal("response_url", found.error, blockkit.describe(found)))
                return 400, {"ok": False, "error": found.error, "errors": blockkit.describe(found)}
            uses.append(now)
            return 200, {"ok": True}

    def _refuse_response_url(self, error: str, status: int) -> tuple[int, dict[str, Any]]:
        self.refusals.append(Refusal("response_url", error))
        return status, {"ok": False, "error": error}

    # -- methods -----------------------------------------------------------------------------------------

    def _auth_test(self, params: dict[str, Any]) -> _Answer:
        return _ok(team_id=self.team_id, user_id=self.bot_user, bot_id="B" + self.bot_user)

    def _users_info(self, params: dict[str, Any]) -> _Answer:
        user = self.users.get(str(params.get("user")))
        if user is None:
            raise _Refused("user_not_found")
        return _ok(user=user)

    def _conversations_open(self, params: dict[str, Any]) -> _Answer:
        user = str(params.get("users", "")).split(",")[0]
        if not _is_user(user):
            raise _Refused("user_not_found")
        return _ok(channel={"id": "D" + user})

    def _conversations_join(self, params: dict[str, Any]) -> _Answer:
        channel = self._channel(str(params.get("channel", "")))
        if channel.private:
            raise _Refused("method_not_supported_for_channel_type")
        channel.bot_member = True
        return _ok(channel={"id": channel.id})

    def _post_message(self, params: dict[str, Any]) -> _Answer:
        channel = self._writable(str(params.get("channel") or ""))
        self._check_message(params)
        thread_ts = params.get("thread_ts")
        if thread_ts and (channel, str(thread_ts)) not in self.messages:
            raise _Refused("thread_not_found")
        self._take_rate(channel)
        ts = self._next_ts()
        stored = Message(channel, ts, str(params.get("text") or ""), params.get("blocks"), thread_ts)
        self.messages[(channel, ts)] = stored
        return _ok(channel=channel, ts=ts, message={"text": stored.text, "blocks": stored.blocks})

    def _update(self, params: dict[str, Any]) -> _Answer:
        channel = str(params.get("channel") or "")
        if not channel or _is_user(channel):
            raise _Refused("channel_not_found")  # chat.update takes the channel id Slack gave, never a user id
        stored = self.messages.get((channel, str(params.get("ts") or "")))
        if stored is None:
            raise _Refused("message_not_found")
        self._check_message(params, update=True)
        if "text" in params:
            stored.text = str(params.get("text") or "")
        if "blocks" in params:  # without blocks Slack keeps the message's blocks
            stored.earlier.append(stored.blocks or [])
            stored.blocks = params.get("blocks") or None
        return _ok(channel=channel, ts=stored.ts, text=stored.text, message={"blocks": stored.blocks})

    def _post_ephemeral(self, params: dict[str, Any]) -> _Answer:
        channel = self._writable(str(params.get("channel") or ""))
        if not _is_user(str(params.get("user") or "")):
            raise _Refused("user_not_in_channel")
        self._check_message(params)
        ts = self._next_ts()
        self.ephemeral.append({"channel": channel, "user": params.get("user"), "ts": ts, **params})
        return _ok(message_ts=ts)

    def _views_open(self, params: dict[str, Any]) -> _Answer:
        user = self._use_trigger(params)
        view = self._check_view(params, "modal")
        opened = self._new_view(user, view)
        self.stacks[user] = [opened.id]
        return _ok(view=self._shown(opened))

    def _views_push(self, params: dict[str, Any]) -> _Answer:
        user = self._use_trigger(params)
        view = self._check_view(params, "modal")
        stack = self.stacks.get(user) or []
        if not stack:
            raise _Refused("not_found", ["views.push needs an open modal to push onto"])
        if len(stack) >= MAX_MODAL_STACK:
            raise _Refused("push_limit_reached")
        pushed = self._new_view(user, view)
        stack.append(pushed.id)
        return _ok(view=self._shown(pushed))

    def _views_update(self, params: dict[str, Any]) -> _Answer:
        view_id = params.get("view_id")
        known = self.views.get(str(view_id)) if view_id else None
        if known is None and params.get("external_id"):
            known = next((v for v in self.views.values() if v.view.get("external_id") == params["external_id"]), None)
        if known is None:
            raise _Refused("not_found")
        if params.get("hash") and params["hash"] != known.hash:
            raise _Refused("hash_conflict")
        known.view = self._check_view(params, "modal")
        known.hash = self._hash()
        return _ok(view=self._shown(known))

    def _views_publish(self, params: dict[str, Any]) -> _Answer:
        user = str(params.get("user_id") or "")
        if not _is_user(user):
            raise _Refused("user_not_found")
        view = self._check_view(params, "home")
        home = self.homes.get(user)
        if home is not None and params.get("hash") and params["hash"] != home.hash:
            raise _Refused("hash_conflict")
        if home is None:
            home = self.homes[user] = View(self._view_id(), user, view, self._hash())
        else:
            home.view, home.hash = view, self._hash()
        return _ok(view=self._shown(home))

    # -- helpers -----------------------------------------------------------------------------------------

    def _channel(self, channel_id: str) -> Channel:
        channel = self.channels.get(channel_id)
        if channel is None:
            raise _Refused("channel_not_found")
        if channel.archived:
            raise _Refused("is_archived")
        return channel

    def _writable(self, channel_id: str) -> str:
        """Where a message goes: a user id means the app's DM with that person (Slack opens it)."""
        if _is_user(channel_id):
            return "D" + channel_id
        if channel_id.startswith("D") and _is_user(channel_id[1:]):
            return channel_id
        channel = self._channel(channel_id)
        if not channel.bot_member:
            raise _Refused("not_in_channel")
        return channel.id

    def _check_message(self, params: dict[str, Any], *, update: bool = False) -> None:
        # An update may send `blocks: []` to clear them; a new message needs text or blocks to show.
        if not params.get("text") and not params.get("blocks") and not (update and "blocks" in params):
            raise _Refused("no_text")
        if len(str(params.get("text") or "")) > blockkit.MESSAGE_TEXT:
            raise _Refused("msg_too_long")
        found = blockkit.check_message(params)
        if found.error:
            raise _Refused(found.error, blockkit.describe(found))

    def _check_view(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        view = params.get("view")
        found = blockkit.check_view(view)
        if found.error:
            raise _Refused(found.error, blockkit.describe(found))
        assert isinstance(view, dict)
        if view.get("type") != kind:
            raise _Refused("invalid_arguments", [f"view.type: must be {kind!r} here"])
        return view

    def _use_trigger(self, params: dict[str, Any]) -> str:
        trigger = self.triggers.get(str(params.get("trigger_id") or ""))
        if trigger is None:
            raise _Refused("invalid_trigger_id")
        if trigger.used:
            raise _Refused("exchanged_trigger_id")
        if self.clock() - trigger.issued_at > TRIGGER_SECONDS:
            raise _Refused("expired_trigger_id")
        trigger.used = True
        return trigger.user

    def _take_rate(self, channel: str) -> None:
        limit = self.rate_limit
        if limit is None:
            return
        now = self.clock()
        tokens, last = self._buckets.get(channel, (float(limit.burst), now))
        tokens = min(float(limit.burst), tokens + (now - last) * limit.per_second)
        if tokens < 1:
            wait = math.ceil((1 - tokens) / limit.per_second)
            self._buckets[channel] = (tokens, now)
            raise _Refused("ratelimited", status=429, headers={"Retry-After": str(wait)})
        self._buckets[channel] = (tokens - 1, now)

    def _new_view(self, user: str, view: dict[str, Any]) -> View:
        made = View(self._view_id(), user, view, self._hash())
        self.views[made.id] = made
        return made

    def _shown(self, view: View) -> dict[str, Any]:
        return {**view.view, "id": view.id, "hash": view.hash, "team_id": self.team_id}

    def _view_id(self) -> str:
        return f"V{next(self._view_ids):05d}"

    def _hash(self) -> str:
        return f"{int(self.clock())}.{next(self._ts):08d}"

    def _next_ts(self) -> str:
        return f"{int(self.clock())}.{next(self._ts):06d}"


_Answer = tuple[int, dict[str, Any], dict[str, str]]

JSON_FIELDS = ("blocks", "view", "attachments", "metadata")


def decode_json_fields(params: dict[str, Any]) -> dict[str, Any]:
    """A form-encoded call carries its Block Kit fields as JSON text; Slack reads them as JSON."""
    for name in JSON_FIELDS:
        if isinstance(params.get(name), str):
            try:
                params[name] = json.loads(params[name])
            except ValueError:
                pass
    return params


class _Refused(Exception):
    def __init__(
        self, error: str, detail: list[str] | None = None, *, status: int = 200, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(error)
        self.error = error
        self.detail = detail or []
        self.status = status
        self.headers = headers or {}


def _ok(**fields: Any) -> _Answer:
    return 200, {"ok": True, **fields}, {}


def _is_user(value: str) -> bool:
    return value[:1] in ("U", "W") and len(value) > 1


_HANDLERS: dict[str, Callable[[Workspace, dict[str, Any]], _Answer]] = {
    "auth.test": Workspace._auth_test,
    "users.info": Workspace._users_info,
    "conversations.open": Workspace._conversations_open,
    "conversations.join": Workspace._conversations_join,
    "chat.postMessage": Workspace._post_message,
    "chat.update": Workspace._update,
    "chat.postEphemeral": Workspace._post_ephemeral,
    "views.open": Workspace._views_open,
    "views.push": Workspace._views_push,
    "views.update": Workspace._views_update,
    "views.publish": Workspace._views_publish,
}
