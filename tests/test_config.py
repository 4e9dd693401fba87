"""Settings: every bad variable is named at once, with where to get it; the program exits 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[1]
GOOD = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


def test_defaults() -> None:
    settings = load_settings(GOOD)
    assert settings.database_url == "sqlite:///conscience.db"
    assert (settings.port, settings.default_language, settings.default_timezone) == (3000, "en", "Europe/Amsterdam")
    assert settings.slack_api_url == "https://slack.com/api/"
    assert not settings.socket_mode


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({"PORT": "eighty", "DEFAULT_LANGUAGE": "fr", "DEFAULT_TIMEZONE": "Mars/Olympus"})
    message = str(error.value)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "PORT", "DEFAULT_LANGUAGE", "DEFAULT_TIMEZONE"):
        assert name in message
    assert "api.slack.com/apps" in message


def test_app_token_switches_to_socket_mode_and_must_be_an_app_token() -> None:
    assert load_settings({**GOOD, "SLACK_APP_TOKEN": "xapp-1"}).socket_mode
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        load_settings({**GOOD, "SLACK_APP_TOKEN": "xoxb-wrong"})


def test_api_url_gets_its_trailing_slash_and_postgres_urls_their_driver() -> None:
    settings = load_settings({**GOOD, "SLACK_API_URL": "http://127.0.0.1:9/api", "DATABASE_URL": "postgres://u@h/d"})
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.database_url == "postgresql+psycopg://u@h/d"


def test_secrets_are_not_in_the_settings_repr() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-very-secret", "SLACK_SIGNING_SECRET": "hush"})
    assert "xoxb-very-secret" not in repr(settings)
    assert "hush" not in repr(settings)


def test_app_without_environment_exits_2_naming_the_missing_variables(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py")], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "SLACK_SIGNING_SECRET" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_planning_settings_are_bounded_numbers() -> None:
    settings = load_settings({**GOOD, "INSPIRE_SHARE": "0.65", "MAX_MESSAGES_PER_DAY": "3", "PREP_WORKING_DAYS": "1"})
    assert (settings.inspire_share, settings.max_messages_per_day, settings.prep_working_days) == (0.65, 3, 1)
    with pytest.raises(ConfigError) as error:
        load_settings({**GOOD, "INSPIRE_SHARE": "1.5", "MAX_MESSAGES_PER_DAY": "two", "PREP_WORKING_DAYS": "0"})
    for name in ("INSPIRE_SHARE", "MAX_MESSAGES_PER_DAY", "PREP_WORKING_DAYS"):
        assert name in str(error.value)
