"""Which tip fits an action: by its kind, by how it reaches the contact, and by what is still missing.

Pure choices of catalogue keys (`config/messages/<lang>/nudges.toml`); the nudge renderers word them.
- A call without a voicemail plan is asked for one; an action without an opening line, for that line.
- Voicemail and calling tips only for calls; email tips only for emails; nothing about writing the
  opening line once it is written.
- The kind's own tips (`nudge.prep.tip.<kind>`) fit every channel; aftercare's speak of a finished project.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.coaching import KINDS, channel
from models import Action


@dataclass(frozen=True)
class Facts:
    """What the choice depends on, read from an action."""

    kind: str  # one of coaching.KINDS
    channel: str | None  # one of coaching.CHANNELS, None when the title does not say
    has_opening_line: bool
    has_voicemail_plan: bool

    @classmethod
    def of(cls, action: Action) -> Facts:
        return cls(
            kind=action.kind if action.kind in KINDS else "other",
            channel=channel(action.title),
            has_opening_line=bool((action.opening_line or "").strip()),
            has_voicemail_plan=bool((action.voicemail_plan or "").strip()),
        )


@dataclass(frozen=True)
class Choice:
    key: str
    variant: int = 0


def missing(facts: Facts) -> list[str]:
    """What the preparation still lacks, as the keys of the lines that ask for it, most useful first."""
    asks = []
    if not facts.has_opening_line:
        asks.append("nudge.prep.no_preparation")
    if facts.channel == "call" and not facts.has_voicemail_plan:
        asks.append("nudge.prep.no_voicemail_plan")
    return asks


def prep_tip(facts: Facts, variant: int) -> Choice:
    """The short tip under a preparation: one of the kind's own, which fit every channel."""
    return Choice(f"nudge.prep.tip.{facts.kind}", variant)


def tip(facts: Facts, variant: int) -> Choice:
    """The tip of a tip message: first what is missing (the voicemail plan of a call, then the opening
    line), else in turn the channel's tips, the kind's and the ones that fit any action."""
    if facts.channel == "call" and not facts.has_voicemail_plan:
        return Choice("nudge.tip.missing.voicemail_plan")
    if not facts.has_opening_line:
        return Choice("nudge.tip.missing.opening_line")
    sources = [f"nudge.tip.channel.{facts.channel}"] if facts.channel else []
    sources += [f"nudge.prep.tip.{facts.kind}", "nudge.tip.body"]
    return Choice(sources[variant % len(sources)], variant // len(sources))
