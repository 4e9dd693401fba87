"""Boot: settings, logging, (optionally) migrations, then the dependencies every process shares.

`app.py` (web and all-in-one) and `python -m bot.worker` both start here, so neither imports the other.
"""

from __future__ import annotations

import gc
import sys

from bot import logging_setup
from bot.deps import Deps, build_deps
from config.settings import ConfigError, Settings, load_settings
from models.migrate import upgrade_to_head


def load_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None


def boot(*, migrate: bool) -> Deps:
    settings = load_or_exit()
    logging_setup.configure(settings.log_level, settings.log_format)
    if migrate:
        upgrade_to_head(settings.database_url)
    return build_deps(settings)


def settle_garbage_collection() -> None:
    """For a long-lived server: what start-up loaded (modules, the Bolt app, settings) lives as long as the
    process, so it is moved out of the collector's reach (a full collection then walks only what requests
    made), and collections come less often. Before this, one full collection took about 80 ms, stalling
    whichever ack was under way (bench/ack.py)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)  # Python's default, 700 allocations, is tuned for small scripts
