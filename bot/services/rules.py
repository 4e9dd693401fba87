"""The planning rules (from settings), carried by the session so every service that replans can read them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

SESSION_KEY = "conscience.rules"


@dataclass(frozen=True)
class PlanRules:
    inspire_share: float = 0.7
    max_per_day: int = 2
    prep_days: int = 2
    followup_days: int = 2
    attention_days: int = 2
    unanswered_before_rhythm: int = 3
    window_days: int = 28
    max_open_actions: int = 50  # per person: more is not a plan, and replanning stays small
    default_timezone: str = "Europe/Amsterdam"
    default_language: str = "en"


def rules_of(session: Session) -> PlanRules:
    return session.info.get(SESSION_KEY) or PlanRules()


def attach(session: Session, rules: PlanRules) -> Session:
    session.info[SESSION_KEY] = rules
    return session
