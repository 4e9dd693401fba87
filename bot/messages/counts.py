"""Counts as a native writes them: the number with its words in the right form ("1 needs attention",
"2 need attention"), from `[count]` in the catalogues, never a label like "needing attention: 1"."""

from __future__ import annotations

from bot.messages.catalogue import Catalogue


def counted(cat: Catalogue, **counts: int) -> dict[str, str]:
    """Each count in words, by name: counted(cat, open=2, attention=1) -> {"open": "2 open", ...}."""
    return {name: cat.t(f"count.{name}", count=number) for name, number in counts.items()}
