"""The outcome of a simulation, written out: day by day as text, or as one self-contained HTML page.

As a demo, in the run's language: a preface (the team, what they agree and how), the days, and what the team
achieved; the words around the messages come from the catalogue's `simulate.*` keys. The figures per person and
the developer's terms (nudge kinds and tones, the seed) come only with stats.
"""

from __future__ import annotations

import html
import textwrap
from datetime import date, timedelta
from itertools import groupby

from bot.messages.catalogue import Catalogue, CatalogueError, catalogue
from bot.services import kinds
from bot.simulate import render, summary
from bot.simulate.run import TIMEZONE, Entry, Outcome
from bot.simulate.summary import BAND, KINDS, MIN_MESSAGES, WINDOW_DAYS, Row
from config.languages import NAMES

TONES = {"inspire": "inspiring", "check": "checking", "mixed": "inspiring and checking"}
SHORT = {  # the columns of the --stats table
    kinds.PREP: "prep",
    kinds.WEEKPLAN: "week",
    kinds.CHECKIN: "check",
    kinds.FOLLOWUP: "f-up",
    kinds.CELEBRATION: "cel",
    kinds.TIP: "tip",
    kinds.PROGRESS: "prog",
    kinds.RHYTHM: "rhy",
    kinds.SUMMARY: "back",
    kinds.FOCUS: "focus",
    kinds.CLEANUP: "tidy",
}
PAD = " " * 7
WIDTH = 100


def _framing(outcome: Outcome) -> Catalogue:
    """The words around the messages, in the run's language (always the built-in catalogue)."""
    return Catalogue(outcome.options.language)


def day_name(day: date, cat: Catalogue | None = None) -> str:
    cat = cat or Catalogue("en")
    weekday, month = cat.raw("simulate.weekdays")[day.weekday()], cat.raw("simulate.months")[day.month - 1]
    return cat.t("simulate.day", weekday=weekday, day=day.day, month=month, year=day.year)


def _names(outcome: Outcome) -> render.Names:
    return render.Names(outcome.names, {outcome.channel_id: outcome.channel})


def _title(outcome: Outcome) -> str:
    """The developer's title, for the statistics."""
    weeks = outcome.options.weeks
    return f"{weeks} week{'s' if weeks != 1 else ''} of team {outcome.plan.team}"


def _listed(cat: Catalogue, names: list[str]) -> str:
    """Ann, Bob and Cas."""
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {cat.t('simulate.and')} {names[-1]}"


def preface(outcome: Outcome) -> list[str]:
    """Who is in the team, what they agreed and how, and how to read what follows, in the run's language."""
    cat, plan, weeks = _framing(outcome), outcome.plan, outcome.options.weeks
    span = cat.t("simulate.weeks", count=weeks)
    last = outcome.end - timedelta(days=1)
    managers = [p.name for p in plan.people if p.role == "manager"]
    members = [p for p in plan.people if p.role == "member"]
    listed = _listed(cat, [p.name for p in members])
    team = (
        cat.t("simulate.preface.managers", count=len(managers), names=_listed(cat, managers), team=plan.team,
              members=listed)
        if managers
        else cat.t("simulate.preface.no_manager", team=plan.team, members=listed)
    )  # fmt: skip
    agreed = sum(1 for p in members for a in p.actions if a.week <= weeks)
    digest_day = cat.raw("simulate.weekdays")[plan.digest_day]
    how = cat.t("simulate.preface.how", day=digest_day, time=plan.digest_time.strftime("%H:%M"), channel=plan.channel)
    answers = [cat.t(f"simulate.behaviour.{p.answers}", name=p.name) for p in members]
    away = [cat.t("simulate.preface.away", name=p.name, week=w) for p in members for w in p.away if w <= weeks]
    paragraphs = [
        [cat.t("simulate.title", weeks=span, team=plan.team)],
        [cat.t("simulate.period", first=day_name(outcome.start, cat), last=day_name(last, cat))],
        [],
        [team, cat.t("simulate.preface.agreed", count=agreed), how]
        + ([cat.t("simulate.preface.titles")] if plan.privacy == "detailed" else []),
        [],
        [cat.t("simulate.preface.answers")],
        *([f"• {line}"] for line in answers + away),
        [],
        [cat.t("simulate.legend", done=catalogue(outcome.options.language).t("nudge.checkin.done"))],
    ]
    lines: list[str] = []
    for paragraph in paragraphs:
        text = " ".join(paragraph)
        lines += textwrap.wrap(text, width=WIDTH, subsequent_indent="  " if text.startswith("• ") else "") or [""]
    return lines


