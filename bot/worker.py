"""`python -m bot.worker`: the scheduler process. APScheduler only ticks; what is due lives in rows.

`--once` runs one tick and exits (cron-style hosting, tests); `--dry-run` prints what a tick would
send, to whom and when, and sends nothing.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.boot import boot
from bot.delivery import Delivery, TickReport
from bot.deps import Deps
from bot.nudge_sender import payload_of
from bot.services import dispatch
from bot.services.calendar import work_week_of
from bot.services.kinds import KINDS
from models import Nudge, Person

log = logging.getLogger("conscience.worker")
TICK_SECONDS = 30


def tick(deps: Deps, delivery: Delivery) -> TickReport:
    """One pass over what is due. Safe to run in several processes at once."""
    started = time.perf_counter()
    report = delivery.tick()
    log.info(
        "tick",
        extra={
            "what": "tick",
            "claimed": report.claimed,
            "sent": report.sent,
            "failed": report.failed,
            "digests_posted": report.digests.posted,
            "digests_updated": report.digests.updated,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return report


def dry_run(deps: Deps, limit: int = 200) -> list[str]:
    """What a tick would do now: the real claim and decision, rendered, then rolled back. So the preview
    drops, merges and moves exactly as a tick would (after downtime it is not the whole backlog)."""
    lines: list[str] = []
    token = "dry-run"
    with deps.transaction() as session:  # rolled back below: nothing is claimed, moved or cancelled
        ids = dispatch.claim(session, deps.clock, token=token, limit=limit)
        outgoing = {
            out.nudge_id: out for out in dispatch.prepare_batch(session, deps.clock, ids, token, rules=deps.rules)
        }
        for nudge_id in ids:
            row = session.get(Nudge, nudge_id)
            person = session.get(Person, row.person_id) if row else None
            if row is None or person is None:
                continue
            zone = work_week_of(person, deps.settings.default_timezone).zone
            out = outgoing.get(nudge_id)
            if out is not None:
                now = deps.clock.now().astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
                text = payload_of(out)["text"]
                lines.append(f"{now}  {out.user_id}  {out.kind} ({row.tone})  {text}")
            elif row.status == "planned":
                later = row.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
                lines.append(f"{later}  {person.slack_user_id}  {row.kind}: moved to this later slot")
            elif not KINDS[row.kind].sends:
                lines.append(f"now  {person.slack_user_id}  {row.kind}: recorded, nothing is sent")
            else:
                lines.append(f"-  {person.slack_user_id}  {row.kind}: not sent ({row.error})")
        session.rollback()
    return lines


def _safe_tick(deps: Deps, delivery: Delivery) -> None:
    try:
        tick(deps, delivery)
    except Exception:  # a bad tick must not stop the scheduler; the next one tries again
        log.exception("tick failed", extra={"what": "tick", "outcome": "failed"})


def _add_tick(scheduler: BackgroundScheduler, deps: Deps, delivery: Delivery) -> None:
    # The first tick runs at start: after a restart or deploy, what is due goes out without waiting.
    scheduler.add_job(
        _safe_tick,
        "interval",
        seconds=TICK_SECONDS,
        args=[deps, delivery],
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(UTC),
    )


def start_background(deps: Deps) -> BackgroundScheduler:
    """For `python app.py`: the same job, in a thread beside the web server."""
    delivery = Delivery(deps)
    scheduler = BackgroundScheduler(timezone="UTC")
    _add_tick(scheduler, deps, delivery)
    scheduler.start()
    return scheduler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.worker", description="Conscience's scheduler process.")
    parser.add_argument("--once", action="store_true", help="run one tick and exit")
    parser.add_argument("--dry-run", action="store_true", help="print what would be sent now; send nothing")
    args = parser.parse_args(argv)

    deps = boot(migrate=False)
    if args.dry_run:
        lines = dry_run(deps)
        print("\n".join(lines) if lines else "Nothing is due.")
        return 0
    delivery = Delivery(deps)
    if args.once:
        tick(deps, delivery)
        delivery.close()
        return 0
    # The main thread only waits; a signal handler sets a flag and nothing else (no locks in handlers).
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())  # platforms send SIGTERM before a restart
    scheduler = BackgroundScheduler(timezone="UTC")
    _add_tick(scheduler, deps, delivery)
    scheduler.start()
    log.info("worker started, ticking every %s s", TICK_SECONDS)
    try:
        while not stopping.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    # Finish the messages in flight, so none is sent twice by the next worker.
    log.info("stopping: finishing the messages in flight")
    delivery.stop()
    scheduler.shutdown(wait=True)
    delivery.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
