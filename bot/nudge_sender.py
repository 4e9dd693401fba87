"""Sending one decided message: render it, post (or update) it, record the outcome, stop on permanent errors.

A worker tick (bot/delivery.py) claims and decides rows in batches and hands each to `send`; a click that
finishes an action sends its celebration at once through the dependencies' sender (`deps.sender.send_now`).
A 429 pauses that workspace only, for as long as Retry-After says; the row goes back and a later tick sends it.
Permanent errors stop messages to the person or workspace and are logged once.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.messages.catalogue import catalogue
from bot.messages.nudges import NudgeView, render
from bot.services import dispatch, people
from bot.services.clock import Clock
from bot.services.rules import PlanRules
from bot.slack import SlackError, SlackGateway
from models import Nudge

log = logging.getLogger("conscience.delivery")

Transaction = Callable[[], AbstractContextManager[Session]]


class RateLimits:
    """Workspaces that Slack asked to slow down, and until when (per process, on the deps' clock)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._until: dict[int, datetime] = {}
        self._lock = threading.Lock()

    def pause(self, workspace_id: int, seconds: float) -> tuple[datetime, bool]:
        """Pause a workspace; returns until when, and whether it was not paused already (log it once)."""
        now = self._clock.now()
        until = now + timedelta(seconds=seconds)
        with self._lock:
            before = self._until.get(workspace_id)
            self._until[workspace_id] = max(before or until, until)
            return self._until[workspace_id], before is None or before <= now

    def until(self, workspace_id: int) -> datetime | None:
        with self._lock:
            return self._until.get(workspace_id)

    def limited(self) -> frozenset[int]:
        now = self._clock.now()
        with self._lock:
            return frozenset(w for w, until in self._until.items() if until > now)


class NudgeSender:
    def __init__(self, transaction: Transaction, clock: Clock, gateway: SlackGateway, rules: PlanRules):
        self.transaction = transaction
        self.rules = rules
        self.clock = clock
        self.gateway = gateway
        self.limits = RateLimits(clock)
        self.stopped: set[int] = set()  # workspaces whose token Slack refused during this process

    def send_now(self, nudge_id: int) -> str:
        """Send one row at once (a celebration right after Done), through the same claim."""
        token = str(uuid.uuid4())
        with self.transaction() as session:
            claimed = dispatch.claim_one(session, self.clock, nudge_id, token=token)
        if not claimed:
            return "skipped"
        out = self.prepare_one(nudge_id, token)
        if isinstance(out, dispatch.Outgoing):
            return self.send(out)
        return out or "skipped"

    def prepare_one(self, nudge_id: int, token: str) -> dispatch.Outgoing | str | None:
        try:
            with self.transaction() as session:
                return dispatch.prepare(session, self.clock, nudge_id, token, rules=self.rules)
        except Exception:  # a bug in one message must not stop the others; the row retries later
            log.exception("delivery failed", extra={"what": "deliver"})
            with self.transaction() as session:
                dispatch.fail(session, self.clock, nudge_id, token, "internal_error")
            return "failed"

    def send(self, out: dispatch.Outgoing) -> str:
        try:
            if out.workspace_id in self.stopped:  # its token stopped working while this was on its way
                with self.transaction() as session:
                    dispatch.fail(session, self.clock, out.nudge_id, out.token, "workspace_stopped", scope="workspace")
                return "failed"
            if out.workspace_id in self.limits.limited():  # Slack asked this workspace to wait
                with self.transaction() as session:
                    dispatch.release(session, out.nudge_id, out.token, due_at=self.limits.until(out.workspace_id))
                return "skipped"
            if out.refresh_profile:
                self.refresh_profile(out.team_id, out.user_id)
            payload = payload_of(out)
            if out.update is not None:  # today's celebration, now about one more action
                self.gateway.update_message(*out.update, payload["text"], payload["blocks"], client="dispatch")
                return "updated"
            channel, ts = self.gateway.post_dm(
                out.user_id, payload["text"], payload["blocks"], channel=out.dm_channel, client="dispatch"
            )
        except SlackError as error:
            return self._failed(out.nudge_id, out.token, error)
        except Exception:  # a bug in one message must not stop the others; the row retries later
            log.exception("delivery failed", extra={"what": "deliver"})
            with self.transaction() as session:
                dispatch.fail(session, self.clock, out.nudge_id, out.token, "internal_error")
            return "failed"
        # Recorded at once, message by message: the window between Slack's accept and our commit stays small.
        with self.transaction() as session:
            dispatch.mark_sent(session, self.clock, out.nudge_id, out.token, channel, ts, rules=self.rules)
        return "sent"

    def refresh_profile(self, team_id: str, user_id: str, *, token: str | None = None) -> None:
        try:
            user = self.gateway.user_info(user_id)
        except SlackError as error:
            log.warning("users.info failed: %s", error.error, extra={"workspace": team_id, "user": user_id})
            with self.transaction() as session:
                dispatch.profile_unavailable(session, self.clock, team_id, user_id)
            return
        with self.transaction() as session:
            dispatch.store_profile(
                session,
                self.clock,
                team_id,
                user_id,
                people.Profile(name=user.name, timezone=user.timezone, locale=user.locale),
                token=token,
                rules=self.rules,
            )

    def _failed(self, nudge_id: int, token: str, error: SlackError) -> str:
        with self.transaction() as session:
            row = session.get(Nudge, nudge_id)
            workspace_id = row.workspace_id if row else 0
            if error.rate_limited:
                wait = error.retry_after or 30
                due, new = self.limits.pause(workspace_id, wait)
                dispatch.release(session, nudge_id, token, due_at=due)
                if new:
                    log.warning("rate limited for %ss", wait, extra={"workspace": workspace_id, "what": "deliver"})
                return "skipped"
            scope = "workspace" if error.workspace_wide else "person" if error.permanent else None
            newly_stopped = dispatch.fail(session, self.clock, nudge_id, token, error.error, scope=scope)
        if scope == "workspace":
            self.stopped.add(workspace_id)  # messages already on their way to it stop here
        if newly_stopped:
            log.error(
                "stopped messages to this %s: %s",
                scope,
                error.error,
                extra={"workspace": workspace_id, "what": "deliver", "outcome": error.error},
            )
        return "failed"


def payload_of(out: dispatch.Outgoing) -> dict[str, Any]:
    """The message a decided row becomes, in the person's language."""
    view = NudgeView(
        nudge_id=out.nudge_id,
        kind=out.kind,
        variant=out.variant,
        today=out.today,
        actions=out.actions,
        streak=out.streak,
        answers=out.answers,
        prepared=out.prepared,
        opener=out.opener,
    )
    return render(catalogue(out.language), view)
