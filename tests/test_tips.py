"""Tips that fit the action: its kind, how it reaches the contact, and what its preparation still lacks."""

from __future__ import annotations

from datetime import date

import pytest

from bot.messages.catalogue import Catalogue
from bot.messages.nudges import NudgeView, render
from bot.messages.tips import Facts, missing, prep_tip, tip
from bot.services.coaching import CHANNELS, KINDS, channel
from models import Action

TODAY = date(2026, 11, 30)
VARIANTS = range(12)


def facts(kind="other", channel=None, opening=True, voicemail=True) -> Facts:
    return Facts(kind=kind, channel=channel, has_opening_line=opening, has_voicemail_plan=voicemail)


def action(title: str, kind: str = "other", opening: str | None = None, voicemail: str | None = None) -> Action:
    due = date(2026, 12, 2)
    return Action(id=7, title=title, kind=kind, due_date=due, opening_line=opening, voicemail_plan=voicemail)


def text(rendered: dict) -> str:
    parts = []
    for block in rendered["blocks"]:
        parts.append(block.get("text", {}).get("text", ""))
        parts += [element.get("text", "") for element in block.get("elements", []) if block["type"] == "context"]
    return "\n".join(parts)


def all_texts(cat: Catalogue, key: str) -> list[str]:
    return [cat.t(key, n) for n in range(cat.variants(key))]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Call Jan about the audit", "call"),
        ("Bel Jan over de jaarrekening", "call"),
        ("Mail Linda the proposal", "email"),
        ("Stuur De Groot de offerte", "email"),
        ("Koffie drinken met Piet", "coffee"),
        ("Lunch with Marieke", "coffee"),
        ("Nodig Jan uit voor een kop koffie", "coffee"),
        ("Book a meeting with Jan", "meeting"),
        ("Ga langs bij Acme", "meeting"),
        ("Follow up Linda", None),
    ],
)
def test_the_channel_comes_from_the_titles_verb(title, expected):
    assert channel(title) == expected
    assert expected is None or expected in CHANNELS


def test_a_call_without_a_voicemail_plan_is_asked_for_one():
    assert missing(facts(channel="call", voicemail=False)) == ["nudge.prep.no_voicemail_plan"]
    assert tip(facts(channel="call", voicemail=False), 3).key == "nudge.tip.missing.voicemail_plan"


@pytest.mark.parametrize("how", ["email", "coffee", "meeting", None])
def test_only_a_call_is_asked_for_a_voicemail_plan(how):
    assert missing(facts(channel=how, voicemail=False)) == []
    assert all(tip(facts(channel=how, voicemail=False), v).key != "nudge.tip.missing.voicemail_plan" for v in VARIANTS)


def test_an_action_without_an_opening_line_is_asked_for_one():
    assert missing(facts(channel="meeting", opening=False)) == ["nudge.prep.no_preparation"]
    assert tip(facts(channel="meeting", opening=False), 0).key == "nudge.tip.missing.opening_line"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("how", [*CHANNELS, None])
def test_a_prepared_action_gets_tips_of_its_channel_its_kind_and_general_ones(kind, how):
    keys = {tip(facts(kind=kind, channel=how), v).key for v in VARIANTS}
    expected = {f"nudge.prep.tip.{kind}", "nudge.tip.body"} | ({f"nudge.tip.channel.{how}"} if how else set())
    assert keys == expected
    assert prep_tip(facts(kind=kind, channel=how), 2).key == f"nudge.prep.tip.{kind}"


