"""The domain layer stays sealed: bot/services imports nothing of messages, listeners, flows, Bolt or the SDK."""

import ast
from pathlib import Path

SERVICES = Path(__file__).resolve().parents[1] / "bot" / "services"
FORBIDDEN = ("bot.messages", "bot.listeners", "bot.flows", "slack_bolt", "slack_sdk")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_services_import_nothing_of_the_layers_above():
    leaks = {
        f"{path.name}: {name}"
        for path in sorted(SERVICES.glob("*.py"))
        for name in imported_modules(path)
        if name.startswith(FORBIDDEN)
    }
    assert not leaks
