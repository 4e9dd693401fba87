"""Action ids that several buttons share a listener for.

Slack refuses a block in which two elements have the same action_id (`invalid_blocks`), so each button of
a group gets its own id, `<group>:<answer>`, and the group's listener matches them all by pattern. The bare
group id stays matched too: messages already in people's DMs carry it, and their value says the answer.
"""

from __future__ import annotations

import re

NUDGE_ANSWER = "nudge_answer"
HOME_STARTER = "home_starter"
FORM_STARTER = "form_starter"


def member(group: str, key: str) -> str:
    """The action id of one button of a group."""
    return f"{group}:{key}"


def pattern(group: str) -> re.Pattern[str]:
    """Matches a group's bare id and every `<group>:<key>`."""
    return re.compile(rf"^{re.escape(group)}(:[\w-]+)?$")
