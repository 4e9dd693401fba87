"""README's recipes stay true: the files and tests they name exist, and commands match the manifests."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _recipes() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return readme.split("### Recipes", 1)[1].split("\n## ", 1)[0]


def test_every_path_a_recipe_names_exists() -> None:
    named = set(re.findall(r"`((?:bot|config|tests|models)/[\w/.<>]+|manifest\.\w+\.yml)`", _recipes()))
    assert len(named) >= 15  # the recipes still name their files
    missing = sorted(p for p in named if "<" not in p and not (ROOT / p).exists())
    assert missing == []


def test_every_recipe_names_a_guard_that_exists() -> None:
    recipes = _recipes().split("**Add ")[1:]
    assert [re.split(r"\*\*| \(", part, maxsplit=1)[0].rstrip(".") for part in recipes] == [
        "a command",
        "a nudge kind",
        "a language",
        "a Slack surface",
    ]
    for recipe in recipes:
        guards = re.findall(r"`(tests/test_\w+\.py)`", recipe.split("Guard", 1)[1])
        assert guards and all((ROOT / g).exists() for g in guards), recipe[:40]


def _manifest_commands(name: str) -> set[str]:
    manifest = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
    return {c["command"] for c in manifest["features"]["slash_commands"]}


def test_every_command_in_the_manifests_has_a_listener_and_back() -> None:
    registered = {
        found
        for path in (ROOT / "bot/listeners/commands").glob("*.py")
        for found in re.findall(r'app\.command\("(/[\w-]+)"\)', path.read_text(encoding="utf-8"))
    }
    assert registered == _manifest_commands("manifest.http.yml") == _manifest_commands("manifest.socket.yml")
