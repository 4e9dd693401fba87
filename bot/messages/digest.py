"""The weekly digest: one short channel message with the headline figures, the per-member lines in its thread.

Wins come first, then what is open, overdue and needs attention. `summary` teams get counts only;
`detailed` teams also get action titles. Opening lines, voicemail plans and notes are never read here.
Slack's limits (50 blocks, 3,000 characters a section, about 12,000 characters a message) are kept by
splitting the thread over several messages, and past MAX_THREAD_MESSAGES by summarising the rest in one line.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block

from bot.fake_slack.blockkit import text_size
from bot.messages import ids
from bot.messages.blocks import (
    MAX_MESSAGE_BLOCKS,
    MESSAGE_TEXT_BUDGET,
    SECTION_TEXT_LIMIT,
    actions,
    button,
    context,
    header,
    section,
    to_dicts,
    within_budget,
)
from bot.messages.catalogue import Catalogue, escape
from bot.services.digest import DigestData, MemberLine, Wins

BLOCKS_PER_THREAD_MESSAGE = 40
MAX_THREAD_MESSAGES = 10
SECTION_BUDGET = SECTION_TEXT_LIMIT - 100


def short_day(cat: Catalogue, day: date) -> str:
    return cat.t("coach.date_format", day=day.day, month=cat.raw("date.months")[day.month - 1])


def week_text(cat: Catalogue, data: DigestData) -> str:
    last = data.period.end.fromordinal(data.period.end.toordinal() - 1)
    return cat.t("digest.week", start=short_day(cat, data.period.start), end=short_day(cat, last))


def name_of(cat: Catalogue, line: MemberLine) -> str:
    """The member's name as Slack gave it, escaped; never a mention: a mention in a channel notifies them."""
    return escape(line.name) if line.name else cat.t("digest.unnamed", id=line.user_id)


def change(cat: Catalogue, now: int, before: int) -> str:
    if now == before:
        return cat.t("digest.change.same")
    return cat.t("digest.change.up" if now > before else "digest.change.down", delta=abs(now - before))


def headline(cat: Catalogue, data: DigestData) -> str:
    t, p = data.totals, data.previous
    lines = [
        f"*{cat.t('digest.wins_header')}*",
        cat.t("digest.total.done", count=t.done, change=change(cat, t.done, p.done)),
        cat.t("digest.total.meetings", count=t.meetings, change=change(cat, t.meetings, p.meetings)),
        cat.t("digest.total.signals", count=t.signals, change=change(cat, t.signals, p.signals)),
    ]
    streaks = data.streaks
    if streaks:
        shown = ", ".join(cat.t("digest.streak_person", name=name_of(cat, m), count=m.streak) for m in streaks[:10])
        if len(streaks) > 10:
            shown += " " + cat.t("digest.more", count=len(streaks) - 10)
        lines.append(cat.t("digest.total.streaks", people=shown))
    return "\n".join(lines)


def todo_text(cat: Catalogue, data: DigestData) -> str:
    return f"*{cat.t('digest.todo_header')}*\n" + cat.t(
        "digest.total.todo", open=data.open, overdue=data.overdue, attention=data.attention
    )


def channel_message(cat: Catalogue, data: DigestData) -> dict[str, Any]:
    title = cat.t("digest.title", team=data.team_name, week=week_text(cat, data))
    notes = [cat.t("digest.thread_hint") if data.members else cat.t("digest.no_members")]
    if data.late:
        notes.insert(0, cat.t("digest.late", week=week_text(cat, data)))
    blocks: list[Block] = [header(title), section(headline(cat, data)), section(todo_text(cat, data)), context(*notes)]
    # The header is plain text; the notification text is mrkdwn, so the team's name is escaped there.
    text = cat.t("digest.title", team=escape(data.team_name), week=week_text(cat, data))
    return {"text": text, "blocks": to_dicts(blocks)}


def _wins_part(cat: Catalogue, wins: Wins, streak: int) -> str:
    parts = []
    if wins.done:
        parts.append(cat.t("digest.part.done", count=wins.done))
    if wins.meetings:
        parts.append(cat.t("digest.part.meetings", count=wins.meetings))
    if wins.signals:
        parts.append(cat.t("digest.part.signals", count=wins.signals))
    if streak >= 2 and wins.done:
        parts.append(cat.t("digest.part.streak", count=streak))
    return " · ".join(parts) or cat.t("digest.part.no_wins")


