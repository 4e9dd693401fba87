"""Who speaks which language, remembered for a minute, so `/conscience help` can answer without the database.

Per process: a language changed through another process shows here within TTL_SECONDS.
"""

from __future__ import annotations

from bot.person_cache import PersonCache

TTL_SECONDS = 60.0
MAX_ENTRIES = 50_000


class LanguageCache(PersonCache[str]):
    def __init__(self, ttl: float = TTL_SECONDS):
        super().__init__(ttl, MAX_ENTRIES)