def _dm_heading(entry: Entry, cat: Catalogue, stats: bool) -> str:
    if stats:  # the developer's terms: the nudge kind and its tone
        tone = TONES.get(entry.tone, entry.tone)
        return f"→ {entry.who} · {entry.kind}" + (f" · {tone}" if tone else "")
    return f"→ {entry.who} · {_kind(cat, entry.kind)}"


def _kind(cat: Catalogue, kind: str) -> str:
    """A kind of message in words; one the catalogue does not name yet shows as it is."""
    try:
        return cat.t(f"simulate.kind.{kind}")
    except CatalogueError:
        return kind


def _entry_text(
    entry: Entry, names: render.Names, cat: Catalogue, stats: bool, changes: list[str] | None = None
) -> list[str]:
    clock = entry.local.strftime("%H:%M")
    channel = entry.who.lstrip("#")
    if entry.what == "dm":
        return [
            f"{clock}  {_dm_heading(entry, cat, stats)}",
            *render.indent(render.blocks_text(entry.blocks, names, entry.text), PAD),
        ]
    if entry.what == "digest":
        lines = [f"{clock}  {cat.t('simulate.note.digest', channel=channel)}"]
        lines += render.indent(render.blocks_text(entry.blocks, names, entry.text), PAD)
        for reply in entry.thread:
            lines.append(f"{PAD}{cat.t('simulate.note.thread')}")
            lines += render.indent(render.blocks_text(reply, names), PAD + "  ")
        return lines
    if entry.what == "digest_edit":
        lines = [f"{clock}  {cat.t('simulate.note.digest_edit', channel=channel)}"]
        return lines + render.indent(changes or [], PAD + "  ")
    if entry.what == "answer":
        said = entry.text.split("\n")  # plain text: the title as typed
        return _headed(f"{clock}  {cat.t('simulate.note.answer', name=entry.who)}", said)
    return _headed(f"{clock}  · ", entry.text.split("\n"))


def _headed(head: str, lines: list[str]) -> list[str]:
    """A line after a time and a mark; what wraps, and the lines below it, are indented under the message."""
    first = textwrap.wrap(head + lines[0], width=WIDTH, subsequent_indent=PAD + "  ", break_on_hyphens=False)
    return [*first, *render.indent(lines[1:], PAD + "  ")]


def _edits(entries: list[Entry], names: render.Names) -> dict[int, list[str] | None]:
    """A digest's in-place edits, one line a day: at the day's first edit, the lines that read differently by
    the end of that day (None for the day's later edits, which are folded into it)."""
    shown: dict[str, list[str]] = {}  # what each posted message (headline or thread part) reads now
    first: dict[tuple[date, str], int] = {}
    before: dict[tuple[date, str], dict[str, list[str]]] = {}
    after: dict[tuple[date, str], dict[str, list[str]]] = {}
    out: dict[int, list[str] | None] = {}
    for index, entry in enumerate(entries):
        if entry.what == "digest":
            shown[entry.ts] = render.blocks_text(entry.blocks, names, entry.text)
            for ts, blocks in zip(entry.thread_ts, entry.thread, strict=False):
                shown[ts] = render.blocks_text(blocks, names)
        elif entry.what == "digest_edit":
            key = (entry.local.date(), entry.who)
            out[index] = None if key in first else []
            first.setdefault(key, index)
            before.setdefault(key, {}).setdefault(entry.ts, shown.get(entry.ts, []))
            shown[entry.ts] = render.blocks_text(entry.blocks, names, entry.text)
            after.setdefault(key, {})[entry.ts] = shown[entry.ts]
    for key, index in first.items():
        changed = [
            line for ts, lines in after[key].items() for line in lines if line.strip() and line not in before[key][ts]
        ]
        out[index] = changed or None  # edited back to what it said: nothing to tell
    return out


