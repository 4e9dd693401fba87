"""Input as people type it: free text is read in both languages, the person's own first; answers stay in theirs.

A Dutch professional whose Slack is in English types Dutch (`/action bel Jan morgen`), and the other way round.
Service-level readings first, then the commands through signed requests, then a plan file.
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from bot.services import dates, people, quick_add
from bot.services.dates import read_due
from bot.services.personal_settings import SettingError, parse_days, parse_hours, parse_pause, parse_time
from bot.simulate.plan_file import load_plan
from bot.simulate.run import Options, simulate
from tests.scenario import actions_of, last_response, person, stored_person, text_of

TODAY = date(2026, 11, 26)  # Thursday, the day of TEST_NOW
FRIDAY, MONDAY = date(2026, 11, 27), date(2026, 11, 30)
TOMORROW = FRIDAY


# ---- reading a due date -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, language, due, phrase",
    [
        ("bel Jan morgen", "en", TOMORROW, "morgen"),
        ("bel Jan voor eind juni", "en", date(2027, 6, 30), "voor eind juni"),
        ("bel Jan over 3 dagen", "en", date(2026, 11, 29), "over 3 dagen"),
        ("call Jan by Friday", "nl", FRIDAY, "by Friday"),
        ("call Jan by end of June", "nl", date(2027, 6, 30), "by end of June"),
        ("call Jan in 3 days", "nl-NL", date(2026, 11, 29), "in 3 days"),
        ("call Jan tomorrow", "en", TOMORROW, "tomorrow"),
        ("bel Jan morgen", "nl", TOMORROW, "morgen"),
    ],
)
def test_a_date_in_the_other_language_is_read_too(text: str, language: str, due: date, phrase: str) -> None:
    found = read_due(text, TODAY, language)
    assert found is not None
    assert (found.due, text[found.start : found.end]) == (due, phrase)


@pytest.mark.parametrize("language, due", [("en", FRIDAY), ("nl", MONDAY)])
def test_when_both_languages_read_a_date_the_persons_own_language_wins(language: str, due: date) -> None:
    found = read_due("call Jan friday of maandag", TODAY, language)
    assert found is not None and found.due == due


def test_a_longer_reading_of_the_same_phrase_takes_all_of_it() -> None:
    # English alone reads "4 december"; the whole phrase is Dutch, so nothing of it stays in the title.
    found = read_due("bel Jan op vrijdag 4 december", TODAY, "en")
    assert found is not None and (found.due, found.start) == (date(2026, 12, 4), len("bel Jan "))
    mixed = read_due("bel Jan uiterlijk friday", TODAY, "en")
    assert mixed is not None and (mixed.due, mixed.start) == (FRIDAY, len("bel Jan "))


@pytest.mark.parametrize("text", ["over 3 days", "talk over 3 days", "bel Jan", "call Jan about the budget"])
def test_no_date_is_made_up_from_words_of_two_languages(text: str) -> None:
    assert read_due(text, TODAY, "en") is None
    assert read_due(text, TODAY, "nl") is None


def test_without_a_language_both_are_read_as_before() -> None:
    assert read_due("bel Jan morgen", TODAY, None) == dates.find_due("bel Jan morgen", TODAY)


def test_the_date_reader_knows_the_languages_people_can_choose() -> None:
    assert dates.LANGUAGES == people.LANGUAGES


@pytest.mark.parametrize(
    "text, language, title, due",
    [
        ("bel Jan morgen", "en", "Bel Jan", TOMORROW),
        ("call Jan tomorrow", "nl", "Call Jan", TOMORROW),
        ("bel Jan", "en", "Bel Jan", None),
    ],
)
def test_quick_add_cuts_the_date_out_in_either_language(text: str, language: str, title: str, due: date | None) -> None:
    parsed = quick_add.parse(text, TODAY, language)
    assert (parsed.title, parsed.due) == (title, due)


# ---- reading settings -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, language, expected",
    [
        ("until friday", "nl", FRIDAY),
        ("friday", "nl", FRIDAY),
        ("tot vrijdag", "en", FRIDAY),
        ("tot en met 3 januari", "en", date(2027, 1, 3)),
        ("until next Friday", "nl", date(2026, 12, 4)),
    ],
)
def test_pause_reads_the_other_language(typed: str, language: str, expected: date) -> None:
    assert parse_pause(typed, TODAY, language) == expected


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("maandag tot en met donderdag", {0, 1, 2, 3}),
        ("ma t/m do", {0, 1, 2, 3}),
        ("monday until thursday", {0, 1, 2, 3}),
        ("weekdagen", {0, 1, 2, 3, 4}),
        ("ma, wo en vr", {0, 2, 4}),
    ],
)
def test_days_in_either_language(typed: str, expected: set[int]) -> None:
    assert parse_days(typed) == frozenset(expected)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("van 8.30 tot 16.00", (time(8, 30), time(16, 0))),
        ("tussen 9 en 17 uur", (time(9, 0), time(17, 0))),
        ("from 9 to 17", (time(9, 0), time(17, 0))),
        ("between 9am and 5pm", (time(9, 0), time(17, 0))),
        ("8:30 a.m. - 4:30 p.m.", (time(8, 30), time(16, 30))),
    ],
)
def test_hours_in_either_language(typed: str, expected: tuple[time, time]) -> None:
    assert parse_hours(typed) == expected


@pytest.mark.parametrize("typed, expected", [("3pm", time(15, 0)), ("12am", time(0, 0)), ("12pm", time(12, 0))])
def test_a_twelve_hour_clock_is_read(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", ["13pm", "0am", "9 pm am"])
def test_impossible_twelve_hour_times_are_refused(typed: str) -> None:
    with pytest.raises(SettingError):
        parse_time(typed)


# ---- through the commands ---------------------------------------------------------------------------------


def answer(slack, text: str) -> str:
    response = slack.command("/conscience", text)
    assert response.status == 200
    return response.json()["text"]




def test_an_english_speaker_typing_dutch_gets_an_action_due_tomorrow_without_the_form(slack, running, fake_slack, deps):
    person(deps, language="en")
    slack.command("/action", "bel Jan morgen")
    text = text_of(last_response(fake_slack))
    assert "Saved: *Bel Jan*" in text and "Done by:" in text  # the answer stays in English
    running.settle()
    [action] = actions_of(deps)
    assert (action.title, action.due_date, action.status) == ("Bel Jan", TOMORROW, "open")
    assert fake_slack.calls_to("views.open") == []


def test_a_dutch_speaker_typing_english_gets_the_action_saved_and_answered_in_dutch(slack, running, fake_slack, deps):
    person(deps, language="nl")
    slack.command("/action", "call Jan by Friday")
    text = text_of(last_response(fake_slack))
    assert "Opgeslagen: *Call Jan*" in text and "Uiterlijk op:" in text
    running.settle()
    [action] = actions_of(deps)
    assert (action.title, action.due_date) == ("Call Jan", FRIDAY)
    assert fake_slack.calls_to("views.open") == []


def test_a_dutch_speaker_pauses_until_friday(slack, deps) -> None:
    person(deps, language="nl")
    assert answer(slack, "pause until friday").startswith("Geniet ervan!")
    assert stored_person(deps).paused_until == FRIDAY


def test_an_english_speaker_pauses_tot_vrijdag(slack, deps) -> None:
    person(deps, language="en")
    assert answer(slack, "pause tot vrijdag").startswith("Enjoy the break!")
    assert stored_person(deps).paused_until == FRIDAY


def test_days_in_the_other_language_are_answered_in_the_persons_own(slack, deps) -> None:
    person(deps, language="en")
    assert "Mon–Thu" in answer(slack, "days maandag tot en met donderdag")
    assert stored_person(deps).work_days == "mon,tue,wed,thu"
    person(deps, language="nl")
    text = answer(slack, "days monday until wednesday")
    assert text.startswith("Geregeld") and "ma–wo" in text
    assert stored_person(deps).work_days == "mon,tue,wed"


def test_hours_in_the_other_language_are_answered_in_the_persons_own(slack, deps) -> None:
    person(deps, language="en")
    assert answer(slack, "hours van 8.30 tot 16.00").startswith("Done")
    assert (stored_person(deps).work_start, stored_person(deps).work_end) == (time(8, 30), time(16, 0))
    person(deps, language="nl")
    text = answer(slack, "hours from 9am to 5pm")
    assert text.startswith("Geregeld") and "09:00" in text and "17:00" in text
    assert (stored_person(deps).work_start, stored_person(deps).work_end) == (time(9, 0), time(17, 0))


# ---- a plan file ------------------------------------------------------------------------------------------

DUTCH_PLAN = """\
team:
  digest: "ma 09:00"
