"""Events API deliveries this process has taken in, remembered for a while, so a repeated delivery is dropped.

Slack delivers an event again, with the same event_id and an `X-Slack-Retry-Num` header, when it saw no
2xx within three seconds (up to three times, the last about five minutes later). Per process, like the
admin cache: a repeat that reaches another process is handled again, which the event listeners allow
(handling an event twice changes nothing more than handling it once; it only costs a second call to Slack).
"""

from __future__ import annotations

import threading
import time

TTL_SECONDS = 900.0  # past Slack's last retry
MAX_ENTRIES = 50_000


class EventDeliveries:
    def __init__(self, ttl: float = TTL_SECONDS):
        self._ttl = ttl
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first(self, event_id: str) -> bool:
        """True the first time an event id comes in (and remembers it); False for a repeat within the TTL."""
        now = time.monotonic()
        with self._lock:
            until = self._seen.get(event_id)
            if until is not None and until >= now:
                return False
            if len(self._seen) >= MAX_ENTRIES:
                self._seen = {k: v for k, v in self._seen.items() if v >= now}
                if len(self._seen) >= MAX_ENTRIES:
                    self._seen.clear()  # rare; a repeat may then be handled once more, which is harmless
            self._seen[event_id] = now + self._ttl
            return True

    def forget(self, event_id: str) -> None:
        """The delivery was not taken in after all: its repeat is welcome."""
        with self._lock:
            self._seen.pop(event_id, None)
