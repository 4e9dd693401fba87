"""The App Home: the person's plan (open actions with buttons, done this month, starters) and the commands."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.messages.action_form import starter_buttons
from bot.messages.actions import cards
from bot.messages.blocks import MAX_VIEW_BLOCKS, actions, button, context, divider, header, section
from bot.messages.catalogue import Catalogue, escape
from bot.messages.help import command_lines
from models import Action


def home_view(cat: Catalogue, open_actions: list[Action], done_this_month: list[Action], today: date) -> dict[str, Any]:
    top: list[Block] = [
        header(cat.t("home.title")),
        section(cat.t("home.idea")),
        actions(button(cat.t("button.add"), "action_add", "new", style="primary"), block_id="add"),
        divider(),
        section(cat.t("plan.open_header")),
    ]
    done_lines = "\n".join(f"• {escape(a.title)}" for a in done_this_month[:20]) or cat.t("plan.done_empty")
    bottom: list[Block] = [
        section(cat.t("plan.done_header") + "\n" + done_lines),
        divider(),
        section(f"*{cat.t('starter.header')}*\n{cat.t('starter.intro')}"),
        starter_buttons(cat, "home_starter"),
        divider(),
        section(f"*{cat.t('home.commands_header')}*\n{command_lines(cat)}"),
        context(cat.t("home.language_hint")),
    ]
    if open_actions:
        middle = cards(cat, open_actions, today, MAX_VIEW_BLOCKS - len(top) - len(bottom))
    else:
        middle = [section(cat.t("plan.open_empty")), divider()]
    return View(type="home", blocks=top + middle + bottom).to_dict()
