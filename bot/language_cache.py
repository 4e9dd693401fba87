"""Who speaks which language, remembered for a minute, so `/conscience help` can answer without the database.

Per process: a language changed through another process shows here within TTL_SECONDS.
"""

from __future__ import annotations

import threading
import time

TTL_SECONDS = 60.0
MAX_ENTRIES = 50_000


class LanguageCache:
    def __init__(self, ttl: float = TTL_SECONDS):
        self._ttl = ttl
        self._entries: dict[tuple[str, str], tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, team_id: str, user_id: str) -> str | None:
        entry = self._entries.get((team_id, user_id))
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def put(self, team_id: str, user_id: str, language: str) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()  # rare; everyone is simply looked up once more
            self._entries[(team_id, user_id)] = (language, time.monotonic() + self._ttl)

    def forget(self, team_id: str, user_id: str) -> None:
        with self._lock:
            self._entries.pop((team_id, user_id), None)
