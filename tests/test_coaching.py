"""Behaviour of the SMART coach (bot/services/coaching.py) and its message catalogue."""

import string
import tomllib
from datetime import date
from pathlib import Path

import pytest

from bot.messages.coaching import better_version, format_date, join_names, tips
from bot.services.coaching import (
    KINDS,
    Coaching,
    Draft,
    Finding,
    coach,
    extract_contacts,
)

TODAY = date(2026, 11, 26)
JUNE_30 = date(2027, 6, 30)
MESSAGES = Path(__file__).resolve().parents[1] / "config" / "messages"


def better(coaching: Coaching, language: str) -> str | None:
    return better_version(coaching.better, language) if coaching.better else None


def points(coaching: Coaching) -> list[str]:
    return [finding.point for finding in coaching.findings]


def draft(title: str, due: date | None = JUNE_30, contacts: list[str] | None = None, kind: str = "other"):
    return Draft(title=title, contacts=contacts or [], due=due, kind=kind)


# --- the article's example ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Call Jan, Piet and Klaas in June and, within four months, book a catch-up with each of them",
        (
            "Jan, Piet en Klaas bellen in juni, en binnen vier maanden een netwerkafspraak met ze maken "
            + "om bij te praten"
        ),
    ],
)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_articles_example_is_concrete(title, language):
    coaching = coach(draft(title, kind="networking"), TODAY)
    assert coaching.concrete
    assert not coaching.blocking
    assert coaching.findings == []
    assert coaching.better is None
    assert tips(coaching, language, title) == []


# --- specific -------------------------------------------------------------------------------------


def test_vague_clients_fail_specific_and_get_a_better_version():
    coaching = coach(draft("call some clients this summer", due=None), TODAY)
    assert points(coaching) == ["specific", "due_missing"]
    assert coaching.blocking
    assert not coaching.concrete
    assert better(coaching, "en") == "Call Jan, Piet and Klaas before the end of the month."


def test_vague_clients_with_a_date_use_that_date_in_the_better_version():
    coaching = coach(draft("call some clients this summer"), TODAY)
    assert points(coaching) == ["specific"]
    assert not coaching.blocking
    assert better(coaching, "en") == "Call Jan, Piet and Klaas before 30 June."


@pytest.mark.parametrize(
    "title",
    ["call someone", "meet people at the fair", "mail a few clients", "bel iemand", "klanten bellen"],
)
def test_vague_words_without_names_fail_specific(title):
    assert "specific" in points(coach(draft(title), TODAY))


def test_contacts_given_separately_make_it_specific():
    coaching = coach(draft("call them about the renewal", contacts=["<@U123ABC>"]), TODAY)
    assert coaching.concrete


def test_the_better_version_follows_the_persons_verb():
    assert better(coach(draft("mail some clients"), TODAY), "en") == "Email Jan, Piet and Klaas before 30 June."
    assert better(coach(draft("nodig een paar klanten uit"), TODAY), "nl") == (
        "Stuur een uitnodiging naar Jan, Piet en Klaas vóór 30 juni."
    )
    assert better(coach(draft("ga lunchen met wat klanten"), TODAY), "nl") == (
        "Ga lunchen met Jan, Piet en Klaas vóór 30 juni."
    )


# --- action ---------------------------------------------------------------------------------------


def test_a_title_without_a_verb_fails_action_and_keeps_the_names():
    coaching = coach(draft("Jan, Piet and Klaas before the summer"), TODAY)
    assert points(coaching) == ["action"]
    assert not coaching.blocking
    assert better(coaching, "en") == "Call Jan, Piet and Klaas before 30 June."


def test_a_dutch_title_without_a_verb_fails_action():
    coaching = coach(draft("Marieke de Vries, de nieuwe opdracht"), TODAY)
    assert points(coaching) == ["action"]
    assert better(coaching, "nl") == "Bel Marieke de Vries vóór 30 juni."


@pytest.mark.parametrize(
    "title",
    [
        "Call Jan",
        "phone Piet",
        "email Klaas",
        "e-mail Klaas",
        "visit Acme",
        "invite Jan to the seminar",
        "send Piet the proposal",
        "schedule a catch-up with Klaas",
        "follow up with Jan",
        "Bel Jan",
        "Jan bellen",
        "spreek af met Piet",
        "spreek met Piet af",
        "ga langs bij Acme",
        "nodig Klaas uit voor de borrel",
        "stuur Jan de offerte",
        "plan een vervolgafspraak met Piet in",
        "Acme opvolgen",
        "bezoek Klaas op kantoor",
    ],
)
def test_concrete_verbs_in_either_language_pass_action(title):
    assert "action" not in points(coach(draft(title), TODAY))


