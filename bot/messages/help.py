"""The help overview and the answers of `/conscience language`."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from slack_sdk.models.blocks import Block

from bot.messages.blocks import context, header, section, to_dicts
from bot.messages.catalogue import Catalogue, escape

# Order in which commands are listed; each has `help.command.<name>` in every catalogue.
COMMAND_KEYS = (
    "action",
    "actions",
    "propose",
    "help",
    "language",
    "settings",
    "hours",
    "days",
    "checkin",
    "country",
    "pause",
    "resume",
    "formality",
    "team",
    "digest",
    "review",
)


def command_lines(cat: Catalogue) -> str:
    return "\n".join(f"• {cat.t(f'help.command.{name}')}" for name in COMMAND_KEYS)


@lru_cache(maxsize=8)
def _plain_help(language: str) -> str:
    return json.dumps(_build(Catalogue(language), None, None))


def help_message(cat: Catalogue, unknown: str | None = None, suggestion: str | None = None) -> dict[str, Any]:
    if unknown is None:  # the same for everyone who speaks the language: built once
        return json.loads(_plain_help(cat.language))
    return _build(cat, unknown, suggestion)


def _build(cat: Catalogue, unknown: str | None, suggestion: str | None) -> dict[str, Any]:
    blocks: list[Block] = []
    if unknown is not None:
        note = cat.t("help.unknown", given=escape(unknown))
        if suggestion:
            note += " " + cat.t("help.did_you_mean", suggestion=escape(suggestion))
        blocks.append(section(note))
    blocks += [
        header(cat.t("help.title")),
        section(cat.t("help.intro")),
        section(f"*{cat.t('help.commands_header')}*\n{command_lines(cat)}"),
        context(cat.t("help.footer")),
    ]
    fallback = cat.t("help.title") if unknown is None else cat.t("help.unknown", given=escape(unknown))
    return {"response_type": "ephemeral", "text": fallback, "blocks": to_dicts(blocks)}


def text_message(text: str) -> dict[str, Any]:
    """An ephemeral answer of one paragraph (text already rendered and escaped)."""
    return {"response_type": "ephemeral", "text": text, "blocks": to_dicts([section(text)])}