@pytest.mark.parametrize("language", ["en", "nl"])
def test_no_voicemail_tip_for_an_email_or_a_coffee(language):
    cat = Catalogue(language)
    word = "voicemail"
    for title in ("Mail Linda the proposal", "Koffie drinken met Piet"):
        for variant in VARIANTS:
            shown = [action(title, opening="Hi")]
            view = NudgeView(nudge_id=1, kind="tip", variant=variant, today=TODAY, actions=shown)
            assert word not in text(render(cat, view)).lower()
    for key in ("nudge.tip.body", "nudge.tip.channel.email", "nudge.tip.channel.coffee", "nudge.tip.channel.meeting"):
        assert not any(word in line.lower() for line in all_texts(cat, key))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_prep_of_a_call_asks_for_the_missing_voicemail_plan_and_never_for_a_written_opening_line(language):
    cat = Catalogue(language)
    call = action("Call Jan about the audit", opening="Jan, a quick question about the audit.")
    view = NudgeView(nudge_id=1, kind="prep", variant=0, today=TODAY, actions=[call])
    shown = text(render(cat, view))
    assert cat.t("nudge.prep.no_voicemail_plan") in shown
    assert cat.t("nudge.prep.no_preparation") not in shown
    for variant in VARIANTS:
        view = NudgeView(nudge_id=1, kind="tip", variant=variant, today=TODAY, actions=[call])
        assert cat.t("nudge.tip.missing.opening_line") not in text(render(cat, view))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_email_prep_asks_for_its_opening_line_only(language):
    cat = Catalogue(language)
    view = NudgeView(nudge_id=1, kind="prep", variant=0, today=TODAY, actions=[action("Mail Linda the proposal")])
    shown = text(render(cat, view))
    assert cat.t("nudge.prep.no_preparation") in shown
    assert cat.t("nudge.prep.no_voicemail_plan") not in shown


@pytest.mark.parametrize(("language", "word"), [("en", "project"), ("nl", "project")])
def test_aftercare_tips_speak_of_a_project_that_has_ended(language, word):
    assert all(word in line for line in all_texts(Catalogue(language), "nudge.prep.tip.aftercare"))


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_week_plan_quotes_the_opening_line_on_the_line_that_names_the_action(language):
    cat = Catalogue(language)
    opening = "Hi Jan, " + "a quick word about the audit and what comes next. " * 4
    view = NudgeView(
        nudge_id=1,
        kind="weekplan",
        variant=0,
        today=TODAY,
        actions=[action("Call Jan", opening=opening)],
        prepared=frozenset({7}),
    )
    shown = text(render(cat, view))
    [line] = [line for line in shown.split("\n") if "Hi Jan" in line]
    assert line.startswith("• ") and "*Call Jan* · " in line and "“Hi Jan, a quick word about the audit" in line
    assert line.endswith("…”") and cat.t("nudge.prep.opening_label") not in line
    assert shown.count("Call Jan") == 1  # one line per action: day, title, opening line; the title said once
    clipped = line[line.index("“") + 1 : -2]  # cut after a whole word
    assert opening.startswith(clipped) and opening[len(clipped)] in " ,.", clipped


@pytest.mark.parametrize(("language", "since"), [("en", "still open since Fri 27 November"), ("nl", "nog open sinds")])
def test_the_week_plan_says_an_action_whose_date_has_passed_is_still_open(language, since):
    cat = Catalogue(language)
    late, ahead = action("Call Jan"), action("Mail Piet")
    late.id, late.due_date = 8, date(2026, 11, 27)  # last Friday; its check-in comes this week
    view = NudgeView(nudge_id=1, kind="weekplan", variant=0, today=TODAY, actions=[ahead, late])
    lines = [line for line in text(render(cat, view)).split("\n") if line.startswith("• ")]
    assert "*Mail Piet*" in lines[0] and "open" not in lines[0]  # the week ahead first
    assert lines[1].startswith(f"• {since}") and "*Call Jan*" in lines[1]


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_long_week_plan_never_cuts_the_line_that_carries_a_preparation(language):
    cat = Catalogue(language)
    late = [action(f"Old call {n}") for n in range(8)]
    for n, old in enumerate(late):
        old.id, old.due_date = 100 + n, date(2026, 11, 20 + n % 5)
    soon = action("Call Jan", opening="Hi Jan, a quick word about the audit.")  # due in two days, id 7
    view = NudgeView(nudge_id=1, kind="weekplan", variant=0, today=TODAY, actions=[*late, soon],
                     prepared=frozenset({7}))
    shown = text(render(cat, view))
    assert "*Call Jan* · " in shown and "“Hi Jan, a quick word about the audit.”" in shown


def test_a_clipped_opening_line_keeps_whole_words_and_ends_in_one_mark():
    from bot.messages.nudges import _clip

    assert _clip("aaaa bbbb cccc dddd", 10) == "aaaa bbbb…"  # the cut fell on a space: the word before it stays
    assert _clip("aaaa bbbb cccc dddd", 12) == "aaaa bbbb…"  # inside a word: that word goes
    assert _clip("Hi Jan. How are you doing today?", 9) == "Hi Jan…"  # not "Hi Jan.…"
    assert _clip("short", 10) == "short"