# --- kiss -----------------------------------------------------------------------------------------


def test_a_long_paragraph_fails_kiss():
    title = (
        "Call Jan about the renewal. Then also mail Piet the new proposal we discussed last week. "
        "After that, visit Klaas and ask him about the merger, and then write it all up for the team."
    )
    coaching = coach(draft(title), TODAY)
    assert points(coaching) == ["kiss"]
    assert not coaching.blocking
    assert coaching.better is None


def test_a_single_sentence_over_140_characters_fails_kiss():
    title = "Call Jan " + "about the renewal of the contract " * 5
    assert len(title) > 140
    assert points(coach(draft(title), TODAY)) == ["kiss"]


def test_three_sentences_fail_kiss_even_when_short():
    assert points(coach(draft("Call Jan. Mail Piet. Visit Klaas."), TODAY)) == ["kiss"]


def test_more_than_two_chains_fail_kiss():
    title = "bel Jan en daarna Piet en daarna Klaas en daarna Kees"
    assert points(coach(draft(title), TODAY)) == ["kiss"]


def test_several_contacts_in_one_action_are_still_kiss():
    assert coach(draft("Call Jan, Piet, Klaas, Kees and Marieke"), TODAY).concrete


def test_initials_and_abbreviations_are_not_sentence_ends():
    assert coach(draft("Call J. de Vries, e.g. about Q3. Mail Piet."), TODAY).concrete


# --- due ------------------------------------------------------------------------------------------


def test_a_missing_date_is_blocking():
    coaching = coach(draft("Call Jan", due=None), TODAY)
    assert coaching.findings == [Finding("due_missing", blocking=True)]
    assert coaching.blocking
    assert coaching.better is None


def test_a_past_date_is_blocking():
    coaching = coach(draft("Call Jan", due=date(2026, 11, 25)), TODAY)
    assert coaching.findings == [Finding("due_past", blocking=True)]
    assert coaching.blocking


def test_a_date_thirteen_months_away_is_blocking():
    coaching = coach(draft("Call Jan", due=date(2027, 12, 26)), TODAY)
    assert coaching.findings == [Finding("due_far", blocking=True)]
    assert coaching.blocking


@pytest.mark.parametrize("due", [TODAY, date(2027, 11, 26)])
def test_today_and_exactly_twelve_months_away_are_fine(due):
    assert coach(draft("Call Jan", due=due), TODAY).concrete


def test_an_invalid_date_is_not_used_in_the_better_version():
    coaching = coach(draft("bel een paar klanten", due=date(2026, 1, 1)), TODAY)
    assert points(coaching) == ["specific", "due_past"]
    assert better(coaching, "nl") == "Bel Jan, Piet en Klaas vóór het eind van de maand."


# --- Dutch inputs ---------------------------------------------------------------------------------


def test_dutch_vague_clients():
    coaching = coach(draft("bel een paar klanten", due=None), TODAY)
    assert points(coaching) == ["specific", "due_missing"]
    assert coaching.blocking
    assert better(coaching, "nl") == "Bel Jan, Piet en Klaas vóór het eind van de maand."


def test_dutch_name_first_with_infinitive():
    coaching = coach(draft("Piet bellen voor de lunch"), TODAY)
    assert coaching.concrete
    assert extract_contacts("Piet bellen voor de lunch") == ["Piet"]


def test_dutch_lunch_with_a_particle_name():
    coaching = coach(draft("lunch met Marieke de Vries", kind="top_client"), TODAY)
    assert coaching.concrete
    assert extract_contacts("lunch met Marieke de Vries") == ["Marieke de Vries"]


def test_dutch_lunch_without_a_date():
    coaching = coach(draft("lunch met Marieke de Vries", due=None), TODAY)
    assert points(coaching) == ["due_missing"]


