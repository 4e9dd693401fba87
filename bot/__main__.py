"""`python -m bot <command>`: the bot's command-line tools. `simulate` plays weeks of a team's life without Slack."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Conscience's command-line tools.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    from bot.simulate import cli as simulate_cli

    simulate_cli.add_parser(commands)
    from bot import check_slack

    check_slack.add_parser(commands)
    args = parser.parse_args(argv)
    return int(args.run(args, parser))


if __name__ == "__main__":
    sys.exit(main())
