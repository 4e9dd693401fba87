"""Who is a workspace admin or owner, remembered for a few minutes, so team commands do not ask Slack each time.

Per process, like the language cache. Admin status changes rarely; a change made in Slack shows here within
TTL_SECONDS (a demoted admin keeps team rights that long, in the processes that remembered them).
"""

from __future__ import annotations

import threading
import time

TTL_SECONDS = 300.0
MAX_ENTRIES = 10_000


class AdminCache:
    def __init__(self, ttl: float = TTL_SECONDS):
        self._ttl = ttl
        self._entries: dict[tuple[str, str], tuple[bool, float]] = {}
        self._lock = threading.Lock()

    def get(self, team_id: str, user_id: str) -> bool | None:
        """True or False when known and fresh; None when Slack must be asked."""
        entry = self._entries.get((team_id, user_id))
        if entry is None or entry[1] < time.monotonic():
            return None
        return entry[0]

    def put(self, team_id: str, user_id: str, admin: bool) -> None:
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()  # rare; everyone is simply asked about once more
            self._entries[(team_id, user_id)] = (admin, time.monotonic() + self._ttl)
