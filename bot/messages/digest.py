"""The weekly digest: a short channel message with the team's wins and totals, and each person's line for the
team's managers only (a direct message, the preview, and the manager's Home).

A digest never shames: the channel gets no names, no per-person counts and no titles at any privacy level,
says nothing about a win that is zero, and compares with last week only when the team had a last week.
Wins come first, then the team's open, overdue and needs-attention totals (only for a team large enough
that a total is nobody's own count). The managers' lines carry action titles when the team's privacy is
`detailed`. Opening lines, voicemail plans and notes are never read here. Messages stay within Slack's
limits (50 blocks, 3,000 characters a section, about 12,000 characters a message): what does not fit in
the managers' message is "N more", and their Home shows everyone.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block

from bot.messages import ids
from bot.messages.blocks import (
    SECTION_TEXT_LIMIT,
    actions,
    button,
    context,
    divider,
    header,
    section,
    to_dicts,
    within_budget,
)
from bot.messages.catalogue import Catalogue, escape
from bot.messages.counts import counted
from bot.services.digest import DigestData, MemberLine, Wins

SECTION_BUDGET = SECTION_TEXT_LIMIT - 100
# A team's open, overdue and attention totals go to the channel only when no member's own counts can be read
# from them: with one or two members, a total is (or gives away) a single person's counts.
MIN_MEMBERS_FOR_TOTALS = 3


def short_day(cat: Catalogue, day: date) -> str:
    return cat.t("coach.date_format", day=day.day, month=cat.raw("date.months")[day.month - 1])


def week_text(cat: Catalogue, data: DigestData) -> str:
    last = data.period.end.fromordinal(data.period.end.toordinal() - 1)
    return cat.t("digest.week", start=short_day(cat, data.period.start), end=short_day(cat, last))


def name_of(cat: Catalogue, line: MemberLine) -> str:
    """The member's name as Slack gave it, escaped; never a mention: a mention in a channel notifies them."""
    return escape(line.name) if line.name else cat.t("digest.unnamed", id=line.user_id)


def change(cat: Catalogue, data: DigestData, now: int, before: int) -> str:
    """The comparison with last week, in brackets; nothing when the team had no last week to compare with."""
    if not data.compare:
        return ""
    if now == before:
        return f" ({cat.t('digest.change.same')})"
    key = "digest.change.up" if now > before else "digest.change.down"
    return f" ({cat.t(key, delta=abs(now - before))})"


def wins_text(cat: Catalogue, data: DigestData) -> str | None:
    """The team's wins, only those that are not zero; None when there are none to tell."""
    t, p = data.totals, data.previous
    lines = [
        cat.t(f"digest.total.{key}", count=now, change=change(cat, data, now, before))
        for key, now, before in (
            ("done", t.done, p.done),
            ("meetings", t.meetings, p.meetings),
            ("signals", t.signals, p.signals),
        )
        if now
    ]
    if data.on_a_streak:
        lines.append(cat.t("digest.total.streaks", count=data.on_a_streak))
    if not lines:
        return None
    return "\n".join([f"*{cat.t('digest.wins_header')}*", *lines])


def todo_text(cat: Catalogue, data: DigestData) -> str | None:
    if len(data.members) < MIN_MEMBERS_FOR_TOTALS:
        return None
    return f"*{cat.t('digest.todo_header')}*\n" + cat.t(
        "digest.total.todo", **counted(cat, open=data.open, overdue=data.overdue, attention=data.attention)
    )


def channel_message(cat: Catalogue, data: DigestData) -> dict[str, Any]:
    """What the team's channel sees: the team's wins and totals, never a person."""
    title = cat.t("digest.title", team=data.team_name, week=week_text(cat, data))
    notes = [cat.t("digest.private_hint") if data.members else cat.t("digest.no_members")]
    if data.late:
        notes.insert(0, cat.t("digest.late", week=week_text(cat, data)))
    blocks: list[Block] = [header(title)]
    blocks += [section(text) for text in (wins_text(cat, data), todo_text(cat, data)) if text]
    blocks.append(context(*notes))
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
    """A member's line, for their managers only."""
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


def member_blocks(cat: Catalogue, data: DigestData) -> list[list[Block]]:
    """A section per member with a Review button (each button in its own block, as on the Home)."""
    detailed = data.privacy == "detailed"
    return [
        [section(member_text(cat, m, detailed), accessory=button(cat.t("home.review"), ids.REVIEW_OPEN, m.user_id))]
        for m in data.members
    ]


def manager_message(cat: Catalogue, data: DigestData, talk: Sequence[Block] = ()) -> dict[str, Any]:
    """The direct message each of the team's managers gets with the digest: who could use a conversation
    (`talk`, bot/messages/conversations.py), then a line per member with a Review button, as many as fit in
    one message, then "N more" (their Home shows everyone)."""
    title = cat.t("digest.lines_title", team=data.team_name, week=week_text(cat, data))
    head: list[Block] = [header(title)]
    if talk:
        head += [*talk, divider()]
    head.append(section(cat.t("digest.lines_intro", channel=_channel(cat, data))))
    if not data.members:
        head.append(section(cat.t("digest.no_members")))
    blocks = within_budget(
        head,
        member_blocks(cat, data),
        lambda count: context(cat.t("digest.lines_more", count=count)),
        tail=[context(cat.t("digest.lines_footer"))],
    )
    text = cat.t("digest.lines_title", team=escape(data.team_name), week=week_text(cat, data))
    return {"text": text, "blocks": to_dicts(blocks)}


def _channel(cat: Catalogue, data: DigestData) -> str:
    return f"<#{data.channel_id}>" if data.channel_id else cat.t("team.no_channel")


def fingerprint(payloads: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(payloads, sort_keys=True).encode()).hexdigest()


def preview(cat: Catalogue, data: DigestData, team_id: int, *, posted: bool) -> dict[str, Any]:
    """`/conscience digest`: what the channel sees, then the lines the managers get, only to the manager
    who asked."""
    main = channel_message(cat, data)
    intro = cat.t("digest.preview_posted" if posted else "digest.preview_intro", channel=_channel(cat, data))
    parsed = (Block.parse(b) for b in main["blocks"])
    head: list[Block] = [section(intro), *(block for block in parsed if block is not None)]
    if data.members:
        head += [divider(), section(f"*{cat.t('digest.preview_lines')}*")]
    tail: list[Block] = []
    if data.channel_id and not posted:
        tail.append(actions(button(cat.t("digest.post_now"), ids.DIGEST_POST, str(team_id), style="primary")))
    blocks = within_budget(
        head,
        member_blocks(cat, data),
        lambda count: context(cat.t("digest.lines_more", count=count)),
        tail=tail,
    )
    return {"response_type": "ephemeral", "text": main["text"], "blocks": to_dicts(blocks)}
