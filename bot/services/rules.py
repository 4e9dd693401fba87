"""The planning rules (from settings): `deps.rules` builds them; every service that plans takes them as `rules`."""

from __future__ import annotations

from dataclasses import dataclass


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
