"""`python -m bot simulate`: options, checks that fail with a message (exit 2), the run, and its output.

stdout gets the transcript only (with --stats, the figures per person after it); the progress bar and notes
go to stderr. A run in which the fake Slack refused anything (a payload Slack would answer with invalid_blocks,
a post in a channel the app is not in) still prints its transcript, then names each refusal on stderr and
exits 3: a simulation never passes over what Slack would refuse.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from bot.fake_slack.workspace import Refusal
from bot.messages.catalogue import CATALOGUE_DIR, CatalogueError, load, placeholders
from bot.simulate import summary, transcript
from bot.simulate.plan import BEHAVIOURS
from bot.simulate.plan_file import PlanError, load_plan
from bot.simulate.run import DEFAULT_START, Options, simulate
from bot.simulate.sample import DEFAULT_ANSWERS, MEMBERS
from config.languages import LANGUAGES
from config.settings import ConfigError

MAX_WEEKS = 104
REFUSED = 3  # the exit code of a run in which the fake Slack refused a call
FRAMING = "simulate."  # catalogue keys of the transcript's own words


def report_refusals(refusals: Sequence[Refusal], stream: TextIO) -> int:
    """Each distinct refusal (method, error, the paths at fault) on stream; REFUSED if there was any, else 0."""
    if not refusals:
        return 0
    counted = Counter((r.method, r.error, tuple(r.detail)) for r in refusals)
    stream.write(f"simulate: the fake Slack refused {len(refusals)} call(s); Slack would refuse them too:\n")
    for (method, error, detail), count in counted.items():
        times = f" ({count} times)" if count > 1 else ""
        stream.write(f"  - {method}: {error}{times}\n")
        for path in detail:
            stream.write(f"      {path}\n")
    return REFUSED


def add_parser(commands: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        "simulate",
        help="play weeks of a team's life without Slack and print every message the bot would send",
        description=(
            "Play weeks of a team's life against a fake Slack and a simulated clock, with the real planner, "
            "worker, digest and messages, and print every message as people would read it."
        ),
    )
    parser.add_argument("--weeks", type=int, default=4, metavar="N", help="how many weeks to play (default 4)")
    parser.add_argument("--language", choices=LANGUAGES, default="en", help="the team's language (default en)")
    parser.add_argument(
        "--plan",
        type=Path,
        metavar="FILE",
        help="a YAML or CSV file of people and actions (default: a sample team; see examples/)",
    )
    parser.add_argument(
        "--answers",
        metavar="LIST",
        help=f"how the members answer, in order: {', '.join(BEHAVIOURS)} "
        f"(default {','.join(DEFAULT_ANSWERS)}; with the sample team, one member each)",
    )
    parser.add_argument(
        "--seed", type=int, default=1, metavar="N", help="the same seed gives the same transcript (default 1)"
    )
    parser.add_argument(
        "--start",
        type=date.fromisoformat,
        default=DEFAULT_START,
        metavar="YYYY-MM-DD",
        help=f"the first week (its Monday; default {DEFAULT_START.isoformat()})",
    )
    parser.add_argument("--html", type=Path, metavar="FILE", help="also write the transcript as an HTML page")
    parser.add_argument(
        "--stats",
        action="store_true",
        help="end with the figures per person (messages by kind, the inspiring share, the seed): for developers",
    )
    parser.add_argument(
        "--catalogue",
        type=Path,
        metavar="DIR",
        help="a message catalogue laid out like config/messages/ (en/, nl/), to preview own wording",
    )
    parser.set_defaults(run=run, parser=parser)
    return parser


def _answers(text: str | None, parser: argparse.ArgumentParser, sample: bool) -> tuple[str, ...] | None:
    if text is None:
        return None
    values = tuple(v.strip().lower().replace("-", "_") for v in text.split(",") if v.strip())
    wrong = [v for v in values if v not in BEHAVIOURS]
    if not values or wrong:
        parser.error(f"--answers takes a comma-separated list of {', '.join(BEHAVIOURS)}; got {text!r}")
    if sample and len(values) > len(MEMBERS):
        parser.error(f"--answers: the sample team has room for {len(MEMBERS)} members, got {len(values)}")
    return values


def check_catalogue(directory: Path, languages: set[str]) -> list[str]:
    """Problems that would stop messages in the chosen catalogue: missing keys or different placeholders."""
    if not directory.is_dir():
        return [f"{directory} is not a folder (expected one laid out like config/messages/, with en/ and nl/)"]
    problems = []
    for language in sorted(languages):
        try:
            own, builtin = load(language, directory), load(language, CATALOGUE_DIR)
        except CatalogueError as error:
            problems.append(str(error))
            continue
        # The simulation's own framing (simulate.*) always comes from the built-in catalogue.
        missing = sorted(k for k in set(builtin) - set(own) if not k.startswith(FRAMING))
        if missing:
            shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
            problems.append(f"{directory / language}: missing {len(missing)} key(s): {shown}")
        for key in sorted(set(builtin) & set(own)):
            if placeholders(own[key]) != placeholders(builtin[key]):
                wanted = ", ".join("{" + p + "}" for p in sorted(placeholders(builtin[key]))) or "none"
                problems.append(f"{directory / language}: {key} must use the placeholders {wanted}")
    return problems


class Progress:
    """A one-line bar on stderr, only for a person watching a terminal."""

    def __init__(self, stream: TextIO, weeks: int):
        self.stream, self.weeks = stream, weeks

    def __call__(self, day: int, total: int) -> None:
        done = round(30 * day / total) if total else 30
        week = min(day // 7 + 1, self.weeks)
        self.stream.write(f"\rsimulating [{'#' * done}{'.' * (30 - done)}] week {week} of {self.weeks} ")
        if day >= total:
            self.stream.write("\r" + " " * 60 + "\r")
        self.stream.flush()


def run(args: argparse.Namespace, _top: argparse.ArgumentParser) -> int:
    parser: argparse.ArgumentParser = args.parser
    if not 1 <= args.weeks <= MAX_WEEKS:
        parser.error(f"--weeks must be from 1 to {MAX_WEEKS}, got {args.weeks}")
    answers = _answers(args.answers, parser, sample=args.plan is None)
    plan = None
    if args.plan is not None:
        try:
            plan = load_plan(args.plan)
        except PlanError as error:
            print(f"simulate: bad plan file: {error}", file=sys.stderr)
            return 2
    if args.catalogue is not None:
        languages = {args.language, *(p.language for p in plan.people if p.language)} if plan else {args.language}
        problems = check_catalogue(args.catalogue, languages)
        if problems:
            print("simulate: the catalogue cannot be used:\n  - " + "\n  - ".join(problems[:20]), file=sys.stderr)
            return 2
    options = Options(
        weeks=args.weeks,
        language=args.language,
        seed=args.seed,
        answers=answers,
        plan=plan,
        start=args.start,
        catalogue_dir=args.catalogue,
        environ=dict(os.environ),
    )
    progress = Progress(sys.stderr, args.weeks) if sys.stderr.isatty() else None
    try:
        outcome = simulate(options, progress)
    except ConfigError as error:
        print(f"simulate: {error}", file=sys.stderr)
        return 2
    try:
        rows = summary.rows(outcome)
        sys.stdout.write(transcript.text(outcome, rows, stats=args.stats))
        if args.html is not None:
            args.html.write_text(transcript.page(outcome, rows, stats=args.stats), encoding="utf-8")
            print(f"simulate: HTML transcript written to {args.html}", file=sys.stderr)
    finally:
        outcome.close()
    return report_refusals(outcome.refusals, sys.stderr)
