"""The house's layers hold: what each layer may import, and where transactions are opened.

Services are the domain (a Session and a Clock, no texts, no Slack); models know nothing of the bot;
listeners parse, ack and call a flow; flows own the transaction. A broken rule names the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _python_files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from bot import flows` names the module bot.flows
            found += [(node.lineno, node.module), *((node.lineno, f"{node.module}.{a.name}") for a in node.names)]
    return found


def _offences(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _python_files(folder)
        for line, module in _imports(path)
        if any(module == prefix or module.startswith(prefix + ".") for prefix in forbidden)
    ]


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("bot/services", ("bot.messages", "bot.listeners", "bot.flows", "bot.delivery", "slack_bolt", "slack_sdk")),
        ("models", ("bot", "slack_bolt", "slack_sdk")),
        ("bot/messages", ("bot.listeners", "bot.flows", "slack_bolt")),
        ("bot/flows", ("bot.listeners", "slack_bolt")),
    ],
)
def test_a_layer_imports_nothing_above_it(folder: str, forbidden: tuple[str, ...]) -> None:
    assert _offences(folder, forbidden) == []


def test_listeners_open_no_transaction() -> None:
    """A listener parses, acks and calls a flow; the flow owns the transaction."""
    opened = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in _python_files("bot/listeners")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "transaction()" in line or "turn(" in line or "home.publish(" in line
    ]
    assert opened == []
