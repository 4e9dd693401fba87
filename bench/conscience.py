"""Does the bot stay a conscience people keep? The message budget, measured over simulated teams.

Plays the sample team (one manager; four professionals who answer on time, late, never, and who move every
action twice: the personas of bot/simulate/personas.py) for 12 weeks, seeds 1 to 8, in English and in Dutch,
with the real planner, worker and messages (`python -m bot simulate`), and measures what reaches each
professional (the manager's weekly lines are left out):

- direct messages per professional per week (median and max over every person-week),
- most direct messages to one person on one day (celebrations included),
- check-ins per action per due date (max): check-ins and tidy-ups naming the action, counted per due date it
  had when they were sent (a new date starts a new count); follow-ups (one when a check-in went unanswered)
  are counted the same way, apart,
- the inspiring share of every 4-week window with 8 or more messages, for people who answer (min-max),
  counted by parts as bot/services/mix.py does (a check-in that opens with what went well or what is next
  carries one inspiring and one checking part); for the person who never answers it is reported, not judged,
- how often an action's preparation text (its opening line or voicemail plan) is shown (max): in a message
  about several actions (a week plan) only on the line that names the action, since two actions may share
  an opening line; its first words, since a week plan shows it clipped.

Each figure is printed with its target (issue 13) and PASS or FAIL. The script measures; it asserts nothing
and exits 0 (a crash exits 1). Runs go to worker processes (--jobs, default 2).

    python bench/conscience.py                       # 16 runs of 12 weeks
    python bench/conscience.py --seeds 1-2 --languages nl --jobs 1
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402

from bot.services.mix import parts_of  # noqa: E402
from bot.simulate import render  # noqa: E402
from bot.simulate.run import Options, Outcome, simulate  # noqa: E402
from bot.simulate.summary import window_shares  # noqa: E402
from models import Action, Event, Nudge, Person  # noqa: E402

WEEKS = 12
WEEK_MEDIAN = 4  # direct messages a week for a typical professional
DAY_MAX = 3
CHECKS_PER_DUE = 1
FOLLOWUPS_PER_DUE = 1
ASKING = ("checkin", "cleanup")  # the question about a due date; a follow-up is its one reminder
SHARE = (0.65, 0.75)
PREPARATION_SHOWN = 2
PREPARATION_HEAD = 60  # characters: a week plan clips the opening line at 100


@dataclass
class Figures:
    """What one or more runs measured, per answering style (on_time, late, never, rescheduler)."""

    week_counts: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    day_max: dict[str, int] = field(default_factory=Counter)
    checks_max: dict[str, int] = field(default_factory=Counter)
    followups_max: dict[str, int] = field(default_factory=Counter)
    shares: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    shown_max: dict[str, int] = field(default_factory=Counter)
    parts: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # all weeks
    runs: int = 0

    def add(self, other: Figures) -> None:
        for style, counts in other.week_counts.items():
            self.week_counts[style] += counts
        for style, values in other.shares.items():
            self.shares[style] += values
        for style, parts in other.parts.items():
            self.parts[style].update(parts)
        for mine, theirs in ((self.day_max, other.day_max), (self.checks_max, other.checks_max),
                             (self.followups_max, other.followups_max), (self.shown_max, other.shown_max)):  # fmt: skip
            for style, value in theirs.items():
                mine[style] = max(mine[style], value)
        self.runs += other.runs


def _due_on(history: list[tuple[datetime, date]], moment: datetime) -> date | None:
    """The due date an action had at a moment, from its events (created, rescheduled, edited)."""
    due = None
    for at, value in history:
        if at > moment:
            break
        due = value
    return due


def _shows(text: str, preparation: str, title: str, single: bool) -> bool:
    """The message shows this action's preparation: its first words, on the line naming the action when the
    message is about several."""
    head = preparation[:PREPARATION_HEAD]
    return any(head in line and (single or title in line) for line in text.split("\n"))


def measure(outcome: Outcome) -> Figures:
    figures = Figures(runs=1)
    style_of = {m.user_id: m.answers for m in outcome.people if m.role == "member"}
    names = render.Names(outcome.names, {outcome.channel_id: outcome.channel})
    dms = [e for e in outcome.entries if e.what == "dm" and e.user_id in style_of]
    dms = [e for e in dms if outcome.start <= e.local.date() < outcome.end]
    # Messages a week and a day.
    weekly: Counter[tuple[str, int]] = Counter()
    daily: Counter[tuple[str, date]] = Counter()
    tones: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for entry in dms:
        weekly[entry.user_id, (entry.local.date() - outcome.start).days // 7] += 1
        daily[entry.user_id, entry.local.date()] += 1
        tones[entry.user_id].append((entry.local.date(), entry.tone))  # window_shares counts the parts
        inspiring, checking = parts_of(entry.tone)
        figures.parts[style_of[entry.user_id]].update(inspire=inspiring, check=checking)
    for user_id, style in style_of.items():
        figures.week_counts[style] += [weekly[user_id, week] for week in range(outcome.options.weeks)]
        figures.day_max[style] = max([n for (u, _), n in daily.items() if u == user_id], default=0)
        figures.shares[style] += [s for _, s in window_shares(tones[user_id], outcome.start, outcome.end)]
    text_of = {e.ts: "\n".join(render.blocks_text(e.blocks, names, e.text)) for e in dms}
    with outcome.deps.sessions() as session:
        user_of = {p.id: p.slack_user_id for p in session.scalars(select(Person))}
        history: dict[int, list[tuple[datetime, date]]] = defaultdict(list)
        for action_id, at, data in session.execute(
            select(Event.action_id, Event.created_at, Event.data)
            .where(Event.action_id.is_not(None))
            .order_by(Event.created_at, Event.id)
        ):
            if isinstance(data, dict) and data.get("due"):
                history[action_id].append((at, date.fromisoformat(data["due"])))
        title = {a.id: a.title for a in session.scalars(select(Action))}
        preparation = {
            a.id: [t.strip() for t in (a.opening_line, a.voicemail_plan) if t and t.strip()]
            for a in session.scalars(select(Action))
        }
        sent = session.scalars(select(Nudge).where(Nudge.status == "sent", Nudge.message_ts.is_not(None)))
        checks: Counter[tuple[int, date | None]] = Counter()
        followups: Counter[tuple[int, date | None]] = Counter()
        shown: Counter[tuple[int, str]] = Counter()
        owner: dict[int, str] = {}
        for nudge in sent:
            user_id = user_of.get(nudge.person_id, "")
            if user_id not in style_of or nudge.message_ts not in text_of:
                continue
            for action_id in nudge.action_ids or ([nudge.action_id] if nudge.action_id else []):
                owner[action_id] = user_id
                due = _due_on(history[action_id], nudge.sent_at or nudge.due_at)
                if nudge.kind in ASKING:
                    checks[action_id, due] += 1
                elif nudge.kind == "followup":
                    followups[action_id, due] += 1
                for line in preparation.get(action_id, []):
                    single = len(nudge.action_ids or []) <= 1
                    shown[action_id, line] += _shows(text_of[nudge.message_ts], line, title[action_id], single)
    for counts, most in ((checks, figures.checks_max), (followups, figures.followups_max),
                         (shown, figures.shown_max)):  # fmt: skip
        for (action_id, _), count in counts.items():
            style = style_of[owner[action_id]]
            most[style] = max(most[style], count)
    return figures


def one_run(language: str, seed: int, weeks: int) -> Figures:
    outcome = simulate(Options(weeks=weeks, language=language, seed=seed))
    try:
        return measure(outcome)
    finally:
        outcome.close()


# -- the table --------------------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _range(values: list[float]) -> str:
    return f"{min(values) * 100:.0f}-{max(values) * 100:.0f}%" if values else "-"


def _spread(values: list[float]) -> str:
    """Median and 10th to 90th percentile: how far the typical window is from the edges of the band."""
    if len(values) < 2:
        return "-"
    deciles = statistics.quantiles(values, n=10)
    return f"{statistics.median(values) * 100:.0f}% ({deciles[0] * 100:.0f}-{deciles[-1] * 100:.0f})"


def _within(values: list[float]) -> str:
    inside = sum(SHARE[0] - 1e-9 <= v <= SHARE[1] + 1e-9 for v in values)
    return f"{inside / len(values):.0%}" if values else "-"


def table(figures: Figures, styles: list[str]) -> list[str]:
    everyone = [n for s in styles for n in figures.week_counts[s]]
    answering = [v for s in styles if s != "never" for v in figures.shares[s]]
    rows = [
        ("messages a week, median", f"<= {WEEK_MEDIAN}", statistics.median(everyone),
         statistics.median(everyone) <= WEEK_MEDIAN),
        ("messages a week, max", "(reported)", max(everyone), None),
        ("messages on one day, max", f"<= {DAY_MAX}", max(figures.day_max[s] for s in styles),
         max(figures.day_max[s] for s in styles) <= DAY_MAX),
        ("check-ins per action per due date, max", f"<= {CHECKS_PER_DUE}",
         max(figures.checks_max[s] for s in styles), max(figures.checks_max[s] for s in styles) <= CHECKS_PER_DUE),
        ("follow-ups per action per due date, max", f"<= {FOLLOWUPS_PER_DUE}",
         max(figures.followups_max[s] for s in styles),
         max(figures.followups_max[s] for s in styles) <= FOLLOWUPS_PER_DUE),
        ("inspiring share, 4-week windows, who answers", f"{SHARE[0]:.0%}-{SHARE[1]:.0%}", _range(answering),
         bool(answering) and SHARE[0] - 1e-9 <= min(answering) and max(answering) <= SHARE[1] + 1e-9),
        ("  of those windows: median (10th-90th pct)", "(reported)", _spread(answering), None),
        ("  of those windows: within 65%-75%", "(reported)", _within(answering), None),
        ("inspiring share, who never answers", "(reported)", _range(figures.shares["never"]), None),
        ("preparation text shown, max", f"<= {PREPARATION_SHOWN}", max(figures.shown_max[s] for s in styles),
         max(figures.shown_max[s] for s in styles) <= PREPARATION_SHOWN),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    lines = [f"{'figure':<{width}}  {'target':>10}  {'measured':>9}  verdict"]
    for name, target, value, ok in rows:
        shown = f"{value:g}" if isinstance(value, float | int) else str(value)
        lines.append(f"{name:<{width}}  {target:>10}  {shown:>9}  {'' if ok is None else _verdict(ok)}")
    return lines


def _whole(parts: Counter[str]) -> str:
    """The share over all the weeks played: where a style's windows centre."""
    total = parts["inspire"] + parts["check"]
    return f"{parts['inspire'] / total:.0%}" if total else "-"


