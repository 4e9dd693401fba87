"""Actions as people see them: cards with buttons, the /actions list, quick-add replies, proposals."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ConfirmObject,
    DatePickerElement,
    Option,
    OverflowMenuElement,
    PlainTextObject,
)

from bot.messages import ids
from bot.messages.blocks import (
    MAX_MESSAGE_BLOCKS,
    MESSAGE_TEXT_BUDGET,
    actions,
    button,
    context,
    divider,
    header,
    section,
    size,
    to_dicts,
    within_budget,
)
from bot.messages.catalogue import Catalogue, escape
from bot.messages.dates import format_day
from bot.services.actions import counts
from models import Action
from models.action import CONTACT_STATUSES


def who_line(action: Action) -> str:
    """Contact names, escaped; a Slack user stays a real mention."""
    return ", ".join(c.name if c.slack_user_id else escape(c.name) for c in action.contacts)


def due_text(cat: Catalogue, action: Action, today: date) -> str:
    key = "list.overdue" if action.due_date < today and action.status == "open" else "list.due"
    return cat.t(key, due=format_day(cat, action.due_date, today))


def contact_status_text(cat: Catalogue, status: str, *, on: date | None, retry: date | None, today: date) -> str:
    text = cat.t(f"contact.{status}")
    if status == "booked" and on is not None:
        text += " " + cat.t("contact.appointment", date=format_day(cat, on, today))
    if status in ("voicemail", "no_answer") and retry is not None:
        text += ", " + cat.t("contact.retry", date=format_day(cat, retry, today))
    return text


def action_summary(cat: Catalogue, action: Action, today: date) -> str:
    lines = [f"*{escape(action.title)}*", f"{due_text(cat, action, today)} · {cat.t(f'kind.{action.kind}')}"]
    if len(action.contacts) > 1:
        c = counts(action)
        lines.append(cat.t("list.contacts", reached=c["reached"], total=c["contacts"], booked=c["booked"]))
    return "\n".join(lines)


def action_card(cat: Catalogue, action: Action, today: date) -> list[Block]:
    """One open action: summary, a progress line per contact (with a menu), and the four buttons."""
    blocks: list[Block] = [section(action_summary(cat, action, today))]
    for contact in action.contacts:
        status = contact_status_text(
            cat, contact.status, on=contact.appointment_on, retry=contact.retry_on, today=today
        )
        name = contact.name if contact.slack_user_id else escape(contact.name)
        options = [
            Option(text=cat.t(f"contact.{s}"), value=f"{action.id}:{contact.id}:{s}")
            for s in CONTACT_STATUSES
            if s != contact.status
        ][:5]
        blocks.append(
            section(
                cat.t("contact.line", name=name, status=status),
                accessory=OverflowMenuElement(action_id=ids.CONTACT_STATUS, options=options),
            )
        )
    blocks.append(
        actions(
            button(cat.t("button.done"), ids.ACTION_DONE, str(action.id), style="primary"),
            DatePickerElement(
                action_id=ids.ACTION_RESCHEDULE,
                initial_date=action.due_date.isoformat(),
                placeholder=PlainTextObject(text=cat.t("button.reschedule")),
            ),
            button(cat.t("button.edit"), ids.ACTION_EDIT, str(action.id)),
            button(
                cat.t("button.drop"),
                ids.ACTION_DROP,
                str(action.id),
                style="danger",
                confirm=ConfirmObject(
                    title=cat.t("button.drop_confirm_title"),
                    text=cat.t("button.drop_confirm_text"),
                    confirm=cat.t("button.drop_confirm_yes"),
                    deny=cat.t("button.drop_confirm_no"),
                    style="danger",
                ),
            ),
            block_id=f"card:{action.id}",
        )
    )
    return blocks


def cards(
    cat: Catalogue, open_actions: list[Action], today: date, budget: int, text_budget: int = MESSAGE_TEXT_BUDGET
) -> list[Block]:
    """As many cards as fit in `budget` blocks and `text_budget` characters, soonest first, then a line
    saying how many more."""
    return within_budget(
        [],
        [action_card(cat, action, today) + [divider()] for action in open_actions],
        lambda count: context(cat.t("list.more", count=count)),
        limit=budget,
        text_budget=text_budget,
    )


MAX_PROPOSALS_SHOWN = 5


def proposal_buttons(cat: Catalogue, action: Action) -> Block:
    return actions(
        button(cat.t("proposal.accept"), ids.PROPOSAL_ACCEPT, str(action.id), style="primary"),
        button(cat.t("proposal.adjust"), ids.PROPOSAL_ADJUST, str(action.id)),
        button(cat.t("proposal.decline"), ids.PROPOSAL_DECLINE, str(action.id)),
        block_id=f"proposal:{action.id}",
    )


def proposal_cards(cat: Catalogue, proposals: list[tuple[Action, str]], today: date) -> list[Block]:
    """Proposals waiting for the person's answer (Home tab, /actions): who proposed what, and the three buttons."""
    if not proposals:
        return []
    blocks: list[Block] = [header(cat.t("list.proposals_header"))]
    for action, manager_user_id in proposals[:MAX_PROPOSALS_SHOWN]:
        intro = cat.t("proposal.intro", manager=f"<@{manager_user_id}>")
        blocks += [section(intro + "\n" + action_summary(cat, action, today)), proposal_buttons(cat, action)]
    if len(proposals) > MAX_PROPOSALS_SHOWN:
        blocks.append(context(cat.t("list.proposals_more", count=len(proposals) - MAX_PROPOSALS_SHOWN)))
    return blocks + [divider()]