def achievements(outcome: Outcome, rows: list[Row]) -> list[str]:
    """What the team achieved, in words: done (on the date first agreed), meetings, contacts, per person."""
    cat, got = _framing(outcome), summary.achieved(outcome)
    members = [r for r in rows if r.role == "member"]
    done = sum(r.done for r in members)
    team = cat.t("simulate.end.team", count=done)
    if done:
        team += cat.t("simulate.end.on_time", count=done - sum(r.late for r in members))
    if got.meetings:
        team += cat.t("simulate.end.meetings", count=got.meetings)
    if got.contacts:
        team += cat.t("simulate.end.contacts", count=got.contacts)
    lines = [cat.t("simulate.end.heading", weeks=cat.t("simulate.weeks", count=outcome.options.weeks)), ""]
    lines += textwrap.wrap(team + ".", width=WIDTH)
    for row in members:
        line = (
            cat.t("simulate.end.done", count=row.done, name=row.name)
            if row.done
            else cat.t("simulate.end.none", name=row.name)
        )
        if got.open[row.user_id]:
            line += cat.t("simulate.end.open", count=got.open[row.user_id])
        lines.append(f"• {line}.")
    return lines


def text(outcome: Outcome, rows: list[Row], *, stats: bool = False) -> str:
    """The transcript as people read it; with stats, the developer's figures after it."""
    names, cat = _names(outcome), _framing(outcome)
    lines = preface(outcome)
    edits = _edits(outcome.entries, names)
    for day, entries in groupby(enumerate(outcome.entries), key=lambda item: item[1].local.date()):
        heading = day_name(day, cat)
        lines += ["", f"── {heading} " + "─" * max(0, 60 - len(heading))]
        for index, entry in entries:
            if entry.what == "digest_edit" and edits.get(index) is None:
                continue
            lines += _entry_text(entry, names, cat, stats, edits.get(index))
    lines += ["", *achievements(outcome, rows)]
    lines += ["", *summary_text(outcome, rows)] if stats else ["", cat.t("simulate.end.stats")]
    return "\n".join(lines) + "\n"


# -- the summary -------------------------------------------------------------------------------------


