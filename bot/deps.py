"""What listeners and the worker need, built once by `app.py` and handed to them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.services.clock import Clock, SystemClock
from bot.slack import SlackGateway
from config.settings import Settings
from models.db import make_engine, make_session_factory, transaction


@dataclass
class Deps:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    gateway: SlackGateway
    clock: Clock

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        with transaction(self.sessions) as session:
            yield session


def build_deps(settings: Settings, clock: Clock | None = None, engine: Engine | None = None) -> Deps:
    engine = engine or make_engine(settings.database_url)
    return Deps(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        gateway=SlackGateway(settings.slack_bot_token, settings.slack_api_url),
        clock=clock or SystemClock(),
    )