def open_list(
    cat: Catalogue,
    open_actions: list[Action],
    today: date,
    note: str | None = None,
    proposals: list[tuple[Action, str]] | None = None,
) -> dict[str, Any]:
    """The /actions list, after any proposals waiting for an answer; `note` (rendered, escaped) says what the
    last click did."""
    blocks: list[Block] = [section(note)] if note else []
    blocks += proposal_cards(cat, proposals or [], today)
    if not open_actions:
        blocks.append(section(cat.t("list.empty")))
        return {
            "response_type": "ephemeral",
            "replace_original": True,
            "text": note or cat.t("list.empty"),
            "blocks": to_dicts(blocks),
        }
    blocks.append(header(cat.t("list.header")))
    blocks += cards(cat, open_actions, today, MAX_MESSAGE_BLOCKS - len(blocks), MESSAGE_TEXT_BUDGET - size(blocks))
    return {
        "response_type": "ephemeral",
        "replace_original": True,
        "text": note or cat.t("list.header"),
        "blocks": to_dicts(blocks),
    }


def done_list(cat: Catalogue, done: list[Action], today: date) -> dict[str, Any]:
    if not done:
        return {
            "response_type": "ephemeral",
            "text": cat.t("list.done_empty"),
            "blocks": to_dicts([section(cat.t("list.done_empty"))]),
        }
    lines = [
        "• "
        + cat.t(
            "list.done_line",
            title=escape(a.title),
            when=format_day(cat, a.done_at.date() if a.done_at else a.due_date, today),
        )
        for a in done
    ]
    blocks: list[Block] = [header(cat.t("list.done_header"))]
    chunk: list[str] = []
    for line in lines:  # several sections, each under Slack's 3,000 characters
        if sum(len(x) + 1 for x in chunk) + len(line) > 2800:
            blocks.append(section("\n".join(chunk)))
            chunk = []
        chunk.append(line)
        if len(blocks) >= 45:
            break
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return {"response_type": "ephemeral", "text": cat.t("list.done_header"), "blocks": to_dicts(blocks)}


def understood_lines(cat: Catalogue, action: Action, today: date) -> list[str]:
    lines = [cat.t("quick.due", due=format_day(cat, action.due_date, today))]
    if action.contacts:
        lines.append(cat.t("quick.who", contacts=who_line(action)))
    lines.append(cat.t("quick.kind", kind=cat.t(f"kind.{action.kind}")))
    return lines


def quick_saved(cat: Catalogue, action: Action, today: date) -> dict[str, Any]:
    text = cat.t("quick.saved", title=escape(action.title))
    blocks = [
        section(text + "\n" + "\n".join(understood_lines(cat, action, today))),
        actions(
            button(cat.t("quick.edit"), ids.ACTION_EDIT, str(action.id)),
            button(cat.t("quick.undo"), ids.QUICK_UNDO, str(action.id)),
        ),
    ]
    return {"response_type": "ephemeral", "text": text, "blocks": to_dicts(blocks)}


def typed_back(cat: Catalogue, title: str, typed: list[tuple[str, str | None]]) -> dict[str, Any]:
    """A form that could not be saved, with what was typed in it (label, text), so nothing is lost."""
    text = cat.t("error.given_up", title=escape(title))
    lines = [f"_{cat.t(label)}_ {escape(value)}" for label, value in typed if value and value.strip()]
    blocks = [section(text)] + ([section("\n".join(lines))] if lines else [])
    return {"text": text, "blocks": to_dicts(blocks)}


def notice(text: str, *, replace: bool = False) -> dict[str, Any]:
    """A short ephemeral answer (already rendered and escaped)."""
    payload: dict[str, Any] = {"response_type": "ephemeral", "text": text, "blocks": to_dicts([section(text)])}
    if replace:
        payload["replace_original"] = True
    return payload


def proposal_message(cat: Catalogue, action: Action, manager_user_id: str, today: date) -> dict[str, Any]:
    intro = cat.t("proposal.intro", manager=f"<@{manager_user_id}>")
    lines = [f"*{escape(action.title)}*", *understood_lines(cat, action, today)]
    if action.opening_line:
        lines.append(f"_{cat.t('form.label_opening')}_ {escape(action.opening_line)}")
    blocks = [section(intro), section("\n".join(lines)), proposal_buttons(cat, action)]
    return {"text": intro, "blocks": to_dicts(blocks)}


def proposal_answered(cat: Catalogue, action: Action, key: str) -> dict[str, Any]:
    """The proposal message after the member answered: the buttons are gone, the answer shows."""
    text = cat.t(key, title=escape(action.title))
    return {"text": text, "blocks": to_dicts([section(text)])}
