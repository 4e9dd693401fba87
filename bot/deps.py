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
from bot.services import rules as plan_rules
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
    languages: LanguageCache = field(default_factory=LanguageCache)
    admins: AdminCache = field(default_factory=AdminCache)
    deliveries: EventDeliveries = field(default_factory=EventDeliveries)
    # Sends a planned message at once (a celebration right after Done). The worker's ticks send through their
    # own Delivery, with a thread pool.
    sender: NudgeSender = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.sender = NudgeSender(self.transaction, self.clock, self.gateway, self.rules)

    @property
    def rules(self) -> plan_rules.PlanRules:
        s = self.settings
        return plan_rules.PlanRules(
            inspire_share=s.inspire_share,
            max_per_day=s.max_messages_per_day,
            prep_days=s.prep_working_days,
            max_open_actions=s.max_open_actions,
            default_timezone=s.default_timezone,
            default_language=s.default_language,
        )

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
