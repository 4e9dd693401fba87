"""What listeners and the worker need, built once by `app.py` and handed to them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.admin_cache import AdminCache
from bot.event_deliveries import EventDeliveries
from bot.language_cache import LanguageCache
from bot.nudge_sender import NudgeSender
from bot.services.clock import Clock, SystemClock
from bot.services.rules import PlanRules
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
    languages: LanguageCache = field(default_factory=LanguageCache)
    admins: AdminCache = field(default_factory=AdminCache)
    deliveries: EventDeliveries = field(default_factory=EventDeliveries)
    # Made once from the settings: what every service that plans takes as `rules`.
    rules: PlanRules = field(init=False, repr=False, compare=False)
    # Sends a planned message at once (a celebration right after Done). The worker's ticks send through their
    # own Delivery, with a thread pool.
    sender: NudgeSender = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.rules = rules_from(self.settings)
        self.sender = NudgeSender(self.transaction, self.clock, self.gateway, self.rules)

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


def rules_from(settings: Settings) -> PlanRules:
    """The planning rules the settings set; the others keep their defaults."""
    return PlanRules(
        inspire_share=settings.inspire_share,
        max_per_day=settings.max_messages_per_day,
        prep_days=settings.prep_working_days,
        max_open_actions=settings.max_open_actions,
        default_timezone=settings.default_timezone,
        default_language=settings.default_language,
    )
