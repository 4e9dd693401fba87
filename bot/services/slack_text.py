"""Text as Slack sends it in a slash command, read once on the way in.

Slack sends what a person typed with `&`, `<` and `>` as `&amp;`, `&lt;` and `&gt;`, and mentions, channels
and links as markup: `<@U1|name>`, `<#C1|name>`, `<https://x|label>`, `<!here>`. So markup can only be
read from the text as sent (a person who types `<@U1>` sends `&lt;@U1&gt;`, which is no mention): take
the ids out first, then `decode` the rest exactly once. What is stored is the decoded text; the way out
escapes it once more for mrkdwn (`escape` in the messages catalogue).

View submissions (a plain_text_input's value) arrive as typed: never decode those.
"""

from __future__ import annotations


def decode(text: str) -> str:
    """`Jan &amp; Piet` -> `Jan & Piet`: the three entities Slack encodes, nothing else (`&amp;` last, so
    `&amp;lt;`, a person typing `&lt;`, stays `&lt;`)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
