"""Who is a workspace admin or owner, remembered for a few minutes, so team commands do not ask Slack each time.

Per process, like the language cache. Admin status changes rarely; a change made in Slack shows here within
TTL_SECONDS (a demoted admin keeps team rights that long, in the processes that remembered them).
"""

from __future__ import annotations

from bot.person_cache import PersonCache

TTL_SECONDS = 300.0
MAX_ENTRIES = 10_000


class AdminCache(PersonCache[bool]):
    def __init__(self, ttl: float = TTL_SECONDS):
        super().__init__(ttl, MAX_ENTRIES)
