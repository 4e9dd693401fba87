"""Delivery, the Slack half: one tick claims due rows, renders them, sends them, records the outcome.

Sends overlap (a small thread pool), so a slow Slack does not make a tick crawl. A 429 pauses that
workspace only, for as long as Retry-After says; the rows go back and a later tick sends them.
Permanent errors stop messages to the person or workspace and are logged once.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.deps import Deps
from bot.digests import DigestReport, Digests
from bot.messages.catalogue import catalogue
from bot.messages.nudges import NudgeView, render
from bot.services import dispatch, people
from bot.services.clock import Clock
from bot.services.kinds import CELEBRATION
from bot.slack import SlackError
from models import Nudge

log = logging.getLogger("conscience.delivery")
BATCH = 50
MAX_BATCHES_PER_TICK = 40
SEND_THREADS = 16
IN_FLIGHT_PER_THREAD = 4


@dataclass
class TickReport:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    digests: DigestReport = field(default_factory=DigestReport)
    lines: list[str] = field(default_factory=list)


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


class Delivery:
    def __init__(self, deps: Deps, threads: int = SEND_THREADS):
        self.deps = deps
        self.limits = RateLimits(deps.clock)
        self.threads = threads
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="send")
        self.stopped: set[int] = set()  # workspaces whose token Slack refused during this process
        self.digests = Digests(deps, limits=self.limits, stopped=self.stopped)  # one rule for both
        # Set on shutdown: a tick claims nothing more and finishes the messages it has in flight.
        self.stopping = threading.Event()

    def tick(self) -> TickReport:
        report = TickReport()
        token = str(uuid.uuid4())
        # Sends overlap: batches are claimed and decided while earlier messages are still on their way.
        pending: deque[Future[str]] = deque()
        for _ in range(MAX_BATCHES_PER_TICK):
            if self.stopping.is_set():
                break
            with self.deps.transaction() as session:
                ids = dispatch.claim(
                    session, self.deps.clock, token=token, limit=BATCH, skip_workspaces=self.limits.limited()
                )
            if not ids:
                break
            report.claimed += len(ids)
            self._first_profiles(ids, token)
            outgoing = self._prepare(ids, token, report)
            for out in outgoing:
                if self.threads == 1:
                    _tally(report, self._send(out))
                else:
                    pending.append(self.pool.submit(self._send, out))
            # A bounded queue: claimed rows wait under a lease, and a stop loses at most this much work.
            while len(pending) > IN_FLIGHT_PER_THREAD * self.threads:
                _tally(report, pending.popleft().result())
            if len(ids) < BATCH:
                break
        while pending:
            _tally(report, pending.popleft().result())
        try:
            report.digests = self.digests.tick()
        except Exception:  # a digest bug must not stop the nudges; the next tick tries again
            log.exception("digest tick failed", extra={"what": "digest"})
        return report

    def _prepare(self, ids: list[int], token: str, report: TickReport) -> list[dispatch.Outgoing]:
        """Decide a claimed batch in one transaction; should one row trip a bug, decide row by row so
        only that row fails (and retries later) while the others still go out."""
        deps = self.deps
        try:
            with deps.transaction() as session:
                outgoing = dispatch.prepare_batch(session, deps.clock, ids, token, rules=deps.rules)
        except Exception:
            log.exception("deciding a batch failed; deciding row by row", extra={"what": "deliver"})
            outgoing = []
            for nudge_id in ids:
                out = self._prepare_one(nudge_id, token)
                if out == "failed":
                    report.failed += 1
                elif isinstance(out, dispatch.Outgoing):
                    outgoing.append(out)
                else:
                    report.skipped += 1
            return outgoing
        report.skipped += len(ids) - len(outgoing)
        return outgoing

    def _prepare_one(self, nudge_id: int, token: str) -> dispatch.Outgoing | str | None:
        deps = self.deps
        try:
            with deps.transaction() as session:
                return dispatch.prepare(session, deps.clock, nudge_id, token, rules=deps.rules)
        except Exception:  # a bug in one message must not stop the others; the row retries later
            log.exception("delivery failed", extra={"what": "deliver"})
            with deps.transaction() as session:
                dispatch.fail(session, deps.clock, nudge_id, token, "internal_error")
            return "failed"

    def send_now(self, nudge_id: int) -> str:
        """Send one row at once (a celebration right after Done), through the same claim."""
        token = str(uuid.uuid4())
        with self.deps.transaction() as session:
            claimed = dispatch.claim_one(session, self.deps.clock, nudge_id, token=token)
        if not claimed:
            return "skipped"
        out = self._prepare_one(nudge_id, token)
        if isinstance(out, dispatch.Outgoing):
            return self._send(out)
        return out or "skipped"

    def _send(self, out: dispatch.Outgoing) -> str:
        deps = self.deps
        try:
            if out.workspace_id in self.stopped:  # its token stopped working while this was on its way
                with deps.transaction() as session:
                    dispatch.fail(session, deps.clock, out.nudge_id, out.token, "workspace_stopped", scope="workspace")
                return "failed"
            if out.workspace_id in self.limits.limited():  # Slack asked this workspace to wait
                with deps.transaction() as session:
                    dispatch.release(session, out.nudge_id, out.token, due_at=self.limits.until(out.workspace_id))
                return "skipped"
            if out.refresh_profile:
                self._refresh_profile(out.team_id, out.user_id)
            payload = payload_of(out)
            if out.update is not None:  # today's celebration, now about one more action
                deps.gateway.update_message(*out.update, payload["text"], payload["blocks"], client="dispatch")
                return "updated"
            channel, ts = deps.gateway.post_dm(
                out.user_id, payload["text"], payload["blocks"], channel=out.dm_channel, client="dispatch"
            )
        except SlackError as error:
            return self._failed(out.nudge_id, out.token, error)
        except Exception:  # a bug in one message must not stop the others; the row retries later
            log.exception("delivery failed", extra={"what": "deliver"})
            with deps.transaction() as session:
                dispatch.fail(session, deps.clock, out.nudge_id, out.token, "internal_error")
            return "failed"
        # Recorded at once, message by message: the window between Slack's accept and our commit stays small.
        with deps.transaction() as session:
            dispatch.mark_sent(session, deps.clock, out.nudge_id, out.token, channel, ts, rules=deps.rules)
        return "sent"

    def _first_profiles(self, ids: list[int], token: str) -> None:
        """Before deciding a batch: ask Slack the time zone of people it never told us about, so their
        first message already comes at their own hour (the rows are re-planned when the zone differs)."""
        with self.deps.transaction() as session:
            unknown = dispatch.never_profiled(session, ids, token)
        for team_id, user_id in unknown:
            self._refresh_profile(team_id, user_id, token=token)

    def _refresh_profile(self, team_id: str, user_id: str, *, token: str | None = None) -> None:
        try:
            user = self.deps.gateway.user_info(user_id)
        except SlackError as error:
            log.warning("users.info failed: %s", error.error, extra={"workspace": team_id, "user": user_id})
            with self.deps.transaction() as session:
                dispatch.profile_unavailable(session, self.deps.clock, team_id, user_id)
            return
        with self.deps.transaction() as session:
            dispatch.store_profile(
                session,
                self.deps.clock,
                team_id,
                user_id,
                people.Profile(name=user.name, timezone=user.timezone, locale=user.locale),
                token=token,
                rules=self.deps.rules,
            )

    def _failed(self, nudge_id: int, token: str, error: SlackError) -> str:
        deps = self.deps
        with deps.transaction() as session:
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
            newly_stopped = dispatch.fail(session, deps.clock, nudge_id, token, error.error, scope=scope)
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

    def stop(self) -> None:
        """Claim nothing more; what is in flight is still sent and recorded."""
        self.stopping.set()

    def close(self) -> None:
        self.stop()
        self.pool.shutdown(wait=True)


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
    )
    return render(catalogue(out.language), view)


def _tally(report: TickReport, outcome: str) -> None:
    if outcome == "sent":
        report.sent += 1
    elif outcome == "failed":
        report.failed += 1
    else:
        report.skipped += 1


def delivery_for(deps: Deps) -> Delivery:
    """The process's Delivery for this app (listeners send celebrations through it right away)."""
    existing = getattr(deps, "_delivery", None)
    if existing is None:
        existing = Delivery(deps, threads=4)
        deps._delivery = existing  # type: ignore[attr-defined]
    return existing


def celebrate(deps: Deps, team_id: str, user_id: str) -> None:
    """Send the celebrations planned for a person right now (after a Done, wherever it was clicked)."""
    from bot.services import people

    with deps.transaction() as session:
        person = people.find_person(session, team_id, user_id)
        if person is None:
            return
        ids = list(
            session.scalars(
                select(Nudge.id).where(
                    Nudge.person_id == person.id, Nudge.kind == CELEBRATION, Nudge.status == "planned"
                )
            )
        )
    for nudge_id in ids:
        delivery_for(deps).send_now(nudge_id)
