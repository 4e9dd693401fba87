"""`/action`: no text opens the form; text is a quick add, saved at once when concrete, else coached in the
form. `/action @member <text>` is a manager's proposal: the member hears first, then the manager."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.deps import Deps
from bot.flows import home, notify
from bot.flows.context import Caller, Turn, turn
from bot.flows.forms import open_form
from bot.flows.proposals import send_proposal
from bot.messages import actions as action_messages
from bot.messages import coaching as coach_texts
from bot.messages.action_form import FormState
from bot.messages.catalogue import Catalogue, escape
from bot.services import actions, coaching, people, quick_add, teams
from models import Action, Person


def refusal(deps: Deps, who: Caller, code: str) -> dict[str, Any]:
    """An error notice in the caller's language, for the ack itself (e.g. a text too long to be one action)."""
    with turn(deps, who) as t:
        return action_messages.notice(t.cat.t(f"error.{code}"))


def command(deps: Deps, who: Caller, text: str, trigger_id: str, origin: dict[str, str]) -> None:
    with turn(deps, who) as t:
        cat = t.cat
        parsed = quick_add.parse(text, t.today, cat.language) if text else None
    if parsed is None:
        _open(deps, who, trigger_id, cat, FormState(origin=origin), origin)
        return
    quick(deps, who, parsed, trigger_id, origin)


@dataclass
class Quick:
    """What a quick add came to: one of a refusal, a form to finish (with tips), a reply, or a proposal."""

    cat: Catalogue
    refusal: str | None = None
    form: FormState | None = None
    reply: dict[str, Any] | None = None
    proposal_id: int | None = None  # a new proposal (None when the same command came twice)


def quick(deps: Deps, who: Caller, parsed: quick_add.QuickAdd, trigger_id: str, origin: dict[str, str]) -> None:
    with turn(deps, who) as t:
        result = _quick(t, parsed, trigger_id, origin)
    response_url = origin.get("response_url")
    if result.refusal is not None:
        notify.respond(deps, who.team_id, response_url, action_messages.notice(result.refusal))
    elif result.form is not None:
        _open(deps, who, trigger_id, result.cat, result.form, origin)
    elif result.reply is None:  # a proposal: the member's DM first, then the manager hears what really happened
        if result.proposal_id is not None:
            send_proposal(deps, who, result.proposal_id, origin)
    else:
        notify.respond(deps, who.team_id, response_url, result.reply)
        home.publish(deps, who.team_id, who.user_id)


def _quick(t: Turn, parsed: quick_add.QuickAdd, trigger_id: str, origin: dict[str, str]) -> Quick:
    owner = _owner(t, parsed)
    if isinstance(owner, str):
        return Quick(t.cat, refusal=owner)
    mentioned = [f"<@{u}>" for u in parsed.contact_user_ids]
    draft = coaching.Draft(title=parsed.title, contacts=parsed.contacts + mentioned, due=parsed.due, kind=parsed.kind)
    advice = coaching.coach(draft, t.today)
    if not advice.concrete or not parsed.title:
        return Quick(t.cat, form=_coached(t, parsed, advice, origin))
    return _save(t, parsed, owner, trigger_id)


def _save(t: Turn, parsed: quick_add.QuickAdd, owner: Person, trigger_id: str) -> Quick:
    """Concrete: saved at once (a repeated command has one effect: the trigger id is the source key)."""
    data = actions.ActionInput(
        title=parsed.title,
        due=parsed.due or t.today,
        kind=parsed.kind,
        contacts=parsed.contacts,
        contact_user_ids=parsed.contact_user_ids,
    )
    try:
        action, created = create(t, owner, data, source_key=f"command:{trigger_id}")
    except actions.ActionError as error:
        return Quick(t.cat, refusal=t.cat.t(f"error.{error.code}"))
    if owner.id != t.person.id:
        return Quick(t.cat, proposal_id=action.id if created else None)
    return Quick(t.cat, reply=action_messages.quick_saved(t.cat, action, t.today))


def create(
    t: Turn, owner: Person, data: actions.ActionInput, *, source_key: str, defer_replan: bool = False
) -> tuple[Action, bool]:
    """The caller adds an action, their own or (a proposal) a member's, once per source key (the command's
    trigger, the form's view): a second submission returns the first action, not created. defer_replan: the
    plan is marked stale, for the caller to replan after the ack."""
    return actions.create(
        t.session,
        t.deps.clock,
        owner=owner,
        actor=t.person,
        data=data,
        today=t.today,
        source_key=source_key,
        rules=t.deps.rules,
        defer_replan=defer_replan,
    )


def _owner(t: Turn, parsed: quick_add.QuickAdd) -> Person | str:
    """Whose action it is: the caller's own, or a member's they manage (a proposal). A str: why not."""
    if not parsed.for_user_id:
        return t.person
    if parsed.for_user_id == t.who.user_id:
        return t.cat.t("error.self_proposal")
    owner, _ = people.ensure_person(t.session, t.deps.clock, t.who.team_id, parsed.for_user_id)
    if not teams.is_manager_of(t.session, t.person, owner):
        return t.cat.t("error.not_manager", member=f"<@{parsed.for_user_id}>")
    return owner


def _coached(t: Turn, parsed: quick_add.QuickAdd, advice: coaching.Coaching, origin: dict[str, str]) -> FormState:
    """Not concrete yet: the form, filled with what was typed and the coaching tips."""
    return FormState(
        title=parsed.title,
        contacts=", ".join(parsed.contacts),
        contact_user_ids=parsed.contact_user_ids,
        kind=parsed.kind,
        due=parsed.due if parsed.due and parsed.due >= t.today else None,
        owner_user_id=parsed.for_user_id,
        origin=origin,
        tips=[escape(tip) for tip in coach_texts.tips(advice, t.cat.language, parsed.title)],
        show_override=not advice.blocking,
    )


def _open(deps: Deps, who: Caller, trigger_id: str, cat: Catalogue, state: FormState, origin: dict[str, str]) -> None:
    if not open_form(deps, trigger_id, cat, state):
        notify.respond(deps, who.team_id, origin.get("response_url"), action_messages.notice(cat.t("error.slack_busy")))
