"""Opening the action form (blank, from a starter, for editing, or pre-filled from a quick add with tips),
and the clicks inside it that redraw it: a new kind brings its suggestions, a starter fills the form."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from bot.deps import Deps
from bot.flows import notify
from bot.flows.context import Caller, turn
from bot.messages.action_form import FormState, action_form, starter_state, suggestion
from bot.messages.actions import notice
from bot.messages.catalogue import Catalogue
from bot.services import actions, personal_settings
from bot.slack import SlackError
from models import Action

log = logging.getLogger(__name__)


def state_from_action(action: Action, mode: str, origin: dict[str, str]) -> FormState:
    data = actions.content_of(action)
    return FormState(
        mode=mode,
        action_id=action.id,
        title=data.title,
        contacts=", ".join(data.contacts),
        contact_user_ids=data.contact_user_ids,
        kind=data.kind,
        due=data.due,
        opening_line=data.opening_line,
        voicemail_plan=data.voicemail_plan,
        repeat_weeks=data.repeat_weeks,
        notes=data.notes,
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


def open_blank(deps: Deps, who: Caller, trigger_id: str, origin: dict[str, str]) -> None:
    """The Add button: an empty form."""
    with turn(deps, who) as t:
        cat = t.cat
    open_form(deps, trigger_id, cat, FormState(origin=origin), who)


def open_starter(deps: Deps, who: Caller, trigger_id: str, kind: str, origin: dict[str, str]) -> None:
    """A starter on the Home tab: the form, filled for that kind of action."""
    with turn(deps, who) as t:
        cat, today = t.cat, t.today
        formality = personal_settings.formality_of(t.session, t.person)
    open_form(deps, trigger_id, cat, _started(cat, kind, today, origin, formality), who)


def change_kind(deps: Deps, who: Caller, view_id: str, state: FormState, previous: str) -> None:
    """A new kind in the open form: its suggestions replace the ones the person left untouched; what they
    wrote themselves stays."""
    with turn(deps, who) as t:
        cat, formality = t.cat, personal_settings.formality_of(t.session, t.person)
    if not state.opening_line or state.opening_line == suggestion(cat, "opening", previous, formality):
        state.opening_line = suggestion(cat, "opening", state.kind, formality)
    if not state.voicemail_plan or state.voicemail_plan == suggestion(cat, "voicemail", previous):
        state.voicemail_plan = suggestion(cat, "voicemail", state.kind)
    _redraw(deps, view_id, action_form(cat, state))


def fill_starter(deps: Deps, who: Caller, view_id: str, kind: str, origin: dict[str, str]) -> None:
    """A starter clicked inside the open form: the form, filled for that kind, answering where it came from."""
    with turn(deps, who) as t:
        cat, today = t.cat, t.today
        formality = personal_settings.formality_of(t.session, t.person)
    _redraw(deps, view_id, action_form(cat, _started(cat, kind, today, origin, formality)))


def _started(cat: Catalogue, kind: str, today: date, origin: dict[str, str], formality: str) -> FormState:
    state = starter_state(cat, kind, today, formality)
    state.origin = origin
    return state


def _redraw(deps: Deps, view_id: str, view: dict[str, Any]) -> None:
    try:
        deps.gateway.update_view(view_id, view)
    except SlackError:
        pass  # the form stays as it was; the person can still fill it in
