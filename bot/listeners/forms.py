"""Opening the action form: blank, from a starter, for editing, or pre-filled from a quick add with tips."""

from __future__ import annotations

import logging

from bot.deps import Deps
from bot.flows import notify
from bot.listeners.edge import Caller
from bot.messages.action_form import FormState, action_form
from bot.messages.actions import notice
from bot.messages.catalogue import Catalogue
from bot.slack import SlackError
from models import Action

log = logging.getLogger(__name__)


def state_from_action(action: Action, mode: str, origin: dict[str, str]) -> FormState:
    return FormState(
        mode=mode,
        action_id=action.id,
        title=action.title,
        contacts=", ".join(c.name for c in action.contacts if not c.slack_user_id),
        contact_user_ids=[c.slack_user_id for c in action.contacts if c.slack_user_id],
        kind=action.kind,
        due=action.due_date,
        opening_line=action.opening_line,
        voicemail_plan=action.voicemail_plan,
        repeat_weeks=action.repeat_weeks,
        notes=action.notes,
        origin=origin,
    )


def open_form(deps: Deps, trigger_id: str, cat: Catalogue, state: FormState, who: Caller | None = None) -> bool:
    """Open the form; False when Slack refused (an expired trigger, a rate limit). With `who`, the person is
    told it did not open, where they clicked or by direct message."""
    try:
        deps.gateway.open_view(trigger_id, action_form(cat, state))
        return True
    except SlackError as exc:
        log.warning("views.open failed: %s", exc.error)
        if who is not None:
            notify.tell(deps, who.team_id, who.user_id, state.origin, notice(cat.t("error.slack_busy")))
        return False