def _share(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"


def _mix_text(row: Row) -> str:
    if row.mix.status == "too few":
        return "-" if row.messages == 0 else "too few to judge"
    if row.mix.status == "reported":  # never answers: the share is reported, not judged
        return f"reported ({_share(row.mix.low)}-{_share(row.mix.high)})"
    return f"{row.mix.status} (worst {_share(row.mix.worst)})"


HEADER = ["Person", "Answers", "Msgs", *(SHORT[k] for k in KINDS), "Inspiring", "Done", "Late", "Attention", "Mix"]


def _cells(row: Row) -> list[str]:
    answers = "(manager)" if row.role == "manager" else row.answers.replace("_", " ")
    kinds = [str(row.kinds[k]) for k in KINDS]
    return [row.name, answers, str(row.messages), *kinds, _share(row.share), str(row.done), str(row.late),
            str(row.attention), _mix_text(row)]  # fmt: skip


def _notes(outcome: Outcome, rows: list[Row]) -> list[str]:
    """What the columns mean, then what happened in the channel, then the verdict on the mix."""
    digests = [e for e in outcome.entries if e.what == "digest"]
    edits = len({(e.local.date(), e.ts) for e in outcome.entries if e.what == "digest_edit"})
    judged = [r for r in rows if r.mix.status in ("held", "missed")]
    missed = [r.name for r in judged if r.mix.status == "missed"]
    if not judged:
        verdict = f"The 70/30 mix: nobody had a {WINDOW_DAYS}-day window with {MIN_MESSAGES} or more messages to judge."
    elif missed:
        verdict = f"The 70/30 mix did NOT hold for: {', '.join(missed)}."
    else:
        names = ", ".join(r.name for r in judged)
        verdict = f"The 70/30 mix held for everyone who answers, with enough messages ({names})."
    sent = sum(1 for e in outcome.entries if e.what == "dm")
    return [
        "Columns: " + ", ".join(f"{SHORT[k]} = {k}" for k in KINDS) + ".",
        "Late: actions not done by the date first agreed (done the day a bundled check-in about that date came "
        "counts as on time). Attention: actions marked needs attention (no answer).",
        f"Mix: inspiring share of every {WINDOW_DAYS}-day window with {MIN_MESSAGES}+ messages, counted by parts "
        "(a check-in that opens with what went well or what is next carries one inspiring and one checking part), "
        f"target {_share(outcome.inspire_share)} ± {round(BAND * 100)} points for people who answer; worst = the "
        "window furthest from the target. For people who never answer it is reported (lowest-highest), not judged.",
        f"Direct messages: {sent}. Digests posted in #{outcome.channel}: {len(digests)}, "
        f"edited in place {edits} times as answers came in (shown once a day).",
        verdict,
    ]


def summary_text(outcome: Outcome, rows: list[Row]) -> list[str]:
    table = [HEADER, *(_cells(row) for row in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    left = {0, 1, len(HEADER) - 1}
    formatted = [
        "  ".join(cell.ljust(widths[i]) if i in left else cell.rjust(widths[i]) for i, cell in enumerate(r)).rstrip()
        for r in table
    ]
    notes = _notes(outcome, rows)
    return [f"Summary of {_title(outcome)}", _run_line(outcome), "", *formatted, "", *notes[:3], "", *notes[3:]]


def _run_line(outcome: Outcome) -> str:
    options = outcome.options
    return (
        f"{outcome.plan.source}, {NAMES.get(options.language, options.language)}, seed {options.seed}, "
        f"times in {TIMEZONE}"
    )


# -- HTML --------------------------------------------------------------------------------------------

STYLE = """
*{box-sizing:border-box}
body{margin:0;background:#f8f8f8;color:#1d1c1d;font:15px/1.46668 -apple-system,BlinkMacSystemFont,"Segoe UI",Lato,
Helvetica,Arial,sans-serif}
main{max-width:880px;margin:0 auto;background:#fff;min-height:100vh;border:solid #ddd;border-width:0 1px}
header.top{padding:16px 20px;border-bottom:1px solid #ddd;position:sticky;top:0;background:#fff;z-index:2}
header.top h1{font-size:18px;margin:0}
header.top p{margin:2px 0 0;color:#616061;font-size:13px}
header.top select{margin-top:6px;font:inherit;font-size:13px}
.day{display:flex;align-items:center;margin:20px 0 6px;color:#1d1c1d;font-weight:700;font-size:13px}
.day:before,.day:after{content:"";flex:1;border-top:1px solid #ddd}
.day span{border:1px solid #ddd;border-radius:24px;padding:2px 14px;margin:0 8px;background:#fff}
.msg{display:flex;gap:8px;padding:6px 20px}
.msg:hover{background:#f8f8f8}
.avatar{flex:0 0 36px;height:36px;border-radius:6px;color:#fff;font-weight:700;display:flex;align-items:center;
justify-content:center;font-size:14px}
.avatar.bot{background:#4a154b}
.meta{font-size:13px;color:#616061}
.meta b{color:#1d1c1d;font-size:15px;margin-right:4px}
.app{background:#e8e8e8;color:#616061;font-size:10px;font-weight:700;padding:1px 3px;border-radius:2px;margin-right:6px}
.where{margin-left:6px}
.tone{font-size:11px;font-weight:700;border-radius:10px;padding:1px 8px;margin-left:6px}
.tone.inspire{background:#e3f5ea;color:#007a5a}
.tone.check{background:#fdf1dc;color:#9c5d00}
.tone.mixed{background:#eef3e2;color:#5a6b00}
.tone.digest{background:#e8f0fb;color:#1264a3}
.section{display:flex;justify-content:space-between;gap:12px;margin:4px 0}
.header{font-weight:900;font-size:18px;margin:4px 0}
.context{color:#616061;font-size:13px;margin:4px 0}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0 4px}
.btn{display:inline-block;border:1px solid #bbb;border-radius:4px;padding:2px 12px;font-size:13px;font-weight:700;
background:#fff;white-space:nowrap;align-self:flex-start}
.btn.primary{background:#007a5a;border-color:#007a5a;color:#fff}
.btn.danger{color:#e01e5a}
.btn.picker{font-weight:400;color:#616061}
.btn.overflow{padding:2px 8px}
.quote{display:block;border-left:4px solid #ddd;padding-left:10px;color:#454245}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
code{background:#f6f6f6;border:1px solid #e8e8e8;border-radius:3px;padding:0 3px;font-size:12px;color:#e01e5a}
.thread{margin:6px 0 0;padding:4px 0 0 12px;border-left:3px solid #e8e8e8}
.thread .label{color:#1264a3;font-size:13px;font-weight:700}
.answer{color:#454245}
.note{margin:4px 20px 4px 64px;padding:4px 10px;background:#f4f4f4;border-radius:6px;color:#616061;font-size:13px}
.note time{font-weight:700;margin-right:6px}
hr{border:none;border-top:1px solid #ddd}
section.summary{padding:12px 20px 40px;border-top:1px solid #ddd;margin-top:24px}
section.preface{padding:4px 20px 8px;border-bottom:1px solid #ddd;color:#454245;font-size:14px}
.table{overflow-x:auto}
table{border-collapse:collapse;font-size:13px}
td,th{white-space:nowrap}
th,td{border-bottom:1px solid #eee;padding:3px 6px;text-align:right}
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2),th:last-child,td:last-child{text-align:left}
.missed{color:#e01e5a;font-weight:700}
"""
COLOURS = ("#2f7e9a", "#cc6633", "#2e8b57", "#8e44ad", "#c0392b", "#1a6fb0", "#b7950b", "#6d4c41")
FILTER = """
document.getElementById('who').addEventListener('change',function(e){var v=e.target.value;
document.querySelectorAll('[data-who]').forEach(function(n){n.style.display=(!v||n.dataset.who===v||
n.dataset.who==='#')?'':'none'})});
"""


def _initials(name: str) -> str:
    parts = [p for p in name.replace("#", "").split() if p[:1].isupper()] or name.split() or ["?"]
    return (parts[0][:1] + (parts[-1][:1] if len(parts) > 1 else "")).upper()


def _entry_html(
    entry: Entry,
    names: render.Names,
    colours: dict[str, str],
    cat: Catalogue,
    changes: list[str] | None = None,
) -> str:
    clock = entry.local.strftime("%H:%M")
    who = html.escape(entry.who)
    data_who = html.escape(entry.user_id or "#")
    channel = entry.who.lstrip("#")
    if entry.what in ("dm", "digest"):
        if entry.what == "dm":
            where = f'<span class="where">→ <b>{who}</b></span>'
            badge = f'<span class="tone {html.escape(entry.tone)}">{html.escape(_kind(cat, entry.kind))}</span>'
        else:
            where = f'<span class="where">{html.escape(cat.t("simulate.note.digest", channel=channel))}</span>'
            badge = ""
        body = render.blocks_html(entry.blocks, names, entry.text)
        for reply in entry.thread:
            label = html.escape(cat.t("simulate.note.thread"))
            body += f'<div class="thread"><div class="label">{label}</div>{render.blocks_html(reply, names)}</div>'
        return (
            f'<div class="msg" data-who="{data_who}"><div class="avatar bot">C</div><div class="body">'
            f'<div class="meta"><b>Conscience</b><span class="app">APP</span><time>{clock}</time>{where}{badge}'
            f"</div>{body}</div></div>"
        )
    if entry.what == "answer":
        said = "<br>".join(
            f'<span class="btn">{html.escape(label)}</span> <i>{html.escape(title)}</i>' for label, title in entry.said
        )
        colour = colours.get(entry.user_id, "#616061")
        return (
            f'<div class="msg" data-who="{data_who}"><div class="avatar" style="background:{colour}">'
            f'{html.escape(_initials(entry.who))}</div><div class="body"><div class="meta"><b>{who}</b>'
            f"<time>{clock}</time></div>"
            f'<div class="answer">{said}</div></div></div>'
        )
    if entry.what == "digest_edit":
        lines = "".join(f"<br>{html.escape(line)}" for line in changes or [])
        edit = html.escape(cat.t("simulate.note.digest_edit", channel=channel))
        return f'<div class="note" data-who="#"><time>{clock}</time>{edit}{lines}</div>'
    text = "<br>".join(html.escape(line) for line in entry.text.split("\n"))
    return f'<div class="note" data-who="{data_who}"><time>{clock}</time>{text}</div>'


def page(outcome: Outcome, rows: list[Row], *, stats: bool = False) -> str:
    names, cat = _names(outcome), _framing(outcome)
    colours = {m.user_id: COLOURS[i % len(COLOURS)] for i, m in enumerate(outcome.people)}
    intro = preface(outcome)
    lead = "".join(f"<p>{html.escape(line)}</p>" for line in _paragraphs(intro[2:]))
    options = "".join(
        f'<option value="{html.escape(m.user_id)}">{html.escape(m.name)}</option>' for m in outcome.people
    )
    parts = [
        "<!doctype html>",
        f'<html lang="{html.escape(outcome.options.language)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(intro[0])}</title><style>{STYLE}</style></head>",
        "<body><main>",
        f'<header class="top"><h1>{html.escape(intro[0])}</h1><p>{html.escape(intro[1])}</p>',
        f'<label><select id="who"><option value="">{html.escape(cat.t("simulate.everyone"))}</option>{options}'
        "</select></label></header>",
        f'<section class="preface">{lead}</section>',
    ]
    edits = _edits(outcome.entries, names)
    for day, entries in groupby(enumerate(outcome.entries), key=lambda item: item[1].local.date()):
        heading = html.escape(day_name(day, cat))
        parts.append(f'<div class="day" id="{day.isoformat()}"><span>{heading}</span></div>')
        for index, entry in entries:
            if entry.what == "digest_edit" and edits.get(index) is None:
                continue
            parts.append(_entry_html(entry, names, colours, cat, edits.get(index)))
    achieved = achievements(outcome, rows)
    closing = "".join(f"<p>{html.escape(line)}</p>" for line in _paragraphs(achieved[2:]))
    heading = html.escape(achieved[0])
    parts.append(f'<section class="summary"><h2>{heading}</h2>{closing}</section>')
    if stats:
        parts.append(_summary_html(outcome, rows))
    parts.append(f"</main><script>{FILTER}</script></body></html>")
    return "\n".join(parts) + "\n"


def _paragraphs(lines: list[str]) -> list[str]:
    """Wrapped lines back into paragraphs: a blank line or a bullet starts a new one."""
    out: list[str] = []
    for line in lines:
        if not line.strip():
            out.append("")
        elif out and out[-1] and not line.startswith("• "):
            out[-1] += " " + line.strip()
        else:
            out.append(line)
    return [p for p in out if p]


def _summary_html(outcome: Outcome, rows: list[Row]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
    body = []
    for row in rows:
        cells = [f"<td>{html.escape(cell)}</td>" for cell in _cells(row)]
        if row.mix.status == "missed":
            cells[-1] = cells[-1].replace("<td>", '<td class="missed">', 1)
        body.append("<tr>" + "".join(cells) + "</tr>")
    notes = "".join(f"<p>{html.escape(line)}</p>" for line in _notes(outcome, rows))
    return (
        f'<section class="summary"><h2>Summary of {html.escape(_title(outcome))}</h2>'
        f'<div class="table"><table><tr>{head}</tr>{"".join(body)}</table></div>{notes}</section>'
    )
