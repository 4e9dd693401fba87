"""When a failed send is tried again: one rule for everything the worker sends (nudges and digests).

A temporary failure (Slack down, a time-out, an answer we did not expect) is tried again after 2, 4, 8
minutes, MAX_ATTEMPTS tries in all; then the row is given up with its reason. A rate limit is not an
attempt (the row waits for Retry-After). Which errors stop a person or a whole workspace is Slack's
classification (bot/slack.py: SlackError.permanent, .workspace_wide, .rate_limited), the same for both.
"""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_ATTEMPTS = 4


def backoff(attempts: int) -> timedelta:
    """How long to wait after the attempts-th failed try."""
    return timedelta(minutes=2**attempts)


def next_try(now: datetime, attempts: int) -> datetime | None:
    """When to try again after attempts failed tries, or None: the budget is spent, give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + backoff(attempts)