# --- extract_contacts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bel Jan, Piet en Klaas", ["Jan", "Piet", "Klaas"]),
        ("call Jan and Piet", ["Jan", "Piet"]),
        ("Call Jan and Piet", ["Jan", "Piet"]),
        ("lunch with Marieke de Vries from Acme", ["Marieke de Vries"]),
        ("lunch met Marieke de Vries van Acme", ["Marieke de Vries"]),
        ("mail Acme Legal about the renewal", ["Acme Legal"]),
        ("ping <@U123ABC|jan> about the proposal", ["<@U123ABC>"]),
        ("call <@U123ABC> and <@W456DEF|piet>", ["<@U123ABC>", "<@W456DEF>"]),
        ("call <@U123ABC|jan>, then <@U123ABC> again", ["<@U123ABC>"]),
        ("Bel Jan van der Berg", ["Jan van der Berg"]),
        ("Jan van Dijk en Kees ter Horst uitnodigen", ["Jan van Dijk", "Kees ter Horst"]),
        ("Anne-Marie van 't Hof bellen", ["Anne-Marie van 't Hof"]),
        ("bel Van Dijk en De Vries", ["Van Dijk", "De Vries"]),
        ("Meet Smith & Jones on Monday", ["Smith & Jones"]),
        ("Mail Jan before June, and Jan again in July", ["Jan"]),
        ("I call Piet in Q3 via LinkedIn", ["Piet"]),
        ("Before Christmas, visit Klaas", ["Klaas"]),
        ("Op maandag Kees bellen in maart", ["Kees"]),
        ("call Jan's assistant", ["Jan"]),
        ("call J. de Vries", ["J. de Vries"]),
        ("Aftercare gesprek inplannen met De Groot BV", ["De Groot BV"]),
        ("Kerstkaart sturen naar top-3 klanten", []),
        ("call some clients this summer", []),
        ("Call Some Clients", []),
        ("bel een paar klanten", []),
        ("iemand bellen", []),
        ("mail jan@acme.nl", []),
        ("", []),
    ],
)
def test_extract_contacts(text, expected):
    assert extract_contacts(text) == expected


# --- rendering ------------------------------------------------------------------------------------


def test_tips_render_one_line_per_finding_and_the_better_line():
    coaching = coach(draft("call some clients this summer", due=date(2026, 6, 1)), TODAY)
    lines = tips(coaching, "en", "call some clients this summer")
    assert len(lines) == 3
    assert lines[0].startswith("Who exactly?")
    assert "1 June 2026" in lines[1]
    assert lines[2] == (
        "Not: call some clients this summer. Better: Call Jan, Piet and Klaas before the end of the month."
    )


def test_tips_in_dutch():
    coaching = coach(draft("Call Jan", due=date(2027, 12, 26)), TODAY)
    (line,) = tips(coaching, "nl", "Call Jan")
    assert line.startswith("Dat is meer dan een jaar vooruit.")
    assert "26 november 2027" in line


def test_an_unknown_language_falls_back_to_english_and_regional_codes_work():
    vague = draft("call some clients")
    assert better(coach(vague, TODAY), "fr") == "Call Jan, Piet and Klaas before 30 June."
    assert better(coach(vague, TODAY), "nl-NL") == "Bel Jan, Piet en Klaas vóór 30 juni."


def test_dates_and_lists_are_formatted_per_language():
    assert format_date(JUNE_30, "en") == "30 June"
    assert format_date(JUNE_30, "nl") == "30 juni"
    assert format_date(date(2027, 3, 1), "nl", with_year=True) == "1 maart 2027"
    assert join_names(["Jan", "Piet", "Klaas"], "en") == "Jan, Piet and Klaas"
    assert join_names(["Jan", "Piet"], "nl") == "Jan en Piet"
    assert join_names(["<@U1>"], "nl") == "<@U1>"


def test_kinds():
    assert KINDS == ("buying_signal", "aftercare", "top_client", "networking", "other")


# --- the catalogue --------------------------------------------------------------------------------


def load(language: str) -> dict:
    with open(MESSAGES / language / "coach.toml", "rb") as file:
        return tomllib.load(file)


def placeholders(value) -> set[str]:
    if isinstance(value, list):
        return set().union(*(placeholders(item) for item in value)) if value else set()
    return {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}


def test_the_catalogues_have_the_same_keys_and_placeholders():
    en, nl = load("en"), load("nl")
    assert set(en) == set(nl) == {"coach"}
    assert en["coach"].keys() == nl["coach"].keys()
    for key, value in en["coach"].items():
        assert type(value) is type(nl["coach"][key]), key
        assert placeholders(value) == placeholders(nl["coach"][key]), key


def test_the_catalogue_has_every_text_the_coach_uses():
    for language in ("en", "nl"):
        texts = load(language)["coach"]
        for point in ("specific", "action", "kiss", "due_missing", "due_past", "due_far"):
            assert f"tip_{point}" in texts
        assert len(texts["months"]) == 12
        assert placeholders(texts["better_template"]) == {"verb", "contacts", "due"}
        assert placeholders(texts["better"]) == {"original", "better"}
        assert placeholders(texts["tip_due_past"]) == {"due"}
        for key in ("intro", "override_hint", "verb_default", "placeholder_contacts", "placeholder_due"):
            assert texts[key]
        assert texts["and"]
