"""Fixtures: a database per run (SQLite by default, PostgreSQL with TEST_DATABASE_URL), a clean slate per
test, the fake Slack API, a movable clock, and the real app served over HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, inspect, text

from bot.deps import Deps, build_deps
from bot.services.clock import FixedClock
from config.settings import Settings, database_url
from models import Base
from models.db import make_engine
from models.migrate import upgrade_to_head
from tests.fake_slack import FakeSlack
from tests.harness import RunningApp

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Thursday morning in Amsterdam: the "now" of every test unless it moves the clock.
TEST_NOW = datetime(2026, 11, 26, 10, 0, tzinfo=AMSTERDAM)
SIGNING_SECRET = "test-signing-secret"


def _test_database_url(tmp_dir: str) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return database_url({"DATABASE_URL": url})
    return f"sqlite:///{tmp_dir}/test.db"


def _drop_everything(engine: Engine) -> None:
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        if "alembic_version" in inspect(connection).get_table_names():
            connection.execute(text("DROP TABLE alembic_version"))


@pytest.fixture(scope="session")
def database_url_for_tests(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _test_database_url(str(tmp_path_factory.mktemp("db")))


@pytest.fixture(scope="session")
def engine(database_url_for_tests: str) -> Iterator[Engine]:
    engine = make_engine(database_url_for_tests)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # never skip: a configured database that is down is a failure
        pytest.exit(f"TEST_DATABASE_URL is set but the database does not answer: {exc}", returncode=3)
    _drop_everything(engine)
    upgrade_to_head(database_url_for_tests)
    yield engine
    engine.dispose()


def _clean(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def db(engine: Engine) -> Engine:
    _clean(engine)
    return engine


@pytest.fixture(scope="session")
def fake_slack_server() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def fake_slack(fake_slack_server: FakeSlack, clock: FixedClock) -> Iterator[FakeSlack]:
    """The strict fake, on the test's clock; whatever it refused that the test did not expect fails the test."""
    fake_slack_server.reset(clock=lambda: clock.now().timestamp())
    yield fake_slack_server
    refused = fake_slack_server.unexpected_refusals()
    assert not refused, "Slack would refuse: " + " | ".join(str(r) for r in refused)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TEST_NOW)


@pytest.fixture
def settings(fake_slack: FakeSlack, database_url_for_tests: str) -> Settings:
    return Settings(
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.url,
        database_url=database_url_for_tests,
    )


@pytest.fixture
def deps(settings: Settings, db: Engine, clock: FixedClock) -> Deps:
    return build_deps(settings, clock=clock, engine=db)


@pytest.fixture
def running(deps: Deps, fake_slack: FakeSlack) -> Iterator[RunningApp]:
    app = RunningApp(deps, fake_slack)
    yield app
    app.stop()


@pytest.fixture
def slack(running: RunningApp):  # type: ignore[no-untyped-def]
    return running.slack
