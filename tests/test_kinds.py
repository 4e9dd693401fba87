"""A nudge kind is one record (bot/services/kinds.py), its renderer and its texts: none can be forgotten."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.check_slack import Sample
from bot.messages import nudges
from bot.messages.catalogue import catalogue, load
from bot.messages.ids import NUDGE_ANSWER, NUDGE_EDIT, NUDGE_NEXT_STEP, member
from bot.services import checkins
from bot.services.kinds import KINDS, SENT
from config.languages import LANGUAGES

TODAY = date(2026, 11, 23)


def test_every_kind_that_sends_has_a_renderer_and_every_renderer_a_kind():
    assert set(nudges.RENDERERS) == set(SENT)
    assert all(not KINDS[name].sends for name in set(KINDS) - set(SENT))


def answers_rendered(payload: dict[str, Any]) -> set[str]:
    """The answers a rendered nudge offers: its answer buttons, its date pickers, its edit and next-step buttons."""
    found: set[str] = set()
    for block in payload["blocks"]:
        if block["type"] != "actions":
            continue
        if block.get("block_id", "").startswith("nd:"):  # a date picker: nd:<nudge>:<action>:<answer>
            found.add(block["block_id"].split(":")[3])
        for element in block["elements"]:
            action_id, value = element.get("action_id", ""), element.get("value", "")
            if action_id.startswith(member(NUDGE_ANSWER, "")):
                found.add(action_id.split(":", 1)[1])
            elif action_id == NUDGE_EDIT and value.count(":") == 2:
                found.add(value.split(":")[2])
            elif action_id == NUDGE_NEXT_STEP:
                found.add("next_step")
    return found


@pytest.mark.parametrize("name", SENT)
def test_every_button_a_kind_renders_is_an_answer_of_its_record(name: str):
    view = Sample(TODAY, "U0KINDS").nudge(name)
    offered = answers_rendered(nudges.render(catalogue("en"), view))
    assert offered <= set(KINDS[name].answers), f"{name} renders answers its record lacks"
    if offered:
        assert checkins.ANSWERS[name] == KINDS[name].answers  # the click is applied by the same list


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", SENT)
def test_every_kind_has_its_texts_in_every_language(name: str, language: str):
    entries = load(language)
    kind = KINDS[name]
    fallback = f"nudge.fallback.{name}"
    assert fallback in entries or f"{fallback}.other" in entries, f"{fallback} missing in {language}"
    assert any(key.startswith(kind.catalogue + ".") for key in entries), f"no {kind.catalogue}.* in {language}"
    nudges.render(catalogue(language), Sample(TODAY, "U0KINDS").nudge(name))  # every text it needs is there


def test_every_kind_record_is_consistent():
    for kind in KINDS.values():
        assert kind.tone in ("inspire", "check", "none")
        assert kind.sends == (kind.tone != "none"), f"{kind.name}: only internal kinds stay out of the mix"
        assert kind.slot in ("morning", "checkin")
