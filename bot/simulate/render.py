"""Block Kit and Slack mrkdwn as people read them: readable text for a terminal, and an HTML page.

Slack escapes user text as &lt; &gt; &amp; and marks links and mentions as <...>; both renderings
undo that the way Slack does, and the HTML one escapes everything again, so user text stays text.
"""

from __future__ import annotations

import html
import re
import textwrap
from typing import Any

EMOJI = {
    "white_check_mark": "✅",
    "calendar": "📅",
    "bulb": "💡",
    "fire": "🔥",
    "warning": "⚠️",
    "hourglass": "⏳",
    "hourglass_flowing_sand": "⏳",
    "tada": "🎉",
    "raised_hands": "🙌",
    "wave": "👋",
    "sparkles": "✨",
    "muscle": "💪",
    "star": "⭐",
    "heavy_check_mark": "✔️",
    "memo": "📝",
    "phone": "📞",
    "coffee": "☕",
    "rocket": "🚀",
    "thumbsup": "👍",
    "+1": "👍",
    "clap": "👏",
    "handshake": "🤝",
    "email": "📧",
    "pushpin": "📌",
    "seedling": "🌱",
    "trophy": "🏆",
    "palm_tree": "🌴",
}
_EMOJI = re.compile(r":([a-z0-9_+-]+):")
_TOKEN = re.compile(r"<([^<>\n]+)>")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
_CODE = re.compile(r"`([^`\n]+)`")
_SLOT = re.compile(r"\x00(\d+)\x00")


def _emoji(text: str) -> str:
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def _unescape(text: str) -> str:
    """Slack's three entities; the order matters (&amp;lt; is the text &lt;)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class Names:
    """Who and what a <@U...> or <#C...> stands for."""

    def __init__(self, users: dict[str, str], channels: dict[str, str]):
        self.users, self.channels = users, channels

    def token(self, inner: str) -> tuple[str, str | None]:
        """(shown text, link or None) for the inside of a <...> token."""
        if inner.startswith("@"):
            user_id, _, label = inner[1:].partition("|")
            return "@" + self.users.get(user_id, label or user_id), None
        if inner.startswith("#"):
            channel_id, _, label = inner[1:].partition("|")
            return "#" + (label or self.channels.get(channel_id, channel_id)), None
        if inner.startswith("!"):
            return "@" + inner[1:].partition("|")[0].partition("^")[0], None
        url, _, label = inner.partition("|")
        return (label or url), url


# -- text --------------------------------------------------------------------------------------------


def mrkdwn_text(text: str, names: Names) -> str:
    def token(match: re.Match[str]) -> str:
        shown, url = names.token(match.group(1))
        return f"{shown} ({url})" if url and shown != url else shown

    lines = []
    for line in _TOKEN.sub(token, text).split("\n"):
        quote = line.startswith(">")  # user text's ">" arrives as &gt;, so only the bot's own quotes match
        if quote:
            line = line[1:].lstrip()
        for pattern in (_BOLD, _ITALIC, _STRIKE, _CODE):
            line = pattern.sub(r"\1", line)
        line = _unescape(_emoji(line))
        lines.append(("│ " if quote else "") + line)
    return "\n".join(lines)


def _plain(obj: dict[str, Any] | None, names: Names) -> str:
    if not obj:
        return ""
    text = str(obj.get("text", ""))
    return mrkdwn_text(text, names) if obj.get("type") == "mrkdwn" else _emoji(text)


def element_text(element: dict[str, Any], names: Names) -> str:
    kind = element.get("type")
    if kind == "button":
        return f"[{_plain(element.get('text'), names)}]"
    if kind == "datepicker":
        return f"[📅 {element.get('initial_date') or _plain(element.get('placeholder'), names) or 'date'}]"
    if kind == "overflow":
        return "[⋯]"
    if kind and kind.endswith("select"):
        return f"[{_plain(element.get('placeholder'), names) or 'choose'} ▾]"
    return f"[{kind}]"


def block_lines(block: dict[str, Any], names: Names) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return [_plain(block.get("text"), names).upper()]
    if kind == "section":
        lines = _plain(block.get("text"), names).split("\n") if block.get("text") else []
        for item in block.get("fields") or []:
            lines += _plain(item, names).split("\n")
        if block.get("accessory"):
            accessory = element_text(block["accessory"], names)
            if lines:
                lines[-1] += "  " + accessory
            else:
                lines.append(accessory)
        return lines
    if kind == "context":
        parts = [_plain(e, names) if "text" in e else f"[{e.get('alt_text', 'image')}]" for e in block["elements"]]
        return ["› " + line for line in "  ".join(parts).split("\n")]
    if kind == "actions":
        return ["  ".join(element_text(e, names) for e in block.get("elements") or [])]
    if kind == "divider":
        return ["────────"]
    if kind == "image":
        return [f"[image: {block.get('alt_text', '')}]"]
    return [f"[{kind}]"]


