"""One typed settings object, read from the environment and an optional `.env` file.

Every problem is collected before failing, so a newcomer fixes their `.env` in one go
instead of meeting the errors one at a time.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

from config.languages import LANGUAGES

SLACK_API_DEFAULT = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///conscience.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")


class ConfigError(Exception):
    """Raised with every bad variable at once; `str()` is the message for the person."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = ["Conscience cannot start, the configuration needs attention:"]
        lines += [f"  - {p}" for p in problems]
        lines.append("Put the values in a .env file next to app.py (see .env.example) or in the environment.")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Settings:
    # Secrets stay out of repr(), so a logged or printed Settings never leaks them.
    slack_bot_token: str = field(repr=False)
    slack_signing_secret: str = field(repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str = SLACK_API_DEFAULT
    database_url: str = DEFAULT_DATABASE_URL
    port: int = 3000
    default_language: str = "en"
    default_timezone: str = "Europe/Amsterdam"
    log_level: str = "INFO"
    log_format: str = "text"
    inspire_share: float = 0.7
    max_messages_per_day: int = 2
    prep_working_days: int = 2
    max_open_actions: int = 50

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _number(
    environ: Mapping[str, str],
    name: str,
    default: float,
    kind: type,
    low: float,
    high: float,
    described: str,
    problems: list[str],
) -> float:
    """A bounded number from the environment; a bad one is added to problems and the default returned."""
    text = _env(environ, name)
    if text is None:
        return default
    try:
        value = kind(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        problems.append(f"{name} must be {described}, got {text!r}")
        return default
    return value


def database_url(environ: Mapping[str, str] | None = None) -> str:
    """The database URL alone: migrations need it without any Slack credentials."""
    if environ is None:
        load_dotenv(override=False)
        environ = os.environ
    url = _env(environ, "DATABASE_URL") or DEFAULT_DATABASE_URL
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every variable; raise ConfigError naming all bad ones."""
    if environ is None:
        load_dotenv(override=False)
        environ = os.environ
    problems: list[str] = []

    bot_token = _env(environ, "SLACK_BOT_TOKEN")
    if not bot_token:
        problems.append(
            "SLACK_BOT_TOKEN is missing: the Bot User OAuth Token (xoxb-...) from your Slack app's "
            "'OAuth & Permissions' page at https://api.slack.com/apps"
        )
    elif not bot_token.startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN must be a bot token starting with 'xoxb-' ('OAuth & Permissions' page)")

    signing_secret = _env(environ, "SLACK_SIGNING_SECRET")
    if not signing_secret:
        problems.append(
            "SLACK_SIGNING_SECRET is missing: the Signing Secret on your Slack app's 'Basic Information' page"
        )

    app_token = _env(environ, "SLACK_APP_TOKEN")
    if app_token and not app_token.startswith("xapp-"):
        problems.append(
            "SLACK_APP_TOKEN must be an app-level token starting with 'xapp-' ('Basic Information' > "
            "'App-Level Tokens', scope connections:write); leave it empty for HTTP mode"
        )

    api_url = _env(environ, "SLACK_API_URL") or SLACK_API_DEFAULT
    if not api_url.startswith(("http://", "https://")):
        problems.append(f"SLACK_API_URL must be an http(s) URL, got {api_url!r}")
    if not api_url.endswith("/"):
        api_url += "/"

    port_text = _env(environ, "PORT") or "3000"
    port = 0
    try:
        port = int(port_text)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        problems.append(f"PORT must be a TCP port number (1-65535), got {port_text!r}")

    language = (_env(environ, "DEFAULT_LANGUAGE") or "en").lower()
    if language not in LANGUAGES:
        problems.append(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}, got {language!r}")

    timezone = _env(environ, "DEFAULT_TIMEZONE") or "Europe/Amsterdam"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"DEFAULT_TIMEZONE must be an IANA time zone such as Europe/Amsterdam, got {timezone!r}")

    log_level = (_env(environ, "LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {log_level!r}")

    log_format = (_env(environ, "LOG_FORMAT") or "text").lower()
    if log_format not in LOG_FORMATS:
        problems.append(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, got {log_format!r}")

    share = _number(environ, "INSPIRE_SHARE", 0.7, float, 0.5, 0.9, "a number between 0.5 and 0.9", problems)
    max_per_day = int(_number(environ, "MAX_MESSAGES_PER_DAY", 2, int, 1, 10, "a whole number from 1 to 10", problems))
    prep_days = int(_number(environ, "PREP_WORKING_DAYS", 2, int, 1, 10, "a whole number from 1 to 10", problems))
    max_open = int(_number(environ, "MAX_OPEN_ACTIONS", 50, int, 1, 500, "a whole number from 1 to 500", problems))

    if problems:
        raise ConfigError(problems)
    return Settings(
        slack_bot_token=bot_token or "",
        slack_signing_secret=signing_secret or "",
        slack_app_token=app_token,
        slack_api_url=api_url,
        database_url=database_url(environ),
        port=port,
        default_language=language,
        default_timezone=timezone,
        log_level=log_level,
        log_format=log_format,
        inspire_share=share,
        max_messages_per_day=max_per_day,
        prep_working_days=prep_days,
        max_open_actions=max_open,
    )