def member_text(cat: Catalogue, line: MemberLine, detailed: bool) -> str:
    todo = [cat.t("digest.part.open", count=line.open)]
    if line.overdue:
        todo.append(cat.t("digest.part.overdue", count=line.overdue))
    if line.attention:
        todo.append(cat.t("digest.part.attention", count=line.attention))
    text = cat.t(
        "digest.member", name=name_of(cat, line), wins=_wins_part(cat, line.wins, line.streak), todo=" · ".join(todo)
    )
    if detailed:
        for key, titles in (
            ("digest.detail.done", line.done_titles),
            ("digest.detail.overdue", line.overdue_titles),
            ("digest.detail.attention", line.attention_titles),
        ):
            if titles:
                text += "\n" + cat.t(key, titles="; ".join(f"_{escape(t[:120])}_" for t in titles))
    return text[:SECTION_BUDGET]


def _sections(texts: list[str]) -> list[tuple[str, int]]:
    """Pack lines into sections of at most SECTION_BUDGET characters: (text, how many lines)."""
    sections: list[tuple[str, int]] = []
    current, count = "", 0
    for text in texts:
        if current and len(current) + 1 + len(text) > SECTION_BUDGET:
            sections.append((current, count))
            current, count = "", 0
        current = f"{current}\n{text}" if current else text
        count += 1
    if current:
        sections.append((current, count))
    return sections


def thread_messages(cat: Catalogue, data: DigestData) -> list[dict[str, Any]]:
    """The member lines, split over as many thread messages as Slack's block count and text size need."""
    if not data.members:
        return []
    detailed = data.privacy == "detailed"
    packed = _sections([member_text(cat, m, detailed) for m in data.members])
    title = cat.t("digest.thread_title", week=week_text(cat, data))
    chunks: list[list[str]] = [[f"*{title}*"]]
    for index, (text, _) in enumerate(packed):
        current = chunks[-1]
        if len(current) >= BLOCKS_PER_THREAD_MESSAGE or sum(map(len, current)) + len(text) > MESSAGE_TEXT_BUDGET:
            if len(chunks) == MAX_THREAD_MESSAGES:  # an enormous team: summarise the tail rather than fail
                dropped = sum(count for _, count in packed[index:])
                current[-1] = cat.t("digest.more_members", count=dropped + packed[index - 1][1])
                break
            chunks.append(current := [])
        current.append(text)
    return [{"text": title, "blocks": to_dicts([section(text) for text in chunk])} for chunk in chunks]


def fingerprint(payloads: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(payloads, sort_keys=True).encode()).hexdigest()


def preview(cat: Catalogue, data: DigestData, team_id: int, *, posted: bool) -> dict[str, Any]:
    """`/conscience digest`: what the channel sees and the thread, only to the manager who asked."""
    main = channel_message(cat, data)
    blocks = list(main["blocks"])
    intro = cat.t(
        "digest.preview_posted" if posted else "digest.preview_intro",
        channel=f"<#{data.channel_id}>" if data.channel_id else cat.t("team.no_channel"),
    )
    blocks.insert(0, section(intro).to_dict())
    room = MAX_MESSAGE_BLOCKS - len(blocks) - 1
    parsed = (Block.parse(b) for message in thread_messages(cat, data) for b in message["blocks"])
    thread = [block for block in parsed if block is not None]  # None only for what is not a block
    cut = within_budget(
        [],
        [[b] for b in thread],
        lambda _: context(cat.t("digest.preview_cut")),
        limit=room,
        text_budget=MESSAGE_TEXT_BUDGET - text_size(blocks),
    )
    blocks += to_dicts(cut)
    if data.channel_id and not posted:
        post = button(cat.t("digest.post_now"), ids.DIGEST_POST, str(team_id), style="primary")
        blocks.append(actions(post).to_dict())
    return {"response_type": "ephemeral", "text": main["text"], "blocks": blocks}
