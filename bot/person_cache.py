"""A value per person (workspace and user id), remembered for a while in this process.

Thread-safe for the web server's threads. Full, it starts over: rare, and everyone is simply looked up once more.
"""

from __future__ import annotations

import threading
import time
from typing import Generic, TypeVar

V = TypeVar("V")


class PersonCache(Generic[V]):
    def __init__(self, ttl: float, max_entries: int):
        self._ttl = ttl
        self._max_entries = max_entries
        self._entries: dict[tuple[str, str], tuple[V, float]] = {}
        self._lock = threading.Lock()

    def get(self, team_id: str, user_id: str) -> V | None:
        """The value when known and fresh; None when it must be looked up."""
        entry = self._entries.get((team_id, user_id))
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def put(self, team_id: str, user_id: str, value: V) -> None:
        with self._lock:
            if len(self._entries) >= self._max_entries:
                self._entries.clear()
            self._entries[(team_id, user_id)] = (value, time.monotonic() + self._ttl)

    def forget(self, team_id: str, user_id: str) -> None:
        with self._lock:
            self._entries.pop((team_id, user_id), None)
