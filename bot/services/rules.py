"""The planning rules (from settings): `bot.deps.rules_from` makes them once; every service that plans takes them as
`rules`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanRules:
    inspire_share: float = 0.7  # reported (bot/services/mix.py), not steered to
    max_per_day: int = 2  # planned messages; with the one celebration a day can bring, at most 3
    max_per_week: int = 4  # every direct message counted; "fewer messages" and silence each halve it
    silence_after: int = 2  # unanswered questions in a row before the next messages thin out
    prep_days: int = 2
    followup_days: int = 2
    attention_days: int = 2
    unanswered_before_rhythm: int = 3
    window_days: int = 28
    max_open_actions: int = 50  # per person: more is not a plan, and replanning stays small
    default_timezone: str = "Europe/Amsterdam"
    default_language: str = "en"
