"""Message catalogues: `config/messages/<language>/*.toml`, merged per language.

A key holds a string, or a list of strings (variants, so recurring messages do not
repeat word for word). Placeholders are `str.format` names; values a user typed must be
passed through `escape()` (or `t(..., **params)` with `user=True`), never raw.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from config.languages import LANGUAGES

CATALOGUE_DIR = Path(__file__).resolve().parents[2] / "config" / "messages"


class CatalogueError(Exception):
    pass


def escape(text: str) -> str:
    """Make user text inert in mrkdwn: no pings (<!channel>), no hidden links, no fake mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, Any], source: Path) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            _flatten(name, value, out, source)
        elif isinstance(value, str | list):
            if name in out:
                raise CatalogueError(f"{source}: key {name!r} is defined twice")
            out[name] = value
        else:
            raise CatalogueError(f"{source}: key {name!r} must be text or a list of texts")


@cache
def load(language: str, directory: Path = CATALOGUE_DIR) -> dict[str, Any]:
    folder = directory / language
    if not folder.is_dir():
        raise CatalogueError(f"no catalogue for language {language!r} in {directory}")
    entries: dict[str, Any] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            _flatten("", tomllib.load(handle), entries, path)
    return entries


def placeholders(value: str | list[Any]) -> set[str]:
    texts = value if isinstance(value, list) else [value]
    names: set[str] = set()
    for text in texts:
        if isinstance(text, str):
            names |= {field for _, field, _, _ in string.Formatter().parse(text) if field}
    return names


class Catalogue:
    """Looks up texts in one language, falling back to English for nothing: a missing key is a bug."""

    def __init__(self, language: str, directory: Path = CATALOGUE_DIR):
        self.language = language if language in LANGUAGES else "en"
        self._entries = load(self.language, directory)

    def raw(self, key: str) -> Any:
        try:
            return self._entries[key]
        except KeyError:
            raise CatalogueError(f"message {key!r} is missing in language {self.language!r}") from None

    def t(self, key: str, variant: int = 0, /, **params: Any) -> str:
        """The text for key, formatted with params. Pass user text already escaped.

        A key written as `key.one` / `key.other` in the catalogue picks by the `count` param."""
        if key not in self._entries and f"{key}.other" in self._entries:
            one = f"{key}.one"
            key = one if params.get("count") == 1 and one in self._entries else f"{key}.other"
        value = self.raw(key)
        if isinstance(value, list):
            value = value[variant % len(value)]
        return value.format(**params)

    def variants(self, key: str) -> int:
        value = self.raw(key)
        return len(value) if isinstance(value, list) else 1


# The folder `catalogue()` reads; `python -m bot simulate --catalogue DIR` points it at an organisation's own.
_directory = CATALOGUE_DIR


def use_directory(directory: Path | None) -> None:
    """Read catalogues from another folder laid out like config/messages/ (None: the built-in one)."""
    global _directory
    _directory = directory or CATALOGUE_DIR


def catalogue(language: str | None) -> Catalogue:
    return Catalogue(language or "en", _directory)
