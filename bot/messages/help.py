"""The help overview and the answers of `/conscience language`."""

from __future__ import annotations

from typing import Any

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
)


def command_lines(cat: Catalogue) -> str:
    return "\n".join(f"• {cat.t(f'help.command.{name}')}" for name in COMMAND_KEYS)


def help_message(cat: Catalogue, unknown: str | None = None, suggestion: str | None = None) -> dict[str, Any]:
    blocks = []
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
