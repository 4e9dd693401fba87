"""Delivery, the Slack half: one tick claims due rows, renders them, sends them, records the outcome.

Sends overlap (a small thread pool), so a slow Slack does not make a tick crawl. A 429 pauses that
workspace only, for as long as Retry-After says; the rows go back and a later tick sends them.
Permanent errors stop messages to the person or workspace and are logged once.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update

from bot.deps import Deps
from bot.digests import DigestReport, Digests
from bot.messages.catalogue import catalogue
from bot.messages.nudges import NudgeView, render
from bot.services import dispatch, people
from bot.services.clock import Clock
from bot.slack import SlackError
from models import Nudge

log = logging.getLogger("conscience.delivery")
BATCH = 50
MAX_BATCHES_PER_TICK = 40
SEND_THREADS = 16


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

    def pause(self, workspace_id: int, seconds: float) -> datetime:
        until = self._clock.now() + timedelta(seconds=seconds)
        with self._lock:
            self._until[workspace_id] = max(self._until.get(workspace_id, until), until)
            return self._until[workspace_id]

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
        self.digests = Digests(deps)

    def tick(self) -> TickReport:
        report = TickReport()
        token = str(uuid.uuid4())
        for _ in range(MAX_BATCHES_PER_TICK):
            with self.deps.transaction() as session:
                ids = dispatch.claim(
                    session, self.deps.clock, token=token, limit=BATCH, skip_workspaces=self.limits.limited()
                )
            if not ids:
                break
            report.claimed += len(ids)
            send = (lambda nudge_id: self._deliver(nudge_id, token))  # noqa: E731
            outcomes = map(send, ids) if self.threads == 1 else self.pool.map(send, ids)
            for outcome in outcomes:
                if outcome == "sent":
                    report.sent += 1
                elif outcome == "failed":
                    report.failed += 1
                else:
                    report.skipped += 1
            if len(ids) < BATCH:
                break
        try:
            report.digests = self.digests.tick()
        except Exception:  # a digest bug must not stop the nudges; the next tick tries again
            log.exception("digest tick failed", extra={"what": "digest"})
        return report

    def send_now(self, nudge_id: int) -> None:
        """Send one row at once (a celebration right after Done), through the same claim."""
        token = str(uuid.uuid4())
        with self.deps.transaction() as session:
            now = self.deps.clock.now()
            claimed = session.execute(
                update(Nudge)
                .where(Nudge.id == nudge_id, Nudge.status == "planned")
                .values(
                    status="claimed", claim_token=token, claimed_until=now + dispatch.LEASE, attempts=Nudge.attempts + 1
                )
            ).rowcount
        if claimed:
            self._deliver(nudge_id, token)

    def _deliver(self, nudge_id: int, token: str) -> str:
        deps = self.deps
        try:
            with deps.transaction() as session:
                out = dispatch.prepare(session, deps.clock, nudge_id, token)
            if out is None:
                return "skipped"
            if out.workspace_id in self.limits.limited():  # Slack asked this workspace to wait
                with deps.transaction() as session:
                    dispatch.release(session, nudge_id, token, due_at=self.limits.until(out.workspace_id))
                return "skipped"
            if out.refresh_profile:
                self._refresh_profile(out.team_id, out.user_id)
            view = NudgeView(
                nudge_id=out.nudge_id,
                kind=out.kind,
                variant=out.variant,
                today=out.today,
                actions=out.actions,
                streak=out.streak,
            )
            payload = render(catalogue(out.language), view)
            channel = out.dm_channel or deps.gateway.open_dm(out.user_id, client="dispatch")
            ts = deps.gateway.post_message(channel, payload["text"], payload["blocks"], client="dispatch")
        except SlackError as error:
            return self._failed(nudge_id, token, error)
        except Exception:  # a bug in one message must not stop the others; the row retries later
            log.exception("delivery failed", extra={"what": "deliver"})
            with deps.transaction() as session:
                dispatch.fail(session, deps.clock, nudge_id, token, "internal_error")
            return "failed"
        with deps.transaction() as session:
            dispatch.mark_sent(session, deps.clock, nudge_id, token, channel, ts)
        return "sent"

    def _refresh_profile(self, team_id: str, user_id: str) -> None:
        try:
            user = self.deps.gateway.user_info(user_id)
        except SlackError as error:
            log.warning("users.info failed: %s", error.error, extra={"workspace": team_id, "user": user_id})
            with self.deps.transaction() as session:
                dispatch.profile_unavailable(session, self.deps.clock, team_id, user_id)
            return
        with self.deps.transaction() as session:
            dispatch.store_profile(session, self.deps.clock, team_id, user_id,
                                   people.Profile(name=user.name, timezone=user.timezone, locale=user.locale))

    def _failed(self, nudge_id: int, token: str, error: SlackError) -> str:
        deps = self.deps
        with deps.transaction() as session:
            row = session.get(Nudge, nudge_id)
            workspace_id = row.workspace_id if row else 0
            if error.rate_limited:
                wait = error.retry_after or 30
                due = self.limits.pause(workspace_id, wait)
                dispatch.release(session, nudge_id, token, due_at=due)
                log.warning("rate limited for %ss", wait, extra={"workspace": workspace_id, "what": "deliver"})
                return "skipped"
            scope = "workspace" if error.workspace_wide else "person" if error.permanent else None
            dispatch.fail(session, deps.clock, nudge_id, token, error.error, scope=scope)
        if scope:
            log.error(
                "stopped messages to this %s: %s",
                scope,
                error.error,
                extra={"workspace": workspace_id, "what": "deliver", "outcome": error.error},
            )
        return "failed"

    def close(self) -> None:
        self.pool.shutdown(wait=True)


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
                    Nudge.person_id == person.id, Nudge.kind == "celebration", Nudge.status == "planned"
                )
            )
        )
    for nudge_id in ids:
        delivery_for(deps).send_now(nudge_id)
