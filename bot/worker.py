"""`python -m bot.worker`: the scheduler process. APScheduler only ticks; what is due lives in rows.

`--once` runs one tick and exits (cron-style hosting, tests); `--dry-run` prints what a tick would
send and sends nothing.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from dataclasses import dataclass, field

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from bot.deps import Deps

log = logging.getLogger("conscience.worker")
TICK_SECONDS = 30


@dataclass
class TickReport:
    sent: int = 0
    failed: int = 0
    planned: list[str] = field(default_factory=list)


def tick(deps: Deps, *, dry_run: bool = False) -> TickReport:
    """One pass over what is due. Safe to run in several processes at once."""
    started = time.perf_counter()
    report = TickReport()
    log.info(
        "tick",
        extra={
            "what": "tick",
            "sent": report.sent,
            "failed": report.failed,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return report


def _safe_tick(deps: Deps) -> None:
    try:
        tick(deps)
    except Exception:  # a bad tick must not stop the scheduler; the next one tries again
        log.exception("tick failed", extra={"what": "tick", "outcome": "failed"})


def start_background(deps: Deps) -> BackgroundScheduler:
    """For `python app.py`: the same job, in a thread beside the web server."""
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(_safe_tick, "interval", seconds=TICK_SECONDS, args=[deps], max_instances=1, coalesce=True)
    scheduler.start()
    return scheduler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.worker", description="Conscience's scheduler process.")
    parser.add_argument("--once", action="store_true", help="run one tick and exit")
    parser.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    args = parser.parse_args(argv)

    from app import boot

    deps = boot(migrate=False)
    if args.once or args.dry_run:
        report = tick(deps, dry_run=args.dry_run)
        for line in report.planned:
            print(line)
        return 0
    scheduler = BlockingScheduler(timezone="UTC")
    scheduler.add_job(_safe_tick, "interval", seconds=TICK_SECONDS, args=[deps], max_instances=1, coalesce=True)
    log.info("worker started, ticking every %s s", TICK_SECONDS)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
