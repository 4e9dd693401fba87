"""`/action`: no text opens the form; text is a quick add, saved at once when concrete, else coached in the form.

`/action @member <text>` is a manager's proposal.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App

from bot import home, notify
from bot.deps import Deps
from bot.listeners.actions.proposals import send_proposal
from bot.listeners.edge import Caller, caller, cat_for, deps_of, origin_of, person_for, today_of
from bot.listeners.forms import open_form
from bot.messages import actions as action_messages
from bot.messages.action_form import FormState
from bot.messages.catalogue import escape
from bot.services import actions, coaching, people, quick_add, teams

# Slack allows 4,000 characters in a command; one action needs far fewer.
QUICK_ADD_LIMIT = 500


def handle(ack: Ack, body: dict[str, Any], context: dict[str, Any]) -> None:
    deps = deps_of(context)
    who = caller(body)
    text = (body.get("text") or "").strip()
    origin = origin_of(body)
    if len(text) > QUICK_ADD_LIMIT:
        with deps.transaction() as session:
            person, _ = person_for(session, deps, who)
            ack(**action_messages.notice(cat_for(deps, person).t("error.text_long")))
        return
    ack()
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        language = cat.language
        today = today_of(deps, person)
        parsed = quick_add.parse(text, today, language) if text else None
    if parsed is None:
        if not open_form(deps, body["trigger_id"], cat, FormState(origin=origin)):
            notify.respond(
                deps, who.team_id, origin.get("response_url"), action_messages.notice(cat.t("error.slack_busy"))
            )
        return
    quick(deps, body["trigger_id"], who, parsed, today, origin)


def quick(
    deps: Deps, trigger_id: str, who: Caller, parsed: quick_add.QuickAdd, today: date, origin: dict[str, str]
) -> None:
    response_url = origin.get("response_url")
    with deps.transaction() as session:
        person, _ = person_for(session, deps, who)
        cat = cat_for(deps, person)
        owner = person
        if parsed.for_user_id:
            if parsed.for_user_id == who.user_id:
                notify.respond(deps, who.team_id, response_url, action_messages.notice(cat.t("error.self_proposal")))
                return
            owner, _ = people.ensure_person(session, deps.clock, who.team_id, parsed.for_user_id)
            if not teams.is_manager_of(session, person, owner):
                refusal = cat.t("error.not_manager", member=f"<@{parsed.for_user_id}>")
                notify.respond(deps, who.team_id, response_url, action_messages.notice(refusal))
                return
        mentioned = [f"<@{u}>" for u in parsed.contact_user_ids]
        draft = coaching.Draft(
            title=parsed.title, contacts=parsed.contacts + mentioned, due=parsed.due, kind=parsed.kind
        )
        advice = coaching.coach(draft, today, cat.language)
        if not advice.concrete or not parsed.title:
            state = FormState(
                title=parsed.title,
                contacts=", ".join(parsed.contacts),
                contact_user_ids=parsed.contact_user_ids,
                kind=parsed.kind,
                due=parsed.due if parsed.due and parsed.due >= today else None,
                owner_user_id=parsed.for_user_id,
                origin=origin,
                tips=[escape(t) for t in coaching.tips(advice, cat.language, parsed.title)],
                show_override=not advice.blocking,
            )
            if not open_form(deps, trigger_id, cat, state):
                notify.respond(deps, who.team_id, response_url, action_messages.notice(cat.t("error.slack_busy")))
            return
        data = actions.ActionInput(
            title=parsed.title,
            due=parsed.due or today,
            kind=parsed.kind,
            contacts=parsed.contacts,
            contact_user_ids=parsed.contact_user_ids,
        )
        try:
            action, created = actions.create(
                session,
                deps.clock,
                owner=owner,
                actor=person,
                data=data,
                today=today,
                source_key=f"command:{trigger_id}",
                rules=deps.rules,
            )
        except actions.ActionError as error:
            notify.respond(deps, who.team_id, response_url, action_messages.notice(cat.t(f"error.{error.code}")))
            return
        proposal, action_id = owner.id != person.id, action.id
        reply = None if proposal else action_messages.quick_saved(cat, action, today)
    if reply is None:  # a proposal
        if created:  # the member's DM first, then the manager hears what really happened
            send_proposal(deps, who, action_id, origin)
        return
    notify.respond(deps, who.team_id, response_url, reply)
    home.publish(deps, who.team_id, who.user_id)


def register(app: App) -> None:
    app.command("/action")(handle)
