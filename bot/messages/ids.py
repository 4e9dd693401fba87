"""The action ids and callback ids of everything the bot renders, used by the messages that carry them and
by the listeners that answer them; tests/test_ids.py holds that each one is both rendered and listened to.

Slack refuses a block in which two elements have the same action_id (`invalid_blocks`), so each button of
a group gets its own id, `<group>:<answer>`, and the group's listener matches them all by pattern. The bare
group id stays matched too: messages already in people's DMs carry it, and their value says the answer.

The ids are in messages already sent and in modals still open: changing one strands them.
Inputs of a modal are read by block id and `value` (not listened to), and are not here.
"""

from __future__ import annotations

import re

# -- groups: `<group>:<key>`, one listener each (by pattern)
NUDGE_ANSWER = "nudge_answer"
HOME_STARTER = "home_starter"
FORM_STARTER = "form_starter"

# -- nudges (direct messages)
NUDGE_DATE = "nudge_date"
NUDGE_CHANGE = "nudge_change"
NUDGE_CONTACT = "nudge_contact"
NUDGE_EDIT = "nudge_edit"
NUDGE_NEXT_STEP = "nudge_next_step"

# -- action cards (/actions, the Home, a quick add)
ACTION_ADD = "action_add"
ACTION_DONE = "action_done"
ACTION_RESCHEDULE = "action_reschedule"
ACTION_EDIT = "action_edit"
ACTION_DROP = "action_drop"
CONTACT_STATUS = "contact_status"
QUICK_UNDO = "quick_undo"

# -- proposals (an action a manager proposes to someone)
PROPOSAL_ACCEPT = "proposal_accept"
PROPOSAL_ADJUST = "proposal_adjust"
PROPOSAL_DECLINE = "proposal_decline"

# -- the action form
FORM_KIND = "form_kind"

# -- teams, digests, reviews
INVITE_ACCEPT = "team_invite_accept"
INVITE_DECLINE = "team_invite_decline"
DIGEST_PICK = "digest_pick"
DIGEST_POST = "digest_post"
REVIEW_OPEN = "review_open"
REVIEW_PROPOSE = "review_propose"
REVIEW_AGREE = "review_agree"

# -- modals (callback ids)
FORM_CALLBACK = "action_form"
OUTCOME_CALLBACK = "action_outcome"
DECLINE_CALLBACK = "proposal_decline"
BOOKED_CALLBACK = "contact_booked"
TEAM_SETTINGS_CALLBACK = "team_settings"
REVIEW_AGREE_CALLBACK = "review_agree_form"  # the action form, agreed together in the review
REVIEW_CALLBACK = "review"  # a modal to read, without a submit button: nothing to listen to


def member(group: str, key: str) -> str:
    """The action id of one button of a group."""
    return f"{group}:{key}"


def pattern(group: str) -> re.Pattern[str]:
    """Matches a group's bare id and every `<group>:<key>`."""
    return re.compile(rf"^{re.escape(group)}(:[\w-]+)?$")
