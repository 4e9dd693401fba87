"""Boot: settings, logging, (optionally) migrations, then the dependencies every process shares.

`app.py` (web and all-in-one) and `python -m bot.worker` both start here, so neither imports the other.
"""

from __future__ import annotations

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
