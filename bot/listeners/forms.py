"""Opening the action form lives in `bot.flows.forms`; re-exported here while the nudge and proposal listeners
move to flows."""

from bot.flows.forms import open_form, state_from_action

__all__ = ["open_form", "state_from_action"]
