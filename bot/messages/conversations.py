"""The manager's conscience in their digest message: who could use a conversation this week, and why, each
with a Review button (the review is where they agree the next action together; managers only, never a
channel); and what the member and the manager hear when they did."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block

from bot.messages import ids
from bot.messages.actions import notice
from bot.messages.blocks import button, context, section
from bot.messages.catalogue import Catalogue, escape
from bot.messages.dates import format_day
from bot.messages.digest import name_of
from bot.services.conversations import Conversation
from models import Action

# People named at most: the rest are "N more" (the lines below, and the Home, show everyone).
MAX_TALKS = 8


def reasons(cat: Catalogue, talk: Conversation) -> str:
    found = []
    if talk.attention:
        found.append(cat.t("manager.reason.attention", count=talk.attention))
    if talk.quiet:
        found.append(cat.t("manager.reason.quiet"))
    if talk.streak:
        found.append(cat.t("manager.reason.streak", count=talk.streak))
    return " · ".join(found)


def talk_blocks(cat: Catalogue, talks: Sequence[Conversation]) -> list[Block]:
    """A header, a line per person with a Review button, and how many more; nothing when nobody stands out."""
    if not talks:
        return []
    blocks: list[Block] = [section(f"*{cat.t('manager.talk_header')}*\n{cat.t('manager.talk_hint')}")]
    for talk in talks[:MAX_TALKS]:
        text = cat.t("manager.talk_line", name=name_of(cat, talk.line), reasons=reasons(cat, talk))
        blocks.append(section(text, accessory=button(cat.t("home.review"), ids.REVIEW_OPEN, talk.line.user_id)))
    if len(talks) > MAX_TALKS:
        blocks.append(context(cat.t("manager.talk_more", count=len(talks) - MAX_TALKS)))
    return blocks


def agreed_notice(cat: Catalogue, key: str, action: Action, today: date, **who: str) -> dict[str, Any]:
    """An action agreed together in the review, told to the member (`manager=`) or the manager (`member=`)."""
    return notice(cat.t(key, title=escape(action.title), due=format_day(cat, action.due_date, today), **who))