def blocks_text(blocks: list[dict[str, Any]], names: Names, fallback: str = "") -> list[str]:
    if not blocks:
        return mrkdwn_text(fallback, names).split("\n")
    return [line for block in blocks for line in block_lines(block, names)]


def indent(lines: list[str], prefix: str, width: int = 100) -> list[str]:
    """Indent and wrap long lines, keeping a quote bar or context mark on the wrapped part."""
    out = []
    for line in lines:
        lead = next((mark for mark in ("│ ", "› ", "• ") if line.startswith(mark)), "")
        if len(prefix) + len(line) <= width or not line.strip():
            out.append((prefix + line).rstrip())
            continue
        out += textwrap.wrap(
            line,
            width=width,
            initial_indent=prefix,
            subsequent_indent=prefix + ("│ " if lead == "│ " else " " * len(lead)),
            break_on_hyphens=False,
        )
    return out


# -- HTML --------------------------------------------------------------------------------------------


def mrkdwn_html(text: str, names: Names) -> str:
    slots: list[str] = []

    def token(match: re.Match[str]) -> str:
        shown, url = names.token(match.group(1))
        if url and url.startswith(("https://", "http://", "mailto:")):
            rendered = f'<a href="{html.escape(url)}" rel="noopener">{html.escape(shown)}</a>'
        else:
            rendered = f'<span class="mention">{html.escape(shown)}</span>'
        slots.append(rendered)
        return f"\x00{len(slots) - 1}\x00"

    out = []
    for line in _TOKEN.sub(token, text.replace("\x00", "")).split("\n"):
        quote = line.startswith(">")
        if quote:
            line = line[1:].lstrip()
        line = html.escape(_unescape(line), quote=False)
        line = _CODE.sub(r"<code>\1</code>", line)
        line = _BOLD.sub(r"<b>\1</b>", line)
        line = _ITALIC.sub(r"<i>\1</i>", line)
        line = _STRIKE.sub(r"<s>\1</s>", line)
        line = _emoji(line)
        line = _SLOT.sub(lambda m: slots[int(m.group(1))], line)
        out.append(f'<span class="quote">{line}</span>' if quote else line)
    # A quote is a block of its own: a line break next to it would show as an empty line.
    joined = out[:1]
    for previous, line in zip(out, out[1:], strict=False):
        block = previous.startswith('<span class="quote">') or line.startswith('<span class="quote">')
        joined.append(line if block else "<br>" + line)
    return "".join(joined)


def _plain_html(obj: dict[str, Any] | None, names: Names) -> str:
    if not obj:
        return ""
    text = str(obj.get("text", ""))
    return mrkdwn_html(text, names) if obj.get("type") == "mrkdwn" else html.escape(_emoji(text), quote=False)


def element_html(element: dict[str, Any], names: Names) -> str:
    kind = element.get("type")
    if kind == "button":
        style = (
            " primary" if element.get("style") == "primary" else " danger" if element.get("style") == "danger" else ""
        )
        return f'<span class="btn{style}">{_plain_html(element.get("text"), names)}</span>'
    if kind == "datepicker":
        shown = html.escape(element.get("initial_date") or "") or _plain_html(element.get("placeholder"), names)
        return f'<span class="btn picker">📅 {shown}</span>'
    if kind == "overflow":
        return '<span class="btn overflow">⋯</span>'
    if kind and kind.endswith("select"):
        return f'<span class="btn picker">{_plain_html(element.get("placeholder"), names)} ▾</span>'
    return f'<span class="btn">{html.escape(str(kind))}</span>'


def block_html(block: dict[str, Any], names: Names) -> str:
    kind = block.get("type")
    if kind == "header":
        return f'<div class="header">{_plain_html(block.get("text"), names)}</div>'
    if kind == "section":
        parts = [f"<div>{_plain_html(block.get('text'), names)}</div>"] if block.get("text") else []
        fields = "".join(f"<div>{_plain_html(f, names)}</div>" for f in block.get("fields") or [])
        if fields:
            parts.append(f'<div class="fields">{fields}</div>')
        accessory = element_html(block["accessory"], names) if block.get("accessory") else ""
        return f'<div class="section"><div class="text">{"".join(parts)}</div>{accessory}</div>'
    if kind == "context":
        parts = [_plain_html(e, names) for e in block.get("elements") or [] if "text" in e]
        return f'<div class="context">{" ".join(parts)}</div>'
    if kind == "actions":
        return f'<div class="actions">{"".join(element_html(e, names) for e in block.get("elements") or [])}</div>'
    if kind == "divider":
        return "<hr>"
    return f'<div class="context">[{html.escape(str(kind))}]</div>'


def blocks_html(blocks: list[dict[str, Any]], names: Names, fallback: str = "") -> str:
    if not blocks:
        return f'<div class="section"><div class="text">{mrkdwn_html(fallback, names)}</div></div>'
    return "".join(block_html(block, names) for block in blocks)
