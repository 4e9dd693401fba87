"""The App Home view."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.views import View

from bot.messages.blocks import MAX_VIEW_BLOCKS, context, divider, header, section
from bot.messages.catalogue import Catalogue
from bot.messages.help import command_lines


def home_view(cat: Catalogue) -> dict[str, Any]:
    blocks = [
        header(cat.t("home.title")),
        section(cat.t("home.idea")),
        divider(),
        section(f"*{cat.t('home.commands_header')}*\n{command_lines(cat)}"),
        context(cat.t("home.language_hint")),
    ]
    assert len(blocks) <= MAX_VIEW_BLOCKS
    return View(type="home", blocks=blocks).to_dict()