def _outside(values: list[float]) -> str:
    """Windows above / below the band, as a share of the style's windows."""
    if not values:
        return "-"
    above = sum(v > SHARE[1] + 1e-9 for v in values) / len(values)
    below = sum(v < SHARE[0] - 1e-9 for v in values) / len(values)
    return f"{above:.0%} / {below:.0%}"


def per_style(figures: Figures, styles: list[str]) -> list[str]:
    head = f"{'answers':<12} {'week median':>11} {'week max':>8} {'day max':>7} {'checks max':>10} {'f-ups max':>9} "
    lines = [head + f"{'share min-max':>13} {'all weeks':>9} {'above / below':>13} {'prep shown max':>14}"]
    for style in styles:
        counts = figures.week_counts[style]
        lines.append(
            f"{style:<12} {statistics.median(counts):>11g} {max(counts):>8} {figures.day_max[style]:>7} "
            f"{figures.checks_max[style]:>10} {figures.followups_max[style]:>9} "
            f"{_range(figures.shares[style]):>13} {_whole(figures.parts[style]):>9} "
            f"{_outside(figures.shares[style]):>13} {figures.shown_max[style]:>14}"
        )
    return lines


def _seeds(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seeds", default="1-8", help="a seed or a range (default 1-8)")
    parser.add_argument("--languages", default="en,nl", help="comma-separated (default en,nl)")
    parser.add_argument("--weeks", type=int, default=WEEKS, help=f"weeks a run (default {WEEKS})")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args(argv)
    runs = [(language, seed) for language in args.languages.split(",") for seed in _seeds(args.seeds)]
    started = time.perf_counter()
    total = Figures()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(one_run, language, seed, args.weeks) for language, seed in runs]
        for future in futures:
            total.add(future.result())
    styles = [s for s in ("on_time", "late", "never", "rescheduler") if total.week_counts[s]]
    print(
        f"The sample team, {args.weeks} weeks, seeds {args.seeds}, {args.languages}: {total.runs} runs "
        f"in {time.perf_counter() - started:.0f} s"
    )
    print()
    print("\n".join(table(total, styles)))
    print()
    print("Per answering style (each professional of the sample team answers in one of them):")
    print("\n".join(per_style(total, styles)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
