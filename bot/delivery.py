"""Delivery, the Slack half: one tick claims due rows, decides them, sends them, records the outcome.

Sends overlap (a small thread pool), so a slow Slack does not make a tick crawl. Sending one row, and what a
refusal from Slack means, is bot/nudge_sender.py; a tick also posts the weekly digests (bot/flows/digest.py),
under the same rate limits. First, a tick replans the plans a saved change left stale (bot/services/stale_plans.py).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from bot.deps import Deps
from bot.flows import action_form
from bot.flows.digest import DigestReport, Digests
from bot.nudge_sender import NudgeSender
from bot.services import dispatch, stale_plans

log = logging.getLogger("conscience.delivery")
BATCH = 50
MAX_BATCHES_PER_TICK = 40
SEND_THREADS = 16
IN_FLIGHT_PER_THREAD = 4


@dataclass
class TickReport:
    forms: int = 0  # submitted forms whose save after the ack never came, saved now
    replanned: int = 0  # plans left stale by a change whose replan never came
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    digests: DigestReport = field(default_factory=DigestReport)
    lines: list[str] = field(default_factory=list)


class Delivery(NudgeSender):
    def __init__(self, deps: Deps, threads: int = SEND_THREADS):
        super().__init__(deps.transaction, deps.clock, deps.gateway, deps.rules)
        self.deps = deps
        self.threads = threads
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="send")
        self.digests = Digests(deps, limits=self.limits, stopped=self.stopped)  # one rule for both
        # Set on shutdown: a tick claims nothing more and finishes the messages it has in flight.
        self.stopping = threading.Event()

    def tick(self) -> TickReport:
        report = TickReport()
        report.forms = action_form.finish_left_behind(self.deps)
        report.replanned = self._replan_left_behind()
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
                    _tally(report, self.send(out))
                else:
                    pending.append(self.pool.submit(self.send, out))
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

    def _replan_left_behind(self) -> int:
        """A change saved with its replan left for after the ack, when the process died before it: replanned
        now, a person a transaction, before their messages are claimed. Someone replanning them already wins."""
        deps, replanned = self.deps, 0
        with deps.transaction() as session:
            person_ids = stale_plans.left_behind(session, deps.clock)
        for person_id in person_ids:
            try:
                with deps.transaction() as session:
                    replanned += stale_plans.replan(session, deps.clock, person_id, rules=deps.rules, skip_locked=True)
            except Exception:  # one person's bug must not stop the others, nor the messages; the next tick retries
                log.exception("replanning a stale plan failed", extra={"what": "replan"})
        return replanned

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
                out = self.prepare_one(nudge_id, token)
                if out == "failed":
                    report.failed += 1
                elif isinstance(out, dispatch.Outgoing):
                    outgoing.append(out)
                else:
                    report.skipped += 1
            return outgoing
        report.skipped += len(ids) - len(outgoing)
        return outgoing

    def _first_profiles(self, ids: list[int], token: str) -> None:
        """Before deciding a batch: ask Slack the time zone of people it never told us about, so their
        first message already comes at their own hour (the rows are re-planned when the zone differs)."""
        with self.deps.transaction() as session:
            unknown = dispatch.never_profiled(session, ids, token)
        for team_id, user_id in unknown:
            self.refresh_profile(team_id, user_id, token=token)

    def stop(self) -> None:
        """Claim nothing more; what is in flight is still sent and recorded."""
        self.stopping.set()

    def close(self) -> None:
        self.stop()
        self.pool.shutdown(wait=True)


def _tally(report: TickReport, outcome: str) -> None:
    if outcome == "sent":
        report.sent += 1
    elif outcome == "failed":
        report.failed += 1
    else:
        report.skipped += 1
