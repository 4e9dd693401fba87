"""Texts as a native writes them: titles on a line of their own, real singular and plural forms, and none
of the calques and chummy lines a professional reader stumbled over."""

from __future__ import annotations

import re

import pytest

from bot.messages.catalogue import Catalogue, load
from bot.messages.counts import counted

LANGUAGES = ("en", "nl")
# Lines that list titles or notification texts (no layout there) may carry a title inside them.
TITLE_INSIDE = (".line", ".also_today", "nudge.fallback.")
GONE = (
    "voorsprong",
    "Daar word je op onthouden",
    "Past dinsdag of donderdag je beter",
    "Maak ja zeggen makkelijk",
    "lekker je gang",
    "had klaar moeten zijn",
    "kept thinking along",
    "The list of",
    "talk to you in",
    "lijstje",
    "needing attention",
)
# A count as a label: "On the list: {count}.", "(actions: {count})".
LABEL = re.compile(r":\s*\*?\{(?:count|open|overdue|attention|done)\}\*?(?:[.)]|$)")


def texts(language: str) -> dict[str, list[str]]:
    return {key: value if isinstance(value, list) else [value] for key, value in load(language).items()}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_message_puts_the_title_on_a_line_of_its_own_and_the_words_after_it(language):
    for key, values in texts(language).items():
        if not key.startswith(("nudge.", "result.", "proposal.")) or any(part in key for part in TITLE_INSIDE):
            continue
        for value in values:
            if "{title}" in value:
                lines = value.split("\n")
                assert re.fullmatch(r"(?:\S+ )?\*\{title\}\*", lines[0]), (key, value)
                assert len(lines) > 1 and lines[1], (key, value)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_calques_chummy_lines_or_counts_as_labels(language):
    for key, values in texts(language).items():
        for value in values:
            assert not any(phrase in value for phrase in GONE), (key, value)
            assert not LABEL.search(value), (key, value)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", ["nudge.checkin.intro", "nudge.weekplan.intro", "nudge.summary.intro"])
def test_one_action_is_one_and_more_are_plural(language, key):
    cat = Catalogue(language)
    for variant in range(5):
        one, three = cat.t(key, variant, count=1), cat.t(key, variant, count=3)
        assert "1 " not in one and ("actions" in three or "acties" in three), (one, three)


def test_counts_agree_with_their_number():
    en, nl = Catalogue("en"), Catalogue("nl")
    assert counted(en, attention=1, open=2)["attention"] == "1 needs attention"
    assert counted(en, attention=2)["attention"] == "2 need attention"
    assert counted(nl, attention=1)["attention"] == "1 vraagt aandacht"
    assert counted(nl, attention=3, members=1) == {"attention": "3 vragen aandacht", "members": "1 lid"}


@pytest.mark.parametrize(
    ("language", "one", "six"), [("en", "Every week", "Every 6 weeks"), ("nl", "Elke week", "Elke 6 weken")]
)
def test_the_repeat_choices_say_every_week_not_every_1_weeks(language, one, six):
    cat = Catalogue(language)
    assert (cat.t("form.repeat_every", count=1), cat.t("form.repeat_every", count=6)) == (one, six)


# -- several actions in one message: each in its own words ------------------------------------------


def _rendered(language: str, kind: str, actions: list, **view) -> list[dict]:
    from datetime import date

    from bot.messages.nudges import NudgeView, render

    found = render(Catalogue(language), NudgeView(nudge_id=1, kind=kind, variant=0, today=date(2026, 11, 30),
                                                  actions=actions, **view))
    return found["blocks"]


def _actions(kind: str, *titles: str) -> list:
    from datetime import date

    from models import Action

    return [Action(id=n + 1, title=t, kind=kind, due_date=date(2026, 11, 27)) for n, t in enumerate(titles)]


def _block_texts(blocks: list[dict]) -> list[str]:
    return [" ".join(e.get("text", "") for e in b["elements"]) if b["type"] == "context"
            else b.get("text", {}).get("text", "") for b in blocks]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_celebration_of_several_lists_the_others_one_per_line_and_words_each_next_step_apart(language):
    done = _actions("aftercare", "Visit Acme after the audit", "Visit Delta after the move", "Visit Hof")
    texts_ = _block_texts(_rendered(language, "celebration", done, streak=3))
    [also] = [t for t in texts_ if "*Visit Acme after the audit*" in t and "*Visit Delta after the move*" in t]
    assert "\n• *Visit Acme after the audit*\n• *Visit Delta after the move*" in also
    steps = [t.split("\n", 1)[1] for t in texts_ if t.startswith("*Visit") and "\n" in t]
    assert len(steps) == 3 and len(set(steps)) == 3, steps


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_follow_up_about_two_actions_does_not_say_the_same_sentence_twice(language):
    texts_ = _block_texts(_rendered(language, "followup", _actions("other", "Call Jan", "Mail Piet")))
    intros = [t.split("\n", 1)[1] for t in texts_ if t.startswith(("*Call Jan*", "*Mail Piet*"))]
    assert len(intros) == 2 and intros[0] != intros[1], intros