people:
  - name: Eva Mulder
    hours: "van 8.30 tot 16.00"
    days: ma t/m do
    checkin: "15u"
    actions:
      - title: Bel Jan de Vries over de offerte
        due: woensdag
      - title: Plan koffie met Piet
        due: do+1
"""


def test_a_plan_file_with_dutch_days_and_times_plays_in_an_english_run(tmp_path: Path) -> None:
    path = tmp_path / "plan.yml"
    path.write_text(DUTCH_PLAN, encoding="utf-8")
    plan = load_plan(path)
    [eva] = plan.people
    assert (eva.hours, eva.days, eva.checkin) == ((time(8, 30), time(16, 0)), frozenset({0, 1, 2, 3}), time(15, 0))
    assert [a.due_days for a in eva.actions] == [2, 10]
    assert (plan.digest_day, plan.digest_time) == (0, time(9, 0))
    outcome = simulate(Options(weeks=1, language="en", plan=plan))
    try:
        sent = [e for e in outcome.entries if e.what == "dm" and e.who == "Eva Mulder"]
    finally:
        outcome.close()
    assert sent and all(e.local.weekday() < 4 and time(8, 30) <= e.local.time() <= time(16, 0) for e in sent)
    assert "Bel Jan de Vries over de offerte" in text_of([e.blocks for e in sent])
