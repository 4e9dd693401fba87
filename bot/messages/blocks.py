"""Small Block Kit helpers on slack_sdk.models, which validate Slack's size limits on `to_dict()`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.fake_slack.blockkit import text_size

SECTION_TEXT_LIMIT = 3000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
# Slack refuses a message whose blocks carry about 12,000 characters in all (msg_blocks_too_long, not
# documented); a message keeps below this, with room for the "N more" line.
MESSAGE_TEXT_BUDGET = 10_000


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def header(text: str) -> HeaderBlock:
    return HeaderBlock(text=PlainTextObject(text=clip(text, 150), emoji=True))


def section(text: str, accessory: Any = None, block_id: str | None = None) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=clip(text, SECTION_TEXT_LIMIT)), accessory=accessory, block_id=block_id
    )


def context(*texts: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(t, 2000)) for t in texts[:10]])


def divider() -> DividerBlock:
    return DividerBlock()


def button(
    text: str, action_id: str, value: str | None = None, style: str | None = None, confirm: Any = None
) -> ButtonElement:
    return ButtonElement(text=clip(text, 75), action_id=action_id, value=value, style=style, confirm=confirm)


def actions(*elements: Any, block_id: str | None = None) -> ActionsBlock:
    return ActionsBlock(elements=list(elements)[:25], block_id=block_id)


def to_dicts(blocks: Sequence[Block], limit: int = MAX_MESSAGE_BLOCKS) -> list[dict[str, Any]]:
    """Serialise (and so validate) blocks; a list over Slack's limit is a bug, not something to send."""
    if len(blocks) > limit:
        raise ValueError(f"{len(blocks)} blocks exceed Slack's limit of {limit}")
    return [block.to_dict() for block in blocks]


def within_budget(
    head: Sequence[Block],
    groups: Sequence[Sequence[Block]],
    more: Callable[[int], Block],
    *,
    tail: Sequence[Block] = (),
    limit: int = MAX_MESSAGE_BLOCKS,
    text_budget: int = MESSAGE_TEXT_BUDGET,
) -> list[Block]:
    """The head, as many whole groups (one per action, say) as fit in Slack's block count and text size,
    a `more(count)` line for the groups left out, then the tail."""
    blocks, used, chars = list(head), len(head) + len(tail) + 1, size(head) + size(tail)
    for index, group in enumerate(groups):
        group_chars = size(group)
        if used + len(group) > limit or chars + group_chars > text_budget:
            blocks.append(more(len(groups) - index))
            break
        blocks += group
        used, chars = used + len(group), chars + group_chars
    return blocks + list(tail)


def size(blocks: Sequence[Block]) -> int:
    """The text a list of blocks carries, as Slack counts it for msg_blocks_too_long."""
    return sum(text_size(block.to_dict()) for block in blocks)
