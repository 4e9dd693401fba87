"""Suggested opening lines to clients in `je` or `u`: a person chooses, or their team's default applies;
English has one form. The choice shows in the personal settings and in the team settings, in both languages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.messages.action_form import suggestion
from bot.messages.catalogue import Catalogue
from bot.services.personal_settings import SettingError, formality_of, parse_formality
from models import Person, Team
from tests.scenario import manager_of, opened_view, person, text_of

FORMAL = "Ik moest aan u denken"
INFORMAL = "Ik moest aan je denken"


def answer(slack, text: str, user: str = "U1") -> str:
    response = slack.command("/conscience", text, user=user)
    assert response.status == 200
    return text_of(response.json())


def starter_form(slack, fake_slack, user: str = "U1", count: int = 1) -> str:
    """The form a Home starter opens: the `count`th form opened in this test."""
    slack.block_action(
        "home_starter:top_client", "top_client", user=user, container={"type": "view", "view_id": "VHOME"}
    )
    return text_of(opened_view(fake_slack, count))


def set_team_formality(deps, value: str | None) -> None:
    with deps.transaction() as session:
        for team in session.scalars(select(Team)):
            team.formality = value


@pytest.mark.parametrize(
    ("typed", "expected"), [("u", "u"), ("U", "u"), ("formeel", "u"), ("je", "je"), ("jij", "je"), ("informal", "je")]
)
def test_the_form_of_address_is_read_in_either_language(typed, expected):
    assert parse_formality(typed) == expected


def test_an_unknown_form_of_address_is_refused():
    with pytest.raises(SettingError) as refused:
        parse_formality("jullie")
    assert refused.value.code == "formality_format"


def test_opening_lines_come_in_je_or_u_in_dutch_and_in_one_form_in_english():
    nl, en = Catalogue("nl"), Catalogue("en")
    for kind in ("buying_signal", "aftercare", "top_client", "networking", "other"):
        formal, informal = suggestion(nl, "opening", kind, "u"), suggestion(nl, "opening", kind, "je")
        assert " u " in f" {formal} " or "uw" in formal, formal
        assert " je " in f" {informal} " or "jouw" in informal, informal
        assert " je " not in f" {formal} " and "jouw" not in formal, formal
        assert suggestion(en, "opening", kind, "u") == suggestion(en, "opening", kind, "je")
    # The voicemail plan speaks to the person, not to the client: one form.
    assert suggestion(nl, "voicemail", "top_client", "u") == suggestion(nl, "voicemail", "top_client", "je")


def test_a_person_who_chooses_u_gets_u_lines(slack, running, fake_slack, deps):
    person(deps, language="nl")
    assert "spreken klanten nu aan met" in answer(slack, "formality u")
    assert FORMAL in starter_form(slack, fake_slack)
    with deps.sessions() as session:
        assert session.scalar(select(Person.formality)) == "u"


def test_by_default_the_lines_say_je(slack, running, fake_slack, deps):
    person(deps, language="nl")
    assert INFORMAL in starter_form(slack, fake_slack)


def test_a_team_default_applies_to_its_members_and_a_persons_own_choice_wins(slack, running, fake_slack, deps):
    manager_of(deps, "UMAN", "U1")
    person(deps, language="nl")
    set_team_formality(deps, "u")
    assert FORMAL in starter_form(slack, fake_slack)
    assert "u (formeel), de standaard van je team" in answer(slack, "settings")
    with deps.sessions() as session:
        member = session.scalar(select(Person).where(Person.slack_user_id == "U1"))
        assert member is not None and formality_of(session, member) == "u"
    answer(slack, "formality je")
    assert INFORMAL in starter_form(slack, fake_slack, "U1", count=2)


def test_the_settings_show_the_form_of_address_in_both_languages(slack, running, deps):
    person(deps)
    shown = answer(slack, "settings")
    assert "Opening lines in Dutch" in shown and "je (informal), the default" in shown
    answer(slack, "formality u")
    assert "u (formal)" in answer(slack, "settings")
    answer(slack, "language nl")
    shown = answer(slack, "settings")
    assert "Aanspreekvorm in openingszinnen" in shown and "u (formeel)" in shown
    assert "`/conscience formality je|u`" in answer(slack, "help")
    assert "ken ik niet" in answer(slack, "formality jullie")


@pytest.mark.parametrize(("language", "label"), [("en", "Opening lines in Dutch"), ("nl", "Aanspreekvorm")])
def test_the_team_settings_modal_sets_the_teams_default(slack, running, fake_slack, deps, language, label):
    manager_of(deps, "UMAN", "U1")
    person(deps, "UMAN", language=language)
    slack.command("/conscience", "team settings", user="UMAN")
    running.settle()
    view = opened_view(fake_slack)
    field = next(b for b in view["blocks"] if b.get("block_id") == "formality")
    assert label in field["label"]["text"]
    assert [o["value"] for o in field["element"]["options"]] == ["je", "u"]
    assert field["element"]["initial_option"]["value"] == "je"
    values = {
        "weekday": {"value": {"type": "static_select", "selected_option": {"value": "0"}}},
        "time": {"value": {"type": "timepicker", "selected_time": "09:00"}},
        "timezone": {"value": {"type": "plain_text_input", "value": "Europe/Amsterdam"}},
        "privacy": {"value": {"type": "static_select", "selected_option": {"value": "summary"}}},
        "language": {"value": {"type": "static_select", "selected_option": {"value": language}}},
        "formality": {"value": {"type": "static_select", "selected_option": {"value": "u"}}},
    }
    slack.view_submission("team_settings", values, user="UMAN", private_metadata=view["private_metadata"])
    running.settle()
    with deps.sessions() as session:
        assert session.scalar(select(Team.formality)) == "u"
