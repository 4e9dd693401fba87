"""Message catalogues: every key in every language, with the same placeholders; escaping of user text."""

from __future__ import annotations

import pytest

from bot.messages.catalogue import LANGUAGES, Catalogue, CatalogueError, escape, load, placeholders


def test_every_language_has_the_same_keys() -> None:
    keys = {language: set(load(language)) for language in LANGUAGES}
    for language in LANGUAGES:
        missing = keys["en"] - keys[language]
        extra = keys[language] - keys["en"]
        assert not missing, f"{language} lacks {sorted(missing)}"
        assert not extra, f"{language} has keys English lacks: {sorted(extra)}"


def test_placeholders_match_across_languages() -> None:
    english = load("en")
    for language in LANGUAGES:
        other = load(language)
        for key, value in english.items():
            assert placeholders(other[key]) == placeholders(value), f"{language}:{key}"


def test_variants_are_lists_of_texts_in_both_languages() -> None:
    english, dutch = load("en"), load("nl")
    for key, value in english.items():
        assert isinstance(dutch[key], list) == isinstance(value, list), key


def test_a_missing_key_is_an_error_not_a_silent_fallback() -> None:
    with pytest.raises(CatalogueError):
        Catalogue("nl").t("no.such.key")


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("<!channel>", "&lt;!channel&gt;"),
        ("<https://evil.example|click>", "&lt;https://evil.example|click&gt;"),
        ("Jan & Piet", "Jan &amp; Piet"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("plain", "plain"),
    ],
)
def test_escape_makes_user_text_inert(typed: str, shown: str) -> None:
    assert escape(typed) == shown
