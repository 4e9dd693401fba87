"""The one-to-one review, as an ephemeral message (from the command) or a modal (from the App Home)."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.messages.actions import due_text
from bot.messages.blocks import MAX_MESSAGE_BLOCKS, actions, button, context, header, section, to_dicts
from bot.messages.catalogue import Catalogue, escape
from bot.messages.counts import counted
from bot.messages.dates import format_day
from bot.messages.ids import REVIEW_AGREE, REVIEW_CALLBACK, REVIEW_PROPOSE
from bot.services.kinds import CHECKING, KINDS
from bot.services.review import Review
from models import Action

MAX_LINES = 15


def _member(review: Review) -> str:
    return escape(review.member.display_name) if review.member.display_name else f"<@{review.member.slack_user_id}>"


def _lines(cat: Catalogue, items: list[str], empty_key: str) -> str:
    if not items:
        return cat.t(empty_key)
    shown = items[:MAX_LINES]
    if len(items) > MAX_LINES:
        shown.append(cat.t("digest.more", count=len(items) - MAX_LINES))
    return "\n".join(shown)


def _done_line(cat: Catalogue, action: Action, today: date) -> str:
    line = f"• *{escape(action.title)}*"
    chosen = [o for o in (action.outcomes or "").split(",") if o]
    if chosen:
        line += " · " + ", ".join(cat.t(f"review.outcome.{o}") for o in chosen)
    if action.outcome_note:
        line += f"\n    _{escape(action.outcome_note[:300])}_"
    return line


def _open_line(cat: Catalogue, action: Action, today: date) -> str:
    marks = []
    if action.due_date < today:
        marks.append(cat.t("review.overdue"))
    if action.needs_attention:
        marks.append(cat.t("review.attention"))
    suffix = f" · {' · '.join(marks)}" if marks else ""
    return f"• *{escape(action.title)}* · {due_text(cat, action, today)}{suffix}"


def blocks(cat: Catalogue, review: Review, *, with_button: bool = True) -> list[Block]:
    today = review.today
    checkins = [
        cat.t(
            "review.checkin_line",
            day=format_day(cat, c.day, today),
            kind=cat.t(f"review.kind.{c.kind}"),
            answer=", ".join(
                cat.t(f"review.answer.{a}") if f"review.answer.{a}" in _known(cat) else escape(a) for a in c.answers
            )
            or cat.t("review.no_answer"),
        )
        for c in review.checkins
    ]
    found: list[Block] = [
        header(cat.t("review.title", member=review.member.display_name or review.member.slack_user_id)),
        section(cat.t("review.intro", member=_member(review))),
        section(
            cat.t(
                "review.summary",
                **counted(
                    cat,
                    done=len(review.done),
                    open=len(review.open),
                    overdue=len(review.overdue),
                    attention=len(review.attention),
                ),
            )
        ),
        section(
            f"*{cat.t('review.done_header')}*\n"
            + _lines(cat, [_done_line(cat, a, today) for a in review.done], "review.done_empty")
        ),
        section(
            f"*{cat.t('review.open_header')}*\n"
            + _lines(cat, [_open_line(cat, a, today) for a in review.open], "review.open_empty")
        ),
        section(f"*{cat.t('review.checkins_header')}*\n" + _lines(cat, checkins, "review.checkins_empty")),
    ]
    if with_button:  # agree the next action together on the spot, or propose one for them to accept later
        member = review.member.slack_user_id
        found.append(
            actions(
                button(cat.t("manager.agree_button"), REVIEW_AGREE, member, style="primary"),
                button(cat.t("review.propose"), REVIEW_PROPOSE, member),
            )
        )
    found.append(context(cat.t("review.footer")))
    return found[:MAX_MESSAGE_BLOCKS]


def _known(cat: Catalogue) -> set[str]:
    return {f"review.answer.{a}" for kind in CHECKING for a in KINDS[kind].answers}


def review_message(cat: Catalogue, review: Review) -> dict[str, Any]:
    return {
        "response_type": "ephemeral",
        "text": cat.t("review.title", member=review.member.slack_user_id),
        "blocks": to_dicts(blocks(cat, review)),
    }


def review_modal(cat: Catalogue, review: Review) -> dict[str, Any]:
    return View(
        type="modal",
        callback_id=REVIEW_CALLBACK,
        title=cat.t("review.modal_title"),
        close=cat.t("review.close"),
        blocks=blocks(cat, review),
    ).to_dict()


def refusal(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text, "blocks": to_dicts([section(text)])}
